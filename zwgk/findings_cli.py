"""``zwgk audit findings``: every recorded finding, one row each (kind, where it was seen, the link
it points at, evidence, severity, first and last seen, resolved), as a table, JSON, CSV or XLSX."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from audit.export import FORMATS, rich_tables, to_csv, to_json, write_xlsx
from audit.findings import finding_record, findings_view
from storage import reads
from storage.findings import FINDING_KINDS
from zwgk.options import add_output_options, add_site_option, add_store_options
from zwgk.reading import known_site, open_archive


def findings(args: argparse.Namespace) -> int:
    db = open_archive(args.data, args.db)
    with db.session() as session:
        site = known_site(session, args.site)
        rows = reads.all_findings(session, site=site, kind=args.kind, open_only=args.open)
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
