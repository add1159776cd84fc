"""The body of ``zwgk crawl``: check the store, run the crawl, print its summary."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any

from rich.console import Console

from crawler.runner import run_crawl
from storage.db import database_url, open_database

logger = logging.getLogger(__name__)


def _settings_overrides(pairs: list[str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"-s expects NAME=VALUE, got {pair!r}")
        overrides[name] = value
    return overrides


def crawl(args: argparse.Namespace) -> int:
    url = database_url(args.data, args.db)
    open_database(url).dispose()  # a database that cannot be opened is refused before any fetch
    overrides = _settings_overrides(args.set)
    outcome = run_crawl(
        args.target, url, slug=args.site, log_level="INFO" if args.verbose else "WARNING", overrides=overrides
    )
    summary = outcome.summary()
    if args.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        console = Console(stderr=True, soft_wrap=True)
        if outcome.fatal:
            console.print(f"[bold red]zwgk: crawl failed:[/] {outcome.fatal}", highlight=False)
        console.print(
            f"pages {summary['pages']}  list pages {summary['list_pages']}  items fetched {summary['details_ok']}"
            f"  not found {summary['details_not_found']}  blocked {summary['details_blocked']}"
            f"  errors {summary['details_error']}  columns {summary['columns']}",
            highlight=False,
        )
    return outcome.exit_code
