"""Link availability in the archive (链接可用性): the link targets seen on a site's archived pages,
the pages carrying each, and what its checks found, run after run (how many runs in a row it has
been dead). The planning and judging are ``inspection.linkcheck``'s; this module only keeps them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from storage.models import LinkCheck
from storage.upsert import insert_for

# Pages kept per target as evidence (the first seen; the count of all is in the finding).
MAX_PAGES = 20


@dataclass(frozen=True)
class SeenLink:
    """A link target seen in this run, with the pages that carry it."""

    url: str
    host: str
    scope: str
    kind: str
    pages: tuple[str, ...]
    # The status the crawl itself got fetching the target (a check already done), if it did.
    fetched_status: int | None = None


@dataclass(frozen=True)
class CheckResult:
    """What one run's check of a target found."""

    url: str
    verdict: str
    dead: bool
    consecutive_dead: int
    http_status: int | None
    error: str | None


def record_seen_links(session: Session, site_id: int, links: Iterable[SeenLink], seen_at: datetime) -> int:
    """Insert the new targets and refresh the pages and ``last_seen`` of known ones; a target the
    crawl fetched itself is recorded as checked alive then. Returns how many."""
    links = list(links)
    fetched = [link for link in links if link.fetched_status is not None]
    _upsert(session, site_id, [link for link in links if link.fetched_status is None], seen_at, False)
    _upsert(session, site_id, fetched, seen_at, True)
    return len(links)


def _upsert(session: Session, site_id: int, links: list[SeenLink], seen_at: datetime, fetched: bool) -> None:
    # One row per target, in URL order: a statement may not touch a row twice, and workers
    # writing the same targets at once take their row locks in one order (no deadlock).
    links = sorted({link.url[:2048]: link for link in links}.values(), key=lambda link: link.url[:2048])
    rows = [
        {
            "site_id": site_id,
            "url": link.url[:2048],
            "host": link.host[:500],
            "scope": link.scope,
            "kind": link.kind,
            "pages": list(link.pages[:MAX_PAGES]),
            "first_seen": seen_at,
            "last_seen": seen_at,
            "dead": False,
            "consecutive_dead": 0,
            **(
                {"last_checked": seen_at, "verdict": "alive", "http_status": link.fetched_status}
                if fetched
                else {}
            ),
        }
        for link in links
    ]
    keys = ["pages", "last_seen", "scope", "kind"]
    keys += ["last_checked", "verdict", "http_status", "dead", "consecutive_dead"] if fetched else []
    for start in range(0, len(rows), 500):
        stmt = insert_for(session)(LinkCheck).values(rows[start : start + 500])
        refreshed = {key: stmt.excluded[key] for key in keys}
        session.execute(stmt.on_conflict_do_update(index_elements=["site_id", "url"], set_=refreshed))


def links_to_consider(session: Session, site_id: int, since: datetime) -> list[LinkCheck]:
    """The targets seen since ``since`` (this run's pages) that the crawl did not fetch itself, and
    every target dead at its last check."""
    unchecked = or_(LinkCheck.last_checked.is_(None), LinkCheck.last_checked < since)
    stmt = select(LinkCheck).where(
        LinkCheck.site_id == site_id,
        or_(and_(LinkCheck.last_seen >= since, unchecked), LinkCheck.dead.is_(True)),
    )
    return list(session.scalars(stmt.order_by(LinkCheck.id)))


def record_results(session: Session, site_id: int, results: Sequence[CheckResult], at: datetime) -> None:
    """Keep each target's verdict of this run."""
    for result in results:
        session.execute(
            update(LinkCheck)
            .where(LinkCheck.site_id == site_id, LinkCheck.url == result.url)
            .values(
                last_checked=at,
                verdict=result.verdict,
                dead=result.dead,
                consecutive_dead=result.consecutive_dead,
                http_status=result.http_status,
                error=result.error,
            )
        )
