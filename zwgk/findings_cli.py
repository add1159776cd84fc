"""``zwgk audit findings``: every recorded finding, one row each (kind, where it was seen, the link
it points at, evidence, severity, first and last seen, resolved), as a table, JSON, CSV or XLSX."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from audit.export import FORMATS, View, rich_tables, to_csv, to_json, write_xlsx
from storage import reads
from storage.db import database_url, open_database
from storage.findings import FINDING_KINDS
from zwgk.options import add_output_options, add_site_option, add_store_options

logger = logging.getLogger(__name__)

HEADERS = (
    "site",
    "kind",
    "url",
    "target",
    "where",
    "severity",
    "evidence",
    "first_seen",
    "last_seen",
    "resolved",
)


def finding_record(row: reads.ListedFinding) -> dict[str, Any]:
    """One finding as JSON: every column of the table, the evidence whole."""
    return {
        "id": row.id,
        "site": row.site,
        "kind": row.kind,
        "url": row.url,
        "target": row.target,
        "where": row.where,
        "severity": row.severity,
        "evidence": row.evidence,
        "first_seen": row.first_seen,
        "last_seen": row.last_seen,
        "resolved": row.resolved_at,
        "capture_id": row.capture_id,
    }


def evidence_text(kind: str, evidence: dict[str, Any]) -> str:
    """The evidence in one line for a table cell (JSON gives all of it)."""
    if kind == "broken_link":
        answer = evidence.get("status") or evidence.get("error")
        pages = len(evidence.get("pages") or [])
        return f"{answer}, on {pages} page(s), dead {evidence.get('consecutive_dead', 1)} run(s) in a row"
    if kind == "privacy_leak":
        counts = ", ".join(f"{k} {v}" for k, v in (evidence.get("counts") or {}).items())
        rows = evidence.get("rows") or [{}]
        return f"{counts}; {rows[0].get('row', '')}"[:200]
    if kind == "wording_error":
        match = (evidence.get("matches") or [{}])[0]
        return f"{match.get('wrong')} → {match.get('correct')}: {match.get('sentence', '')}"[:200]
    shown = {"url", "target", "where"}
    return json.dumps({k: v for k, v in evidence.items() if k not in shown}, ensure_ascii=False)[:200]


def findings_view(rows: list[reads.ListedFinding]) -> View:
    """The findings as one table, the evidence in a line each."""
    lines = [
        (
            r.site,
            r.kind,
            r.url,
            r.target or "",
            r.where or "",
            r.severity,
            evidence_text(r.kind, r.evidence),
            _minute(r.first_seen),
            _minute(r.last_seen),
            _minute(r.resolved_at),
        )
        for r in rows
    ]
    return View("findings", HEADERS, lines, caption=f"{len(rows)} finding(s)")


def _minute(moment: Any) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment is not None else ""


def findings(args: argparse.Namespace) -> int:
    db = open_database(database_url(args.data, args.db))
    with db.session() as session:
        rows = reads.all_findings(session, site=args.site, kind=args.kind, open_only=args.open)
    db.dispose()
    view = findings_view(rows)
    if args.format == "xlsx":
        if not args.output:
            raise ValueError("--format xlsx needs -o FILE")
        write_xlsx([view], args.output)
        return 0
    if args.format == "table" and not args.output:
        for table in rich_tables([view]):
            Console().print(table)
        return 0
    text = to_json([finding_record(r) for r in rows]) if args.format == "json" else to_csv([view])
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def add_parser(asub: argparse._SubParsersAction) -> None:
    """Register ``findings`` under ``zwgk audit``."""
    parser = asub.add_parser(
        "findings", help="every finding: dead links, personal data, wording errors, hijacks"
    )
    add_store_options(parser)
    add_site_option(parser)
    parser.add_argument("--kind", choices=FINDING_KINDS, help="only findings of this kind")
    parser.add_argument("--open", action="store_true", help="only findings not resolved")
    add_output_options(parser, FORMATS)
    parser.set_defaults(handler=findings)
