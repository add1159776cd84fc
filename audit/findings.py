"""The findings as auditors read them: one row per finding (kind, where it was seen, the link it
points at, its evidence in a line, severity, first and last seen, resolved), for ``zwgk audit
findings`` and the dashboard's inspection page alike."""

from __future__ import annotations

import json
from typing import Any

from audit.export import View
from storage.reads import ListedFinding

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
    if kind == "cloaking" and evidence.get("reasons"):
        reasons = evidence["reasons"]
        more = f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else ""
        return f"{reasons[0]}{more}"[:200]
    if kind == "new_script_host":
        return f"{evidence.get('host')} ({evidence.get('scope')}), loaded by {evidence.get('page_count')} page(s)"
    shown = {"url", "target", "where"}
    return json.dumps({k: v for k, v in evidence.items() if k not in shown}, ensure_ascii=False, default=str)[
        :200
    ]


def finding_record(row: ListedFinding) -> dict[str, Any]:
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


def findings_view(rows: list[ListedFinding]) -> View:
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
