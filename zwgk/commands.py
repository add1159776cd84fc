"""The body of ``zwgk crawl``: check the store, hold the site's run lock, crawl, summarise, monitor."""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from crawler.monitors import check_run
from crawler.profile import load_profile
from crawler.runner import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, CrawlOutcome, run_crawl
from crawler.settings import ZWGK_MONITOR_MIN_HISTORY, ZWGK_MONITOR_MIN_SHARE
from crawler.spiders.sites import slug_for_url
from storage.db import Database, data_folder, database_url, open_database
from storage.reads.runs import pending_work
from storage.rebase import origin, rebase_site, same_address, stored_origin
from storage.rollup import RollupError, refresh
from storage.runs import latest_run_id, mark_interrupted, previous_runs, record_interrupted, run_summary
from taxonomy import default_taxonomy
from zwgk.progress import CrawlProgress
from zwgk.runlock import AlreadyRunning, RunLock
from zwgk.summary import run_lines

logger = logging.getLogger(__name__)

EXIT_ALREADY_RUNNING = 4
EXIT_MONITOR_ALERT = 6


def settings_overrides(pairs: list[str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"-s expects NAME=VALUE, got {pair!r}")
        overrides[name] = value
    return overrides


def target_slug(target: str, site: str | None) -> str:
    """The slug a crawl of ``target`` stores under: --site, the profile's, or the URL's host."""
    if site:
        return site
    if target.startswith(("http://", "https://")):
        return slug_for_url(target)
    return load_profile(target).slug


def crawl_site(
    target: str,
    *,
    data: str | None,
    db_url: str | None,
    site: str | None,
    console: Console,
    mode: str = "full",
    revalidate_fraction: float = 1.0,
    log_level: str = "WARNING",
    overrides: dict[str, Any] | None = None,
    on_record: Callable[[Any], None] | None = None,
    inspect: bool = True,
    site_moved: bool = False,
    progress: CrawlProgress | None = None,
) -> tuple[CrawlOutcome, dict[str, Any]]:
    """One crawl of one site as ``zwgk crawl`` and ``zwgk demo`` run it: the site's run lock, the
    WARC folder, the run record, the inspector's checks (unless ``inspect`` is off: then also no
    link check after the walk), the monitors and the count rollup. Raises ``AlreadyRunning``."""
    overrides = {**(overrides or {}), **({} if inspect else {"ZWGK_INSPECT": False})}
    url = database_url(data, db_url)
    db = open_database(url)  # a database that cannot be opened is refused before any fetch
    slug = target_slug(target, site)
    folder = data_folder(data)
    try:
        with RunLock(folder / "locks", slug, db):
            with db.session() as session:
                if mark_interrupted(session, slug):
                    console.print(f"an earlier run of {slug} was interrupted; this run completes the archive")
                _check_address(session, slug, target, site_moved, console)
            since = datetime.now(UTC)
            outcome = run_crawl(
                target,
                url,
                slug=site,
                mode=mode,
                revalidate_fraction=revalidate_fraction,
                warc_dir=str(folder / "warc"),
                log_level=log_level,
                overrides=overrides,
                on_record=on_record,
                on_progress=progress.update if progress else None,
                progress_interval=progress.interval if progress else None,
            )
            if outcome.interrupted:
                with db.session() as session:  # never left ``running``, never ``ok``
                    record_interrupted(session, slug, since, EXIT_INTERRUPTED)
            # nothing archived to check on a failed site, no time for it on an interrupted one
            checked = inspect and not outcome.fatal and not outcome.interrupted
            links = check_links(target, url, site, since, mode, log_level, overrides) if checked else None
            warc = str(folder / "warc")
            cloaking = (
                check_cloaking(target, url, site, since, warc, log_level, overrides) if checked else None
            )
            report = _report(db, slug, outcome.stats)
            with db.session() as session:
                report["pending"] = pending_work(session, slug).total
            tally_counts(db, console)
    finally:
        db.dispose()
    report.update(outcome.summary())
    report["inspection"] = inspection_summary(outcome.stats, links, cloaking) if inspect else None
    return outcome, report


class SiteMoved(ValueError):
    """The crawl's address disagrees with the one stored for its site, and --site-moved was not given."""


def _check_address(session: Any, slug: str, target: str, moved: bool, console: Console) -> None:
    """One site whatever address reached it: re-base the stored URLs to the target's origin when
    it differs only by scheme or ``www.`` or when ``moved``; refuse otherwise."""
    new = origin(target if target.startswith(("http://", "https://")) else load_profile(target).base_url)
    old = stored_origin(session, slug)
    if old is None or old == new:
        return
    if not (moved or same_address(old, new)):
        raise SiteMoved(
            f"{slug} is stored at {old}, this crawl targets {new}; if the site moved, run again with "
            "--site-moved (its stored URLs are re-based), otherwise check the address or --site"
        )
    rows = rebase_site(session, slug, old, new)
    console.print(f"note: {slug} moved from {old} to {new}: {rows} stored URLs re-based", highlight=False)


def check_links(
    target: str,
    db_url: str,
    site: str | None,
    since: datetime,
    mode: str,
    log_level: str,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The link check of the crawl just ended (``crawler.linkcheck_run``, in a process of its own:
    the reactor runs once per process); its summary, or the reason it failed."""
    extra = ["--incremental"] if mode == "incremental" else []
    return _after_walk("crawler.linkcheck_run", "link check", target, db_url, site, since, extra,
                       log_level, overrides)  # fmt: skip


def check_cloaking(
    target: str,
    db_url: str,
    site: str | None,
    since: datetime,
    warc_dir: str,
    log_level: str,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The cloaking probes of the crawl just ended (``crawler.cloaking_run``, in a process of its
    own), their answers archived in ``warc_dir``; their summary, or the reason they failed."""
    return _after_walk("crawler.cloaking_run", "cloaking probes", target, db_url, site, since,
                       ["--warc", warc_dir], log_level, overrides)  # fmt: skip


def _after_walk(module: str, what: str, target: str, db_url: str, site: str | None, since: datetime,
                extra: list[str], log_level: str, overrides: dict[str, Any] | None) -> dict[str, Any]:  # fmt: skip
    """Run one check of the crawl just ended as ``python -m module``; its JSON summary, or the
    reason it failed."""
    command = [sys.executable, "-m", module, target, "--db", db_url]
    command += ["--since", since.isoformat(), "--log-level", log_level]
    command += ["--site", site] if site else []
    command += extra
    # the crawl's -s settings (timeouts, user agent …) hold for its checks too
    command += [
        arg
        for name, value in (overrides or {}).items()
        if isinstance(value, str)
        for arg in ("-s", f"{name}={value}")
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        logger.error("the %s failed: %s", what, done.stderr[-2000:])
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
    summary: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return summary


def inspection_summary(
    stats: dict[str, Any], links: dict[str, Any] | None, cloaking: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the inspector's checks did in this crawl, and which ran out of budget."""
    prefix = "zwgk/inspect/"
    counts = {
        key[len(prefix) :]: value
        for key, value in stats.items()
        if key.startswith(prefix) and "/attachments_requested/" not in f"/{key[len(prefix) :]}"
    }
    out_of_budget = [name for name, over in (("attachments", counts.get("attachments_over_budget")),
                                              ("links", (links or {}).get("out_of_budget")),
                                              ("cloaking", (cloaking or {}).get("out_of_budget"))) if over]  # fmt: skip
    return {"counts": counts, "links": links, "cloaking": cloaking, "out_of_budget": out_of_budget}


def crawl(args: argparse.Namespace) -> int:
    console = Console(stderr=True, soft_wrap=True)
    # a live line on a terminal (not beside Scrapy's log with -v), else a log line per interval
    progress = CrawlProgress(console, live=console.is_terminal and not args.verbose)
    try:
        with progress:
            outcome, report = crawl_site(
                args.target,
                data=args.data,
                db_url=args.db,
                site=args.site,
                console=console,
                mode=args.mode,
                revalidate_fraction=args.revalidate_fraction,
                log_level="INFO" if args.verbose else "WARNING",
                overrides=settings_overrides(args.set),
                inspect=getattr(args, "inspect", True),
                site_moved=getattr(args, "site_moved", False),
                progress=progress,
            )
    except AlreadyRunning as exc:
        console.print(f"zwgk: {exc}")
        return EXIT_ALREADY_RUNNING
    except SiteMoved as exc:
        console.print(f"zwgk: {exc}", highlight=False)
        return EXIT_BAD_INPUT
    code = outcome.exit_code
    if code == EXIT_OK and report["alerts"]:
        code = EXIT_MONITOR_ALERT
    report["exit_code"] = code
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        if outcome.fatal:
            console.print(f"[bold red]zwgk: crawl failed:[/] {outcome.fatal}", highlight=False)
        if outcome.interrupted:
            console.print(
                f"[bold yellow]interrupted[/]: {report['pending']} pages or columns pending; the next run "
                "of any mode completes them first",
                highlight=False,
            )
        for line in run_lines(report):
            console.print(line, highlight=False)
        logged = int(outcome.stats.get("log_count/ERROR", 0))
        if logged:
            console.print(
                f"[bold red]{logged} error(s) were logged[/] (run with -v to see them): some records may not "
                "be stored; run the same crawl again once the cause is fixed — it completes the archive.",
                highlight=False,
            )
        for alert in report["alerts"]:
            console.print(f"[yellow]monitor {alert['monitor']}[/]: {alert['subject']}: {alert['message']}")
        _print_inspection(console, report.get("inspection"))
    return code


def _print_inspection(console: Console, inspection: dict[str, Any] | None) -> None:
    if not inspection:
        return
    counts, links = inspection["counts"], inspection["links"] or {}
    found = ", ".join(
        f"{k.split('/', 1)[1]} {v}" for k, v in sorted(counts.items()) if k.startswith("findings/")
    )
    console.print(
        f"inspection: pages and attachments scanned {counts.get('scanned', 0)}, attachments fetched "
        f"{counts.get('attachments_fetched', 0)} (unreadable {counts.get('attachments_unreadable', 0)}), "
        f"links checked {links.get('checked', 0)} of {links.get('planned', 0)} planned "
        f"({links.get('requests', 0)} requests, dead {(links.get('verdicts') or {}).get('dead', 0)}), "
        f"findings: {found or 'none'}",
        highlight=False,
    )
    for check in inspection["out_of_budget"]:
        console.print(
            f"[yellow]inspection: the {check} check ran out of budget[/]; the rest waits for the next run"
        )
    if links.get("error"):
        console.print(f"[yellow]inspection: the link check failed:[/] {links['error']}", highlight=False)
    cloaking = inspection.get("cloaking") or {}
    if cloaking.get("error"):
        console.print(
            f"[yellow]inspection: the cloaking probes failed:[/] {cloaking['error']}", highlight=False
        )
    elif cloaking:
        console.print(
            f"inspection: cloaking probes: {cloaking.get('probed', 0)} of {cloaking.get('planned', 0)} pages "
            f"({cloaking.get('requests', 0)} requests, {cloaking.get('probes_per_page', 0)} versions a page), "
            f"cloaked {len(cloaking.get('cloaked') or [])}",
            highlight=False,
        )


def tally_counts(db: Database, console: Console) -> None:
    """Precompute the audit counts of the archive as the crawl left it (``storage.rollup``), so the
    dashboard and ``zwgk audit`` need not count a million rows; a failure only means they count live."""
    try:
        stored = refresh(db)
        reason = None if stored is not None else "the archive kept changing: another crawl is writing"
    except RollupError as exc:
        reason = str(exc)
    if reason is not None:
        console.print(
            f"[yellow]warning:[/] the audit counts were not precomputed ({reason}); they are counted "
            "live until the next crawl ends",
            highlight=False,
        )


def _report(db: Any, slug: str, stats: dict[str, Any]) -> dict[str, Any]:
    with db.session() as session:
        run_id = latest_run_id(session, slug)
        if run_id is None:
            return {"run_id": None, "mode": None, "alerts": []}
        summary = run_summary(session, run_id).as_dict()
        history = [run.stats or {} for run in previous_runs(session, slug, run_id)]
    alerts = check_run(stats, history, ZWGK_MONITOR_MIN_SHARE, ZWGK_MONITOR_MIN_HISTORY)
    summary["alerts"] = [alert.__dict__ for alert in alerts]
    return summary


def discover(args: argparse.Namespace) -> int:
    """Read a portal's home, nav and hub pages and write its site profile; walk no listing."""
    if not args.url.startswith(("http://", "https://")):
        raise ValueError(f"discover expects the portal's http(s) URL, got {args.url!r}")
    outcome = run_crawl(
        args.url,
        "sqlite://",  # discovery stores nothing
        slug=args.site,
        mode="discover",
        log_level="INFO" if args.verbose else "WARNING",
        overrides={"ITEM_PIPELINES": {}},
    )
    console = Console(stderr=True, soft_wrap=True)
    if outcome.fatal or outcome.profile is None:
        console.print(f"[bold red]zwgk: discovery failed:[/] {outcome.fatal}", highlight=False)
        return outcome.exit_code or 3
    profile = outcome.profile
    taxonomy = default_taxonomy()
    for column in profile.columns:
        column.taxonomy_path = taxonomy.get(column.taxonomy).path if column.taxonomy else None
    profile.columns.sort(key=lambda c: c.path)
    families = {c.cms for c in profile.columns if c.cms}
    if len(families) > 1:
        profile.cms = "mixed"
    text = profile.to_yaml()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    unclassified = [c.path for c in profile.columns if not c.taxonomy]
    console.print(
        f"discovered {len(profile.columns)} columns of {profile.name} (CMS {profile.cms}); "
        f"{len(unclassified)} unclassified{': ' + ', '.join(unclassified) if unclassified else ''}"
        + (f"; profile written to {args.output}" if args.output else ""),
        highlight=False,
    )
    return 0
