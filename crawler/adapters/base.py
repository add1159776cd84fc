"""The interface every CMS adapter implements.

An adapter knows one CMS family's list pages: where a column's listing starts, which entries a
list page holds, what total it declares, and which request fetches the next page. It knows
nothing of storage or of the spider's bookkeeping; the spider stops a walk when a page adds no
new item URL, whatever the adapter would fetch next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from scrapy import Request
from scrapy.http import Response


@dataclass
class ListEntry:
    """One entry on a list page: absolute detail URL, the best title available, the raw date text."""

    url: str
    title: str
    date_raw: str | None = None


@dataclass
class ListPage:
    """What a list page says: its entries, the totals it declares, and the next page's request.

    ``paging`` says where the paging was found: ``cms`` (the CMS's own pager script), ``links``
    (下一页/尾页 or numbered links in the markup), ``script`` (targets only in ``onclick``,
    ``javascript:`` links or script variables), ``select`` (a jump menu) or ``none``.
    ``walk_note`` is a fact the walk's completeness rests on ("pager only in script",
    "POST API …"), for the spider to give as the reason when a column ends short.
    """

    entries: list[ListEntry] = field(default_factory=list)
    declared_total: int | None = None
    declared_pages: int | None = None
    next_request: Request | None = None
    paging: str = "none"
    walk_note: str | None = None


class Adapter:
    """Base class; subclasses set ``name`` and implement the three methods."""

    name: ClassVar[str] = "base"

    def detect(self, response: Response) -> bool:
        """Whether this page is a list page of this adapter's CMS family."""
        raise NotImplementedError

    def fallback_url(self, response: Response) -> str | None:
        """Another address of a list page that failed, to try once instead (default: none)."""
        return None

    def parse_list(self, response: Response, page_index: int) -> ListPage:
        """Entries, declared totals and the request for page ``page_index + 1`` (if any)."""
        raise NotImplementedError
