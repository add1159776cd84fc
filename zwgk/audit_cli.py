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
from zwgk.options import add_output_options, add_site_option, add_store_options, add_year_option

logger = logging.getLogger(__name__)


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


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``audit`` and its subcommands (counts, compare, reconcile, health)."""
    audit = sub.add_parser("audit", help="what auditors came for")
    asub = audit.add_subparsers(dest="audit_command", required=True)
    by_help = "count per portal column, or per node of the national taxonomy (default column)"
    parser = asub.add_parser("counts", help="items per column (or taxonomy node) per year")
    add_store_options(parser)
    add_site_option(parser)
    add_year_option(parser)
    parser.add_argument("--by", choices=("column", "taxonomy"), default="column", help=by_help)
    parser.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="output: table, json or csv (default table)",
    )
    parser.add_argument("--online-only", action="store_true", help="leave out removed and unreachable items")
    parser.set_defaults(handler=counts)

    parser = asub.add_parser("compare", help="counts of several years side by side, with the change")
    add_store_options(parser)
    add_site_option(parser)
    parser.add_argument(
        "--years", type=int, nargs="+", required=True, metavar="YEAR", help="the years to set side by side"
    )
    parser.add_argument(
        "--by", choices=COMPARE_BY, default="column", help=f"{', '.join(COMPARE_BY)} (default column)"
    )
    add_output_options(parser, FORMATS)
    parser.set_defaults(handler=compare)

    parser = asub.add_parser("reconcile", help="an annual report's claims against the archive")
    add_store_options(parser)
    parser.add_argument(
        "--report",
        action="append",
        required=True,
        metavar="FILE",
        help="the report: free text, or the HTML page with the fixed tables (repeatable)",
    )
    add_year_option(parser, required=True, help="the year the report covers")
    add_site_option(parser, help="the site the report is about (default: the archive's only site)")
    add_output_options(parser, FORMATS)
    parser.set_defaults(handler=reconcile)

    parser = asub.add_parser("health", help="the inspection indicators (单项否决) as of a date")
    add_store_options(parser)
    add_site_option(parser)
    parser.add_argument(
        "--as-of",
        required=True,
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the day of the inspection: indicators look back from it",
    )
    add_output_options(parser, FORMATS)
    parser.set_defaults(handler=health)
