"""Serve the real-page corpus as mini-portals on loopback (one threaded ``http.server``).

Each portal folder of ``tests/fixtures/real/`` becomes a small site: ``/`` is a home page with a
nav linking each column's list page, and every saved page answers at its original path (from its
``url``). The portal is chosen by the Host header (``Host: www.example.gov.cn``) or, without one
that names a portal, by a ``/_/<folder>/`` path prefix. Everything else answers 404.

    python -m replica.corpus [--port N]     # prints the address of each portal and serves
"""

from __future__ import annotations

import argparse
import html
import logging
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from replica.corpus_model import CORPUS_DIR, CorpusPage, Portal, load_corpus

logger = logging.getLogger(__name__)

PREFIX = "/_/"


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str


def home_page(portal: Portal, base: str = "") -> bytes:
    """The portal's home page: its name and a nav with one link per list page (by column);
    ``base`` is the path prefix the portal is served under (empty when chosen by Host)."""
    links = []
    for page in portal.pages:
        if page.kind == "list":
            label = html.escape(page.column or page.path)
            links.append(f'<li><a href="{html.escape(base + page.path)}">{label}</a></li>')
    name = html.escape(portal.name or portal.slug)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}</title></head>'
        f'<body><h1>{name}</h1><ul class="nav">{"".join(links)}</ul></body></html>'
    ).encode()


class CorpusSite:
    """The corpus as a lookup: (portal, path) → the saved page's bytes."""

    def __init__(self, portals: list[Portal]) -> None:
        self.portals = {portal.slug: portal for portal in portals}
        self.by_host = {portal.host.lower(): portal for portal in portals if portal.host}
        self.pages: dict[tuple[str, str], CorpusPage] = {}
        for portal in portals:
            for page in portal.pages:
                self.pages.setdefault((portal.slug, page.path), page)

    def answer(self, host: str | None, path: str) -> Answer:
        """What the server sends for ``path`` asked with Host ``host``."""
        portal = self.by_host.get((host or "").split(":")[0].lower())
        base = ""
        if portal is None and path.startswith(PREFIX):
            slug, _, rest = path[len(PREFIX) :].partition("/")
            portal, path, base = self.portals.get(slug), "/" + rest, PREFIX + slug
            if portal is None:
                return _not_found()
        if portal is None:
            return self._index() if path == "/" else _not_found()
        if path in ("/", "/index.html") and (portal.slug, path) not in self.pages:
            return Answer(200, home_page(portal, base), "text/html; charset=utf-8")
        page = self.pages.get((portal.slug, path))
        if page is None:
            return _not_found()
        return Answer(200, page.body(), page.content_type or "text/html")

    def _index(self) -> Answer:
        links = "".join(
            f'<li><a href="{PREFIX}{slug}/">{html.escape(portal.name or slug)}</a></li>'
            for slug, portal in sorted(self.portals.items())
        )
        body = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>corpus</title></head><body><ul>{links}</ul></body></html>'
        return Answer(200, body.encode(), "text/html; charset=utf-8")


def _not_found() -> Answer:
    return Answer(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html; charset=utf-8")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: CorpusSite) -> None:
        self.site = site
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._send(head=False)

    def do_HEAD(self) -> None:
        self._send(head=True)

    def _send(self, head: bool) -> None:
        answer = self.server.site.answer(self.headers.get("Host"), self.path)
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if not head:
            self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)


class CorpusServer:
    """The corpus served on 127.0.0.1 at a free port, in a background thread (a context manager)."""

    def __init__(self, root: Path = CORPUS_DIR, port: int = 0) -> None:
        self.site = CorpusSite(load_corpus(root))
        self._server = _Server(("127.0.0.1", port), self.site)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def portal_url(self, slug: str) -> str:
        """The address of a portal's home page through the path prefix (no Host header needed)."""
        return f"{self.base_url}{PREFIX}{slug}/"

    def start(self) -> CorpusServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> CorpusServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--root", type=Path, default=CORPUS_DIR)
    args = parser.parse_args(argv)
    with CorpusServer(args.root, args.port) as server:
        for slug in sorted(server.site.portals):
            print(server.portal_url(slug))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    raise SystemExit(main())
