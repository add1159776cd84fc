"""``zwgk report read|check``: an annual report's figures and the checks of its own arithmetic.

SOURCE is a report file (TXT, HTML, DOCX or PDF), or the URL of a page or attachment the archive
holds (read from its WARC capture: nothing is fetched from the network). The reading itself takes
bytes and a name (``reports.read_report``), so both are read the same way.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from audit.archived_report import warc_reader
from audit.export import View, rich_tables, to_json, write_xlsx
from documents import DocumentError
from reports import Check, Report, ReportError, check_reports, read_report
from reports.model import MARKS
from storage.db import data_folder
from zwgk.options import add_store_options
from zwgk.reading import open_archive

EXIT_BAD_INPUT = 2
# ``report check``: a check failed (the report contradicts itself); 0 when every check passes or cannot
# be made. 8, not one of ``crawl``'s codes (0–7), so a script can tell it from every other outcome.
EXIT_CHECK_FAILED = 8
FORMATS = ("table", "json", "xlsx")
FIGURE_HEADERS = ("表", "行", "列", "标签", "数值", "单位", "约数", "出处", "原文")
_URL = re.compile(r"^https?://", re.IGNORECASE)
CHECK_HEADERS = ("报告", "规则", "核对", "结论", "算式", "原因 / 说明")


def run(args: argparse.Namespace) -> int:
    if args.format == "xlsx" and not args.output:
        return _bad("--format xlsx writes a workbook: give -o FILE")
    try:
        reports = [_read(source, args) for source in _sources(args)]
    except (DocumentError, ReportError, OSError) as exc:
        return _bad(str(exc))
    if args.report_command == "read":
        return _emit(args, reports[0].as_dict(), _views(reports, list(reports[0].checks)))
    internal, cross = check_reports(reports)
    summary = _summary([c for r in internal for c in r.checks] + cross)
    data = {
        "reports": [{k: v for k, v in r.as_dict().items() if k != "figures"} for r in internal],
        "cross_year": [c.as_dict() for c in cross],
        "summary": summary,
    }
    checks = [c for r in internal for c in r.checks]
    code = _emit(args, data, _views(internal, checks + cross, figures=False))
    if code == 0 and summary["fail"]:
        return EXIT_CHECK_FAILED
    return code


def _sources(args: argparse.Namespace) -> list[str]:
    return [args.source] if isinstance(args.source, str) else list(args.source)


def _read(source: str, args: argparse.Namespace) -> Report:
    if not _URL.match(source):
        return _read_file(Path(source))
    db = open_archive(args.data, args.db)
    try:
        with db.session() as session:
            archived = warc_reader(session, data_folder(args.data) / "warc")(source)
    finally:
        db.dispose()
    if archived is None:
        raise ReportError(
            source,
            "is not in the archive (a URL is read from the archive only; nothing is fetched from the network)",
        )
    return read_report(archived.body, source, archived.content_type)


def _read_file(path: Path) -> Report:
    if not path.exists():
        raise ReportError(str(path), "no such file")
    if path.is_dir():
        raise ReportError(str(path), "is a directory, not a report file")
    return read_report(path.read_bytes(), str(path))


def _bad(message: str) -> int:
    print(f"zwgk: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _summary(checks: list[Check]) -> dict[str, int]:
    return {verdict: sum(c.verdict == verdict for c in checks) for verdict in ("pass", "fail", "cannot")}


def _views(reports: list[Report], checks: list[Check], figures: bool = True) -> list[View]:
    views: list[View] = []
    if figures:
        rows = [
            (
                f.table or "正文",
                f.row or "",
                f.column or "",
                f.label,
                "" if f.value is None else f.value,
                f.unit or "",
                "约" if f.approximate else "",
                f.source.where,
                f.source.text,
            )
            for r in reports
            for f in r.figures
        ]
        caption = "; ".join(f"{r.name}: {r.issuer or '?'} {r.year or '?'} {r.format}" for r in reports)
        views.append(View("报告数字", FIGURE_HEADERS, rows, caption, frozenset({4})))
    owner = {id(c): Path(r.name).name for r in reports for c in r.checks}
    check_rows = [
        (owner.get(id(c), "跨年"), c.rule, c.title, MARKS[c.verdict], c.arithmetic, c.reason or c.note or "")
        for c in checks
    ]
    summary = _summary(checks)
    caption = f"✓ {summary['pass']}  ✗ {summary['fail']}  ? {summary['cannot']} (cannot be made: the reason says why)"
    views.append(View("报告核对", CHECK_HEADERS, check_rows, caption))
    notes = [(r.name, n) for r in reports for n in r.notes]
    if notes:
        views.append(View("读取说明", ("报告", "说明"), notes))
    return views


def _emit(args: argparse.Namespace, data: dict[str, Any], views: list[View]) -> int:
    if args.format == "xlsx":
        write_xlsx(views, args.output)
        print(f"wrote {args.output}", file=sys.stderr)
        return 0
    if args.format == "json":
        text = to_json(data)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            console = Console(file=handle, width=200)
            for table in rich_tables(views):
                console.print(table)
        return 0
    console = Console()
    for table in rich_tables(views):
        console.print(table)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``report read`` and ``report check``."""
    report = sub.add_parser("report", help="read an annual report's figures and check its own arithmetic")
    rsub = report.add_subparsers(dest="report_command", required=True)
    read = rsub.add_parser("read", help="every figure of a report file (TXT, HTML, DOCX, PDF) and its checks")
    read.add_argument("source", help="the report file, or the URL of a page or attachment in the archive")
    check = rsub.add_parser(
        "check",
        help="the checks of one or more reports, across years of one issuer too; exit 8 when a check fails",
    )
    check.add_argument(
        "source",
        nargs="+",
        help="report files or archived URLs (several years of one issuer: cross-year checks)",
    )
    for command in (read, check):
        command.add_argument("--format", choices=FORMATS, default="table", help="output (default table)")
        command.add_argument("-o", "--output", metavar="FILE", help="write here (needed for xlsx)")
        add_store_options(command)
        command.set_defaults(handler=run)
