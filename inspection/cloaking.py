"""Search-engine cloaking (快照劫持): the versions of one page fetched as a browser, as search-engine
crawlers and as a visitor arriving from a search results page, compared.

A version that brings in gambling or pornography vocabulary, an off-site redirect (HTTP, meta
refresh or script) or links to outside hosts that the browser's version lacks is a ``cloaking``
finding with both versions as evidence; so is a script that tests ``document.referrer`` for a
search engine (or ``navigator.userAgent`` for a spider) and sends the visitor off-site, whichever
version carries it. Also here: the outside hosts a page loads scripts from, and the comparison of
two crawls' sets of them. The user agents, referers and thresholds are data, in ``cloaking.yaml``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from inspection.data import DATA_DIR, RulesError, load_rules, require
from inspection.finding import Finding
from inspection.links import classify_link, host_scope
from inspection.spam import spam_terms
from inspection.textrows import clean, tree_rows

RULES_FILE = DATA_DIR / "cloaking.yaml"
KIND = "cloaking"
SCRIPT_HOST_KIND = "new_script_host"
_ASSIGNED = re.compile(
    r"(?:(?:window|top|self|parent|document)\s*\.\s*)?location(?:\s*\.\s*href)?\s*=\s*(['\"])(.+?)\1", re.I
)
_CALLED = re.compile(r"location\s*\.\s*(?:replace|assign)\s*\(\s*(['\"])(.+?)\1", re.I)
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";\s]+)", re.I)
_WRITTEN_SCRIPT = re.compile(r"<script[^>]*?\ssrc\s*=\s*['\"]?((?:https?:)?//[^'\"\s>]+)", re.I)


@dataclass(frozen=True)
class Probe:
    """How to fetch one version: its role, user agent and Referer (None: no Referer)."""

    role: str
    user_agent: str
    referer: str | None = None


@dataclass(frozen=True)
class Rules:
    browser: Probe
    others: tuple[Probe, ...]
    search_engine_markers: tuple[str, ...]
    spider_markers: tuple[str, ...]
    text_similarity_min: float
    text_compared_chars: int
    excerpt_chars: int
    common_script_hosts: frozenset[str]
    detail_sample: int = 5
    max_requests: int = 600
    max_redirects: int = 3


@dataclass(frozen=True)
class Version:
    """One fetched version of a page: who asked (``role``), what came back, the parsed body
    (None when it was not HTML or empty), and where the crawl archived it."""

    role: str
    url: str
    final_url: str
    status: int
    root: etree._Element | None
    record: str | None = None  # where the crawl archived it (a WARC record id), echoed in evidence


@dataclass(frozen=True)
class Redirect:
    """Where a version sends its visitor: ``how`` is http, meta_refresh or script; ``condition``
    is referrer or user_agent when a script decides by them, else None."""

    how: str
    target: str
    host: str
    scope: str
    condition: str | None = None


@dataclass(frozen=True)
class PageView:
    """What a version shows: title, text, links to outside hosts and redirects."""

    role: str
    url: str
    final_url: str
    status: int
    title: str
    text: str
    outside_hosts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    redirects: tuple[Redirect, ...] = ()
    record: str | None = None


@cache
def load_cloaking_rules(path: Path = RULES_FILE) -> Rules:
    """The rules of ``cloaking.yaml`` (cached per process)."""
    data = load_rules(path)
    browser = require(data, "browser", dict, path)
    referers = require(data, "referers", list, path)
    crawlers = require(data, "crawlers", list, path)
    crawl = require(data, "crawl", dict, path)
    try:
        others = [Probe(str(c["role"]), str(c["user_agent"])) for c in crawlers]
        others += [Probe(str(r["role"]), str(browser["user_agent"]), str(r["referer"])) for r in referers]
        first = Probe(str(browser["role"]), str(browser["user_agent"]))
    except (KeyError, TypeError) as exc:
        raise RulesError(f"{path}: a probe lacks its role, user_agent or referer: {exc}") from exc
    return Rules(
        browser=first,
        others=tuple(others),
        search_engine_markers=tuple(
            str(m).lower() for m in require(data, "search_engine_markers", list, path)
        ),
        spider_markers=tuple(str(m).lower() for m in require(data, "spider_markers", list, path)),
        text_similarity_min=float(require(data, "text_similarity_min", float, path)),
        text_compared_chars=int(require(data, "text_compared_chars", int, path)),
        excerpt_chars=int(require(data, "excerpt_chars", int, path)),
        common_script_hosts=frozenset(
            str(h).lower() for h in require(data, "common_script_hosts", list, path)
        ),
        detail_sample=int(require(crawl, "detail_sample", int, path)),
        max_requests=int(require(crawl, "max_requests", int, path)),
        max_redirects=int(require(crawl, "max_redirects", int, path)),
    )


def probes(rules: Rules | None = None) -> list[Probe]:
    """The versions to fetch, the browser first (the one the others are compared with)."""
    rules = rules or load_cloaking_rules()
    return [rules.browser, *rules.others]


def scripted_redirects(root: etree._Element, base_url: str, site_hosts: Iterable[str]) -> list[Redirect]:
    """The redirects a page's own markup and inline scripts perform: meta refresh, and
    ``location`` assignments or ``location.replace`` calls with a literal URL, each with the
    condition its script tests (referrer, user agent) when it tests one for a search engine."""
    rules = load_cloaking_rules()
    hosts = tuple(site_hosts)
    found: list[Redirect] = []
    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() == "refresh":
            match = _REFRESH_URL.search(meta.get("content") or "")
            if match:
                found += _redirect("meta_refresh", match.group(1), base_url, hosts, None)
    for script in root.iter("script"):
        if not script.get("src"):
            found += script_redirects("".join(script.itertext()), base_url, hosts, rules)
    return found


def script_redirects(
    code: str, base_url: str, site_hosts: Iterable[str], rules: Rules | None = None
) -> list[Redirect]:
    """The redirects one inline script performs with a literal URL (``location.href = "…"``,
    ``location.replace("…")``), each with the condition the script tests, if any."""
    rules = rules or load_cloaking_rules()
    hosts = tuple(site_hosts)
    condition = _condition(code, rules)
    found: list[Redirect] = []
    for pattern in (_ASSIGNED, _CALLED):
        for match in pattern.finditer(code):
            found += _redirect("script", match.group(2), base_url, hosts, condition)
    return found


def page_view(version: Version, site_hosts: Iterable[str]) -> PageView:
    """What ``version`` shows a visitor: its title, its text, its links to outside hosts and the
    redirects it performs (HTTP, meta refresh, scripts)."""
    hosts = tuple(site_hosts)
    redirects: list[Redirect] = []
    if urlsplit(version.final_url).hostname != urlsplit(version.url).hostname:
        redirects += _redirect("http", version.final_url, version.url, hosts, None)
    if version.root is None:
        return PageView(
            version.role,
            version.url,
            version.final_url,
            version.status,
            "",
            "",
            {},
            tuple(redirects),
            version.record,
        )
    title_node = version.root.find(".//title")
    title = clean("".join(title_node.itertext())) if title_node is not None else ""
    text = "\n".join(row.text for row in tree_rows(version.root))
    outside: dict[str, list[str]] = {}
    for anchor in version.root.iter("a", "area"):
        target = classify_link(anchor.get("href") or "", version.final_url, hosts)
        if target is not None and target.scope == "outside":
            outside.setdefault(target.host, []).append(target.url)
    redirects += scripted_redirects(version.root, version.final_url, hosts)
    return PageView(
        version.role,
        version.url,
        version.final_url,
        version.status,
        title,
        text,
        {host: tuple(urls) for host, urls in outside.items()},
        tuple(redirects),
        version.record,
    )


def compare_versions(
    versions: Sequence[Version],
    site_hosts: Iterable[str],
    rules: Rules | None = None,
    *,
    baseline_scripts: bool = True,
) -> Finding | None:
    """The ``cloaking`` finding of one page's versions, or None when they agree.

    The browser's version (the role of the rules' browser probe, else the first version) is the
    baseline. Severity is veto when a version brings in spam vocabulary or an off-site redirect,
    or a script cloaks by referrer or user agent; warning when a version only adds outside links.
    Without ``baseline_scripts`` a cloaking script the browser's version carries too is left out
    (the crawl's own integrity scan reports it from the page as crawled): only differences count.
    """
    rules = rules or load_cloaking_rules()
    if not versions:
        return None
    hosts = tuple(site_hosts)
    baseline_version = next((v for v in versions if v.role == rules.browser.role), versions[0])
    baseline = page_view(baseline_version, hosts)
    base_terms = set(spam_terms(baseline.title + "\n" + baseline.text).strong)
    base_redirects = {(r.how, r.host, r.condition) for r in baseline.redirects}
    reasons: list[str] = []
    strong = False
    differences: list[dict[str, Any]] = []
    for version in versions:
        if version is baseline_version and not baseline_scripts:
            continue
        view = baseline if version is baseline_version else page_view(version, hosts)
        difference, why, grave = _difference(baseline, view, base_terms, base_redirects, rules)
        if why:
            differences.append(difference)
            reasons += why
            strong = strong or grave
    if not reasons:
        return None
    evidence = {"reasons": reasons, "baseline": _summary(baseline), "versions": differences}
    return Finding(KIND, "veto" if strong else "warning", baseline.url, evidence)


def script_hosts(root: etree._Element, page_url: str, site_hosts: Iterable[str]) -> set[str]:
    """The hosts other than the site's own that the page loads scripts from: ``<script src>`` and
    scripts written by inline code (``document.write(unescape("%3Cscript src=…"))``)."""
    hosts = tuple(site_hosts)
    found: set[str] = set()
    sources = [s.get("src") or "" for s in root.iter("script") if s.get("src")]
    for script in root.iter("script"):
        if not script.get("src"):
            sources += [m.group(1) for m in _WRITTEN_SCRIPT.finditer(unquote("".join(script.itertext())))]
    for src in sources:
        target = classify_link(src, page_url, hosts, "script")
        if target is not None and target.scope != "site":
            found.add(target.host)
    return found


def new_script_hosts(
    previous: Iterable[str],
    current: Mapping[str, Sequence[str]],
    site_hosts: Iterable[str],
    rules: Rules | None = None,
) -> list[Finding]:
    """One ``new_script_host`` finding per host that pages load scripts from in this crawl and did
    not in the previous one. ``current`` maps each host to the pages that load from it.
    Government hosts and the services portals commonly load are info; other hosts warning."""
    rules = rules or load_cloaking_rules()
    before = {h.lower() for h in previous}
    hosts = tuple(site_hosts)
    findings = []
    for host in sorted(set(current) - before):
        pages = sorted(current[host])
        scope = host_scope(host, hosts)
        if scope == "site":
            continue
        common = scope == "government" or host.lower() in rules.common_script_hosts
        evidence = {"host": host, "scope": scope, "pages": pages[:20], "page_count": len(pages)}
        findings.append(
            Finding(
                SCRIPT_HOST_KIND,
                "info" if common else "warning",
                pages[0] if pages else "",
                evidence,
                "site",
                host,
            )
        )
    return findings


def _difference(
    baseline: PageView,
    view: PageView,
    base_terms: set[str],
    base_redirects: set[tuple[str, str, str | None]],
    rules: Rules,
) -> tuple[dict[str, Any], list[str], bool]:
    """How ``view`` differs from ``baseline`` in ways that matter: the difference as evidence,
    the reasons, and whether any of them is strong evidence."""
    reasons: list[str] = []
    strong = False
    terms = spam_terms(view.title + "\n" + view.text).strong
    new_terms = [t for t in terms if t not in base_terms]
    if new_terms and view is not baseline:
        reasons.append(f"{view.role} version brings in spam vocabulary: {', '.join(new_terms)}")
        strong = True
    offsite = [r for r in view.redirects if r.scope == "outside"]
    if view is not baseline:  # what the browser's version already does is reported with it
        offsite = [r for r in offsite if (r.how, r.host, r.condition) not in base_redirects]
    for redirect in offsite:
        if redirect.condition is not None:
            reasons.append(
                f"{view.role} version carries a script that tests the {redirect.condition} and sends the "
                f"visitor to {redirect.host}"
            )
            strong = True
        elif view is not baseline:
            reasons.append(f"{view.role} version redirects off-site ({redirect.how}) to {redirect.host}")
            strong = True
    new_hosts = sorted(set(view.outside_hosts) - set(baseline.outside_hosts)) if view is not baseline else []
    if new_hosts:
        reasons.append(
            f"{view.role} version links to outside hosts the browser's lacks: {', '.join(new_hosts)}"
        )
    if not reasons:
        return {}, [], False
    difference = _summary(view)
    difference["spam_terms"] = new_terms
    difference["spam_excerpts"] = [
        _excerpt(view.title + "\n" + view.text, t, rules.excerpt_chars) for t in new_terms[:5]
    ]
    difference["redirects"] = [asdict(r) for r in offsite]
    difference["new_outside_links"] = {h: list(view.outside_hosts[h][:5]) for h in new_hosts[:20]}
    if view is not baseline:
        similarity = _similarity(baseline.text, view.text, rules.text_compared_chars)
        difference["text_similarity"] = round(similarity, 3)
        difference["text_differs"] = similarity < rules.text_similarity_min
        difference["title_differs"] = view.title != baseline.title
    return difference, reasons, strong


def _summary(view: PageView) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "role": view.role,
        "url": view.url,
        "final_url": view.final_url,
        "status": view.status,
        "title": view.title[:200],
    }
    if view.record is not None:
        summary["record"] = view.record
    return summary


def _redirect(
    how: str, raw: str, base_url: str, hosts: tuple[str, ...], condition: str | None
) -> list[Redirect]:
    target = classify_link(raw.strip(), base_url, hosts)
    if target is None:
        return []
    return [Redirect(how, target.url, target.host, target.scope, condition)]


def _condition(code: str, rules: Rules) -> str | None:
    lowered = code.lower()
    if "document.referrer" in lowered and any(m in lowered for m in rules.search_engine_markers):
        return "referrer"
    if "navigator.useragent" in lowered and any(m in lowered for m in rules.spider_markers):
        return "user_agent"
    return None


def _similarity(a: str, b: str, limit: int) -> float:
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a[:limit], b[:limit]).ratio()


def _excerpt(text: str, term: str, width: int) -> str:
    at = text.lower().find(term)
    if at < 0:
        return ""
    return clean(text[max(0, at - width) : at + len(term) + width])
