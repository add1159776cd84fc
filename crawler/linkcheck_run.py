"""One run of the link check after a crawl (链接可用性): the plan read from the archive (the links
the crawl saw, the ones known dead), the requests of ``crawler.linkcheck_spider`` in a reactor of
its own, and the verdicts kept: each target's result, the runs in a row it has been dead, and a
``broken_link`` finding for each confirmed dead one (cleared when it answers again).

``zwgk crawl`` runs it as ``python -m crawler.linkcheck_run`` once the crawl is over (Twisted's
reactor runs once per process); it prints its summary as JSON.
"""

from __future__ import annotations

import copy
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import CrawlerProcess

from crawler.after_walk_cli import after_walk_parser, print_summary, setting_overrides
from crawler.linkcheck_spider import LinkCheckSpider
from crawler.runner import crawl_settings, is_loopback
from crawler.spiders.sites import target_profile
from inspection.finding import Finding
from inspection.linkcheck import CheckPlan, KnownLink, Sighting, plan_checks
from inspection.links import LinkTarget
from inspection.linkverdict import LinkVerdict, consecutive_dead, load_linkcheck_rules
from storage.db import open_database
from storage.evidence import resolve_cleared
from storage.findings import record_detector_findings
from storage.linkchecks import CheckResult, links_to_consider, record_results
from storage.models import LinkCheck
from storage.reads.sites import site_id as site_id_of

# The Scrapy middlewares of the portal crawl that the link check does without: it follows redirects
# and decides scope itself (linkverdict.follow_redirect), and a retry would hide the answer it judges.
CHECK_MIDDLEWARES = {
    "crawler.middlewares.ScopeMiddleware": None,
    "crawler.middlewares.ListPageCapMiddleware": None,
    "crawler.middlewares.FollowRedirectMiddleware": None,
    "crawler.middlewares.KeepRefererMetaRefreshMiddleware": None,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
}


def plan_for(rows: Sequence[LinkCheck], politeness: dict[str, Any], rules: dict[str, Any],
             incremental: bool) -> CheckPlan:  # fmt: skip
    """The run's plan from the archive's rows: each row's pages are its sightings."""
    sightings = [
        Sighting(LinkTarget(row.url, row.host, row.scope, row.kind), page)
        for row in rows
        for page in (row.pages or [row.url])
    ]
    known = {
        row.url: KnownLink(row.url, row.dead, row.consecutive_dead, row.last_checked)
        for row in rows
        if row.last_checked is not None
    }
    return plan_checks(sightings, known, politeness=politeness, incremental=incremental, rules=rules)


def local_rules(
    hosts: Sequence[str], politeness: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], float]:
    """The rules, politeness and confirmation delay for this site: for a loopback site (the bundled
    replica) only its own links are checked, at no delay, as the crawl itself is loosened there."""
    rules = copy.deepcopy(load_linkcheck_rules())
    delay = float(politeness.get("link_confirm_delay", rules["verdict"]["confirm_delay_seconds"]))
    if hosts and all(is_loopback(h) for h in hosts):
        rules["check"]["scopes"] = ["site"]
        politeness = {"download_delay": 0, "concurrent_per_host": 8, **politeness}
        delay = float(politeness.get("link_confirm_delay", 0))
    return rules, politeness, delay


def run_link_check(
    target: str,
    db_url: str,
    since: datetime,
    *,
    slug: str | None = None,
    incremental: bool = False,
    log_level: str = "WARNING",
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Plan, check and keep one site's links; returns the summary (counts, budget, cost)."""
    started = time.monotonic()
    profile, _ = target_profile(target, slug)
    rules, politeness, delay = local_rules(profile.allowed_hosts, dict(profile.politeness))
    db = open_database(db_url)
    try:
        with db.session() as session:
            site_id = site_id_of(session, profile.slug)
            rows = links_to_consider(session, site_id, since) if site_id is not None else []
            session.expunge_all()
        plan = plan_for(rows, politeness, rules, incremental)
        spider = _check(plan, profile.allowed_hosts, delay, rules, profile, db_url, log_level, overrides)
        summary = _summary(plan, spider, rules)
        if site_id is not None and spider is not None:
            with db.session() as session:
                _keep(session, site_id, rows, spider.verdicts, rules)
                session.commit()
    finally:
        db.dispose()
    summary["seconds"] = round(time.monotonic() - started, 2)
    return summary


def _check(plan: CheckPlan, hosts: Sequence[str], delay: float, rules: dict[str, Any], profile: Any,
           db_url: str, log_level: str, overrides: dict[str, Any] | None) -> LinkCheckSpider | None:  # fmt: skip
    if not plan.checks:
        return None
    settings = crawl_settings(list(hosts), db_url, profile.politeness, log_level, overrides)
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("DOWNLOADER_MIDDLEWARES", CHECK_MIDDLEWARES, priority="cmdline")
    settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
    slots = {
        host: {"delay": pace.delay_seconds, "concurrency": pace.concurrency, "randomize_delay": False}
        for host, pace in plan.paces.items()
    }
    settings.set("DOWNLOAD_SLOTS", slots, priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(LinkCheckSpider)
    process.crawl(crawler, plan=plan, site_hosts=hosts, confirm_delay=delay, rules=rules)
    process.start()
    spider = crawler.spider
    assert isinstance(spider, LinkCheckSpider)
    return spider


def _summary(plan: CheckPlan, spider: LinkCheckSpider | None, rules: dict[str, Any]) -> dict[str, Any]:
    verdicts = spider.verdicts if spider is not None else {}
    counted: dict[str, int] = {}
    for verdict in verdicts.values():
        key = "dead" if verdict.is_dead else verdict.verdict
        counted[key] = counted.get(key, 0) + 1
    unfinished = spider.unfinished if spider is not None else []
    return {
        "planned": len(plan.checks),
        "checked": len(verdicts),
        "verdicts": counted,
        "requests": spider.budget.spent if spider is not None else 0,
        "budget": plan.max_requests,
        "deferred": len(plan.deferred) + len(unfinished),
        "out_of_budget": plan.out_of_budget or bool(unfinished),
        "scopes": list(rules["check"]["scopes"]),
    }


def _keep(session: Any, site_id: int, rows: Sequence[LinkCheck], verdicts: dict[str, LinkVerdict],
          rules: dict[str, Any]) -> None:  # fmt: skip
    now = datetime.now(UTC)
    by_url = {row.url: row for row in rows}
    results, findings, alive = [], [], []
    for url, verdict in verdicts.items():
        row = by_url[url]
        runs = consecutive_dead(row.consecutive_dead, verdict)
        last = verdict.attempts[-1] if verdict.attempts else None
        status, err = (last.status, last.error) if last else (None, None)
        results.append(CheckResult(url, verdict.verdict, verdict.is_dead, runs, status, err))
        if verdict.verdict == "alive":
            alive.append(url)
        if not verdict.is_dead:
            continue
        pages = list(row.pages or [])
        evidence = {
            "scope": row.scope,
            "link_kind": row.kind,
            "status": status,
            "error": err,
            "pages": pages,
            "consecutive_dead": runs,
            "tries": [{"method": a.method, "status": a.status, "error": a.error} for a in verdict.attempts],
        }
        severity = rules["severity"].get(row.scope, "warning")
        page = pages[0] if pages else url
        finding = Finding("broken_link", severity, page, evidence, where="page", target=url)
        findings.append({**finding.as_record(), "page": page})
    record_results(session, site_id, results, now)
    record_detector_findings(session, site_id, findings, now)
    resolve_cleared(session, site_id, ["broken_link"], alive, now)


def main(argv: Sequence[str] | None = None) -> int:
    parser = after_walk_parser("python -m crawler.linkcheck_run", __doc__)
    parser.add_argument("--incremental", action="store_true", help="re-check known dead and new links only")
    args = parser.parse_args(argv)
    summary = run_link_check(
        args.target,
        args.db,
        datetime.fromisoformat(args.since),
        slug=args.site,
        incremental=args.incremental,
        log_level=args.log_level,
        overrides=setting_overrides(args),
    )
    return print_summary(summary)


if __name__ == "__main__":
    sys.exit(main())
