"""From a :class:`~crawler.adapters.pager.Pager` to the next list page: its URL, its request, and
the facts the walk's completeness rests on.

Every adapter uses this when its CMS's own paging is missing, so a column whose pager is not the
one its CMS usually prints is still walked to the end. What a page's pager says that later pages
may not repeat (a page-name template, reversed numbering, the declared page count: pages fetched
by script often are bare fragments) travels in ``request.meta["zwgk_pager"]``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any
from urllib.parse import urldefrag

from lxml import etree
from scrapy import Request
from scrapy.http import Response

from crawler.adapters.pager import Pager, current_page, read_pager, with_page
from crawler.extract.listing import response_meta

CARRY_META = "zwgk_pager"
CARRIED_META = ("column_url", "column_path")
SCRIPT_NOTE = "pager only in script"
LINKS_NOTE = "pager links end before the declared pages"
_LAST_NUMBER = re.compile(r"(\d{1,7})(?!.*\d)")


def with_carried(pager: Pager, meta: dict[str, Any]) -> Pager:
    """``pager`` completed by what an earlier page of the column said (template, reversal, pages)."""
    carried = meta.get(CARRY_META)
    if not isinstance(carried, dict):
        return pager
    changes: dict[str, Any] = {}
    if pager.template is None and carried.get("template"):
        changes.update(template=carried["template"], reversed=bool(carried.get("reversed")))
    if pager.pages is None and carried.get("pages"):
        changes["pages"] = int(carried["pages"])
    if pager.how == "none" and carried.get("how"):
        changes["how"] = carried["how"]
    return dataclasses.replace(pager, **changes) if changes else pager


def next_page_url(url: str, pager: Pager, page_index: int | None = None) -> str | None:
    """The next page: the 下一页 link; else the numbered link after the page shown; else the page
    named by a reversed template; else the page parameter or template plus one, within the
    declared pages."""
    here = urldefrag(url)[0]
    if pager.next_url:
        return pager.next_url if pager.next_url != here else None
    numbered = dict(pager.numbered)
    if pager.current is not None and numbered.get(pager.current + 1) not in (None, here):
        return numbered[pager.current + 1]
    if pager.pages is not None and pager.param is not None:
        number = current_page(url, pager) + 1
        return with_page(url, pager.param, number) if number - pager.first < pager.pages else None
    if pager.template and pager.pages:
        return _from_template(url, pager, page_index)
    return None


def _from_template(url: str, pager: Pager, page_index: int | None) -> str | None:
    assert pager.template is not None and pager.pages is not None
    shown = pager.current or ((page_index or 0) + 1)
    if pager.reversed:
        number = pager.pages - shown
        return pager.template.replace("{n}", str(number)) if number >= 1 else None
    if shown >= pager.pages:
        return None
    offset = _offset(pager)
    if offset is None:
        return None
    target = pager.template.replace("{n}", str(shown + 1 + offset))
    return target if target != urldefrag(url)[0] else None


def _offset(pager: Pager) -> int | None:
    """How a page's number in its URL differs from its label (``list_2`` labelled 2 → 0)."""
    assert pager.template is not None
    head, _, tail = pager.template.partition("{n}")
    for label, target in pager.numbered:
        if target.startswith(head) and target.endswith(tail):
            middle = target[len(head) : len(target) - len(tail)]
            if middle.isdigit():
                return int(middle) - label
    return None


def walk_note(pager: Pager, entries: int, next_url: str | None, page_index: int) -> str | None:
    """What the walk of this column rests on, when it is not plain links: a POST API that serves
    the list, a pager found only in script, or declared pages with no way to reach them (by
    script, or past the pager's last link)."""
    if pager.post_api and not entries:
        return f"POST API: {pager.post_api}"
    if pager.how == "script":
        return SCRIPT_NOTE
    if next_url is None and entries and _declares_more(pager, entries, page_index):
        if pager.post_api:
            return f"POST API: {pager.post_api}"
        return LINKS_NOTE if pager.how in ("links", "select") else SCRIPT_NOTE
    return None


def _declares_more(pager: Pager, entries: int, page_index: int) -> bool:
    """Whether the page declares more pages or records than the walk has reached with it."""
    if pager.pages is not None and page_index + 1 < pager.pages:
        return True
    return page_index == 0 and pager.total is not None and pager.total > entries


def cms_note(text: str, root: etree._Element, url: str) -> str | None:
    """The note of a CMS's own paging: ``pager only in script`` unless the page also prints its
    pager as plain links (a capture that saved the rendered pager)."""
    return None if read_pager(text, root, url).how == "links" else SCRIPT_NOTE


def follow(response: Response, page_index: int, url: str | None, pager: Pager) -> Request | None:
    """The request for page ``page_index + 1`` at ``url``, carrying the column and pager state."""
    if url is None:
        return None
    meta = response_meta(response)
    next_meta: dict[str, Any] = {key: meta[key] for key in CARRIED_META if key in meta}
    next_meta.setdefault("column_url", response.url)
    next_meta["page_index"] = page_index + 1
    if pager.template:
        next_meta[CARRY_META] = {
            "template": pager.template,
            "reversed": pager.reversed,
            "pages": pager.pages,
            "how": pager.how,
        }
    return Request(url, meta=next_meta)
