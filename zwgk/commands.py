"""The body of ``zwgk crawl``: check the store, hold the site's run lock, crawl, summarise, monitor."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any

from rich.console import Console

from crawler.monitors import check_run
from crawler.profile import load_profile
from crawler.runner import EXIT_OK, run_crawl
from crawler.settings import ZWGK_MONITOR_MIN_HISTORY, ZWGK_MONITOR_MIN_SHARE
from crawler.spiders.portal import slug_for_url
from storage.db import data_folder, database_url, open_database
from storage.runs import latest_run_id, mark_interrupted, previous_runs, run_summary
from zwgk.runlock import AlreadyRunning, RunLock

logger = logging.getLogger(__name__)

EXIT_ALREADY_RUNNING = 4
EXIT_MONITOR_ALERT = 6


def _settings_overrides(pairs: list[str]) -> dict[str, Any]:
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


def crawl(args: argparse.Namespace) -> int:
    url = database_url(args.data, args.db)
    db = open_database(url)  # a database that cannot be opened is refused before any fetch
    overrides = _settings_overrides(args.set)
    slug = target_slug(args.target, args.site)
    folder = data_folder(args.data)
    console = Console(stderr=True, soft_wrap=True)
    try:
        with RunLock(folder / "locks", slug, db):
            with db.session() as session:
                if mark_interrupted(session, slug):
                    console.print(f"an earlier run of {slug} was interrupted; this run completes the archive")
            outcome = run_crawl(
                args.target,
                url,
                slug=args.site,
                mode=args.mode,
                revalidate_fraction=args.revalidate_fraction,
                warc_dir=str(folder / "warc"),
                log_level="INFO" if args.verbose else "WARNING",
                overrides=overrides,
            )
            report = _report(db, slug, outcome.stats)
    except AlreadyRunning as exc:
        console.print(f"zwgk: {exc}")
        return EXIT_ALREADY_RUNNING
    finally:
        db.dispose()
    report.update(outcome.summary())
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
        console.print(
            f"{report['mode']} run {report['run_id']}: pages {report['pages']}, new {report['new']}, "
            f"changed {report['changed']}, removed {report['removed']}, blocked columns "
            f"{report['blocked_columns']}, errors {report['errors']}, {report['duration_s']} s",
            highlight=False,
        )
        for alert in report["alerts"]:
            console.print(f"[yellow]monitor {alert['monitor']}[/]: {alert['subject']}: {alert['message']}")
    return code


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
