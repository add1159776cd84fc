"""The outside hosts a site's pages load scripts from, crawl after crawl (``script_host``): which
are known, and recording the ones a crawl saw. Deciding which are worth a finding is
``inspection.cloaking``'s."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from storage.models import LinkCheck, ScriptHost
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
