"""Hanweb 大汉 JCMS list pages: records in an inline ``<datastore>``, later groups from ``dataproxy.jsp``.

The column page embeds its first group of records as XML in a ``<script type="text/xml">``; each
further group (perPage × 3 records) comes from ``dataproxy.jsp?startrecord=S&endrecord=E…``. The
ids that request needs (columnid, unitid, webid) are only on the column page, so they travel in
``response.meta["hanweb"]`` to the dataproxy responses.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import lxml.html
from lxml import etree
from scrapy import Request
from scrapy.http import Response

from crawler.adapters.base import Adapter, ListEntry, ListPage
from crawler.adapters.generic import universal_page
from crawler.adapters.paging import SCRIPT_NOTE
from crawler.extract.html import strip_control_chars
from crawler.extract.listing import (
    anchor_title,
    entry_row,
    nearby_date,
    response_meta,
    response_text,
    usable_href,
)

DEFAULT_PER_PAGE = 15
GROUP_PAGES = 3
DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
_DETECT = re.compile(r"<datastore>|dataproxy\.jsp|/col/col\d+/|jpage\(", re.I)
_RECORD = re.compile(r"<record>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>", re.S | re.I)
# At most 9 digits: a longer run is no count (and int() refuses 4300+ digits).
_TOTAL = re.compile(
    r"totalRecord\s*:\s*['\"]?(\d{1,9})(?!\d)|<totalrecord>\s*(\d{1,9})\s*</totalrecord>", re.I
)
_PER_PAGE = re.compile(r"perPage\s*:\s*['\"]?(\d{1,9})(?!\d)", re.I)
_PROXY = re.compile(r"(/module/(?:[\w-]+/)*?jpage/dataproxy\.jsp)", re.I)
_PARAM_SCRIPT = re.compile(r"param_(\d+)\s*=\s*\{([^}]*)\}", re.S)
_NEXTGROUP = re.compile(r"<nextgroup>\s*(?:<!\[CDATA\[)?.*?href=[\"']([^\"']+)", re.S | re.I)
_UNIT_DIV = re.compile(r"id=[\"']?(\d+)[\"']?[^>]*>\s*<script[^>]*text/xml", re.I)
_COL_META = re.compile(r"<meta[^>]+name=[\"']ColId[\"'][^>]*content=[\"'](\d+)", re.I)
_COL_URL = re.compile(r"/col/col(\d+)/")
_ART_HREF = re.compile(r"/art/")
_ID_KEYS = ("columnid", "unitid", "webid")


class HanwebAdapter(Adapter):
    """List pages of Hanweb JCMS sites (column page and dataproxy groups)."""

    name = "hanweb"

    def detect(self, response: Response) -> bool:
        return bool(_DETECT.search(response_text(response)) or _COL_URL.search(response.url))

    def parse_list(self, response: Response, page_index: int) -> ListPage:
        text = response_text(response)
        meta = response_meta(response)
        state = column_state(text, response.url, meta.get("hanweb"))
        total = state.get("total")
        per_page = int(state.get("perpage") or DEFAULT_PER_PAGE)
        entries = record_entries(text, response.url)
        undeclared = page_index == 0 and total is None and not _PER_PAGE.search(text)
        if not state.get("columnid") or (undeclared and _NEXTGROUP.search(text)):
            # no ids for dataproxy, or no group size to compute its records from: walk by
            # <nextgroup> as printed, 下一页 links or script evidence instead
            page = universal_page(response, page_index, lambda _root, _url: entries)
            if _PROXY.search(response.url):
                page.next_request = None  # a group's own <nextgroup> names no further group
            if total is not None:
                page.declared_total = total
                page.declared_pages = _groups(total, per_page)
            return page
        return ListPage(
            entries=entries,
            declared_total=total,
            declared_pages=_groups(total, per_page) if total is not None else None,
            next_request=self._next_request(response, page_index, state, meta),
            paging="cms",
            walk_note=SCRIPT_NOTE,
        )

    def _next_request(
        self, response: Response, page_index: int, state: dict[str, Any], meta: dict[str, Any]
    ) -> Request | None:
        url = dataproxy_url(response.url, page_index + 1, state)
        if url is None:
            return None
        next_meta: dict[str, Any] = {key: meta[key] for key in ("column_url", "column_path") if key in meta}
        next_meta.setdefault("column_url", response.url)
        next_meta.update(page_index=page_index + 1, hanweb=state)
        return Request(url, meta=next_meta)


def _groups(total: int, per_page: int) -> int:
    """The requests a walk makes for ``total`` records: jpage declares pages of ``per_page`` records
    but fetches them in groups of :data:`GROUP_PAGES` pages, one request each."""
    return -(-total // (per_page * GROUP_PAGES))


def column_state(text: str, url: str, carried: dict[str, Any] | None = None) -> dict[str, Any]:
    """columnid, unitid, webid, perpage, total and proxy path: carried values updated by this page."""
    state: dict[str, Any] = dict(carried or {})
    found = _ids(text, url)
    for key in _ID_KEYS:
        if found.get(key):
            state.setdefault(key, found[key])
    total = _first_int(_TOTAL, text)
    if total is not None:
        state["total"] = total
    per_page = _first_int(_PER_PAGE, text)
    if per_page:
        state["perpage"] = per_page
    state.setdefault("perpage", DEFAULT_PER_PAGE)
    state.setdefault("total", None)
    proxy = _PROXY.search(text)
    if proxy and "proxy" not in state:
        state["proxy"] = proxy.group(1)
    state.setdefault("proxy", DEFAULT_PROXY)
    return state


def dataproxy_url(page_url: str, group: int, state: dict[str, Any]) -> str | None:
    """The dataproxy request for 0-based group ``group`` (group 0 is the column page's own records)."""
    if not state.get("columnid"):
        return None
    size = int(state.get("perpage") or DEFAULT_PER_PAGE)
    start = group * size * GROUP_PAGES + 1
    total = state.get("total")
    if total is not None and start > int(total):
        return None
    params: dict[str, Any] = {
        "startrecord": start,
        "endrecord": start + size * GROUP_PAGES - 1,
        "perpage": size,
    }
    params.update({key: state[key] for key in _ID_KEYS if state.get(key)})
    params.update(col=1, appid=1, path="/", sourceContentType=1, permissiontype=0)
    return urljoin(page_url, f"{state.get('proxy') or DEFAULT_PROXY}?{urlencode(params, safe='/')}")


def record_entries(text: str, page_url: str) -> list[ListEntry]:
    """One entry per article anchor inside the ``<record>`` fragments."""
    fragments = [cdata if cdata is not None else raw for cdata, raw in _RECORD.findall(text)]
    entries: dict[str, ListEntry] = {}
    for fragment in fragments:
        for anchor in _record_anchors(fragment):
            try:
                url = urljoin(page_url, usable_href(anchor) or "")
            except ValueError:
                continue
            if url not in entries:
                row = entry_row(anchor)
                entries[url] = ListEntry(
                    url=url, title=anchor_title(anchor), date_raw=nearby_date(anchor, row)
                )
    return list(entries.values())


def _record_anchors(fragment: str) -> list[etree._Element]:
    fragment = strip_control_chars(fragment).strip()
    if not fragment:
        return []
    # A bare <tr>/<td> is dropped by the HTML parser outside a table, so give it one.
    wrapped = f"<table>{fragment}</table>" if fragment.lower().startswith(("<tr", "<td")) else fragment
    try:
        root = lxml.html.fragment_fromstring(wrapped, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    anchors = [a for a in root.iter("a") if usable_href(a)]
    articles = [a for a in anchors if _ART_HREF.search(a.get("href") or "")]
    return articles or anchors[:1]


def _ids(text: str, url: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    nextgroup = _NEXTGROUP.search(text)
    if nextgroup:
        query = parse_qs(urlsplit(html.unescape(nextgroup.group(1))).query)
        ids.update({key: query[key][0] for key in _ID_KEYS if query.get(key)})
    param = _PARAM_SCRIPT.search(text)
    if param:
        ids.setdefault("unitid", param.group(1))
        for key in _ID_KEYS:
            value = re.search(rf"\b{key}\s*:\s*['\"]?(\w+)", param.group(2))
            if value:
                ids.setdefault(key, value.group(1))
    for key, pattern, source in (("unitid", _UNIT_DIV, text), ("columnid", _COL_META, text)):
        match = pattern.search(source)
        if match:
            ids.setdefault(key, match.group(1))
    column = _COL_URL.search(url)
    if column:
        ids.setdefault("columnid", column.group(1))
    return ids


def _first_int(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    if not match:
        return None
    return int(next(group for group in match.groups() if group is not None))
