"""Broken-web faults for the replica: a spec's ``faults:`` block turns chosen pages into bad ones.

Each entry names a target and a ``fault``. The target is a column's listing (``column: PATH``,
``target: list``; YAML reads a bare ``on`` as true, hence the word; for TRS the first list page, for generic every ``list.jsp?page=N``) or one of its
items (``column: PATH``, ``item: N``, the N-th item the column lists, 0 = newest). ``times: N``
makes a fault fire on the first N requests only, then the page is served normally (a retry
succeeds). The kinds, and what a correct crawler records for each, are in ``replica.faultspec.KINDS``;
:func:`expected` lists every planted fault with that outcome, so a test never restates it.

Socket-level faults (late, slow, reset answers) cannot be expressed as a plain ``Reply``: the
router returns a :class:`FaultReply` and the server hands it to :func:`send`. Every delay and
loop here is bounded (``MAX_DELAY``, ``MAX_ENDLESS_PAGES``, ``MAX_LOOP``).
"""

from __future__ import annotations

import io
import socket
import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler
from typing import Any

from replica.errors import SpecError
from replica.faultspec import MAX_DELAY, FaultDef
from replica.model import OK, Column, ReplicaSite
from replica.render import generic, trs
from replica.render.detail import render_detail
from replica.reply import Reply, html_reply

MAX_LOOP = 100
MAX_ENDLESS_PAGES = 10_000
DEFAULT_FOREIGN = "http://evil.example/zwgk/"
# ``{port}`` is the replica's own port: the address differs from the portal's, the port does not.
DEFAULT_PRIVATE = "http://127.0.0.2:{port}/internal/"


@dataclass(frozen=True)
class FaultReply(Reply):
    """A reply the server must deliver badly: late, a chunk at a time, or cut off by a reset."""

    delay: float = 0.0
    drip: float = 0.0
    reset: bool = False


class FaultPlan:
    """The faults of one built site, by URL path; :meth:`apply` answers a request through them."""

    def __init__(self, site: ReplicaSite) -> None:
        self.site = site
        self._by_path: dict[str, list[tuple[int, FaultDef]]] = {}
        self._pages: dict[str, Reply] = {}
        self._hits: dict[int, int] = {}
        self._lock = threading.Lock()
        for index, fault in enumerate(site.spec.faults):
            for path in target_paths(site, fault):
                self._by_path.setdefault(path, []).append((index, fault))
            if fault.fault == "duplicates":
                self._add_duplicates(site.columns[fault.column])

    def hits(self) -> dict[int, int]:
        """Requests each fault (by its index in the spec) has answered or let through so far."""
        with self._lock:
            return dict(self._hits)

    def __bool__(self) -> bool:
        return bool(self._by_path or self._pages)

    def apply(self, path: str, params: Mapping[str, str], serve: Callable[[], Reply]) -> Reply:
        """The reply for ``path``: a planted fault's, else ``serve()`` (the normal reply)."""
        for index, fault in self._by_path.get(path, ()):
            if self._fires(index, fault):
                return self._reply(path, params, fault, serve)
        page = self._pages.get(path)
        return page if page is not None else serve()

    def _fires(self, index: int, fault: FaultDef) -> bool:
        with self._lock:
            hits = self._hits[index] = self._hits.get(index, 0) + 1
        return fault.times is None or hits <= fault.times

    def _reply(
        self, path: str, params: Mapping[str, str], fault: FaultDef, serve: Callable[[], Reply]
    ) -> Reply:
        kind = fault.fault
        if kind == "http_500":
            return html_reply("<html><body><h1>500 Internal Server Error</h1></body></html>", status=500)
        if kind in ("timeout", "slow", "reset"):
            normal = serve()
            delay = fault.delay or (5.0 if kind == "timeout" else 1.0)
            return FaultReply(
                normal.status,
                normal.content_type,
                normal.body,
                normal.headers,
                delay=delay if kind == "timeout" else 0.0,
                drip=delay / 4 if kind == "slow" else 0.0,
                reset=kind == "reset",
            )
        if kind.startswith("redirect"):
            return _redirect(path, params, fault)
        if kind == "endless":
            return self._endless(fault, params)
        return _mangle(self.site, fault, serve())

    def _endless(self, fault: FaultDef, params: Mapping[str, str]) -> Reply:
        """Page N of a listing that always has a page N+1: fresh item URLs each page, or the same."""
        column = self.site.columns[fault.column]
        number = max(1, _int(params.get("page"), 1))
        if number > MAX_ENDLESS_PAGES:
            return html_reply("<html><body>404</body></html>", status=404)
        size = column.defn.per_page
        if fault.mode == "same":
            items = column.items[:size] * (number + 1)
        else:
            template = column.items[0]
            items = tuple(
                replace(
                    template,
                    id=900_000 + n,
                    url=f"/endless/{column.column_id}/{n}.html",
                    title=f"{template.title}（{n}）",
                )
                for n in range((number + 1) * size)
            )
        shown = replace(column, items=items)
        charset = column.defn.encoding
        return html_reply(generic.render_list(self.site, shown, number, charset), charset)

    def _add_duplicates(self, column: Column) -> None:
        """List every other item twice: once more on the same page, once more on the next page."""
        items = list(column.items)
        doubled: list[Any] = []
        for i, item in enumerate(items):
            doubled.append(item)
            if i % 2 == 0:
                doubled.append(item)
        shown = replace(column, items=tuple(doubled))
        folder = column.url.rsplit("/", 1)[0] + "/"
        charset = column.defn.encoding
        for index in range(trs.page_count(shown)):
            text = trs.render_list(self.site, shown, index, charset)
            self._pages[folder + trs.page_name(index)] = html_reply(text, charset)


def target_paths(site: ReplicaSite, fault: FaultDef) -> list[str]:
    """The URL paths a fault answers on (none for ``duplicates``, whose pages are replaced whole)."""
    column = site.columns[fault.column]
    if fault.fault == "duplicates":
        return []
    if fault.item is None:
        return [column.url]
    if not 0 <= fault.item < len(column.items):
        raise SpecError(f"fault {fault.fault}: {fault.column} lists no item {fault.item}")
    item = column.items[fault.item]
    if item.status != OK or item.home != column.path:
        raise SpecError(f"fault {fault.fault}: item {fault.item} of {fault.column} already carries a fault")
    return [item.url]


def expected(site: ReplicaSite) -> list[dict[str, Any]]:
    """Every planted fault with its target URL path and the status a correct crawl records for it."""
    out = []
    for fault in site.spec.faults:
        column = site.columns[fault.column]
        entry: dict[str, Any] = {
            "fault": fault.fault,
            "column": fault.column,
            "target": fault.target,
            "path": column.url if fault.item is None else column.items[fault.item].url,
            "expect": fault.outcome,
            "times": fault.times,
            "mode": fault.mode,
        }
        if fault.fault == "duplicates":
            entry["distinct_items"] = len(column.items)
        elif fault.fault == "endless" and fault.mode == "same":
            entry["distinct_items"] = len(column.items[: column.defn.per_page])
        out.append(entry)
    return out


def _redirect(path: str, params: Mapping[str, str], fault: FaultDef) -> Reply:
    if fault.fault == "redirect_foreign":
        location = fault.to or DEFAULT_FOREIGN
    elif fault.fault == "redirect_private":
        location = fault.to or DEFAULT_PRIVATE
    else:
        hop = _int(params.get("loop"), 0) + 1
        if hop > MAX_LOOP:
            return html_reply("<html><body>loop ends</body></html>", status=404)
        # fresh: a new URL every hop; cycle: A → A?loop=1 → A, which a duplicate filter would eat.
        location = f"{path}?loop={hop}" if fault.mode != "cycle" or hop == 1 else path
    body = b'<html><body><a href="' + location.encode() + b'">moved</a></body></html>'
    return FaultReply(302, "text/html; charset=UTF-8", body, (("Location", location),))


def _mangle(site: ReplicaSite, fault: FaultDef, normal: Reply) -> Reply:
    """A normal page made too big, cut in half, or sent with a charset header that lies."""
    if fault.fault == "oversized":
        padding = b"<!-- " + b"x" * max(0, fault.size - len(normal.body)) + b" -->"
        body = normal.body.replace(b"</body>", padding + b"</body>", 1)
        return Reply(normal.status, normal.content_type, body, normal.headers)
    if fault.fault == "truncated":
        return Reply(
            normal.status, normal.content_type, normal.body[: _mid_character(normal.body)], normal.headers
        )
    column = site.columns[fault.column]
    item = column.items[fault.item or 0]
    gbk = html_reply(render_detail(site, item, "gbk"), "gbk")
    return Reply(normal.status, "text/html; charset=UTF-8", gbk.body, normal.headers)


def _mid_character(body: bytes) -> int:
    """A cut point past half the body that splits a multi-byte character, as a dropped connection does."""
    half = len(body) // 2
    lead = next((i for i in range(half, len(body)) if body[i] >= 0xE0), None)
    return half if lead is None else lead + 1


def send(handler: BaseHTTPRequestHandler, reply: FaultReply, head: bool = False) -> None:
    """Deliver ``reply`` on the handler's socket: after ``delay``, in drips, or cut by a reset."""
    address: Any = handler.server.server_address
    port = str(address[1])
    try:
        if reply.delay:
            time.sleep(min(reply.delay, MAX_DELAY))
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            handler.send_header(name, value.replace("{port}", port))
        handler.end_headers()
        if head:
            return
        if reply.reset:
            handler.wfile.write(reply.body[: len(reply.body) // 2])
            _reset(handler)
        elif reply.drip:
            _drip(handler, reply.body, reply.drip)
        else:
            handler.wfile.write(reply.body)
    except OSError:
        # The client gave up (its timeout) before the answer came: nobody is left to answer.
        handler.close_connection = True


def _drip(handler: BaseHTTPRequestHandler, body: bytes, pause: float) -> None:
    step = max(1, len(body) // 4)
    for start in range(0, len(body), step):
        handler.wfile.write(body[start : start + step])
        handler.wfile.flush()
        time.sleep(min(pause, MAX_DELAY))


def _reset(handler: BaseHTTPRequestHandler) -> None:
    """Close with SO_LINGER 0: the kernel sends RST instead of FIN, mid-body."""
    handler.close_connection = True
    connection: socket.socket = handler.connection
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()
    # The handler flushes and reads on after do_GET returns: give it inert files, not the dead socket.
    handler.wfile = io.BytesIO()
    handler.rfile = io.BytesIO()


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
