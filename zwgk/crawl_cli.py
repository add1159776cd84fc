"""The crawl side of ``zwgk``: ``demo``, ``discover``, ``crawl``, ``worker`` and ``schedule``.

Each handler imports the crawl machinery when it runs, not when this module loads: Scrapy and
Twisted take a second or more to import, which ``zwgk audit …`` and ``zwgk --help`` should not pay.
The bodies live in ``zwgk.commands``, ``zwgk.demo`` and ``zwgk.schedule``.
"""

from __future__ import annotations

import argparse
import sys

from zwgk import schedule
from zwgk.options import (
    DATA_HELP,
    add_redis_prefix_option,
    add_scrapy_options,
    add_site_option,
    add_store_options,
)


def demo(args: argparse.Namespace) -> int:
    """``zwgk demo``: serve the replica, crawl it, print the 2018 figures."""
    from zwgk.demo import run_demo  # Scrapy: imported when a crawl runs (see the module docstring)

    return run_demo(port=args.port, data_dir=args.data, spec_name=args.spec)


def discover(args: argparse.Namespace) -> int:
    """``zwgk discover URL``: write a site profile from the portal's home, nav and hub pages."""
    from zwgk.commands import discover as run_discover  # Scrapy: imported when a crawl runs

    return run_discover(args)


def crawl(args: argparse.Namespace) -> int:
    """``zwgk crawl TARGET``: crawl one portal now, or queue several for workers with ``--redis``."""
    from zwgk.cluster_commands import crawl_with_workers
    from zwgk.commands import crawl as run_crawl  # Scrapy: imported when a crawl runs

    if args.redis:
        return crawl_with_workers(args)
    if args.workers is not None:
        raise ValueError("--workers needs --redis URL (the queue the workers share)")
    if len(args.target) != 1:
        raise ValueError("crawl one target at a time, or queue several with --redis URL")
    args.target = args.target[0]
    return run_crawl(args)


def worker(args: argparse.Namespace) -> int:
    """``zwgk worker``: crawl what ``zwgk crawl --redis`` queued."""
    from zwgk.cluster_commands import worker as run_worker  # Scrapy: imported when a crawl runs

    return run_worker(args)


def schedule_crawls(args: argparse.Namespace) -> int:
    """``zwgk schedule TARGET``: print (or install) the site's crontab lines."""
    from zwgk.commands import target_slug  # reads a profile through the crawler package

    slug = target_slug(args.target, args.site)
    lines = schedule.crontab_lines(args, slug)
    print("\n".join(lines))
    if args.install:
        schedule.install(lines, slug)
        print(f"installed in this user's crontab (lines marked {schedule.MARKER}{slug})", file=sys.stderr)
    return 0


def _add_demo(sub: argparse._SubParsersAction) -> None:
    demo_parser = sub.add_parser(
        "demo", help="serve the bundled replica portal, crawl it, print the 2018 figures"
    )
    demo_parser.add_argument("--port", type=int, default=8418, help="port for the replica (default 8418)")
    demo_parser.add_argument("--data", metavar="DIR", default=None, help="data folder (default ./zwgk-data)")
    demo_parser.add_argument("--spec", default="qingshi", help="replica spec (default qingshi)")
    demo_parser.set_defaults(handler=demo)


def _add_discover(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("discover", help="write a site profile from a portal's home, nav and hub pages")
    parser.add_argument("url", help="the portal's home page (http or https)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the profile here (default: print it)")
    add_site_option(parser, help="slug for the profile (default: the host)")
    add_scrapy_options(parser, settings=False)
    parser.set_defaults(handler=discover)


def _add_crawl(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("crawl", help="crawl a portal: TARGET is a site-profile YAML or the portal's URL")
    parser.add_argument("target", nargs="+", help="one target; several only with --redis")
    add_store_options(parser)
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="queue the targets in this Redis for `zwgk worker` processes (see --workers)",
    )
    add_redis_prefix_option(parser)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="with --redis: start N local workers over the queue and wait for them "
        "(default: the cores available; 0: only queue, and return at once)",
    )
    add_site_option(parser, help="slug for a portal given by URL (default: its host)")
    parser.add_argument("--json", action="store_true", help="print the run summary as JSON")
    parser.add_argument(
        "--site-moved",
        action="store_true",
        help="the site moved to TARGET's address: re-base its stored URLs",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--incremental",
        dest="mode",
        action="store_const",
        const="incremental",
        help="walk listings only until known items; fetch only new pages (for nightly runs)",
    )
    mode.add_argument(
        "--sweep",
        dest="mode",
        action="store_const",
        const="sweep",
        help="walk whole listings, detect removals, revalidate known pages conditionally",
    )
    parser.add_argument(
        "--revalidate-fraction",
        type=float,
        default=1.0,
        metavar="F",
        help="in a sweep, revalidate this share of known pages tonight (default 1)",
    )
    parser.add_argument(
        "--no-inspect",
        dest="inspect",
        action="store_false",
        help="skip the inspector's checks (attachments, personal data, wording errors, dead links)",
    )
    add_scrapy_options(parser)
    parser.set_defaults(mode="full", handler=crawl)


def _add_worker(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "worker", help="crawl whatever `zwgk crawl --redis` queued, with any number of other workers"
    )
    parser.add_argument("--redis", metavar="URL", required=True, help="the Redis holding the queue")
    add_redis_prefix_option(parser)
    parser.add_argument("--db", metavar="URL", help="the shared database (PostgreSQL; SQLite for one worker)")
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="this worker's data folder: WARC files (and the SQLite file without --db)",
    )
    parser.add_argument(
        "--idle-exit",
        type=float,
        default=10.0,
        metavar="S",
        help="exit once nothing was queued or in flight on any worker for S seconds (default 10)",
    )
    parser.add_argument(
        "--wait", type=float, default=0.0, metavar="S", help="wait up to S seconds for a run to be queued"
    )
    parser.add_argument("--json", action="store_true", help="print the worker's summary as JSON")
    parser.add_argument(
        "--progress-json",
        action="store_true",
        help="report progress as one JSON line a interval on stdout (for `zwgk crawl --workers`), "
        "not on the console",
    )
    add_scrapy_options(parser)
    parser.set_defaults(handler=worker)


def _add_schedule(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("schedule", help="print (or --install) the crontab lines for a site")
    parser.add_argument("target", help="a site-profile YAML or the portal's URL")
    parser.add_argument("--at", required=True, metavar="HH:MM", help="time of the nightly incremental run")
    add_site_option(parser, help="slug for a portal given by URL (default: its host)")
    parser.add_argument("--data", metavar="DIR", help=DATA_HELP)
    parser.add_argument(
        "--sweep-day",
        type=int,
        default=0,
        metavar="0-6",
        help="day of the week for the full sweep (0 = Sunday, default)",
    )
    parser.add_argument(
        "--revalidate-fraction",
        type=float,
        default=0.25,
        metavar="F",
        help="share of known pages the weekly sweep revalidates (default 0.25)",
    )
    parser.add_argument("--install", action="store_true", help="add the lines to this user's crontab")
    parser.set_defaults(handler=schedule_crawls)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``demo``, ``discover``, ``crawl``, ``worker`` and ``schedule``."""
    _add_demo(sub)
    _add_discover(sub)
    _add_crawl(sub)
    _add_worker(sub)
    _add_schedule(sub)
