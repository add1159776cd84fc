"""Real pages the inspection detectors are tried on: the boilerplate and text fixtures kept in this
repository and, once it exists, the real-page corpus in ``tests/fixtures/real/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extract import decode_body
from crawler.extract.html import parse_page

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REAL_DIRS = ("real-boilerplate", "real-text", "real")
PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".jsp", ".aspx", ".php")


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


@pytest.fixture(params=real_page_paths(), ids=lambda p: f"{p.parent.name}/{p.name}")
def real_page(request):
    """(path, parsed root) of one real page."""
    return request.param, parse_page(real_page_text(request.param))


@pytest.fixture(scope="session")
def fixture_text():
    """A function giving the decoded text of a fixture file by its path under ``tests/fixtures``."""
    return lambda relative: real_page_text(FIXTURES / relative)
