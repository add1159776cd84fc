"""Which sites and columns a read covers: ids and slugs looked up once, for one site or all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Column, Site
from storage.reads.filters import of_site


def column_ids(session: Session, site: str | None) -> list[int]:
    """The ids of the site's columns (every column when ``site`` is None)."""
    return list(session.execute(of_site(select(Column.id), site, Column.site_id)).scalars())


def column_sites(session: Session, site: str | None) -> list[int]:
    """The ids of the sites (of ``site``, or all) that have columns."""
    stmt: Any = select(Column.site_id).distinct()
    return list(session.execute(of_site(stmt, site, Column.site_id)).scalars())


def slugs(session: Session) -> dict[int, str]:
    """site id → slug, for every site."""
    return {site_id: slug for site_id, slug in session.execute(select(Site.id, Site.slug))}


def sites(session: Session, site: str | None) -> list[tuple[int, str]]:
    """(id, slug) of the site, or of every site."""
    return [(i, slug) for i, slug in session.execute(of_site(select(Site.id, Site.slug), site, Site.id))]
