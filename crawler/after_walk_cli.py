"""The command line shared by the checks that run after a walk, each in a process of its own
(``python -m crawler.linkcheck_run``, ``python -m crawler.cloaking_run``): the crawl's target,
archive and start, Scrapy settings, and the summary printed as one JSON line for the caller."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def after_walk_parser(prog: str, description: str | None) -> argparse.ArgumentParser:
    """A parser with the arguments every after-walk check takes; the check adds its own."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("target", help="the crawl's target: a site-profile YAML or the portal's URL")
    parser.add_argument("--db", required=True, help="the archive's database URL")
    parser.add_argument("--since", required=True, help="when the crawl began (ISO 8601, UTC)")
    parser.add_argument("--site", help="the site's slug, as given to the crawl")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting"
    )
    return parser


def setting_overrides(args: argparse.Namespace) -> dict[str, str]:
    """The ``-s NAME=VALUE`` settings given."""
    return dict(pair.split("=", 1) for pair in args.set if "=" in pair)


def print_summary(summary: dict[str, Any]) -> int:
    """The check's summary on stdout, one JSON line (what the parent process reads)."""
    json.dump(summary, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0
