"""Which bytes answer which URL path: the replica's route table, rendered on demand and cached.

Detail pages carry ``ETag`` (a hash of the page without its 浏览次数 counter) and ``Last-Modified``
(the item's last edit) and answer ``304`` to a matching ``If-None-Match`` / ``If-Modified-Since``.
Blocked columns answer 412/521 with a JS cookie challenge; on sites with traps, calendar, search and
print pages are generated for any date, query or page number.
"""

from __future__ import annotations

import hashlib
import re
import threading
import zlib
from collections.abc import Callable, Mapping
from datetime import UTC, date
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any

from replica.cloaking_cases import cloak
from replica.faults import FaultPlan
from replica.inspection_cases import case_files
from replica.items import ASSET_TYPES
from replica.model import Column, Item, ReplicaSite
from replica.render import generic, hanweb, pages, traps, trs, ucap, waf
from replica.render.detail import VISITS, render_detail
from replica.reply import CST, Reply, html_reply, http_date

# Enough bytes for a client sniffing the type to believe it; the replica serves no real media.
ASSET_BYTES = {
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "docx": b"PK\x03\x04\x14\x00\x00\x00\x08\x00replica-docx",
    "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1replica-xls",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
    "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
}
_VISITS_BYTES = VISITS.encode("ascii")
_CALENDAR_PATH = re.compile(r"^/calendar/(\d{4})/(\d{2})/(\d{2})\.html$")


class Router:
    """Maps a request path (and its parameters and conditional headers) to a :class:`Reply`."""

    def __init__(self, site: ReplicaSite) -> None:
        self.site = site
        self._routes: dict[str, Callable[[], Reply]] = {}
        self._dynamic: dict[str, Callable[[Mapping[str, str]], Reply]] = {}
        self._blocked: dict[str, Reply] = {}
        self._details: dict[str, Item] = {}
        self._list_paths: set[str] = set()
        self._cache: dict[str, Reply] = {}
        self._visits: dict[str, int] = {}
        self._lock = threading.Lock()
        self._by_column_id = {c.column_id: c for c in site.listing_columns() if c.cms == "hanweb"}
        self._by_item_id = {i.id: i for i in site.items.values() if i.served}
        self._add_routes()
        self.faults = FaultPlan(site)
        self._not_found = html_reply(pages.render_not_found(site), status=404)

    def paths(self) -> list[str]:
        """Every path that answers 200 (dataproxy and trap pages aside), for tests and benchmarks."""
        return [*self._routes, *self._dynamic]

    def get(
        self, path: str, params: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
    ) -> Reply:
        """The reply for ``path``; ``params`` are the merged query and form fields, ``headers`` the
        request headers (the conditional ones, and the user agent and Referer a planted cloaking
        case answers by). A spec's planted faults answer first."""
        params = params or {}
        if self.faults:
            return self.faults.apply(path, params, partial(self._serve, path, params, headers))
        return self._serve(path, params, headers)

    def _serve(self, path: str, params: Mapping[str, str], headers: Mapping[str, str] | None) -> Reply:
        blocked = self._blocked.get(path)
        if blocked is not None:
            return blocked
        if path == hanweb.DATAPROXY:
            return self._dataproxy(params)
        if self.site.spec.traps:
            trap = self._trap(path, params)
            if trap is not None:
                return trap
        dynamic = self._dynamic.get(path)
        if dynamic is not None:
            return dynamic(params)
        reply = self._cached(path)
        if reply is None:
            return self._not_found
        if path in self._details:
            return self._detail(path, reply, headers or {})
        return cloak(self.site, path, headers or {}, reply)

    def _cached(self, path: str) -> Reply | None:
        cached = self._cache.get(path)
        if cached is not None:
            return cached
        render = self._routes.get(path)
        if render is None:
            return None
        reply = render()
        # Rendering is pure, so two threads racing here produce equal bytes; the lock only
        # keeps the dict update tidy.
        with self._lock:
            self._cache[path] = reply
        return reply

    def _detail(self, path: str, reply: Reply, headers: Mapping[str, str]) -> Reply:
        """A detail page: 304 when the client's copy is current, else the page with a fresh 浏览次数."""
        with self._lock:
            count = self._visits.get(path, 100 + zlib.crc32(path.encode()) % 900) + 1
            self._visits[path] = count
        if _not_modified(reply, self._details[path], headers):
            return Reply(304, reply.content_type, b"", reply.headers)
        return Reply(
            reply.status,
            reply.content_type,
            reply.body.replace(_VISITS_BYTES, str(count).encode()),
            reply.headers,
        )

    def _add_routes(self) -> None:
        site = self.site
        home = partial(_html, "utf-8", pages.render_home, site)
        self._routes["/"] = self._routes["/index.html"] = home
        for column in site.columns.values():
            self._add_column(column)
        blocked_items = {i.url: c for c in site.listing_columns() if c.blocked for i in c.items}
        for item in site.items.values():
            if item.url in blocked_items:
                self._blocked[item.url] = self._block_reply(blocked_items[item.url], item.url)
                continue
            if not item.served:
                continue
            charset = site.columns[item.home].defn.encoding
            self._routes[item.url] = partial(_detail_reply, site, item, charset)
            self._details[item.url] = item
        for path, ext in site.assets.items():
            if path not in self._blocked:
                self._routes[path] = partial(Reply, 200, ASSET_TYPES[ext], ASSET_BYTES[ext])
        for item in site.items.values():  # real files (an annual report's PDF and DOCX) over the stand-ins
            for file in item.attachments:
                if file.data is not None and file.path not in self._blocked:
                    ext = file.path.rsplit(".", 1)[-1]
                    self._routes[file.path] = partial(Reply, 200, ASSET_TYPES[ext], file.data)
        self._routes.update(case_files(site))

    def _add_column(self, column: Column) -> None:
        site, charset = self.site, column.defn.encoding
        if column.is_hub:
            self._routes[column.url] = partial(_html, "utf-8", pages.render_hub, site, column)
            return
        folder = column.url.rsplit("/", 1)[0] + "/"
        if column.cms == "hanweb":
            paths = {column.url: partial(_html, charset, hanweb.render_column, site, column, charset)}
        elif column.cms == "trs":
            paths = {
                folder + trs.page_name(index, column): partial(
                    _html, charset, trs.render_list, site, column, index, charset
                )
                for index in range(trs.page_count(column))
            }
        elif column.cms == "ucap":
            paths = {
                folder + ucap.page_name(n): partial(
                    _html, charset, ucap.render_list, site, column, n, charset
                )
                for n in range(1, ucap.page_count(column) + 1)
            }
        else:
            paths = {}
            self._dynamic[column.url] = partial(self._generic_list, column)
        self._list_paths.update(paths)
        self._list_paths.add(column.url)
        if column.blocked:
            for path in (*paths, column.url):
                self._blocked[path] = self._block_reply(column, path)
            self._dynamic.pop(column.url, None)
            return
        self._routes.update(paths)

    def _block_reply(self, column: Column, path: str) -> Reply:
        status = column.blocked or 412
        seed = self.site.spec.seed
        body = waf.challenge(status, seed, path).encode("utf-8")
        return Reply(status, "text/html; charset=UTF-8", body, (("Set-Cookie", waf.set_cookie(seed)),))

    def _generic_list(self, column: Column, params: Mapping[str, str]) -> Reply:
        number = max(1, _int(params.get("page"), 1))
        key = f"{column.url}?page={number}"
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        charset = column.defn.encoding
        reply = _html(charset, generic.render_list, self.site, column, number, charset)
        if number <= generic.page_count(column):
            with self._lock:
                self._cache[key] = reply
        return reply

    def _trap(self, path: str, params: Mapping[str, str]) -> Reply | None:
        """A generated trap page for ``path``, or None when ``path`` is no trap."""
        site = self.site
        if "date" in params and path in self._list_paths:
            day = _date(params["date"])
            return self._not_found if day is None else html_reply(traps.render_calendar(site, day, True))
        match = _CALENDAR_PATH.match(path)
        if match:
            day = _date("-".join(match.groups()))
            return self._not_found if day is None else html_reply(traps.render_calendar(site, day, False))
        if path == traps.SEARCH:
            number = max(1, _int(params.get("page"), 1))
            return html_reply(traps.render_search(site, params.get("q", ""), number))
        if path == traps.PRINT:
            item_id = _int(params.get("id"), 0)
            number = max(1, _int(params.get("page"), 1))
            return html_reply(traps.render_print(site, self._by_item_id.get(item_id), item_id, number))
        return None

    def _dataproxy(self, params: Mapping[str, str]) -> Reply:
        column = self._by_column_id.get(_int(params.get("columnid"), -1))
        if column is None:
            return self._not_found
        if column.blocked:
            return self._block_reply(column, hanweb.DATAPROXY)
        per_page = _int(params.get("perpage"), column.defn.per_page)
        start = _int(params.get("startrecord"), 1)
        end = _int(params.get("endrecord"), start + per_page * hanweb.PAGES_PER_GROUP - 1)
        xml = hanweb.render_dataproxy(column, start, end, per_page)
        return Reply(200, "text/xml; charset=UTF-8", xml.encode("utf-8"))


def _html(charset: str, render: Callable[..., str], *args: Any) -> Reply:
    """Render a page with ``args`` and encode it in ``charset``."""
    return html_reply(render(*args), charset)


def _detail_reply(site: ReplicaSite, item: Item, charset: str) -> Reply:
    """A detail page with ``VISITS`` still in it, its strong ETag and its Last-Modified."""
    reply = html_reply(render_detail(site, item, charset), charset)
    etag = '"' + hashlib.sha1(reply.body).hexdigest()[:24] + '"'
    headers = (("ETag", etag), ("Last-Modified", http_date(item.last_modified)))
    return Reply(reply.status, reply.content_type, reply.body, headers)


def _not_modified(reply: Reply, item: Item, headers: Mapping[str, str]) -> bool:
    """RFC 9110 §13.1: If-None-Match decides when present; otherwise If-Modified-Since."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if_none_match = lowered.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or reply.header("ETag") in tags
    since = lowered.get("if-modified-since")
    if since:
        try:
            client = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if client.tzinfo is None:
            client = client.replace(tzinfo=UTC)
        return item.last_modified.replace(tzinfo=CST, second=0, microsecond=0) <= client
    return False


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
