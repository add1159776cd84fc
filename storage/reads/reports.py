"""Reads of the annual reports (政府信息公开工作年度报告) an archive holds: the items that may be a
year's report, found by their column (a 年报 column) or by a title naming the year's report."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.models import Column, Item, ItemColumn, Site
from storage.reads.filters import as_date

# a column that holds the annual reports: 政府信息公开年报, 年度报告, 政务公开年报
REPORT_COLUMN_WORDS = ("年报", "年度报告")
# the title words of a year's report, beside "{year}年"
REPORT_TITLE_WORDS = ("政府信息公开", "政务公开")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# the title words of a 政府网站工作年度报表 (the website's own yearly statement); also a column so named
# (some portals name the column 政府网站年度报表: the statement printed in it is still the form)
STATEMENT_WORDS = ("网站工作年度报表", "网站年度报表")


@dataclass(frozen=True)
class ReportItem:
    """An archived item that may be the report for a year: ``found_by`` says how (``column``: it sits
    in a 年报 column; ``title``: its title names the year's report); ``attachments`` as the detail
    page linked them (``url``, ``name``)."""

    id: int
    site: str
    site_name: str
    url: str
    title: str | None
    counted_on: date | None
    column: str | None
    found_by: str
    fetch_status: str
    attachments: tuple[dict[str, Any], ...] = ()


def report_items(session: Session, site: str, year: int) -> list[ReportItem]:
    """The items of ``site`` that may be its report for ``year``, most likely first: those of a 年报
    column whose title names ``year`` (or, naming no year, published in ``year`` + 1), then those whose
    title names the year's 政府信息公开 / 政务公开 年度报告; an issuer named like the site comes first."""
    in_column = or_(*(Column.name.contains(word) for word in REPORT_COLUMN_WORDS))
    title = Item.title
    named = or_(*(title.like(f"%{year}%年%{word}%年度报告%") for word in REPORT_TITLE_WORDS))
    stmt = _candidates(site, or_(in_column, named))
    found: dict[int, ReportItem] = {}
    for iid, slug, name, url, text, on, path, column_name, status, files in session.execute(stmt):
        by_column = any(word in column_name for word in REPORT_COLUMN_WORDS)
        day = as_date(on)
        if not _names_year(text, year, day, by_column):
            continue
        if iid in found and found[iid].found_by == "column":
            continue
        found[iid] = ReportItem(
            iid,
            slug,
            name,
            url,
            text,
            day,
            path,
            "column" if by_column else "title",
            status,
            tuple(f for f in files or () if isinstance(f, dict)),
        )
    return sorted(found.values(), key=_likelihood)


def _candidates(site: str, where: Any) -> Any:
    """The items of ``site`` (one row per column they are listed in) that ``where`` selects, oldest first."""
    return (
        select(
            Item.id,
            Site.slug,
            Site.name,
            Item.url,
            Item.title,
            Item.counted_on,
            Column.path,
            Column.name,
            Item.fetch_status,
            Item.attachments,
        )
        .join(Site, Site.id == Item.site_id)
        .join(ItemColumn, ItemColumn.item_id == Item.id)
        .join(Column, Column.id == ItemColumn.column_id)
        .where(Site.slug == site, where)
        .order_by(Item.counted_on, Item.id)
    )


def _names_year(title: str | None, year: int, day: date | None, by_column: bool) -> bool:
    years = [int(y) for y in _TITLE_YEAR.findall(title or "")]
    if years:
        return years[0] == year
    return by_column and day is not None and day.year == year + 1


def _likelihood(item: ReportItem) -> tuple[int, int, date, int]:
    own = bool(item.title and item.site_name and item.title.startswith(item.site_name))
    return (item.found_by != "column", not own, item.counted_on or date.max, item.id)


def statement_items(session: Session, site: str, year: int) -> list[ReportItem]:
    """The items of ``site`` that may be its 政府网站工作年度报表 for ``year``: a title (or a column)
    naming 政府网站工作年度报表 / 网站工作年度报表 / 政府网站年度报表, and the title naming ``year`` or, naming no year,
    published in ``year`` + 1 (the statement is due by 31 January: those first, then later ones)."""
    title = Item.title
    named = or_(*(title.contains(word) for word in STATEMENT_WORDS))
    in_column = or_(*(Column.name.contains(word) for word in STATEMENT_WORDS))
    stmt = _candidates(site, or_(named, in_column))
    found: dict[int, ReportItem] = {}
    for iid, slug, name, url, text, on, path, _column, status, files in session.execute(stmt):
        day = as_date(on)
        if iid in found or not _names_year(text, year, day, True):
            continue
        by_title = any(word in (text or "") for word in STATEMENT_WORDS)
        attachments = tuple(f for f in files or () if isinstance(f, dict))
        found[iid] = ReportItem(
            iid, slug, name, url, text, day, path, "title" if by_title else "column", status, attachments
        )
    return sorted(found.values(), key=_by_deadline)


def _by_deadline(item: ReportItem) -> tuple[bool, int, date, int]:
    """A statement published by 31 January first, then one named by its title, then the earliest."""
    day = item.counted_on or date.max
    return (not (day.month == 1), item.found_by != "title", day, item.id)
