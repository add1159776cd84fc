"""Serve a replica on loopback with the standard library's threading HTTP server."""

from __future__ import annotations

import logging
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from replica.build import build_site
from replica.faults import FaultReply, send
from replica.model import ReplicaSite
from replica.reply import Reply
from replica.routes import Router

logger = logging.getLogger(__name__)

# Dataproxy forms are tiny; refuse anything bigger rather than read it.
MAX_FORM_BYTES = 64 * 1024
# The request headers the router looks at (lower case): the conditional ones, and those a planted
# cloaking case answers by.
ROUTED_HEADERS = ("if-none-match", "if-modified-since", "user-agent", "referer")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], owner: ReplicaServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up (its timeout, a reset) is routine for a web server, not a traceback.
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            logger.debug("client %s went away: %s", client_address, error)
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "TRS-WCM/7.0"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(self._params(), head=False)

    def do_HEAD(self) -> None:
        self._answer(self._params(), head=True)

    def do_POST(self) -> None:
        params = self._params()
        length = int(self.headers.get("Content-Length") or 0)
        if 0 < length <= MAX_FORM_BYTES:
            form = self.rfile.read(length).decode("utf-8", errors="replace")
            params.update(parse_qsl(form, keep_blank_values=True))
        self._answer(params, head=False)

    def _params(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))

    def _answer(self, params: dict[str, str], head: bool) -> None:
        owner = self.server.owner
        owner.count_request()
        # One read of the router: a concurrent set_state() swaps it whole, never mid-request.
        router = owner.router
        routed = {k: v for k, v in self.headers.items() if k.lower() in ROUTED_HEADERS}
        reply: Reply = router.get(urlsplit(self.path).path, params, routed)
        if isinstance(reply, FaultReply):
            send(self, reply, head)
            return
        self.send_response(reply.status)
        if reply.status != 304:
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if not head and reply.status != 304:
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        logger.debug("%s " + format, self.address_string(), *args)


class ReplicaServer:
    """A replica portal served on ``host``:``port`` (port 0 picks a free one) in a background thread.

    ``set_state(n)`` (or ``set_site``) switches the served portal to a later day while running; a new
    server may bind the port of a stopped one (SO_REUSEADDR).
    """

    def __init__(self, site: ReplicaSite, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site
        self.router = Router(site)
        self._address = (host, port)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._count = 0
        self._count_lock = threading.Lock()
        # Bind now, so a busy port fails here (OSError) and base_url is known before serving.
        self._bind()

    def _bind(self) -> _Server:
        if self._httpd is None:
            self._httpd = _Server(self._address, self)
            # Keep the port once chosen, so a restart after stop() serves the same base_url.
            self._address = (self._address[0], int(self._httpd.server_address[1]))
        return self._httpd

    @property
    def state(self) -> int:
        return self.site.state

    def set_site(self, site: ReplicaSite) -> None:
        """Serve ``site`` from the next request on (requests under way finish on the old one)."""
        router = Router(site)
        self.site, self.router = site, router
        logger.info("replica %s now serving state %d", site.spec.name, site.state)

    def set_state(self, state: int) -> ReplicaSite:
        """Serve state ``state`` of the current spec (see ``replica.build_site``) and return that site."""
        site = build_site(self.site.spec, state)
        self.set_site(site)
        return site

    @property
    def port(self) -> int:
        if not self._address[1]:
            self._bind()
        return self._address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self._address[0]}:{self.port}/"

    @property
    def request_count(self) -> int:
        """Requests answered so far, across all threads."""
        with self._count_lock:
            return self._count

    def count_request(self) -> None:
        with self._count_lock:
            self._count += 1

    def start(self) -> ReplicaServer:
        """Serve in a daemon thread and return at once."""
        httpd = self._bind()
        if self._thread is None:
            self._thread = threading.Thread(target=httpd.serve_forever, name="replica-server", daemon=True)
            self._thread.start()
            logger.info("replica %s serving at %s", self.site.spec.name, self.base_url)
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (for the command line)."""
        httpd = self._bind()
        logger.info("replica %s serving at %s", self.site.spec.name, self.base_url)
        try:
            httpd.serve_forever()
        finally:
            httpd.server_close()
            self._httpd = None

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._httpd is None:
            return
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()
        self._httpd = None

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
