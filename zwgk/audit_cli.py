"""The ``zwgk audit …`` subcommands: argument definitions and their bodies (open, query, print)."""

from __future__ import annotations

import argparse
import logging
import sys

from rich.console import Console

from audit.counts import format_counts
from storage.db import database_url, open_database
from storage.queries import count_items

logger = logging.getLogger(__name__)


def db_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--data", metavar="DIR", help="data folder (default $ZWGK_DATA or ./zwgk-data)")
    group.add_argument("--db", metavar="URL", help="any SQLAlchemy database URL instead of the data folder")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    audit = sub.add_parser("audit", help="what auditors came for")
    asub = audit.add_subparsers(dest="audit_command", required=True)
    counts = asub.add_parser("counts", help="items per column (or taxonomy node) per year")
    db_options(counts)
    counts.add_argument("--site", metavar="SLUG")
    counts.add_argument("--year", type=int)
    counts.add_argument("--by", choices=("column", "taxonomy"), default="column")
    counts.add_argument("--format", choices=("table", "json", "csv"), default="table")
    counts.add_argument("--online-only", action="store_true", help="leave out removed and unreachable items")


def run(args: argparse.Namespace) -> int:
    if args.audit_command == "counts":
        return counts(args)
    raise AssertionError(f"unhandled audit command {args.audit_command}")


def counts(args: argparse.Namespace) -> int:
    db = open_database(database_url(args.data, args.db))
    with db.session() as session:
        rows = count_items(session, site=args.site, year=args.year, by=args.by, online_only=args.online_only)
    db.dispose()
    output = format_counts(rows, args.format)
    if isinstance(output, str):
        sys.stdout.write(output)
    else:
        Console().print(output)
    return 0
