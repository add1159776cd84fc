"""开普云 (Ucap) list pages: ``list.shtml``, ``list_2.shtml``… paged by ``createPageHTML('page_div', …)``.

The template prints ``createPageHTML('page_div', PAGES, CURRENT, 'list', 'shtml', RECORDS)``:
1-based, page 1 is ``list.shtml`` and page N is ``list_N.shtml``. Some sites name the second page
``list_1.shtml`` instead (and every later page one lower), so the request for page 2 carries
``meta["zwgk_fallback_url"]``, the ``_1`` name, for the spider to try when ``_2`` answers 404;
later pages keep whichever numbering the page they follow was served under. Entries are the
page's repeated block of link + date (:mod:`crawler.extract.rows`): Ucap detail URLs have no
single form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.http import Response

from crawler.adapters.base import Adapter, ListPage
from crawler.adapters.generic import block_entries, universal_page
from crawler.adapters.paging import cms_note
from crawler.extract.html import parse_listing
from crawler.extract.listing import response_meta, response_text

FALLBACK_META = "zwgk_fallback_url"
_PAGER = re.compile(
    r"createPageHTML\(\s*['\"][\w-]*['\"]\s*,\s*(\d{1,9})\s*,\s*(\d{1,9})\s*,"
    r"\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]\s*(?:,\s*(\d{1,12}))?"
)
_PAGE_FILE = re.compile(r"^([\w-]+?)(?:_(\d{1,9}))?\.(s?html?)$", re.I)
_CARRIED_META = ("column_url", "column_path")


@dataclass(frozen=True)
class UcapPaging:
    """What a Ucap list page declares: pages, its own (1-based) page, file naming, records."""

    pages: int | None = None
    current: int | None = None
    name: str = "list"
    ext: str = "shtml"
    total: int | None = None


class UcapAdapter(Adapter):
    """List pages of 开普云 (Ucap) sites."""

    name = "ucap"

    def fallback_url(self, response: Response) -> str | None:
        """Some Ucap sites number their second list page _1, not _2: the other name, on a 404."""
        fallback = response.meta.get(FALLBACK_META)
        return str(fallback) if fallback and response.status == 404 else None

    def detect(self, response: Response) -> bool:
        return bool(_PAGER.search(response_text(response)))

    def parse_list(self, response: Response, page_index: int) -> ListPage:
        text = response_text(response)
        paging = declared_paging(text)
        if paging.pages is None:
            return universal_page(response, page_index, block_entries)
        root = parse_listing(text)
        return ListPage(
            entries=block_entries(root, response.url),
            declared_total=paging.total,
            declared_pages=paging.pages,
            next_request=self._next_request(response, page_index, paging),
            paging="cms",
            walk_note=cms_note(text, root, response.url),
        )

    def _next_request(self, response: Response, page_index: int, paging: UcapPaging) -> Request | None:
        if paging.pages is None or page_index + 1 >= paging.pages:
            return None
        meta = response_meta(response)
        column_url = str(meta.get("column_url") or response.url)
        next_meta: dict[str, Any] = {key: meta[key] for key in _CARRIED_META if key in meta}
        next_meta.update(column_url=column_url, page_index=page_index + 1)
        if page_index == 0:
            next_meta[FALLBACK_META] = page_url(response.url, 1, paging)
            return Request(page_url(response.url, 2, paging), meta=next_meta)
        # where list_1 served page 2, every later page is numbered one lower: follow the current URL
        suffix = file_suffix(response.url)
        number = suffix + 1 if suffix is not None else page_index + 2
        return Request(page_url(response.url, number, paging), meta=next_meta)


def declared_paging(text: str) -> UcapPaging:
    """Declared pages, current page, file naming and records of a Ucap list page."""
    match = _PAGER.search(text or "")
    if not match:
        return UcapPaging()
    pages, current, name, ext, total = match.groups()
    return UcapPaging(
        pages=int(pages), current=int(current), name=name, ext=ext, total=int(total) if total else None
    )


def file_suffix(url: str) -> int | None:
    """The ``N`` of a ``list_N.shtml`` URL; None for ``list.shtml`` or a directory."""
    match = _PAGE_FILE.match(urlsplit(url).path.rsplit("/", 1)[-1])
    return int(match.group(2)) if match and match.group(2) else None


def page_url(url: str, number: int, paging: UcapPaging) -> str:
    """The URL of the page file numbered ``number`` in ``url``'s folder: ``list.shtml`` for 0,
    ``list_<number>.shtml`` after."""
    file_name = f"{paging.name}.{paging.ext}" if number == 0 else f"{paging.name}_{number}.{paging.ext}"
    path = urlsplit(url).path
    is_page_file = bool(_PAGE_FILE.match(path.rsplit("/", 1)[-1]))
    base = url if path.endswith("/") or is_page_file else url + "/"
    return urljoin(base, file_name)
