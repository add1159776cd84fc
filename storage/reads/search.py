"""Search as auditors read it: one page of the items whose title, 索引号 or 文号 contains a text.

How the items are found (trigram index, scan or LIKE) is ``storage.search``'s concern.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.reads.items import item_columns, item_row
from storage.reads.paging import PAGE_SIZE, Page, paged
from storage.search import SEARCH_FIELDS, search_statement


def search_items(
    session: Session, q: str, field: str = "title", site: str | None = None, page: int = 1
) -> Page:
    """Items whose title (or 索引号 / 文号) contains ``q`` literally, by id; see ``storage.search``
    for how (``Page.method``: ``index``, ``scan`` for one or two characters, ``like``)."""
    if field not in SEARCH_FIELDS:
        raise ValueError(f"unknown search field {field!r}")
    stmt, method = search_statement(session, item_columns(), q, field, site)
    rows, more = paged(stmt, session, page)
    return Page([item_row(r) for r in rows], max(page, 1), PAGE_SIZE, more, method=method)
