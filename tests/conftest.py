from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from storage.db import Database, open_database
from storage.testing import temporary_database


@pytest.fixture(scope="session")
def tiny_site():
    import replica

    return replica.build_site(replica.load_spec("tiny"))


@pytest.fixture(scope="session")
def tiny_truth(tiny_site):
    import replica

    return replica.truth(tiny_site)


@dataclass
class TinyArchive:
    """The tiny replica crawled once by URL as a user runs it (``zwgk crawl URL --site tiny --data
    DATA --json``: the inspector's checks on), its replica kept up at the same address."""

    base_url: str
    data: Path  # read it only: a test that writes (crawls again, adds rows) copies it first
    summary: dict[str, Any]  # the crawl's --json summary


@pytest.fixture(scope="session")
def tiny_archive(tiny_site, tmp_path_factory) -> Iterator[TinyArchive]:
    """One crawl shared by the tests that only read what it archived (or copy it to write), instead
    of a crawl of the same replica each. At the end, every file must be as the crawl left it."""
    from helpers import run_zwgk

    import replica

    data = tmp_path_factory.mktemp("tiny-archive") / "data"
    with replica.ReplicaServer(tiny_site) as server:
        result = run_zwgk("crawl", server.base_url, "--site", "tiny", "--data", str(data), "--json")
        assert result.returncode == 0, result.stderr[-3000:]
        crawled = _contents(data)
        yield TinyArchive(server.base_url, data, json.loads(result.stdout))
    assert _contents(data) == crawled, "a test wrote into the shared tiny archive: copy it first"


@pytest.fixture()
def tiny_archive_copy(tiny_archive, tmp_path) -> Path:
    """A copy of the shared tiny archive's data folder, to crawl again (same replica, same address)
    or to change."""
    copy = tmp_path / "data"
    shutil.copytree(tiny_archive.data, copy)
    return copy


def _contents(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (but SQLite's transient -wal/-shm files) and its digest."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.endswith(("-wal", "-shm"))
    }


@pytest.fixture(scope="session")
def qingshi_third_site():
    """The demo portal's shape (its 57 columns, both CMS styles, the GBK column, the hijacked, gone
    and cross-listed pages) at a third of its items (1031 instead of 3089): for tests that stop,
    kill or disturb a crawl mid-way, where the demo's figures are not the point but a crawl long
    enough to be caught in flight is. A third of the demo crawl's time."""
    import yaml

    import replica

    spec = yaml.safe_load((replica.spec.SPEC_DIR / "qingshi.yaml").read_text(encoding="utf-8"))
    return replica.build_site(replica.spec.parse_spec(_a_third(spec), "qingshi-third"))


def _a_third(node):
    """Every ``counts`` and ``pool`` of a replica spec divided by three (a non-zero count stays one
    at least, so no column or year the demo holds goes empty)."""
    if isinstance(node, dict):
        return {
            key: (
                {year: max(1, round(n / 3)) if n else 0 for year, n in value.items()}
                if key in ("counts", "pool")
                else _a_third(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_a_third(value) for value in node]
    return node


@pytest.fixture()
def tiny_server(tiny_site):
    import replica

    with replica.ReplicaServer(tiny_site) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An empty archive database URL, once on SQLite and once on PostgreSQL (a throwaway schema)."""
    try:
        context = temporary_database(request.param, tmp_path)
        url = context.__enter__()
    except Exception as exc:  # PostgreSQL must answer: a missing server fails the test, never skips it
        pytest.fail(f"{request.param} test database unavailable: {exc}")
    try:
        yield url
    finally:
        context.__exit__(None, None, None)


@pytest.fixture
def db(db_url) -> Database:
    database = open_database(db_url)
    yield database
    database.dispose()
