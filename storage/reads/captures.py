"""Reads of the captures: where in the WARC files each fetch of a page was recorded."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import PROBE_PAGE_KIND, Capture


def capture(session: Session, capture_id: int) -> Capture | None:
    """One capture by id."""
    return session.get(Capture, capture_id)


def captures_of(
    session: Session, urls: Collection[str], until: datetime | None = None, probes: bool = False
) -> list[Capture]:
    """Every capture of any of ``urls`` (those fetched by ``until``), newest first: the crawl's own,
    and with ``probes`` the cloaking probes' too (each the page as one visitor saw it, not as
    archived: a reader of the page never wants one)."""
    stmt: Any = select(Capture).where(Capture.url.in_(set(urls))).order_by(Capture.fetched_at.desc())
    if not probes:
        stmt = stmt.where(Capture.page_kind != PROBE_PAGE_KIND)
    if until is not None:
        stmt = stmt.where(Capture.fetched_at <= until)
    return list(session.scalars(stmt))


def capture_location(session: Session, uri: str, when: datetime, digest: str) -> tuple[str, int] | None:
    """The WARC file and offset of the original response a revisit points at (a ``read_response`` resolver)."""
    found = session.execute(
        select(Capture.warc_file, Capture.warc_offset, Capture.fetched_at)
        .where(Capture.url == uri, Capture.payload_digest == digest, Capture.record_type == "response")
        .order_by(Capture.fetched_at)
    ).all()
    if not found:
        return None
    best = min(found, key=lambda r: abs((r.fetched_at - when).total_seconds()))
    return best.warc_file, int(best.warc_offset)


def payload_capture(session: Session, confirming: Capture) -> Capture:
    """The capture whose payload ``confirming`` stands for.

    A conditional request answered 304 records no body: the page is the one the latest earlier
    capture of the same URL that answered 200 holds (a ``revisit`` record among those is resolved
    by the reader). Any other capture stands for itself; so does a 304 with no earlier page.
    """
    if confirming.http_status != 304:
        return confirming
    earlier = session.scalars(
        select(Capture)
        .where(
            Capture.url == confirming.url,
            Capture.http_status == 200,
            Capture.fetched_at <= confirming.fetched_at,
            Capture.id != confirming.id,
            Capture.page_kind != PROBE_PAGE_KIND,
        )
        .order_by(Capture.fetched_at.desc(), Capture.id.desc())
        .limit(1)
    ).first()
    return earlier or confirming
