"""Helpers the CMS adapters share for list pages: decoding, titles and the date beside an entry."""

from __future__ import annotations

from typing import Any

from lxml import etree
from scrapy.http import Response

from crawler.extract.charset import decode_body
from crawler.extract.dates import find_date_text, month_day_text, parse_date
from crawler.extract.html import inline_text

DATE_TAGS = ("span", "td", "em", "b", "i", "font", "div", "p")
ROW_TAGS = ("li", "tr", "dd", "dl")
_SKIP_HREF = ("javascript:", "mailto:", "#", "tel:")


def response_text(response: Response) -> str:
    """The response body decoded by :func:`~crawler.extract.charset.decode_body`."""
    content_type = response.headers.get(b"Content-Type") if response.headers else None
    header = content_type.decode("latin-1") if isinstance(content_type, bytes) else content_type
    return decode_body(response.body or b"", header)[0]


def response_meta(response: Response) -> dict[str, Any]:
    """``response.meta``, or an empty dict for a response built without a request."""
    try:
        return dict(response.meta)
    except AttributeError:
        return {}


def usable_href(anchor: etree._Element) -> str | None:
    """The anchor's href, unless it is empty, a fragment or a script."""
    href = (anchor.get("href") or "").strip()
    if not href or href.lower().startswith(_SKIP_HREF):
        return None
    return href


def anchor_title(anchor: etree._Element) -> str:
    """The anchor's ``title=`` (lists truncate their text with …), else its text, else its
    ``alt=`` or its picture's ``alt``/``title`` (items titled only by an image)."""
    title = " ".join((anchor.get("title") or "").split())
    if title:
        return title
    text = inline_text(anchor)
    if text:
        return text
    for element in (anchor, *anchor.iter("img")):
        for attribute in ("alt", "title"):
            value = " ".join((element.get(attribute) or "").split())
            if value:
                return value
    return ""


def entry_row(anchor: etree._Element) -> etree._Element | None:
    """The ``li``/``tr`` holding an entry's anchor, else its parent."""
    for ancestor in anchor.iterancestors():
        if ancestor.tag in ROW_TAGS:
            return ancestor
        if ancestor.tag in ("ul", "ol", "table", "tbody", "body"):
            break
    return anchor.getparent()


def nearby_date(anchor: etree._Element, row: etree._Element | None) -> str | None:
    """The raw date text beside ``anchor``: a date element in its row, else a date in the row's text."""
    if row is None:
        return None
    for element in row.iter(*DATE_TAGS):
        if element is anchor or anchor in element.iterancestors() or element in anchor.iterancestors():
            continue
        text = inline_text(element)
        if text and len(text) <= 40 and parse_date(text) is not None:
            return text
    own = inline_text(anchor)
    rest = inline_text(row).replace(own, " ", 1) if own else inline_text(row)
    found = find_date_text(rest)
    if found is not None:
        return found
    # a list that prints only month and day ("10-19"): the raw text, for the year to come from elsewhere
    for element in row.iter(*DATE_TAGS):
        if element is anchor or anchor in element.iterancestors() or element in anchor.iterancestors():
            continue
        short = month_day_text(inline_text(element))
        if short is not None:
            return short
    return None
