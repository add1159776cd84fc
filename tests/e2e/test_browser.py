"""The dashboard in a real browser: ``zwgk serve`` on a crawled ``tiny`` replica, driven by Playwright.

Chromium is Debian's (``/usr/bin/chromium``); when it is missing these tests fail, never skip, so CI
notices. Screenshots are kept in ``test-artifacts/``.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT
from sqlalchemy import insert, select

from storage import repository as repo
from storage.db import database_url, open_database
from storage.models import Capture, Item, Site
from storage.warc import WarcWriter

logger = logging.getLogger(__name__)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
PWNED_TITLE = "<script>window.__pwned = 1; alert('title')</script>标题脚本"
PWNED_BODY = (
    "<html><head><title>x</title><script>window.__pwned = 1; alert('body')</script></head>"
    '<body onload="window.__pwned = 2"><p id="archived-text">存档正文</p>'
    '<img src="x" onerror="window.__pwned = 3; alert(3)"></body></html>'
).encode()


@dataclass
class Served:
    base_url: str
    data: Path
    pwned_item: int
    pwned_capture: int
    hijacked_capture: int | None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_command() -> list[str]:
    """``zwgk serve`` once the command is wired into ``zwgk``; the same module's own entry before."""
    from zwgk.cli import build_parser

    wired = any(
        "serve" in getattr(action, "choices", None) or {}
        for action in build_parser()._actions  # noqa: SLF001
        if action.dest == "command"
    )
    return (
        [sys.executable, "-m", "zwgk", "serve"] if wired else [sys.executable, "-m", "zwgk.web_cli", "serve"]
    )


def _add_hostile_captures(data: Path, base_url: str) -> tuple[int, int, int | None]:
    """An item whose title and archived page carry script; and a capture of the replica's hijacked
    page when the crawl stored none (capture rows are being wired into the crawl)."""
    db = open_database(database_url(data))
    now = datetime.now(UTC)
    url = base_url + "pwned/1.html"
    with db.session() as s:
        site_id = s.execute(select(Site.id).where(Site.slug == "tiny")).scalar_one()
        with WarcWriter(data / "warc", worker="browser-test") as writer:
            loc = writer.write_exchange(
                url, now, 200, "OK", [("Content-Type", "text/html; charset=utf-8")], PWNED_BODY, []
            )
        fields = {"title": PWNED_TITLE, "body_text": PWNED_TITLE, "content_hash": "p1", "fetch_status": "ok"}
        item_id = repo.record_detail(s, site_id, url, fields, now)
        capture_id = _capture(s, site_id, item_id, url, now, loc)
        hijacked = s.execute(
            select(Item.id, Item.url).where(Item.site_id == site_id, Item.title.like("%开云%")).limit(1)
        ).first()
        hijacked_capture = None
        if hijacked is not None:
            existing = s.execute(select(Capture.id).where(Capture.item_id == hijacked.id).limit(1)).scalar()
            if existing is None:
                body = urllib.request.urlopen(hijacked.url, timeout=10).read()  # noqa: S310 (loopback replica)
                with WarcWriter(data / "warc", worker="browser-test-2") as writer:
                    loc2 = writer.write_exchange(
                        hijacked.url, now, 200, "OK", [("Content-Type", "text/html; charset=utf-8")], body, []
                    )
                existing = _capture(s, site_id, hijacked.id, hijacked.url, now, loc2)
            hijacked_capture = existing
    db.dispose()
    return item_id, capture_id, hijacked_capture


def _capture(s: Any, site_id: int, item_id: int, url: str, at: datetime, loc: Any) -> int:
    return int(
        s.execute(
            insert(Capture)
            .values(
                site_id=site_id,
                item_id=item_id,
                url=url,
                page_kind="detail",
                fetched_at=at,
                http_status=200,
                content_type="text/html",
                payload_digest=loc.payload_digest,
                payload_length=0,
                record_type=loc.record_type,
                warc_file=loc.file,
                warc_offset=loc.offset,
                warc_length=loc.length,
            )  # fmt: skip
            .returning(Capture.id)
        ).scalar_one()
    )


@pytest.fixture(scope="module")
def served(tiny_archive: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    # a copy of the tiny replica crawled by URL (tests/conftest.py; its replica still up), with hostile rows
    data = tmp_path_factory.mktemp("browser") / "data"
    shutil.copytree(tiny_archive.data, data)
    item_id, capture_id, hijacked = _add_hostile_captures(data, tiny_archive.base_url)
    port = _free_port()
    process = subprocess.Popen(
        [*_serve_command(), "--data", str(data), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "ZWGK_TOKEN": ""},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/api/sites", timeout=2).read()  # noqa: S310
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"zwgk serve did not start: {process.stdout.read() if process.stdout else ''}"
                    ) from None
                time.sleep(0.2)
        yield Served(base, data, item_id, capture_id, hijacked)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: pip install playwright (the dev extra)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, locale="zh-CN")
    tab = context.new_page()
    tab.dialogs = []  # type: ignore[attr-defined]
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}-final.png"), full_page=True)
    context.close()


def _shot(tab: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_overview_column_item_archive_and_export(page: Any, served: Served) -> None:
    page.goto(served.base_url + "/")
    assert page.locator("h1").inner_text() == "站点概览"
    assert page.locator("#as-of").inner_text() == datetime.now().date().isoformat()
    row = page.locator("#sites tbody tr").first
    assert "tiny" in row.inner_text() and "青石县人民政府" in row.inner_text()
    _shot(page, "01-overview")

    page.get_by_role("link", name="tiny", exact=True).click()
    assert page.locator("#column-tree details").count() >= 1
    assert page.locator("svg").first.is_visible()
    _shot(page, "02-site")

    page.locator("#column-tree .column-link", has_text="今日关注").first.click()
    assert page.locator("h1").inner_text().startswith("栏目：")
    links = page.locator("a.item-link")
    assert links.count() >= 5
    _shot(page, "03-column")

    first_title = links.first.inner_text()
    links.first.click()
    assert page.locator("#item-title").inner_text() == first_title
    assert "今日关注" in page.locator("body").inner_text()
    _shot(page, "04-item")

    if served.hijacked_capture is not None:
        page.goto(f"{served.base_url}/capture/{served.hijacked_capture}")
        frame = page.frame_locator("#archived")
        assert "开云" in frame.locator("html").inner_text(timeout=10_000)
        _shot(page, "05-hijacked-capture")
        assert page.evaluate("window.__pwned") is None

    page.goto(served.base_url + "/site/tiny")
    with page.expect_download() as info:
        page.locator("a.export", has_text="XLSX").first.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = ARTIFACTS / download.suggested_filename
    download.save_as(str(saved))
    from openpyxl import load_workbook

    sheet = load_workbook(saved).worksheets[0]
    assert sheet.cell(1, 1).value == "栏目"
    assert any(sheet.cell(r, 1).value == "今日关注" for r in range(2, sheet.max_row + 1))
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_scripts_in_archived_title_and_page_never_run(page: Any, served: Served) -> None:
    page.goto(f"{served.base_url}/item/{served.pwned_item}")
    assert page.locator("#item-title").inner_text() == PWNED_TITLE  # shown as text
    assert page.evaluate("window.__pwned") is None
    _shot(page, "06-pwned-item")

    page.locator("a.capture-link").first.click()
    frame_element = page.locator("iframe#archived")
    assert frame_element.get_attribute("sandbox") == ""
    frame = page.frame_locator("#archived")
    assert frame.locator("#archived-text").inner_text(timeout=10_000) == "存档正文"
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned") is None
    archived = next(f for f in page.frames if f.url.endswith(f"/raw/{served.pwned_capture}"))
    assert archived.evaluate("window.__pwned") is None
    _shot(page, "07-pwned-capture")

    page.goto(f"{served.base_url}/raw/{served.pwned_capture}")  # opened on its own, still sandboxed
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_search_and_reconcile_in_the_browser(page: Any, served: Served) -> None:
    page.goto(served.base_url + "/search")
    page.fill("input[name=q]", "标题脚本")
    page.click("button[type=submit]")
    assert page.locator("a.item-link").count() == 1
    assert page.evaluate("window.__pwned") is None

    page.goto(served.base_url + "/reconcile")
    page.fill("input[name=year]", "2018")
    page.fill("textarea[name=text]", "2018年门户网站全年主动公开发布各类政府信息1758条，其中政府文件71条。")
    page.click("form.report-form button[type=submit]")
    table = page.locator("#reconcile-1")
    assert "1758" in table.inner_text() and "政府文件" in table.inner_text()
    _shot(page, "08-reconcile")
    with page.expect_download() as info:
        page.locator("button.export", has_text="CSV").click()
    assert info.value.suggested_filename.endswith(".csv")
    assert page.dialogs == []  # type: ignore[attr-defined]
