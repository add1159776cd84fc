"""Whether a column's walk reached everything its portal declares: the one judge of ``incomplete``.

A walk that ended ``ok`` is ``incomplete`` when it saw fewer records or pages than the portal
declares (declared pages are counted in the walk's requests: Hanweb's jpage fetches three of its
declared pages per request, and its adapter declares those requests), or when its list is served
only through a POST API and the static page held no item; the adapter's ``walk_note`` (pager only
in script, a POST API) leads the reason. A walk that failed on a later page, after items were
found, is ``incomplete`` ("pages not found").
"""

from __future__ import annotations

from dataclasses import dataclass

# Statuses a column can end with that are not a complete walk.
NOT_COMPLETE = ("incomplete", "blocked", "error", "capped")
# how an adapter's walk_note names a list served only through a POST search API
POST_API = "POST API"


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
    if facts.declared_pages is not None and facts.pages < facts.declared_pages:
        reasons.append(f"declared {facts.declared_pages} pages, walked {facts.pages}")
    if not reasons and facts.found == 0 and (facts.walk_note or "").startswith(POST_API):
        reasons.append("no item in the static page")
    if reasons and facts.walk_note:
        reasons.insert(0, facts.walk_note)
    if not reasons:
        return status, note
    return "incomplete", _join("; ".join(reasons), note)


def _join(reason: str, note: str) -> str:
    return f"{reason} ({note})" if note else reason
