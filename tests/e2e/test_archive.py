"""Evidence and time: WARC captures, revisits, incremental cost, sweeps over a changing portal."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from helpers import run_zwgk
from sqlalchemy import func, select

from storage.db import database_url, open_database
from storage.models import Capture, Finding, Item, ItemVersion
from storage.warc import check_file, read_response

VENV_BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"


def _crawl(url: str, data: Path, *extra: str) -> dict:
    result = run_zwgk("crawl", url, "--site", "tiny", "--data", str(data), "--json", *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def _checks(summary: dict) -> int:
    """The requests of the checks after the walk: the link check's and the cloaking probes'."""
    inspection = summary["inspection"]
    return int(inspection["links"]["requests"]) + int(inspection["cloaking"]["requests"])


def _session(data: Path):
    return open_database(database_url(data))


def test_every_response_is_archived_and_resolves(tiny_server, tmp_path):
    summary = _crawl(tiny_server.base_url, tmp_path)
    # the link check after the walk (HEAD requests, their verdicts kept in link_check) is not
    # archived; the cloaking probes' answers are, as probe captures
    served = tiny_server.request_count - summary["inspection"]["links"]["requests"]
    db = _session(tmp_path)
    with db.session() as session:
        captures = list(session.scalars(select(Capture)))
        unlinked = session.scalar(
            select(func.count())
            .select_from(Capture)
            .where(Capture.page_kind == "detail", Capture.item_id.is_(None))
        )
    db.dispose()
    assert len(captures) == served
    assert unlinked == 0
    warc = tmp_path / "warc"
    for capture in captures:
        archived = read_response(warc, capture.warc_file, capture.warc_offset)
        assert archived.url == capture.url
        assert archived.status == capture.http_status
        assert archived.payload_digest == capture.payload_digest
    files = sorted(warc.glob("*.warc.gz"))
    assert files and not list(warc.glob("*.open"))
    for path in files:
        assert check_file(path).ok, path
        assert (path.parent / (path.name + ".cdxj")).exists()
        checked = subprocess.run(
            [str(VENV_BIN / "warcio"), "check", str(path)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_unchanged_payload_is_a_revisit_and_show_prints_it(tiny_server, tmp_path):
    _crawl(tiny_server.base_url, tmp_path)
    _crawl(tiny_server.base_url, tmp_path)
    db = _session(tmp_path)
    with db.session() as session:
        kinds = dict(
            session.execute(select(Capture.record_type, func.count()).group_by(Capture.record_type)).all()
        )
        versions = session.scalar(
            select(func.count()).select_from(ItemVersion).where(ItemVersion.version_no > 1)
        )
    db.dispose()
    # List pages are identical on the second visit; detail pages carry a visit counter, so their
    # payload differs, but their content does not: no second version.
    assert kinds.get("revisit", 0) > 0
    assert versions == 0
    home = run_zwgk("show", tiny_server.base_url, "--data", str(tmp_path))
    assert home.returncode == 0, home.stderr
    assert "青石县人民政府" in home.stdout


def test_incremental_run_costs_what_changed(tiny_site, tiny_truth, tmp_path):
    import replica

    columns = len(tiny_truth["columns"])
    with replica.ReplicaServer(tiny_site) as server:
        _crawl(server.base_url, tmp_path)
        full = server.request_count
        checks = _checks(_crawl(server.base_url, tmp_path, "--incremental"))
        unchanged = server.request_count - full - checks  # the walk's cost; the checks after it aside
        assert unchanged <= columns + 5, f"an incremental run with no change made {unchanged} requests"
        later = replica.build_site(replica.load_spec("tiny"), state=1)
        new = len(replica.truth(later)["changes"]["new"])
        server.set_site(later)
        before = server.request_count
        checks = _checks(_crawl(server.base_url, tmp_path, "--incremental"))
        changed = server.request_count - before - checks
        assert changed <= columns + 5 + new
        assert changed >= unchanged + new
    db = _session(tmp_path)
    with db.session() as session:
        urls = set(session.scalars(select(Item.url)))
    db.dispose()
    base = server.base_url.rstrip("/")
    assert {base + path for path in replica.truth(later)["changes"]["new"]} <= urls


def test_sweep_finds_every_change_and_nothing_else(tiny_site, tmp_path):
    import replica

    later = replica.build_site(replica.load_spec("tiny"), state=1)
    changes = replica.truth(later)["changes"]
    with replica.ReplicaServer(tiny_site) as server:
        _crawl(server.base_url, tmp_path)
        server.set_site(later)
        summary = _crawl(server.base_url, tmp_path, "--sweep")
    base = server.base_url.rstrip("/")
    full = {key: {base + path for path in paths} for key, paths in changes.items()}
    db = _session(tmp_path)
    with db.session() as session:
        removed = set(session.scalars(select(Item.url).where(Item.removed_at.is_not(None))))
        items = session.scalar(select(func.count()).select_from(Item))
        findings: dict[str, set[str]] = {}
        for kind, subject in session.execute(
            select(Finding.kind, Finding.subject).where(Finding.resolved_at.is_(None))
        ):
            findings.setdefault(kind, set()).add(subject)
    db.dispose()
    assert summary["new"] == len(full["new"])
    assert removed == full["removed"]
    assert findings.get("removed", set()) == full["removed"]
    edited = findings.get("edited", set())
    assert full["edited"] <= edited <= full["edited"] | full["redated"] | full["hijacked"]
    assert findings.get("redated", set()) == full["redated"]
    assert full["hijacked"] <= findings.get("hijacked", set())
    edited_url = sorted(full["edited"])[0]
    shown = run_zwgk("diff", edited_url, "--data", str(tmp_path))
    assert shown.returncode == 0, shown.stderr
    assert "--- v1 " in shown.stdout and "+++ v2 " in shown.stdout and "\n+" in shown.stdout
    # Removed items still count: nothing the archive held is lost, the new ones are added.
    earlier_total = sum(replica.truth(tiny_site)["totals"]["items_by_year"].values())
    assert items == earlier_total + len(full["new"])


def test_a_second_run_of_the_same_site_exits_at_once(tiny_server, tmp_path):
    from zwgk.runlock import RunLock

    with RunLock(tmp_path / "locks", "tiny"):
        started = time.monotonic()
        second = run_zwgk("crawl", tiny_server.base_url, "--site", "tiny", "--data", str(tmp_path))
        assert second.returncode == 4
        assert "another run of tiny is active" in second.stderr
        assert time.monotonic() - started < 30
    assert tiny_server.request_count == 0
