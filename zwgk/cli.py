"""The ``zwgk`` command: parses arguments and calls into the packages; no logic of its own.

Exit codes: 0 done; 1 unexpected error (a record could not be stored, a callback failed);
2 bad input (arguments, profile, database URL); 3 the portal could not be reached;
4 another run of the same site is active; 5 the crawl finished but some columns were blocked or
failed; 6 the crawl finished but a monitor flagged it (a column shrank, nothing found).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from crawler.profile import ProfileError
from storage.db import DatabaseError
from zwgk import archive_cli, audit_cli, report_cli, schedule, web_cli

logger = logging.getLogger(__name__)

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zwgk", description="Crawl, archive and audit 政务公开 columns.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="serve the bundled replica portal, crawl it, print the 2018 figures")
    demo.add_argument("--port", type=int, default=8418, help="port for the replica (default 8418)")
    demo.add_argument("--data", metavar="DIR", default=None, help="data folder (default ./zwgk-data)")
    demo.add_argument("--spec", default="qingshi", help="replica spec (default qingshi)")

    replica = sub.add_parser("replica", help="the bundled replica portal")
    rsub = replica.add_subparsers(dest="replica_command", required=True)
    serve = rsub.add_parser("serve", help="serve the replica on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8418)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--spec", default="qingshi")
    truth = rsub.add_parser("truth", help="print the replica's ground truth as JSON")
    truth.add_argument("--spec", default="qingshi")
    export = rsub.add_parser("export", help="write every page of the replica to a folder (for nginx, wget)")
    export.add_argument("folder")
    export.add_argument("--spec", default="qingshi")
    export.add_argument("--state", type=int, default=0, help="a later state of the spec (default 0)")
    export.add_argument(
        "--pager-links", action="store_true", help="add plain 下一页 links for tools that run no script"
    )
    profile = rsub.add_parser("profile", help="print a site profile for the replica served at BASE_URL")
    profile.add_argument("base_url")
    profile.add_argument("--spec", default="qingshi")

    discover = sub.add_parser("discover", help="write a site profile from a portal's home, nav and hub pages")
    discover.add_argument("url")
    discover.add_argument("-o", "--output", metavar="FILE", help="write the profile here (default: print it)")
    discover.add_argument("--site", metavar="SLUG", help="slug for the profile (default: the host)")
    discover.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")

    crawl = sub.add_parser("crawl", help="crawl a portal: TARGET is a site-profile YAML or the portal's URL")
    crawl.add_argument("target", nargs="+", help="one target; several only with --redis")
    audit_cli.db_options(crawl)
    crawl.add_argument(
        "--redis",
        metavar="URL",
        help="queue the targets for `zwgk worker` processes sharing this Redis, and return at once",
    )
    crawl.add_argument("--redis-prefix", default="zwgk", metavar="P", help="Redis key prefix (default zwgk)")
    crawl.add_argument("--site", metavar="SLUG", help="slug for a portal given by URL (default: its host)")
    crawl.add_argument("--json", action="store_true", help="print the run summary as JSON")
    mode = crawl.add_mutually_exclusive_group()
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
    crawl.set_defaults(mode="full")
    crawl.add_argument(
        "--revalidate-fraction",
        type=float,
        default=1.0,
        metavar="F",
        help="in a sweep, revalidate this share of known pages tonight (default 1)",
    )
    crawl.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    crawl.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting"
    )

    worker = sub.add_parser(
        "worker", help="crawl whatever `zwgk crawl --redis` queued, with any number of other workers"
    )
    worker.add_argument("--redis", metavar="URL", required=True, help="the Redis holding the queue")
    worker.add_argument("--redis-prefix", default="zwgk", metavar="P", help="Redis key prefix (default zwgk)")
    worker.add_argument("--db", metavar="URL", help="the shared database (PostgreSQL; SQLite for one worker)")
    worker.add_argument(
        "--data",
        metavar="DIR",
        help="this worker's data folder: WARC files (and the SQLite file without --db)",
    )
    worker.add_argument(
        "--idle-exit",
        type=float,
        default=10.0,
        metavar="S",
        help="exit once nothing was queued or in flight on any worker for S seconds (default 10)",
    )
    worker.add_argument(
        "--wait", type=float, default=0.0, metavar="S", help="wait up to S seconds for a run to be queued"
    )
    worker.add_argument("--json", action="store_true", help="print the worker's summary as JSON")
    worker.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    worker.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting"
    )

    audit_cli.add_parsers(sub)
    archive_cli.add_parsers(sub, audit_cli.db_options)
    schedule.add_parser(sub)
    web_cli.add_parser(sub)
    report_cli.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(stderr=True)
    try:
        return _dispatch(args)
    except (ProfileError, DatabaseError, ValueError) as exc:
        print(f"zwgk: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        console.print("zwgk: interrupted")
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from zwgk.demo import run_demo

        return run_demo(port=args.port, data_dir=args.data, spec_name=args.spec)
    if args.command == "replica":
        return _replica(args)
    if args.command == "discover":
        from zwgk.commands import discover

        return discover(args)
    if args.command == "crawl":
        from zwgk.commands import crawl, enqueue_crawl

        if args.redis:
            return enqueue_crawl(args)
        if len(args.target) != 1:
            raise ValueError("crawl one target at a time, or queue several with --redis URL")
        args.target = args.target[0]
        return crawl(args)
    if args.command == "worker":
        from zwgk.commands import worker

        return worker(args)
    if args.command == "audit":
        return audit_cli.run(args)
    if args.command == "serve":
        return web_cli.run(args)
    if args.command == "report":
        return report_cli.run(args)
    if args.command == "show":
        return archive_cli.show(args)
    if args.command == "diff":
        return archive_cli.diff(args)
    if args.command == "schedule":
        from zwgk.commands import target_slug

        slug = target_slug(args.target, args.site)
        lines = schedule.crontab_lines(args, slug)
        print("\n".join(lines))
        if args.install:
            schedule.install(lines, slug)
            print(f"installed in this user's crontab (lines marked {schedule.MARKER}{slug})", file=sys.stderr)
        return 0
    raise AssertionError(f"unhandled command {args.command}")


def _replica(args: argparse.Namespace) -> int:
    import replica

    if args.replica_command == "export":
        from replica.export import export_spec

        written = export_spec(args.spec, Path(args.folder), state=args.state, pager_links=args.pager_links)
        print(
            f"exported replica {args.spec} to {written.folder}: {written.files} files, {written.bytes} bytes"
        )
        return 0
    site = replica.build_site(replica.load_spec(args.spec))
    if args.replica_command == "truth":
        json.dump(replica.truth(site), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if args.replica_command == "profile":
        import yaml

        sys.stdout.write(
            yaml.safe_dump(replica.profile(site, args.base_url), allow_unicode=True, sort_keys=False)
        )
        return 0
    try:
        server = replica.ReplicaServer(site, host=args.host, port=args.port)
    except OSError as exc:
        raise ValueError(
            f"cannot serve the replica on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from exc
    print(f"replica {args.spec} serving at {server.base_url} (Ctrl-C to stop)", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
