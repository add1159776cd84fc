"""The outside hosts a site's pages load scripts from, crawl after crawl (``script_host``): which
are known, recording the ones a crawl saw, and forgetting the ones its pages no longer load (their
``new_script_host`` finding then resolved). Deciding which are worth a finding is
``inspection.cloaking``'s."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from storage.models import Finding, LinkCheck, ScriptHost
from storage.upsert import insert_for

# Pages kept per host as evidence (the first seen).
MAX_PAGES = 20


def known_script_hosts(session: Session, site_id: int) -> set[str] | None:
    """The hosts earlier crawls saw the site's pages load scripts from; None when no earlier crawl
    looked at the site's pages (it kept no link of them), so there is nothing to compare with."""
    looked = session.scalar(select(exists().where(LinkCheck.site_id == site_id)))
    if not looked:
        return None
    return set(session.scalars(select(ScriptHost.host).where(ScriptHost.site_id == site_id)))


def record_script_hosts(
    session: Session,
    site_id: int,
    hosts: Mapping[str, tuple[str, Sequence[str]]],
    seen_at: datetime,
) -> None:
    """Insert the new hosts (host → its scope and the pages loading from it) and refresh the pages
    and ``last_seen`` of the known ones."""
    rows = [
        {
            "site_id": site_id,
            "host": host[:500],
            "scope": scope,
            "pages": list(pages[:MAX_PAGES]),
            "first_seen": seen_at,
            "last_seen": seen_at,
        }
        for host, (scope, pages) in sorted(hosts.items())
    ]
    if not rows:
        return
    stmt = insert_for(session)(ScriptHost).values(rows)
    refreshed = {key: stmt.excluded[key] for key in ("pages", "last_seen", "scope")}
    session.execute(stmt.on_conflict_do_update(index_elements=["site_id", "host"], set_=refreshed))


def forget_script_hosts(
    session: Session,
    site_id: int,
    loading: Collection[str],
    scanned: Collection[str],
    seen_at: datetime,
) -> list[str]:
    """Forget the known hosts no page loads scripts from any more, and resolve their open
    ``new_script_host`` findings; returns them, sorted.

    A host is gone when it is not in ``loading`` (the hosts this crawl's pages load from) and every
    page it was kept with was scanned again in this crawl (``scanned``): a page the crawl did not
    fetch again says nothing. Forgotten, a host that comes back is new again (its finding reopens).
    """
    rows = session.execute(
        select(ScriptHost.id, ScriptHost.host, ScriptHost.pages).where(ScriptHost.site_id == site_id)
    ).all()
    scanned = set(scanned)
    gone = {r.id: r.host for r in rows if r.host not in loading and r.pages and set(r.pages) <= scanned}
    if not gone:
        return []
    session.execute(delete(ScriptHost).where(ScriptHost.id.in_(list(gone))))
    session.execute(
        update(Finding)
        .where(
            Finding.site_id == site_id,
            Finding.kind == "new_script_host",
            Finding.subject.in_(list(gone.values())),
            Finding.resolved_at.is_(None),
        )
        .values(resolved_at=seen_at)
    )
    return sorted(gone.values())
