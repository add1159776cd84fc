"""Which bytes answer which URL path: the replica's route table, rendered on demand and cached."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from replica.build import ASSET_TYPES
from replica.model import NOT_FOUND, Column, ReplicaSite
from replica.render import hanweb, pages, trs
from replica.render.detail import render_detail

logger = logging.getLogger(__name__)

# Enough bytes for a client sniffing the type to believe it; the replica serves no real media.
ASSET_BYTES = {
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "docx": b"PK\x03\x04\x14\x00\x00\x00\x08\x00replica-docx",
    "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1replica-xls",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
    "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
}


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, Content-Type header and body bytes."""

    status: int
    content_type: str
    body: bytes


def html_reply(text: str, charset: str = "utf-8", status: int = 200) -> Reply:
    header = "GBK" if charset == "gbk" else "UTF-8"
    return Reply(status, f"text/html; charset={header}", text.encode(charset, errors="xmlcharrefreplace"))


class Router:
    """Maps a request path (and, for dataproxy, its parameters) to a :class:`Reply`."""

    def __init__(self, site: ReplicaSite) -> None:
        self.site = site
        self._routes: dict[str, Callable[[], Reply]] = {}
        self._cache: dict[str, Reply] = {}
        self._lock = threading.Lock()
        self._by_column_id = {c.column_id: c for c in site.listing_columns() if c.cms == "hanweb"}
        self._add_routes()
        self._not_found = html_reply(pages.render_not_found(site), status=404)

    def paths(self) -> list[str]:
        """Every path that answers 200 (dataproxy aside), for tests and benchmarks."""
        return list(self._routes)

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Reply:
        """The reply for ``path``; ``params`` are the merged query and form fields."""
        if path == hanweb.DATAPROXY:
            return self._dataproxy(params or {})
        cached = self._cache.get(path)
        if cached is not None:
            return cached
        render = self._routes.get(path)
        if render is None:
            return self._not_found
        reply = render()
        # Rendering is pure, so two threads racing here produce equal bytes; the lock only
        # keeps the dict update tidy.
        with self._lock:
            self._cache[path] = reply
        return reply

    def _add_routes(self) -> None:
        site = self.site
        home = partial(_html, "utf-8", pages.render_home, site)
        self._routes["/"] = self._routes["/index.html"] = home
        for column in site.columns.values():
            self._add_column(column)
        for item in site.items.values():
            if item.status == NOT_FOUND:
                continue
            charset = site.columns[item.home].defn.encoding
            self._routes[item.url] = partial(_html, charset, render_detail, site, item, charset)
        for path, ext in site.assets.items():
            self._routes[path] = partial(Reply, 200, ASSET_TYPES[ext], ASSET_BYTES[ext])

    def _add_column(self, column: Column) -> None:
        site, charset = self.site, column.defn.encoding
        if column.is_hub:
            self._routes[column.url] = partial(_html, "utf-8", pages.render_hub, site, column)
        elif column.cms == "hanweb":
            self._routes[column.url] = partial(_html, charset, hanweb.render_column, site, column, charset)
        else:
            folder = column.url.rsplit("/", 1)[0] + "/"
            for index in range(trs.page_count(column)):
                self._routes[folder + trs.page_name(index)] = partial(
                    _html, charset, trs.render_list, site, column, index, charset
                )

    def _dataproxy(self, params: Mapping[str, str]) -> Reply:
        column = self._by_column_id.get(_int(params.get("columnid"), -1))
        if column is None:
            return self._not_found
        per_page = _int(params.get("perpage"), column.defn.per_page)
        start = _int(params.get("startrecord"), 1)
        end = _int(params.get("endrecord"), start + per_page * hanweb.PAGES_PER_GROUP - 1)
        xml = hanweb.render_dataproxy(column, start, end, per_page)
        return Reply(200, "text/xml; charset=UTF-8", xml.encode("utf-8"))


def _html(charset: str, render: Callable[..., str], *args: Any) -> Reply:
    """Render a page with ``args`` and encode it in ``charset``."""
    return html_reply(render(*args), charset)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
