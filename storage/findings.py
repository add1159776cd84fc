"""Findings: what an auditor must be told, each with its evidence, recorded idempotently.

A finding is keyed by (site, kind, subject): seeing the same problem again updates its
``last_seen`` and evidence instead of adding a row; ``resolve_findings`` closes the ones a run
no longer sees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import PROBE_PAGE_KIND, Capture, Finding, Item
from storage.upsert import insert_for

FINDING_KINDS = (
    "hijacked",  # title or site name replaced (被篡改)
    "hidden_link",  # 暗链: hidden links to other hosts
    "spam",  # gambling / porn vocabulary in a hidden or off-domain context
    "cloaking",  # search-engine cloaking script
    "broken_link",  # 错链 / 断链: a link or embedded resource that is dead (confirmed)
    "empty_column",  # 空白栏目
    "stale_column",  # 栏目不更新
    "blocked",  # a WAF challenge instead of the page
    "removed",  # gone from its listing and its page is gone
    "edited",  # content changed after publication
    "redated",  # the published date changed
    "count_mismatch",  # declared total differs from what was found
    "privacy_leak",  # 个人信息泄露: unmasked ID, mobile or card numbers on a page or in an attachment
    "wording_error",  # 严重表述错误: a misspelt name of the country, a state organ, the Party, a law
    "new_script_host",  # an outside host pages load scripts from, new since the last crawl
)
SEVERITIES = ("info", "warning", "veto")


def record_finding(
    session: Session,
    site_id: int,
    kind: str,
    subject: str,
    seen_at: datetime,
    *,
    evidence: Mapping[str, Any] | None = None,
    severity: str = "warning",
    item_id: int | None = None,
    column_id: int | None = None,
    capture_id: int | None = None,
    run_id: int | None = None,
) -> int:
    """Record (or refresh) one finding; returns its id."""
    if kind not in FINDING_KINDS:
        raise ValueError(f"unknown finding kind {kind!r}; expected one of {', '.join(FINDING_KINDS)}")
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}; expected one of {', '.join(SEVERITIES)}")
    values = {
        "site_id": site_id,
        "kind": kind,
        "subject": subject,
        "item_id": item_id,
        "column_id": column_id,
        "capture_id": capture_id,
        "run_id": run_id,
        "severity": severity,
        "evidence": dict(evidence or {}),
        "first_seen": seen_at,
        "last_seen": seen_at,
        "resolved_at": None,
    }
    stmt = insert_for(session)(Finding).values(**values)
    refreshed = {
        key: stmt.excluded[key] for key in ("last_seen", "evidence", "severity", "run_id", "resolved_at")
    }
    for key in ("item_id", "column_id", "capture_id"):
        if values[key] is not None:
            refreshed[key] = stmt.excluded[key]
    stmt = stmt.on_conflict_do_update(index_elements=["site_id", "kind", "subject"], set_=refreshed)
    session.execute(stmt)
    found = session.execute(
        select(Finding.id).where(Finding.site_id == site_id, Finding.kind == kind, Finding.subject == subject)
    ).scalar_one()
    return int(found)


def resolve_findings(
    session: Session, site_id: int, kind: str, still_seen: set[str], resolved_at: datetime
) -> int:
    """Close the open findings of ``kind`` whose subject is not in ``still_seen``; returns how many."""
    open_ones = session.execute(
        select(Finding.id, Finding.subject).where(
            Finding.site_id == site_id, Finding.kind == kind, Finding.resolved_at.is_(None)
        )
    ).all()
    gone = [row.id for row in open_ones if row.subject not in still_seen]
    if gone:
        session.execute(update(Finding).where(Finding.id.in_(gone)).values(resolved_at=resolved_at))
    return len(gone)


def record_detector_findings(
    session: Session, site_id: int, records: Sequence[Mapping[str, Any]], seen_at: datetime
) -> None:
    """Record the findings of the inspector's detectors (``inspection.Finding.as_record()`` each,
    with ``page``: the item page it concerns), tied to the item of that page when it is archived,
    and to the capture of their evidence: ``capture`` (the WARC file and offset of the record the
    finding was seen in) when given, else the newest capture of the page or attachment where it
    was seen (``url`` of the evidence)."""
    for record in records:
        page = record.get("page")
        item_id = None
        if page:
            item_id = session.scalar(select(Item.id).where(Item.site_id == site_id, Item.url == page))
        evidence = record.get("evidence") or {}
        capture_id = capture_of(
            session, site_id, str(evidence.get("url") or page or ""), record.get("capture")
        )
        record_finding(
            session,
            site_id,
            record["kind"],
            str(record["subject"])[:2048],
            seen_at,
            evidence=record.get("evidence"),
            severity=record.get("severity", "warning"),
            item_id=item_id,
            capture_id=capture_id,
        )


def capture_of(session: Session, site_id: int, url: str, record: Sequence[Any] | None = None) -> int | None:
    """The capture of ``url`` whose WARC record lies at ``record`` (file, offset), else the newest
    capture of ``url`` made by a crawl (the cloaking probes' captures aside); None when none is."""
    if record:
        warc_file, offset = record
        found = session.scalar(
            select(Capture.id).where(
                Capture.site_id == site_id, Capture.warc_file == warc_file, Capture.warc_offset == offset
            )
        )
        if found is not None:
            return int(found)
    if not url:
        return None
    newest = session.scalar(
        select(Capture.id)
        .where(Capture.site_id == site_id, Capture.url == url, Capture.page_kind != PROBE_PAGE_KIND)
        .order_by(Capture.fetched_at.desc(), Capture.id.desc())
        .limit(1)
    )
    return int(newest) if newest is not None else None
