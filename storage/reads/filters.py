"""The conditions every read shares: a site, a year, a taxonomy node, a 文号, being online.

Each rule of the counting definitions that narrows rows is written here once, as a SQL condition
(and, where a read also needs it on a loaded row, as the same rule in Python).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select

from storage.models import Column, Item, ItemColumn, Site
from storage.sql import escape_like

# Page states that mean the item is no longer online; blocked or erroring pages may still be.
GONE_STATUSES = ("not_found",)
# What a 文号 field holds when the page gives none.
NO_DOC_NO = ("", "无")
DOCUMENT_KIND = "document"


def in_year(date_column: Any, year: int) -> Any:
    """``date_column`` falls in ``year``: a range rather than EXTRACT keeps the date's index usable."""
    return date_column.between(date(year, 1, 1), date(year, 12, 31))


def in_years(date_column: Any, years: list[int]) -> Any:
    """``date_column`` falls in the span from the first to the last of ``years``."""
    return date_column.between(date(min(years), 1, 1), date(max(years), 12, 31))


def has_doc_no() -> Any:
    """The item carries a 文号 (not empty, not "无")."""
    return and_(Item.doc_no.is_not(None), Item.doc_no.not_in(NO_DOC_NO))


def is_document() -> Any:
    """The item is a document: of kind ``document`` or carrying a 文号."""
    return or_(Item.kind == DOCUMENT_KIND, has_doc_no())


def online() -> Any:
    """The item is still online: not removed from its listings, its page not gone."""
    return and_(Item.removed_at.is_(None), Item.fetch_status.not_in(GONE_STATUSES))


def under(path_column: Any, prefix: str) -> Any:
    """``path_column`` is the taxonomy node ``prefix`` or lies below it."""
    return or_(path_column == prefix, path_column.like(escape_like(prefix) + "/%", escape="\\"))


def is_under(path: str | None, prefix: str) -> bool:
    """Whether the taxonomy ``path`` is the node ``prefix`` or lies below it (``under`` in Python)."""
    return path is not None and (path == prefix or path.startswith(prefix + "/"))


def site_id_of(site: str) -> Any:
    """The id of the site ``site``, as a scalar subquery."""
    return select(Site.id).where(Site.slug == site).scalar_subquery()


def of_site(stmt: Any, site: str | None, site_id_column: Any) -> Any:
    """``stmt`` kept to the site ``site`` through ``site_id_column`` (every site when None)."""
    if site is None:
        return stmt
    return stmt.where(site_id_column == site_id_of(site))


def site_columns(site: str) -> Any:
    """The ids of the site's columns: how a membership-only read keeps to one site.

    A membership's column and its item belong to the same site (listings are recorded per site),
    so filtering memberships by column equals filtering them by item.
    """
    return select(Column.id).join(Site, Site.id == Column.site_id).where(Site.slug == site)


def listed_in_mapped_columns(taxonomy_path: str) -> Any:
    """The ids of items listed in a column mapped exactly to ``taxonomy_path``."""
    return (
        select(ItemColumn.item_id)
        .join(Column, Column.id == ItemColumn.column_id)
        .where(Column.taxonomy_path == taxonomy_path)
    )


def site_items(site: str) -> Any:
    """A SELECT of the ids of the site's items, to narrow further."""
    return select(Item.id).join(Site, Site.id == Item.site_id).where(Site.slug == site)


def as_date(value: Any) -> date | None:
    """A date read back from the database: SQLite returns MIN()/MAX() over a DATE column as text."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_int(value: Any) -> int | None:
    return None if value is None else int(value)
