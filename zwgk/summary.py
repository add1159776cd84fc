"""What a finished crawl says on the console: readable words, every failed column by name.

``zwgk crawl`` and ``zwgk demo`` print these lines; no Python dict or list reaches the operator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.markup import escape

# How a column's walk ended, in the words the summary uses, in the order it lists them.
COLUMN_WORDS = {
    "ok": "complete",
    "incomplete": "incomplete",
    "capped": "capped at the page limit",
    "blocked": "blocked",
    "error": "failed",
    "unwalked": "not walked",
}


def columns_text(columns: Mapping[str, int] | None) -> str:
    """``{'ok': 55, 'blocked': 2}`` as ``57 columns: 55 complete, 2 blocked``."""
    counts = {status: n for status, n in (columns or {}).items() if n}
    if not counts:
        return "no columns walked"
    order = [*COLUMN_WORDS, *sorted(set(counts) - set(COLUMN_WORDS))]
    parts = [f"{counts[s]} {COLUMN_WORDS.get(s, s)}" for s in order if s in counts]
    return f"{sum(counts.values())} columns: {', '.join(parts)}"


def counts_text(counts: Mapping[str, int] | None, empty: str = "none") -> str:
    """``{'calendar': 3, 'session': 1}`` as ``calendar 3, session 1``."""
    parts = [f"{name.replace('_', ' ')} {n}" for name, n in sorted((counts or {}).items()) if n]
    return ", ".join(parts) or empty


def not_complete_lines(columns: list[dict[str, Any]] | None) -> list[str]:
    """One line per column that did not end complete: its status in words, its path, its reason."""
    return [
        f"[yellow]column {COLUMN_WORDS.get(c['status'], c['status'])}[/]: {escape(c['column'])}: "
        f"{escape(c.get('reason') or 'no reason given')}"
        for c in columns or []
    ]


def run_lines(report: dict[str, Any]) -> list[str]:
    """The run summary (rich markup): counts in words, then each column that did not end complete."""
    failed = report.get("error_columns") or 0
    head = (
        f"{report['mode']} run {report['run_id']}: pages {report['pages']}, new {report['new']}, "
        f"changed {report['changed']}, removed {report['removed']}, not found "
        f"{report['details_not_found']}, {columns_text(report.get('columns'))} (blocked "
        f"{report.get('blocked_columns') or 0}, failed {failed}), page errors {report['errors']}, "
        f"traps not followed: {counts_text(report.get('traps_not_followed'))}, {report['duration_s']} s"
    )
    return [escape(head), *not_complete_lines(report.get("columns_not_complete"))]
