"""Auditors with read-only access can read (issue 14, point 6): every reading command and the
dashboard work on a data folder they cannot write, and with a PostgreSQL role that may only SELECT,
and leave the archive exactly as it was (no lock file, no migration, no rollup, no index written).

We run as root, which writes through any mode bits: the reading commands run as ``nobody``
(``setpriv``) over a folder made unwritable, so a write would fail, not pass unseen. Run as another
user, the folder's mode bits alone refuse writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, run_zwgk, truth_column_counts
from sqlalchemy import create_engine, make_url, text

import replica
from storage import rollup
from storage.db import database_url, open_database
from storage.testing import postgres_schema
from zwgk.cli import main

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
LIVE_NOTE = "counting live"


@dataclass
class Archive:
    data: Path  # the data folder (SQLite file and WARC files, or WARC files only with ``db``)
    base: str  # the replica's address when it was crawled
    report: str  # the URL of the 2018 annual report page
    report_bytes: bytes  # the page as the replica served it
    db: str | None = None  # the read-only role's URL (PostgreSQL)

    def store(self) -> list[str]:
        return ["--data", str(self.data)] + (["--db", self.db] if self.db else [])


def _crawl(tiny_site: Any, folder: Path, db: str | None = None) -> Archive:
    report = next(i for i in tiny_site.items.values() if "年度报告" in i.title)
    with replica.ReplicaServer(tiny_site) as server:
        extra = ["--db", db] if db else []
        result = run_zwgk(
            "crawl", server.base_url, "--site", "tiny", "--data", str(folder), "--no-inspect", *extra
        )
        assert result.returncode == 0, result.stderr[-3000:]
        with urllib.request.urlopen(server.base_url.rstrip("/") + report.url) as answer:
            served = answer.read()
        base = server.base_url.rstrip("/")
    return Archive(folder, base, base + report.url, served)


def _readable_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="zwgk-ro-"))
    folder.chmod(0o755)  # nobody may enter it (pytest's own tmp_path is root's alone)
    return folder


def _set_writable(folder: Path, writable: bool) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        path.chmod(mode | 0o200 if writable else mode & ~0o222)


def _state(folder: Path) -> dict[str, Any]:
    """Every file and folder under ``folder``: its size, modification time and content digest."""
    state: dict[str, Any] = {}
    for path in sorted([folder, *folder.rglob("*")]):
        info = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        state[str(path.relative_to(folder))] = (info.st_size, info.st_mtime_ns, digest)
    return state


def _as_reader(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m zwgk ARGS`` as a user who cannot write the data folder."""
    prefix = NOBODY if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "zwgk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "HOME": "/nonexistent", "PYTHONDONTWRITEBYTECODE": "1"},
    )


@pytest.fixture(scope="module")
def sqlite_archive(tiny_site: Any) -> Iterator[Archive]:
    folder = _readable_folder()
    try:
        archive = _crawl(tiny_site, folder / "data")
        _set_writable(archive.data, False)
        yield archive
    finally:
        _set_writable(folder, True)
        shutil.rmtree(folder)


@pytest.fixture(scope="module")
def postgres_archive(tiny_site: Any) -> Iterator[Archive]:
    """The archive in a PostgreSQL schema, read through a role granted USAGE and SELECT only."""
    folder = _readable_folder()
    role = f"zwgk_reader_{uuid.uuid4().hex[:8]}"
    with postgres_schema() as owner_url:
        schema = make_url(owner_url).query["options"].removeprefix("-csearch_path=")
        archive = _crawl(tiny_site, folder / "data", owner_url)
        admin = create_engine(make_url(owner_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE ROLE {role} LOGIN"))
            connection.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO {role}'))
            connection.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {role}'))
        archive.db = make_url(owner_url).set(username=role).render_as_string(hide_password=False)
        _set_writable(archive.data, False)
        try:
            yield archive
        finally:
            _set_writable(folder, True)
            shutil.rmtree(folder)
            with admin.connect() as connection:
                connection.execute(text(f"DROP OWNED BY {role}"))
                connection.execute(text(f"DROP ROLE {role}"))
            admin.dispose()


def _read_everything(
    archive: Archive, out: Path, capsys: pytest.CaptureFixture[str] | None = None
) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every reading command once, as the reader (``nobody``; or in this process, through the
    role, with ``capsys``); each must succeed."""
    store = archive.store()
    raw = out / "report.html"
    commands = {
        "counts": ["audit", "counts", "--format", "json"],
        "counts 2018": ["audit", "counts", "--year", "2018", "--format", "json"],
        "compare": ["audit", "compare", "--years", "2017", "2018", "--format", "json"],
        "health": ["audit", "health", "--as-of", "2018-12-31", "--format", "json"],
        "reconcile": ["audit", "reconcile", "--year", "2018", "--format", "json"],
        "findings": ["audit", "findings", "--format", "json"],
        "show": ["show", archive.report],
        "show --raw": ["show", archive.report, "--raw", str(raw)],
        "show --list": ["show", archive.report, "--list"],
        "diff": ["diff", archive.report],
        "report read": ["report", "read", archive.report, "--format", "json"],
    }
    if capsys is not None:
        results = {name: _in_process([*argv, *store], capsys) for name, argv in commands.items()}
    else:
        with ThreadPoolExecutor(max_workers=4) as pool:
            done = {name: pool.submit(_as_reader, *argv, *store) for name, argv in commands.items()}
        results = {name: future.result() for name, future in done.items()}
    for name, result in results.items():
        assert result.returncode == 0, f"{name}: {result.stderr[-2000:]}"
    # the page as the replica served it, but for its visit counter (another number on each visit)
    assert _uncounted(raw.read_bytes()) == _uncounted(archive.report_bytes)
    return results


def _in_process(argv: list[str], capsys: pytest.CaptureFixture[str]) -> subprocess.CompletedProcess[str]:
    code = main(argv)
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(argv, code, captured.out, captured.err)


def _uncounted(page: bytes) -> bytes:
    return re.sub(r"浏览次数：\d+".encode(), b"", page)


def _check_answers(results: dict[str, subprocess.CompletedProcess[str]], truth: dict[str, Any]) -> None:
    want = truth_column_counts(truth)
    got = {(r["column"], r["year"]): r["items"] for r in json.loads(results["counts"].stdout) if r["items"]}
    assert got == want
    got_2018 = {
        (r["column"], r["year"]): r["items"] for r in json.loads(results["counts 2018"].stdout) if r["items"]
    }
    assert got_2018 == {k: n for k, n in want.items() if k[1] == 2018}
    assert json.loads(results["report read"].stdout)["year"] == 2018
    assert "年度报告" in results["show"].stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


PAGES = [
    "/",
    "/site/tiny",
    "/compare",
    "/health",
    "/findings",
    "/inspection",
    "/search?q=年度报告",
    "/api/search?q=年度报告",
    "/site/tiny/report/2018",
    "/api/sites",
    "/api/sites/tiny/counts",
    "/api/findings",
]


def _serve_and_read(archive: Archive) -> dict[str, int]:
    """``zwgk serve`` as the reader; the status of every page (and the report's archived page)."""
    port = _free_port()
    store = ["--db", archive.db, "--warc", str(archive.data / "warc")] if archive.db else archive.store()
    prefix = NOBODY if os.geteuid() == 0 else []
    server = subprocess.Popen(
        [*prefix, sys.executable, "-m", "zwgk", "serve", *store, "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "HOME": "/nonexistent", "PYTHONDONTWRITEBYTECODE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    statuses: dict[str, int] = {}
    try:
        _wait_for(base, server)
        for page in PAGES:
            statuses[page] = _status(base + urllib.parse.quote(page, safe="/?=&"))
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert "Traceback" not in err, err[-3000:]
    return statuses


def _wait_for(base: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"zwgk serve exited {server.returncode}: {server.stderr.read()[-3000:]}")  # type: ignore[union-attr]
        try:
            urllib.request.urlopen(base + "/api/sites", timeout=5).read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("zwgk serve did not answer within 60 s")


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            answer.read()
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _writable_out() -> Path:
    out = _readable_folder()
    out.chmod(0o777)  # where the reader writes --raw
    return out


def test_a_read_only_data_folder_serves_every_reading_command_and_the_dashboard(
    sqlite_archive: Archive, tiny_truth: dict[str, Any]
) -> None:
    before = _state(sqlite_archive.data)
    out = _writable_out()
    try:
        results = _read_everything(sqlite_archive, out)
    finally:
        shutil.rmtree(out)
    _check_answers(results, tiny_truth)
    assert not any(LIVE_NOTE in r.stderr for r in results.values())  # the crawl's rollup is current
    statuses = _serve_and_read(sqlite_archive)
    assert statuses == dict.fromkeys(PAGES, 200)
    assert _state(sqlite_archive.data) == before  # not a byte, not a lock file, not an index


def test_a_stale_rollup_is_counted_live_with_one_note(
    sqlite_archive: Archive, tiny_truth: dict[str, Any]
) -> None:
    _set_writable(sqlite_archive.data, True)
    db = open_database(database_url(sqlite_archive.data))
    with db.session() as session:
        rollup.forget(session)  # as if the archive changed since the crawl stored it
    db.dispose()
    _set_writable(sqlite_archive.data, False)
    before = _state(sqlite_archive.data)
    try:
        for argv in (
            ["audit", "counts", "--format", "json"],
            ["audit", "compare", "--years", "2017", "2018", "--format", "json"],
            ["audit", "health", "--as-of", "2018-12-31", "--format", "json"],
        ):
            result = _as_reader(*argv, *sqlite_archive.store())
            assert result.returncode == 0, result.stderr[-2000:]
            assert result.stderr.count(LIVE_NOTE) == 1, result.stderr
            if argv[1] == "counts":
                got = {(r["column"], r["year"]): r["items"] for r in json.loads(result.stdout) if r["items"]}
                assert got == truth_column_counts(tiny_truth)
        assert _state(sqlite_archive.data) == before  # no rollup was written by a reader
    finally:
        _set_writable(sqlite_archive.data, True)
        db = open_database(database_url(sqlite_archive.data))
        assert rollup.refresh(db) is not None  # the other tests find it current again
        db.dispose()
        _set_writable(sqlite_archive.data, False)


def _postgres_state(url: str) -> tuple[Any, ...]:
    engine = create_engine(make_url(url))
    try:
        with engine.connect() as connection:
            return tuple(
                connection.execute(text(sql)).all()
                for sql in (
                    "SELECT version_num FROM alembic_version",
                    "SELECT id, generation FROM rollup_state",
                    "SELECT count(*), max(id) FROM capture",
                    "SELECT count(*), max(id) FROM count_rollup",
                )
            )
    finally:
        engine.dispose()


def test_a_role_that_may_only_select_serves_every_reading_command_and_the_dashboard(
    postgres_archive: Archive, tiny_truth: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert postgres_archive.db is not None
    engine = create_engine(make_url(postgres_archive.db))
    with engine.connect() as connection, pytest.raises(Exception, match="permission denied"):
        connection.execute(text("CREATE TABLE zwgk_probe (i int)"))  # the role really cannot write
    engine.dispose()
    before = _postgres_state(postgres_archive.db)
    folder_before = _state(postgres_archive.data)
    out = _writable_out()
    try:
        results = _read_everything(postgres_archive, out, capsys)
    finally:
        shutil.rmtree(out)
    _check_answers(results, tiny_truth)
    # no migration tried, rollup current (reconcile's note that no website statement exists is not one)
    notes = {
        k: line
        for k, r in results.items()
        for line in r.stderr.splitlines()
        if line.startswith("zwgk: note") and "政府网站工作年度报表" not in line
    }
    assert not notes, notes
    assert _serve_and_read(postgres_archive) == dict.fromkeys(PAGES, 200)
    assert _postgres_state(postgres_archive.db) == before
    assert _state(postgres_archive.data) == folder_before


def test_a_write_ahead_log_a_reader_cannot_open_is_an_error_naming_it(sqlite_archive: Archive) -> None:
    """A folder copied while a crawl wrote holds commits only in ``zwgk.sqlite-wal``: reading the
    file alone would miss them, so a reader that cannot open the log refuses, naming it."""
    folder = _readable_folder()
    try:
        live, copy = folder / "live", folder / "copy"
        live.mkdir()
        copy.mkdir()
        shutil.copy(sqlite_archive.data / "zwgk.sqlite", live)
        writer = sqlite3.connect(live / "zwgk.sqlite", isolation_level=None)
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE site SET name = name || '（新）'")
        for name in ("zwgk.sqlite", "zwgk.sqlite-wal"):
            shutil.copy(live / name, copy)
        writer.close()
        assert (copy / "zwgk.sqlite-wal").stat().st_size > 0
        _set_writable(copy, False)
        result = _as_reader("audit", "findings", "--data", str(copy))
        assert result.returncode == 2, result.stderr
        assert "write-ahead log (zwgk.sqlite-wal) not yet folded" in result.stderr
        assert str(copy / "zwgk.sqlite") in result.stderr
    finally:
        _set_writable(folder, True)
        shutil.rmtree(folder)
