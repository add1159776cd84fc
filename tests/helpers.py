"""Shared test helpers: run the ``zwgk`` command in a subprocess, read counts back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from storage.db import database_url, open_database
from storage.reads import count_items

ROOT = Path(__file__).resolve().parent.parent


def run_zwgk(
    *args: str, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m zwgk ARGS`` (a fresh process: Twisted's reactor runs once per process)."""
    return subprocess.run(
        [sys.executable, "-m", "zwgk", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def column_counts(data_dir: Path, site: str, db_url: str | None = None) -> dict[tuple[str, int], int]:
    """(column path, year) → items, as the archive counts them (non-zero rows only)."""
    db = open_database(database_url(data_dir, db_url))
    with db.session() as session:
        rows = count_items(session, site=site, by="column")
    db.dispose()
    return {(r.column or "", r.year): r.items for r in rows if r.items and r.year is not None}


def taxonomy_counts(data_dir: Path, site: str) -> dict[tuple[str, int], int]:
    db = open_database(database_url(data_dir))
    with db.session() as session:
        rows = count_items(session, site=site, by="taxonomy")
    db.dispose()
    return {(r.taxonomy or "null", r.year): r.items for r in rows if r.items and r.year is not None}


def truth_column_counts(truth: dict[str, Any]) -> dict[tuple[str, int], int]:
    return {
        (column["path"], int(year)): n
        for column in truth["columns"]
        for year, n in column["items"].items()
        if n
    }


def truth_taxonomy_counts(truth: dict[str, Any]) -> dict[tuple[str, int], int]:
    return {
        (path, int(year)): n for path, years in truth["taxonomy"].items() for year, n in years.items() if n
    }


def diff_counts(got: dict[Any, int], want: dict[Any, int]) -> dict[Any, tuple[int, int]]:
    """Every key whose count differs, as (archive, truth)."""
    keys = set(got) | set(want)
    return {
        k: (got.get(k, 0), want.get(k, 0)) for k in sorted(keys, key=str) if got.get(k, 0) != want.get(k, 0)
    }


def summary_json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    return json.loads(result.stdout)


def duplicates(values: list[str]) -> list[str]:
    return [v for v, n in Counter(values).items() if n > 1]
