"""The ``zwgk audit …`` subcommands: argument definitions and their bodies (open, query, print)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console

from audit.archived_report import (
    KIND_NAMES,
    SOURCES,
    FoundReport,
    ReportNotFound,
    find_report,
    find_statement,
    found_record,
    reconcile_document,
    reconcile_read,
    warc_reader,
)
from audit.compare import COMPARE_BY, compare_records, compare_view, compare_years
from audit.counts import format_counts
from audit.export import FORMATS, View, rich_tables, to_csv, to_json, write_xlsx
from audit.health import health_record, health_views, inspect_health
from audit.reconcile import Reconciliation, reconcile_records, reconcile_reports, reconcile_views
from audit.reconcile_summary import reconcile_summary_view
from documents import detect_kind
from reports import Report, ReportError, read_report_file, year_mismatch
from storage import reads
from storage.db import data_folder
from storage.reads.runs import pending_work
from zwgk import findings_cli
from zwgk.options import (
    add_output_options,
    add_site_option,
    add_store_options,
    add_wide_option,
    add_year_option,
    year,
)
from zwgk.reading import check_years, known_site, note_live_counts, open_archive

EXIT_BAD_INPUT = 2
WIDE = 10_000  # --wide: no terminal is this wide; a table takes the width its full paths need


def counts(args: argparse.Namespace) -> int:
    db = open_archive(args.data, args.db)
    with db.session() as session:
        site = known_site(session, args.site)
        if args.year is not None:
            check_years(session, [args.year], site)
        note_live_counts(session)
        rows = reads.count_items(
            session,
            site=site,
            year=args.year,
            by=args.by,
            online_only=args.online_only,
        )
        pending = pending_work(session, args.site)
    db.dispose()
    console = table_console(args.wide)
    output = format_counts(rows, args.format, width=None if args.wide else console.width)
    if isinstance(output, str):
        sys.stdout.write(output)
    else:
        console.print(output)
    if pending.total:
        sys.stderr.write(
            f"warning: the archive is incomplete: {pending.items} detail pages and {pending.columns} "
            "columns pending from an interrupted run; the next crawl completes them\n"
        )
    return 0


def _emit(args: argparse.Namespace, views: list[View], record: Any) -> int:
    """Print or write ``views`` (table, CSV, XLSX) or ``record`` (JSON) as ``--format`` asks."""
    if args.format == "xlsx":
        if not args.output:
            raise ValueError("--format xlsx needs -o FILE")
        write_xlsx(views, args.output)
        return 0
    if args.format == "table" and not args.output:
        console = table_console(getattr(args, "wide", False))
        for table in rich_tables(views, width=None if getattr(args, "wide", False) else console.width):
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


def table_console(wide: bool) -> Console:
    """The console a table is printed on: the terminal's width (80 when piped, or $COLUMNS), or
    unbounded for ``--wide``."""
    return Console(width=WIDE) if wide else Console()


def _single_site(session: Any, site: str | None) -> str:
    if site is not None:
        return str(known_site(session, site))
    sites = reads.list_sites(session)
    if len(sites) != 1:
        raise ValueError(f"the archive holds {len(sites)} sites; choose one with --site")
    return sites[0].slug


def compare(args: argparse.Namespace) -> int:
    db = open_archive(args.data, args.db)
    with db.session() as session:
        site = known_site(session, args.site)
        check_years(session, args.years, site)
        note_live_counts(session)
        rows = compare_years(session, args.years, site=site, by=args.by)
    db.dispose()
    return _emit(args, [compare_view(rows, args.years, args.by)], compare_records(rows, args.years))


def reconcile(args: argparse.Namespace) -> int:
    """``--report FILE``: reconcile the files; without it, the year's report as the archive holds it and,
    beside it, the year's 政府网站工作年度报表 (JSON ``statement``; the views 网站报表核对, 网站报表依据条目).
    Either alone is reconciled, the other's absence noted; neither found is refused (exit 2)."""
    if args.report and args.source:
        return _refuse("--from chooses what is read from the archive; it does not go with --report")
    if args.report:
        try:
            sources = [_report_file(path, args.year) for path in args.report]
        except ReportError as exc:
            return _refuse(str(exc))
    db = open_archive(args.data, args.db)
    try:
        with db.session() as session:
            site = _single_site(session, args.site)
            check_years(session, [args.year], site)
            note_live_counts(session)
            statement: tuple[FoundReport, list[Reconciliation]] | None = None
            missing: str | None = None
            if args.report:
                results = _reconcile_files(session, site, args.year, sources)
                found = None
            else:
                read = warc_reader(session, data_folder(args.data) / "warc")
                try:
                    found = find_report(session, site, args.year, read, args.source)
                except ReportNotFound as exc:
                    found, missing = None, str(exc)
                try:
                    shown = find_statement(session, site, args.year, read, args.source)
                except ReportNotFound as exc:
                    if found is None:
                        return _refuse(f"{missing}; and {exc}")
                    print(f"zwgk: note: {exc}", file=sys.stderr)
                else:
                    statement = (
                        shown,
                        reconcile_read(session, site, args.year, shown.document, shown.report),
                    )
                results = []
                if found is not None:
                    _say_read(found)
                    results = reconcile_read(session, site, args.year, found.document, found.report)
                else:
                    print(f"zwgk: note: {missing}", file=sys.stderr)
                if statement is not None:
                    _say_read(statement[0])
    finally:
        db.dispose()
    record: dict[str, Any] = {"site": site, "year": args.year, "claims": reconcile_records(results)}
    summary = args.format == "table" and not args.evidence  # one row per claim; the items: --evidence
    views = _claim_views(results, summary) if found is not None or args.report else []
    if found is not None:
        record["report"] = found_record(found)
    elif missing is not None:
        record["report"] = None
        record["report_not_found"] = missing
    if statement is not None:
        record["statement"] = {**found_record(statement[0]), "claims": reconcile_records(statement[1])}
        views += _statement_views(statement[1], summary)
    return _emit(args, views, record)


def _say_read(found: FoundReport) -> None:
    """On stderr: which document was found (annual report or website statement) and what was read."""
    what = "page" if found.via == "page" else found.via.upper() + " attachment"
    print(
        f"zwgk: reconciling the {KIND_NAMES[found.kind]} {found.item.title or found.item.url}, read from "
        f"the archived {what} {found.url}",
        file=sys.stderr,
    )


def _claim_views(results: list[Reconciliation], summary: bool) -> list[View]:
    """The claims' views: in full (claims and the items behind them), or one summary row per claim."""
    return [reconcile_summary_view(results)] if summary else reconcile_views(results)


def _statement_views(results: list[Reconciliation], summary: bool) -> list[View]:
    """The statement's views, named apart from the report's (sheet names are unique in a workbook)."""
    names = {"报告核对": "网站报表核对", "依据条目": "网站报表依据条目"}
    return [
        dataclasses.replace(
            v, name=names.get(v.name, "网站报表" + v.name), caption=f"政府网站工作年度报表。{v.caption}"
        )
        for v in _claim_views(results, summary)
    ]


def _report_file(path: str, year: int) -> tuple[str, Report]:
    """A ``--report`` file read (clear errors naming it) and refused when it is another year's report."""
    report = read_report_file(path)
    mismatch = year_mismatch(report, year)
    if mismatch:
        raise ReportError(path, mismatch.removeprefix(f"{report.name} ") + f"; give --year {report.year}")
    return path, report


def _reconcile_files(
    session: reads.Session, site: str, year: int, sources: list[tuple[str, Report]]
) -> list[Reconciliation]:
    """TXT and HTML files as before (free text, or the fixed-table page); PDF and DOCX through their
    documents."""
    texts: list[str] = []
    out: list[Reconciliation] = []
    for path, _report in sources:
        data = Path(path).read_bytes()
        try:
            if detect_kind(data, path) in ("txt", "html"):
                texts.append(data.decode("utf-8"))
                continue
        except UnicodeDecodeError:
            pass
        out.extend(reconcile_document(session, site, year, data, path))
    return reconcile_reports(session, site, year, texts) + out if texts else out


def _refuse(message: str) -> int:
    print(f"zwgk: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def health(args: argparse.Namespace) -> int:
    db = open_archive(args.data, args.db)
    with db.session() as session:
        site = known_site(session, args.site)
        note_live_counts(session)
        result = inspect_health(session, args.as_of, site=site)
    db.dispose()
    return _emit(args, health_views(result), health_record(result))


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``audit`` and its subcommands (counts, compare, reconcile, health, findings)."""
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
    add_wide_option(parser)
    parser.set_defaults(handler=counts)

    parser = asub.add_parser("compare", help="counts of several years side by side, with the change")
    add_store_options(parser)
    add_site_option(parser)
    parser.add_argument(
        "--years", type=year, nargs="+", required=True, metavar="YEAR", help="the years to set side by side"
    )
    parser.add_argument(
        "--by", choices=COMPARE_BY, default="column", help=f"{', '.join(COMPARE_BY)} (default column)"
    )
    add_output_options(parser, FORMATS)
    add_wide_option(parser)
    parser.set_defaults(handler=compare)

    parser = asub.add_parser("reconcile", help="an annual report's claims against the archive")
    add_store_options(parser)
    parser.add_argument(
        "--report",
        action="append",
        metavar="FILE",
        help="the report file: free text, the HTML page, a PDF or a DOCX (repeatable); without it, the "
        "year's report is found in the archive (a 年报 column, or a title naming the year's report) and "
        "read from its archived page or attachment",
    )
    parser.add_argument(
        "--from",
        dest="source",
        choices=SOURCES,
        help="without --report: read the archived page, or its PDF or DOCX attachment, only (default: "
        "the page, or its attachment when the page only links it)",
    )
    add_year_option(parser, required=True, help="the year the report covers")
    add_site_option(parser, help="the site the report is about (default: the archive's only site)")
    add_output_options(parser, FORMATS)
    parser.add_argument(
        "--evidence",
        action="store_true",
        help="table: also list every item behind each number (default: one row per claim; the JSON, "
        "CSV and XLSX outputs always hold the items)",
    )
    add_wide_option(parser)
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
    add_wide_option(parser)
    parser.set_defaults(handler=health)

    findings_cli.add_parser(asub)
