"""The ``zwgk audit …`` subcommands: argument definitions and their bodies (open, query, print)."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console

from audit.compare import COMPARE_BY, compare_records, compare_view, compare_years
from audit.counts import format_counts
from audit.export import FORMATS, View, rich_tables, to_csv, to_json, write_xlsx
from audit.health import health_record, health_views, inspect_health
from audit.reconcile import reconcile_records, reconcile_reports, reconcile_views
from storage import reads
from storage.db import database_url, open_database

logger = logging.getLogger(__name__)


def db_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="data folder: SQLite file, WARC files, locks (default $ZWGK_DATA or ./zwgk-data)",
    )
    parser.add_argument(
        "--db", metavar="URL", help="any SQLAlchemy database URL instead of the data folder's SQLite"
    )


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

    compare = asub.add_parser("compare", help="counts of several years side by side, with the change")
    db_options(compare)
    compare.add_argument("--site", metavar="SLUG")
    compare.add_argument("--years", type=int, nargs="+", required=True, metavar="YEAR")
    compare.add_argument("--by", choices=COMPARE_BY, default="column")
    _output_options(compare)

    reconcile = asub.add_parser("reconcile", help="an annual report's claims against the archive")
    db_options(reconcile)
    reconcile.add_argument(
        "--report",
        action="append",
        required=True,
        metavar="FILE",
        help="the report: free text, or the HTML page with the fixed tables (repeatable)",
    )
    reconcile.add_argument("--year", type=int, required=True)
    reconcile.add_argument("--site", metavar="SLUG")
    _output_options(reconcile)

    health = asub.add_parser("health", help="the inspection indicators (单项否决) as of a date")
    db_options(health)
    health.add_argument("--site", metavar="SLUG")
    health.add_argument("--as-of", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD")
    _output_options(health)


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (required for xlsx)")


def run(args: argparse.Namespace) -> int:
    if args.audit_command == "counts":
        return counts(args)
    if args.audit_command == "compare":
        return compare(args)
    if args.audit_command == "reconcile":
        return reconcile(args)
    if args.audit_command == "health":
        return health(args)
    raise AssertionError(f"unhandled audit command {args.audit_command}")


def counts(args: argparse.Namespace) -> int:
    db = open_database(database_url(args.data, args.db))
    with db.session() as session:
        rows = reads.count_items(
            session, site=args.site, year=args.year, by=args.by, online_only=args.online_only
        )
    db.dispose()
    output = format_counts(rows, args.format)
    if isinstance(output, str):
        sys.stdout.write(output)
    else:
        Console().print(output)
    return 0


def _emit(args: argparse.Namespace, views: list[View], record: Any) -> int:
    """Print or write ``views`` (table, CSV, XLSX) or ``record`` (JSON) as ``--format`` asks."""
    if args.format == "xlsx":
        if not args.output:
            raise ValueError("--format xlsx needs -o FILE")
        write_xlsx(views, args.output)
        return 0
    if args.format == "table" and not args.output:
        console = Console()
        for table in rich_tables(views):
            console.print(table)
        return 0
    if args.format == "table":
        console = Console(record=True, width=200, file=open(args.output, "w", encoding="utf-8"))  # noqa: SIM115
        for table in rich_tables(views):
            console.print(table)
        console.file.close()
        return 0
    text = to_json(record) if args.format == "json" else to_csv(views)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _single_site(session: Any, site: str | None) -> str:
    if site is not None:
        return site
    sites = reads.list_sites(session)
    if len(sites) != 1:
        raise ValueError(f"the archive holds {len(sites)} sites; choose one with --site")
    return sites[0].slug


def compare(args: argparse.Namespace) -> int:
    db = open_database(database_url(args.data, args.db))
    with db.session() as session:
        rows = compare_years(session, args.years, site=args.site, by=args.by)
    db.dispose()
    return _emit(args, [compare_view(rows, args.years, args.by)], compare_records(rows, args.years))


def reconcile(args: argparse.Namespace) -> int:
    texts = [Path(p).read_text(encoding="utf-8") for p in args.report]
    db = open_database(database_url(args.data, args.db))
    with db.session() as session:
        site = _single_site(session, args.site)
        results = reconcile_reports(session, site, args.year, texts)
    db.dispose()
    return _emit(
        args,
        reconcile_views(results),
        {"site": site, "year": args.year, "claims": reconcile_records(results)},
    )


def health(args: argparse.Namespace) -> int:
    db = open_database(database_url(args.data, args.db))
    with db.session() as session:
        result = inspect_health(session, args.as_of, site=args.site)
    db.dispose()
    return _emit(args, health_views(result), health_record(result))
