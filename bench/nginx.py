"""A private nginx for the benchmark: its own config, logs and pid file in a folder, on a free port.

It changes nothing of the system's nginx (no daemon config, no service): ``Nginx(site, folder)``
writes ``folder/nginx.conf``, runs ``nginx -p folder -c nginx.conf -e folder/error.log`` in the
foreground as a child process and stops it with SIGQUIT. The access log holds one line per request,
``STATUS METHOD URI``, so the benchmark counts each tool's requests.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from types import TracebackType

TEMP_KINDS = ("client-body", "proxy", "fastcgi", "uwsgi", "scgi")
MIME_TYPES = {
    "text/html": "html htm shtml",
    "text/xml": "xml",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "image/jpeg": "jpg jpeg",
    "video/mp4": "mp4",
}


def nginx_binary() -> str | None:
    """The nginx executable: on PATH, else Debian's /usr/sbin/nginx."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _temp_directives(binary: str, folder: Path) -> str:
    """``*_temp_path`` lines for the modules this nginx was built with, inside ``folder``."""
    built = subprocess.run([binary, "-V"], capture_output=True, text=True, check=False).stderr
    lines = []
    for kind in TEMP_KINDS:
        option = "http-client-body-temp-path" if kind == "client-body" else f"http-{kind}-temp-path"
        if f"--{option}" in built:
            directive = "client_body_temp_path" if kind == "client-body" else f"{kind}_temp_path"
            lines.append(f"    {directive} {folder / 'tmp' / kind};")
    return "\n".join(lines)


def config(site: Path, folder: Path, port: int, binary: str) -> str:
    types = "\n".join(f"        {mime} {exts};" for mime, exts in MIME_TYPES.items())
    return f"""daemon off;
master_process on;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{
    worker_connections 1024;
}}
http {{
    types {{
{types}
    }}
    default_type application/octet-stream;
    charset off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    server_tokens off;
    log_format bench '$status $request_method $request_uri';
    access_log {folder / "access.log"} bench;
{_temp_directives(binary, folder)}
    server {{
        listen 127.0.0.1:{port};
        root {site};
        index index.html;
    }}
}}
"""


class Nginx:
    """nginx serving ``site`` on 127.0.0.1 (a free port unless ``port``), configured in ``folder``."""

    def __init__(self, site: str | Path, folder: str | Path, port: int | None = None) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (apt-get install -y nginx-light)")
        self.binary = binary
        self.site = Path(site).resolve()
        self.folder = Path(folder).resolve()
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    def start(self, timeout: float = 10.0) -> Nginx:
        for kind in TEMP_KINDS:
            (self.folder / "tmp" / kind).mkdir(parents=True, exist_ok=True)
        conf = self.folder / "nginx.conf"
        conf.write_text(config(self.site, self.folder, self.port, self.binary), encoding="utf-8")
        self.access_log.touch()
        command = [self.binary, "-p", str(self.folder), "-c", str(conf), "-e", str(self.folder / "error.log")]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                error = (self.folder / "error.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"nginx exited with {self.process.returncode}: {error}")
            try:
                with urllib.request.urlopen(self.base_url, timeout=1) as answer:  # noqa: S310 - loopback
                    answer.read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"nginx did not answer on {self.base_url} within {timeout} s"
                    ) from None
                time.sleep(0.05)
        return self

    def requests(self) -> list[str]:
        """The access log's lines so far (``STATUS METHOD URI``)."""
        return self.access_log.read_text(encoding="utf-8", errors="replace").splitlines()

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
