"""Whether a column's walk reached everything its portal declares: the one judge of ``incomplete``.

A walk that ended ``ok`` is ``incomplete`` when it saw fewer records than the portal declares;
the adapter's ``walk_note`` (pager only in script, a POST API) leads the reason. A page count alone
is not judged yet: the replica's script pagers declare more pages than they serve. A walk that
failed on a later page, after items were found, is ``incomplete`` ("pages not found").
"""

from __future__ import annotations

from dataclasses import dataclass

# Statuses a column can end with that are not a complete walk.
NOT_COMPLETE = ("incomplete", "blocked", "error", "capped")


@dataclass(frozen=True)
class WalkFacts:
    """What the walk of one column saw and what its portal declares."""

    pages: int
    found: int
    declared_total: int | None
    declared_pages: int | None
    walk_note: str | None = None
    incremental: bool = False


def judge(status: str, note: str, facts: WalkFacts) -> tuple[str, str]:
    """The column's final status and reason, from the status the walk ended with."""
    if status == "error" and facts.pages > 0 and facts.found > 0:
        return "incomplete", _join("pages not found", note)
    if status != "ok" or facts.incremental:
        return status, note
    reasons = []
    if facts.declared_total is not None and facts.found < facts.declared_total:
        reasons.append(f"declared {facts.declared_total} records, walked {facts.found}")
    if reasons and facts.walk_note:
        reasons.insert(0, facts.walk_note)
    if not reasons:
        return status, note
    return "incomplete", _join("; ".join(reasons), note)


def _join(reason: str, note: str) -> str:
    return f"{reason} ({note})" if note else reason
