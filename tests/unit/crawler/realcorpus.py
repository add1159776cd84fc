"""The real-page corpus as test cases: each page's bytes (cut out of the Python or JS file it was
found in when its ``portal.yaml`` says so), the address it was saved from and its hand-read truth,
from ``tests/fixtures/real/*/portal.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from scrapy.http import HtmlResponse, Request

from crawler.adapters import ADAPTERS, DETECTION_ORDER, Adapter

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"


@dataclass(frozen=True)
class RealCase:
    """One saved real page: its id, address, kind, bytes and truth."""

    case_id: str
    url: str
    kind: str
    body: bytes
    truth: dict[str, Any] = field(hash=False, compare=False)

    def response(self, meta: dict[str, Any] | None = None) -> HtmlResponse:
        """The page as the spider would receive it (UTF-8 or sniffed bytes, no charset header)."""
        return HtmlResponse(url=self.url, body=self.body, request=Request(self.url, meta=dict(meta or {})))


def cut(text: str, embedded: dict[str, str] | None) -> str:
    """The page inside ``text``: after ``start`` up to the next ``end`` (or all of ``text``)."""
    if not embedded:
        return text
    start = text.index(embedded["start"]) + len(embedded["start"])
    end = text.index(embedded["end"], start)
    return text[start:end]


def _page_bytes(path: Path, embedded: dict[str, str] | None) -> bytes:
    raw = path.read_bytes()
    if not embedded:
        return raw
    return cut(raw.decode("utf-8"), embedded).encode("utf-8")


@cache
def real_cases() -> tuple[RealCase, ...]:
    """Every page of the corpus with a truth, fixtures first, in a stable order."""
    cases: list[RealCase] = []
    for meta in sorted(REAL.glob("*/portal.yaml")):
        data = yaml.safe_load(meta.read_text(encoding="utf-8")) or {}
        for page in data.get("pages") or ():
            if not isinstance(page, dict) or not page.get("truth"):
                continue
            embedded = page.get("embedded")
            body = _page_bytes(meta.parent / page["file"], embedded)
            cases.append(
                RealCase(
                    case_id=f"{meta.parent.name}/{page['file']}",
                    url=str(page["url"]),
                    kind=str(page.get("kind") or "detail"),
                    body=body,
                    truth=dict(page["truth"]),
                )
            )
    return tuple(cases)


def list_cases() -> list[RealCase]:
    return [case for case in real_cases() if case.kind == "list"]


def detail_cases() -> list[RealCase]:
    return [case for case in real_cases() if case.kind == "detail"]


def detected_adapter(response: HtmlResponse) -> Adapter | None:
    """The adapter the spider picks for a column's first page: the first, in detection order, that
    recognises the page and finds entries on it."""
    candidates = [ADAPTERS[name]() for name in DETECTION_ORDER]
    candidates = [adapter for adapter in candidates if adapter.detect(response)]
    for adapter in candidates:
        if adapter.parse_list(response, 0).entries:
            return adapter
    return candidates[0] if candidates else None
