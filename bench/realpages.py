"""How much of each real page zwgk reads: its own extraction on the corpus's saved bytes, scored
against the hand-read truth of ``tests/fixtures/real/*/portal.yaml``.

For a list page the CMS adapter is chosen as the spider chooses it (first adapter in
``DETECTION_ORDER`` whose markers match and that finds entries) and its ``parse_list`` is scored:
items found (by address), their dates and titles, and the pager's declarations (pages, records,
next page). For a detail page ``extract_detail`` is scored field by field (only fields the page
prints). On pages the truth calls clean, every integrity finding counts against zwgk. A miss on a
page whose paging lives only in script is listed as needing script execution.

    python -m bench.realpages [--json] [--root DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.adapters import ADAPTERS, DETECTION_ORDER, Adapter, ListPage
from crawler.extract import decode_body, extract_detail, parse_date
from crawler.extract.integrity import scan_page
from replica.corpus_model import CORPUS_DIR, DETAIL_FIELDS, CorpusPage, Portal, load_corpus

_PAGE_NUMBER = re.compile(r"[_-](\d+)\.[a-z]+$", re.I)
_SPACE = re.compile(r"\s+")


@dataclass
class Score:
    """One page's score: ``found`` of ``expected`` for each part, and what went wrong."""

    portal: str
    file: str
    kind: str
    cms: str
    adapter: str | None = None
    items: tuple[int, int] = (0, 0)
    dates: tuple[int, int] = (0, 0)
    titles: tuple[int, int] = (0, 0)
    extra_items: int = 0
    pager: tuple[int, int] = (0, 0)
    fields: tuple[int, int] = (0, 0)
    findings: int = 0
    clean: bool = True
    needs_script: bool = False
    misses: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def perfect(self) -> bool:
        parts = (self.items, self.dates, self.titles, self.pager, self.fields)
        return self.error is None and all(f == e for f, e in parts) and not (self.clean and self.findings)


def normalise(text: object) -> str:
    """Text compared as a reader sees it: whitespace runs collapsed, ends trimmed."""
    return _SPACE.sub(" ", str(text or "")).strip()


def as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    return parse_date(str(value)) if value else None


def score_list(score: Score, page_url: str, truth: dict[str, Any], found: ListPage | None) -> Score:
    """Fill ``score`` from a list truth and what the adapter read (None: no adapter)."""
    entries = found.entries if found else []
    by_url = {entry.url: entry for entry in entries}
    expected = truth.get("items") or []
    items = dates = titles = 0
    for item in expected:
        url = urljoin(page_url, str(item["href"]))
        entry = by_url.get(url)
        if entry is None:
            score.misses.append(f"item {url}")
            continue
        items += 1
        if as_date(entry.date_raw) == as_date(item.get("date")):
            dates += 1
        else:
            score.misses.append(f"date of {url}: {entry.date_raw!r}")
        if normalise(entry.title) == normalise(item.get("title")):
            titles += 1
        else:
            score.misses.append(f"title of {url}: {entry.title!r}")
    score.items, score.dates, score.titles = (
        (items, len(expected)),
        (dates, len(expected)),
        (titles, len(expected)),
    )
    wanted = {urljoin(page_url, str(item["href"])) for item in expected}
    score.extra_items = sum(1 for url in by_url if url not in wanted)
    score.pager = _score_pager(score, page_url, truth.get("pager") or {}, found)
    return score


def _score_pager(
    score: Score, page_url: str, pager: dict[str, Any], found: ListPage | None
) -> tuple[int, int]:
    hits = total = 0
    checks = (
        ("declared_pages", found.declared_pages if found else None),
        ("declared_records", found.declared_total if found else None),
    )
    for name, value in checks:
        if pager.get(name) is not None:
            total += 1
            if value == pager[name]:
                hits += 1
            else:
                score.misses.append(f"{name} {value!r} (declared {pager[name]!r})")
    next_pages = [urljoin(page_url, str(url)) for url in pager.get("next_pages") or ()]
    if next_pages:
        total += 1
        next_url = found.next_request.url if found and found.next_request else None
        if next_url in next_pages:
            hits += 1
        else:
            score.misses.append(f"next page {next_url!r} (expected {next_pages[0]})")
    if hits < total and pager.get("script_only"):
        score.needs_script = True
    return hits, total


def score_detail(score: Score, truth: dict[str, Any], found: dict[str, Any]) -> Score:
    """Fill ``score`` from a detail truth and the extracted fields (same names as the truth)."""
    hits = total = 0
    for name in DETAIL_FIELDS:
        want = truth.get(name)
        if want is None:
            continue
        total += 1
        got = found.get(name)
        if name in ("published", "written"):
            same = as_date(got) == as_date(want)
        else:
            same = normalise(got) == normalise(want)
        if same:
            hits += 1
        else:
            score.misses.append(f"{name} {got!r} (printed {want!r})")
    score.fields = (hits, total)
    return score


def detect_and_parse(response: HtmlResponse) -> tuple[Adapter | None, ListPage | None]:
    """The spider's choice of adapter for a first list page, and that adapter's reading of it."""
    candidates = [
        adapter for adapter in (ADAPTERS[name]() for name in DETECTION_ORDER) if adapter.detect(response)
    ]
    for adapter in candidates:
        page = adapter.parse_list(response, page_index(response.url))
        if page.entries:
            return adapter, page
    if candidates:
        return candidates[0], candidates[0].parse_list(response, page_index(response.url))
    return None, None


def page_index(url: str) -> int:
    """The page index handed to ``parse_list``: the number in the page's name (``index_6.jhtml`` → 6),
    0 for a first page. The spider counts pages as it walks; a saved page was not walked to, so its
    name is the only evidence (TRS names page k+1 ``index_k``, JEECMS names page k ``index_k``)."""
    match = _PAGE_NUMBER.search(url.split("?")[0])
    return int(match.group(1)) if match else 0


def score_page(portal: Portal, page: CorpusPage) -> Score:
    """Run zwgk's extraction on one saved page and score it against its truth."""
    score = Score(portal.slug, page.file, page.kind, portal.cms, clean=bool(page.truth.get("clean", True)))
    try:
        body = page.body()
        headers = {"Content-Type": page.content_type} if page.content_type else {}
        if page.kind == "list":
            response = HtmlResponse(page.url, body=body, headers=headers, request=Request(page.url))
            adapter, found = detect_and_parse(response)
            score.adapter = adapter.name if adapter else None
            score_list(score, page.url, page.truth, found)
        else:
            detail = extract_detail(page.url, body, page.content_type, portal.slug)
            fields: dict[str, Any] = {
                "title": detail.title,
                "published": detail.published_on,
                "written": detail.written_on,
                "index_no": detail.index_no,
                "doc_no": detail.doc_no,
                "publisher": detail.publisher,
                "validity": detail.validity,
            }
            score_detail(score, page.truth, fields)
        text = decode_body(body, page.content_type)[0]
        signals = scan_page(text, page.url, portal.name or None, {portal.host} if portal.host else set())
        score.findings = len(signals) if score.clean else 0
        score.misses += [f"finding {signal.kind} ({signal.severity})" for signal in signals if score.clean]
    except Exception as error:  # a crash on one page is a result, not the end of the bench
        score.error = f"{type(error).__name__}: {error}"
    return score


def run(root: Path = CORPUS_DIR) -> list[Score]:
    return [score_page(portal, page) for portal in load_corpus(root) for page in portal.pages]


def totals(scores: list[Score]) -> dict[str, Any]:
    def add(part: str) -> list[int]:
        return [sum(getattr(s, part)[0] for s in scores), sum(getattr(s, part)[1] for s in scores)]

    return {
        "pages": len(scores),
        "portals": len({s.portal for s in scores}),
        "lists": sum(s.kind == "list" for s in scores),
        "details": sum(s.kind == "detail" for s in scores),
        "items": add("items"),
        "dates": add("dates"),
        "titles": add("titles"),
        "extra_items": sum(s.extra_items for s in scores),
        "pager": add("pager"),
        "fields": add("fields"),
        "findings_on_clean_pages": sum(s.findings for s in scores if s.clean),
        "perfect_pages": sum(s.perfect for s in scores),
        "errors": sum(s.error is not None for s in scores),
        "needs_script": [f"{s.portal}/{s.file}" for s in scores if s.needs_script],
    }


def _cell(pair: tuple[int, int]) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "-"


def table(scores: list[Score]) -> str:
    head = f"{'page':58} {'kind':6} {'adapter':8} {'items':>7} {'dates':>7} {'titles':>7} {'extra':>5} {'pager':>5} {'fields':>6} {'find':>4}"
    lines = [head, "-" * len(head)]
    for s in scores:
        name = f"{s.portal}/{s.file}"[:58]
        lines.append(
            f"{name:58} {s.kind:6} {(s.adapter or '-'):8} {_cell(s.items):>7} {_cell(s.dates):>7} "
            f"{_cell(s.titles):>7} {s.extra_items:>5} {_cell(s.pager):>5} {_cell(s.fields):>6} "
            f"{s.findings if s.clean else '-':>4}" + (f"  ERROR {s.error}" if s.error else "")
        )
    t = totals(scores)
    lines += [
        "",
        f"pages {t['pages']} ({t['lists']} lists, {t['details']} details) from {t['portals']} portals; "
        f"perfect {t['perfect_pages']}; errors {t['errors']}",
        f"items {t['items'][0]}/{t['items'][1]}  dates {t['dates'][0]}/{t['dates'][1]}  "
        f"titles {t['titles'][0]}/{t['titles'][1]}  extra items {t['extra_items']}",
        f"pager declarations {t['pager'][0]}/{t['pager'][1]}  detail fields {t['fields'][0]}/{t['fields'][1]}  "
        f"findings on clean pages {t['findings_on_clean_pages']}",
        "misses that need script execution: " + (", ".join(t["needs_script"]) or "none"),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score zwgk's extraction on the real-page corpus.")
    parser.add_argument("--json", action="store_true", help="per-page scores and totals as JSON")
    parser.add_argument("--misses", action="store_true", help="also list each page's misses")
    parser.add_argument("--root", type=Path, default=CORPUS_DIR)
    args = parser.parse_args(argv)
    scores = run(args.root)
    if args.json:
        pages = [{**asdict(s), "perfect": s.perfect} for s in scores]
        json.dump(
            {"pages": pages, "totals": totals(scores)}, sys.stdout, ensure_ascii=False, indent=1, default=str
        )
        print()
        return 0
    print(table(scores))
    if args.misses:
        for s in scores:
            for miss in s.misses:
                print(f"{s.portal}/{s.file}: {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
