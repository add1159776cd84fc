"""One ``zwgk crawl`` of the inspection replica reports exactly its planted cases (dead page and
attachment links, unmasked numbers in a PDF and a DOCX, wording errors on a page and in a DOCX, a
home page cloaked for search-engine crawlers and a column page cloaked for visitors from a search
engine), each with the capture of its evidence, and ``zwgk audit findings --format json`` lists
them; a script host new on the next day is reported by the next crawl; ``--no-inspect`` skips
every check."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from helpers import run_zwgk, summary_json

import replica
from audit.health import inspect_health
from audit.web.app import create_app
from replica import cloaking_cases
from replica.inspection_cases import expected
from storage.db import database_url, open_database
from storage.models import Attachment, Capture, LinkCheck

INSPECTION_KINDS = ("broken_link", "privacy_leak", "wording_error")
HIJACK_KINDS = ("hijacked", "hidden_link", "spam", "cloaking")


@pytest.fixture(scope="module")
def inspection_site():
    return replica.build_site(replica.load_spec("inspection"))


@pytest.fixture()
def inspection_server(inspection_site):
    with replica.ReplicaServer(inspection_site) as server:
        yield server


@dataclass
class Crawled:
    server: replica.ReplicaServer  # up for the module; only the last test using it changes its state
    data: Path  # read it only: a test that crawls again copies it first
    summary: dict


@pytest.fixture(scope="module")
def inspection_crawled(inspection_site, tmp_path_factory) -> Iterator[Crawled]:
    """The inspection replica crawled once with every check on, for the tests that read that crawl
    or crawl a copy of its archive again."""
    data = tmp_path_factory.mktemp("inspection") / "data"
    with replica.ReplicaServer(inspection_site) as server:
        yield Crawled(server, data, _crawl(server, data))


def _crawl(server, data, *extra: str) -> dict:
    result = run_zwgk("crawl", server.base_url, "--site", "inspection", "--data", str(data), "--json", *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    return summary_json(result)


def _findings(data, *extra: str) -> list[dict]:
    result = run_zwgk("audit", "findings", "--data", str(data), "--format", "json", *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def _wanted(site, base_url: str) -> set[tuple[str, str, str | None]]:
    """The planted cases, and the listed item whose page is gone: a dead link of its list pages."""
    base = base_url.rstrip("/")
    gone = {base + path for path in replica.truth(site)["special"]["not_found"]}
    return expected(site, base_url) | {("broken_link", "*", url) for url in gone}


def _probed(findings: list[dict]) -> list[dict]:
    """The cloaking findings of the probes (the integrity scan's name no versions)."""
    return [f for f in findings if f["kind"] == "cloaking" and "versions" in f["evidence"]]


def _got(findings: list[dict]) -> set[tuple[str, str, str | None]]:
    return {
        (
            f["kind"],
            "*"
            if f["kind"] == "broken_link"
            and f["target"].endswith(".html")
            and "/inspection/" not in f["target"]
            else f["url"],
            f["target"],
        )  # fmt: skip
        for f in findings
        if f["kind"] in INSPECTION_KINDS and f["resolved"] is None
    }


def test_one_crawl_reports_exactly_the_planted_cases(inspection_crawled, inspection_site):
    inspection_server, tmp_path, summary = (
        inspection_crawled.server,
        inspection_crawled.data,
        inspection_crawled.summary,
    )
    inspection = summary["inspection"]
    assert inspection["out_of_budget"] == []
    assert inspection["links"]["verdicts"].get("dead") == len(
        [w for w in _wanted(inspection_site, inspection_server.base_url) if w[0] == "broken_link"]
    )
    cloaking = inspection["cloaking"]
    assert cloaking["errors"] == 0 and cloaking["probed"] == cloaking["planned"]
    assert cloaking["requests"] == cloaking["planned"] * cloaking["probes_per_page"]

    findings = _findings(tmp_path)
    assert _got(findings) == _wanted(inspection_site, inspection_server.base_url)
    # the masked files are read but raise nothing; the hijack case is the only hijack finding
    assert not [f for f in findings if "masked" in f["url"]]
    assert {f["kind"] for f in findings} <= {*INSPECTION_KINDS, *HIJACK_KINDS}  # no script host yet
    _check_cloaking(_probed(findings), inspection_site, inspection_server.base_url, tmp_path)
    assert all(f["capture_id"] is not None for f in findings)  # every finding's evidence archived
    hijacked = {f["url"] for f in findings if f["kind"] in HIJACK_KINDS and f not in _probed(findings)}
    base = inspection_server.base_url.rstrip("/")
    assert hijacked == {base + path for path in replica.truth(inspection_site)["special"]["hijacked"]}
    leak = next(f for f in findings if f["url"].endswith("leak.pdf"))
    assert leak["where"] == "attachment" and leak["evidence"]["counts"] == {"id_number": 2, "mobile": 2}
    assert "110105198001010016" not in json.dumps(findings)  # evidence never repeats a value unmasked

    db = open_database(database_url(tmp_path))
    with db.session() as session:
        # 被挂马、篡改: the hijacked item, the page cloaked for crawlers and the one for visitors
        health = inspect_health(session, datetime.now(UTC).date(), "inspection")
        hijacked_pages = next(i for i in health.indicators if i.key == "hijacked_pages")
        assert hijacked_pages.count == len(hijacked) + len(_probed(findings))
        files = {row.url.rsplit("/", 1)[1]: row for row in session.query(Attachment)}
        assert "公民身份号码" in (files["leak.docx"].text or "")
        assert files["missing.pdf"].reason == "HTTP 404" and files["missing.pdf"].text is None
    db.dispose()

    only_links = _findings(tmp_path, "--kind", "broken_link")
    assert {f["kind"] for f in only_links} == {"broken_link"}

    # the dashboard lists them too, filterable by kind, the archived file one click away
    client = create_app(database_url(tmp_path), tmp_path / "warc").test_client()
    page = client.get("/inspection?kind=privacy_leak").get_data(as_text=True)
    assert page.count('class="finding-privacy_leak"') == 2 and "finding-broken_link" not in page
    capture = re.search(r'href="(/capture/\d+)">[^<]*leak\.pdf', page)
    assert capture is not None and client.get(capture.group(1)).status_code == 200
    found = client.get("/inspection?words=公民身份号码").get_data(as_text=True).split('id="attachments"')[1]
    assert "leak.docx" in found and "masked.docx" in found and "leak.pdf" not in found


def _check_cloaking(probed: list[dict], site, base_url: str, data) -> None:
    """The probes' findings are the planted pages, each by the probes of its case only, naming the
    captures of the browser's version and of each differing one, archived as those visitors saw them."""
    got = {(f["url"], frozenset(v["role"].split(":")[0] for v in f["evidence"]["versions"])) for f in probed}
    assert len(probed) == len(got) and got == {
        (url, frozenset({role})) for role, url in cloaking_cases.expected(site, base_url)
    }
    db = open_database(database_url(data))
    with db.session() as session:
        for finding in probed:
            baseline, versions = finding["evidence"]["baseline"], finding["evidence"]["versions"]
            assert finding["severity"] == "veto" and finding["capture_id"] == versions[0]["capture_id"]
            base_capture = session.get(Capture, baseline["capture_id"])
            assert (base_capture.page_kind, base_capture.url, base_capture.http_status) == (
                "probe",
                finding["url"],
                200,
            )
            for version in versions:
                capture = session.get(Capture, version["capture_id"])
                assert capture.page_kind == "probe" and capture.url == finding["url"]
                redirected = version["role"].startswith("referer:")
                assert capture.http_status == (302 if redirected else 200)
    db.dispose()
    # the dashboard links both versions, and the capture page opens
    client = create_app(database_url(data), data / "warc").test_client()
    page = client.get("/inspection?kind=cloaking").get_data(as_text=True)
    home = next(f for f in probed if f["url"] == base_url)
    for capture_id in (
        home["evidence"]["baseline"]["capture_id"],
        home["evidence"]["versions"][0]["capture_id"],
    ):
        assert f'href="/capture/{capture_id}"' in page
        opened = client.get(f"/capture/{capture_id}")
        assert opened.status_code == 200 and "搜索引擎劫持检测" in opened.get_data(as_text=True)


def test_an_incremental_run_rechecks_the_dead_links_and_counts_the_runs(inspection_crawled, tmp_path):
    inspection_server = inspection_crawled.server
    tmp_path = tmp_path / "data"  # the module's crawl, copied: this run writes into it
    shutil.copytree(inspection_crawled.data, tmp_path)
    # the next day the home page loads a script from a host never used before
    state, host = cloaking_cases.new_script_host(inspection_server.site)
    inspection_server.set_state(state)
    summary = _crawl(inspection_server, tmp_path, "--incremental")
    links = summary["inspection"]["links"]
    assert links["planned"] == links["verdicts"]["dead"]  # only the known dead: no page is new
    db = open_database(database_url(tmp_path))
    with db.session() as session:
        dead = [row.consecutive_dead for row in session.query(LinkCheck).filter(LinkCheck.dead.is_(True))]
    db.dispose()
    assert dead and set(dead) == {2}
    new_hosts = _findings(tmp_path, "--kind", "new_script_host")
    assert [(f["target"], f["url"], f["severity"]) for f in new_hosts] == [
        (host, inspection_server.base_url, "warning")
    ]
    assert new_hosts[0]["capture_id"] is not None


def test_no_inspect_skips_every_check(inspection_server, tmp_path):
    summary = _crawl(inspection_server, tmp_path, "--no-inspect")
    assert summary["inspection"] is None
    assert [f for f in _findings(tmp_path) if f["kind"] in INSPECTION_KINDS] == []
    assert _probed(_findings(tmp_path)) == []
    assert summary["pages"] == inspection_server.request_count  # no probe, no link check


def test_budgets_from_the_profile_are_kept_and_said(inspection_server, inspection_site, tmp_path):
    profile = replica.profile(inspection_site, inspection_server.base_url)
    profile["politeness"] = {
        **profile.get("politeness", {}),
        "link_budget": 2,
        "attachment_budget": 1,
        "cloaking_budget": 15,  # the home page's probes (12), not the next page's
    }
    path = tmp_path / "inspection.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    result = run_zwgk("crawl", str(path), "--data", str(tmp_path / "data"), "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    inspection = summary_json(result)["inspection"]
    assert inspection["out_of_budget"] == ["attachments", "links", "cloaking"]
    cloaking = inspection["cloaking"]
    assert (cloaking["probed"], cloaking["requests"]) == (1, cloaking["probes_per_page"])
    assert cloaking["deferred"] == cloaking["planned"] - 1
    assert (
        inspection["counts"]["attachments_fetched"] + inspection["counts"].get("attachments_failed", 0) == 1
    )
    assert inspection["links"]["requests"] <= 2


def test_a_clean_replica_raises_no_cloaking(tiny_archive):
    # the tiny replica crawled by URL with every check on (tests/conftest.py), shared with other tests
    cloaking = tiny_archive.summary["inspection"]["cloaking"]
    assert cloaking["probed"] == cloaking["planned"] > 1 and cloaking["cloaked"] == []
    findings = _findings(tiny_archive.data)
    assert _probed(findings) == [] and not [f for f in findings if f["kind"] == "new_script_host"]
