"""One run of the cloaking probes after a crawl (快照劫持): the home page, every column page and a
sample of detail pages (``inspection/cloaking.yaml``, or the profile's ``cloaking_sample``) fetched
as a browser, as search-engine crawlers and as a visitor from a search results page, within the
run's request budget (``cloaking_budget``) and the site's politeness; every answer archived in the
WARC and kept as a ``probe`` capture; the versions compared, and a ``cloaking`` finding kept for
each page whose versions differ in a way that matters, naming the captures of both versions.

A finding of the probes is keyed ``<page>#cloaking-probe``, apart from the ``cloaking`` finding the
crawl's integrity scan records under the page itself (a script in the page as crawled): a clean
scan of the page does not clear what only the probes can see, nor the reverse.

``zwgk crawl`` runs it as ``python -m crawler.cloaking_run`` after the link check (Twisted's reactor
runs once per process); it prints its summary as JSON.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree
from scrapy.crawler import CrawlerProcess
from sqlalchemy.orm import Session

from crawler.after_walk_cli import after_walk_parser, print_summary, setting_overrides
from crawler.cloaking_spider import Answer, CloakingSpider
from crawler.extract import decode_body
from crawler.linkcheck_run import CHECK_MIDDLEWARES
from crawler.runner import crawl_settings
from crawler.spiders.sites import target_profile
from inspection.cloaking import KIND, Rules, Version, compare_versions, load_cloaking_rules, probes
from storage.db import open_database
from storage.evidence import CaptureRow, record_captures, resolve_cleared
from storage.findings import record_finding
from storage.models import PROBE_PAGE_KIND
from storage.reads.inspection import probe_pages
from storage.reads.sites import site_id as site_id_of
from storage.warc import WarcWriter

SUBJECT_SUFFIX = "#cloaking-probe"


def probe_subject(page: str) -> str:
    """The key of the probes' finding about ``page`` (see the module's docstring)."""
    return page.split("#", 1)[0] + SUBJECT_SUFFIX


def run_cloaking_probes(
    target: str,
    db_url: str,
    since: datetime,
    warc_dir: str,
    *,
    slug: str | None = None,
    log_level: str = "WARNING",
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Plan, fetch, archive, compare and keep one site's probes; returns the summary."""
    started = time.monotonic()
    profile, _ = target_profile(target, slug)
    rules = load_cloaking_rules()
    politeness = dict(profile.politeness)
    sample = int(politeness.get("cloaking_sample", rules.detail_sample))
    budget = max(0, int(politeness.get("cloaking_budget", rules.max_requests)))
    asked = probes(rules)
    db = open_database(db_url)
    try:
        with db.session() as session:
            site_id = site_id_of(session, profile.slug)
            pages = probe_pages(session, site_id, since, sample) if site_id is not None else []
        spider = None
        if pages:
            spider = _fetch(
                pages, asked, profile, budget, rules, Path(warc_dir), db_url, log_level, overrides
            )
        found: list[str] = []
        if site_id is not None and spider is not None:
            with db.session() as session:
                found = _keep(session, site_id, spider, profile.allowed_hosts, rules)
                session.commit()
    finally:
        db.dispose()
    return {
        "planned": len(pages),
        "probed": len(spider.answers) if spider else 0,
        "probes_per_page": len(asked),
        "requests": spider.budget.spent if spider else 0,
        "budget": budget,
        "deferred": len(spider.deferred) if spider else 0,
        "out_of_budget": bool(spider and spider.deferred),
        "errors": len(spider.errors) if spider else 0,
        "cloaked": found,
        "seconds": round(time.monotonic() - started, 2),
    }


def _fetch(pages: list[str], asked: list[Any], profile: Any, budget: int, rules: Rules, folder: Path,
           db_url: str, log_level: str, overrides: dict[str, Any] | None) -> CloakingSpider:  # fmt: skip
    settings = crawl_settings(list(profile.allowed_hosts), db_url, profile.politeness, log_level, overrides)
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("DOWNLOADER_MIDDLEWARES", CHECK_MIDDLEWARES, priority="cmdline")
    settings.set("COOKIES_ENABLED", False, priority="cmdline")  # each version asked afresh
    # robots.txt is read as it applies to zwgk itself, whichever crawler a probe names
    settings.set("ROBOTSTXT_USER_AGENT", settings.get("USER_AGENT"), priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(CloakingSpider)
    with WarcWriter(folder, operator=f"zwgk cloaking probes of {profile.slug}") as writer:
        process.crawl(
            crawler,
            pages=pages,
            probes=asked,
            site_hosts=profile.allowed_hosts,
            budget=budget,
            max_redirects=rules.max_redirects,
            writer=writer,
        )
        process.start()
    spider = crawler.spider
    assert isinstance(spider, CloakingSpider)
    return spider


def _keep(
    session: Session, site_id: int, spider: CloakingSpider, hosts: Sequence[str], rules: Rules
) -> list[str]:
    """Keep every answer as a capture, and the finding (or the clean result) of every page whose
    versions all came back; returns the pages found cloaked."""
    now = datetime.now(UTC)
    answers = spider.archived
    ids = record_captures(session, site_id, None, [_capture_row(a) for a in answers])
    capture_of = {id(answer): capture_id for answer, capture_id in zip(answers, ids, strict=True)}
    browser = rules.browser.role
    cloaked, clean = [], []
    for page, by_role in spider.answers.items():
        if browser not in by_role:
            continue  # nothing to compare with
        versions = [_version(answer) for answer in by_role.values()]
        finding = compare_versions(versions, hosts, rules, baseline_scripts=False)
        if finding is None:
            clean.append(probe_subject(page))
            continue
        captures = {role: capture_of[id(answer)] for role, answer in by_role.items()}
        evidence = _with_captures(finding.as_record()["evidence"], captures)
        differing = [v["role"] for v in evidence.get("versions", [])]
        record_finding(
            session,
            site_id,
            KIND,
            probe_subject(page)[:2048],
            now,
            evidence=evidence,
            severity=finding.severity,
            capture_id=captures[differing[0]] if differing else captures[browser],
        )
        cloaked.append(page)
    resolve_cleared(session, site_id, [KIND], clean, now)
    return cloaked


def _with_captures(evidence: dict[str, Any], captures: dict[str, int]) -> dict[str, Any]:
    """The evidence with the capture of each version it names (the baseline's and the others')."""
    baseline = dict(evidence["baseline"])
    baseline["capture_id"] = captures.get(baseline["role"])
    versions = [{**v, "capture_id": captures.get(v["role"])} for v in evidence.get("versions", [])]
    return {**evidence, "baseline": baseline, "versions": versions, "probes": sorted(captures)}


def _version(answer: Answer) -> Version:
    root = None
    if answer.status == 200 and "html" in (answer.content_type or "text/html").lower():
        text, _ = decode_body(answer.body, answer.content_type)
        if text.strip():
            try:
                root = lxml.html.fromstring(text)
            except (etree.ParserError, ValueError):
                root = None
    record = f"{answer.location.file}@{answer.location.offset}"
    return Version(answer.role, answer.page, answer.final_url, answer.status, root, record)


def _capture_row(answer: Answer) -> CaptureRow:
    return CaptureRow(
        url=answer.url,
        page_kind=PROBE_PAGE_KIND,
        fetched_at=answer.fetched_at,
        http_status=answer.status,
        content_type=answer.content_type[:500] if answer.content_type else None,
        payload_digest=answer.location.payload_digest,
        payload_length=len(answer.body),
        record_type=answer.location.record_type,
        warc_file=answer.location.file,
        warc_offset=answer.location.offset,
        warc_length=answer.location.length,
        changed=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = after_walk_parser("python -m crawler.cloaking_run", __doc__)
    parser.add_argument("--warc", required=True, help="the WARC folder the answers are archived in")
    args = parser.parse_args(argv)
    summary = run_cloaking_probes(
        args.target,
        args.db,
        datetime.fromisoformat(args.since),
        args.warc,
        slug=args.site,
        log_level=args.log_level,
        overrides=setting_overrides(args),
    )
    return print_summary(summary)


if __name__ == "__main__":
    sys.exit(main())
