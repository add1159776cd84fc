"""Real pages the inspection detectors are tried on: the boilerplate and text fixtures kept in this
repository and the real-page corpus in ``tests/fixtures/real/`` (each portal's YAML gives a page's
URL; pages found inside Python or JS files are parsed as found, the way the crawler would)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from lxml import etree

from crawler.extract import decode_body
from crawler.extract.html import parse_page

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REAL_DIRS = ("real-boilerplate", "real-text", "real")
PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".jsp", ".aspx", ".php", ".py", ".js")
# Addresses read from the pages themselves (<meta name="url">, the 添加收藏夹 link); see the READMEs.
KNOWN_URLS = {
    "zjdpc_detail_hidden_jiucuo_and_hanweb_credit.html": "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html",
    "shanxi_detail_footer_gov_hk_gov_mo.html": "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml",
    "sxmu_jijian_jianchafa_fulltext.html": "http://www.sxmu.edu.cn/jijian/",
}


@dataclass(frozen=True)
class RealPage:
    path: Path
    root: etree._Element
    url: str

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


def real_page_paths() -> list[Path]:
    """Every saved real page under the real-page fixture folders (sorted, for stable test ids)."""
    return sorted(
        path
        for folder in REAL_DIRS
        if (FIXTURES / folder).is_dir()
        for path in (FIXTURES / folder).rglob("*")
        if path.suffix.lower() in PAGE_SUFFIXES
    )


def real_page_text(path: Path) -> str:
    """A saved page decoded as the crawler decodes it (declared or sniffed charset)."""
    return decode_body(path.read_bytes(), None)[0]


@cache
def _corpus_urls(folder: Path) -> dict[str, str]:
    urls: dict[str, str] = {}
    for meta in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(meta.read_text(encoding="utf-8")) or {}
        for page in data.get("pages") or ():
            if isinstance(page, dict) and page.get("file") and page.get("url"):
                urls[str(page["file"])] = str(page["url"])
    return urls


def real_page_url(path: Path) -> str:
    """The address the page was saved from, when its fixture says it; else a stand-in."""
    return (
        KNOWN_URLS.get(path.name)
        or _corpus_urls(path.parent).get(path.name)
        or f"http://real.example/{path.name}"
    )


@pytest.fixture(params=real_page_paths(), ids=lambda p: f"{p.parent.name}/{p.name}")
def real_page(request):
    """One real page, parsed, with the address it was saved from."""
    path = request.param
    return RealPage(path, parse_page(real_page_text(path)), real_page_url(path))


@pytest.fixture(scope="session")
def fixture_text():
    """A function giving the decoded text of a fixture file by its path under ``tests/fixtures``."""
    return lambda relative: real_page_text(FIXTURES / relative)
