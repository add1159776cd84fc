"""The media a year's items of one kind carry: the distinct image (or video) files beside the items.

A report may count its pictures by the sheet (图片96张) or by the item (图片新闻96条); the archive
gives both: the items of the kind, and the distinct file URLs their pages hold (``Item.images`` or
``Item.videos``), each file counted once however many items show it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Item
from storage.reads.filters import in_year, site_items

logger = logging.getLogger(__name__)

MEDIA_FIELDS = {"images": Item.images, "videos": Item.videos}


@dataclass(frozen=True)
class Media:
    """The items of a kind in a year and the distinct files they hold, in order of first showing."""

    items: int
    files: tuple[str, ...]
    # for each file, the first item (URL, oldest first) that shows it
    first_shown_in: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        """How many distinct files."""
        return len(self.files)


def _url(entry: Any) -> str | None:
    if isinstance(entry, str):
        return entry or None
    if isinstance(entry, dict):
        url = entry.get("url") or entry.get("src")
        return str(url) if url else None
    return None


def media_of_items(session: Session, site: str, year: int, kind: str, field: str = "images") -> Media:
    """The items of ``kind`` counted in ``year`` on ``site`` and the distinct URLs in their ``field``
    (``images`` or ``videos``): the figure of a report that counts pictures (张) beside the items (条)."""
    column = MEDIA_FIELDS[field]
    ids = site_items(site).where(in_year(Item.counted_on, year), Item.kind == kind)
    stmt = select(Item.url, column).where(Item.id.in_(ids)).order_by(Item.counted_on, Item.url)
    files: dict[str, str] = {}
    items = 0
    for url, entries in session.execute(stmt):
        items += 1
        for entry in entries or ():
            found = _url(entry)
            if found is not None:
                files.setdefault(found, url)
    return Media(items, tuple(files), tuple(files.values()))
