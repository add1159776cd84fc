"""The count rollup gives exactly the live numbers, and is used only while the archive is unchanged.

Every count the dashboard and ``zwgk audit`` show is asked twice, from the rollup ``zwgk crawl`` left
and live (the rollup forgotten), on SQLite and PostgreSQL: after crawls of two sites, and after a
sweep of a later day of the portal (new, removed, edited, redated, hijacked items).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import run_zwgk
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from audit.compare import COMPARE_BY, compare_years
from audit.health import inspect_health
from storage import reads, rollup, runs
from storage import repository as repo
from storage.db import Database, open_database
from storage.models import CountRollup, Item, ItemColumn, RollupState

logger = logging.getLogger(__name__)

T0 = datetime(2018, 6, 1, 8, 0, tzinfo=UTC)


def answers(session: Session) -> dict[str, Any]:
    """Every count a page or an ``audit`` command asks for, for every site and for each one."""
    sites: list[str | None] = [None, *(s.slug for s in reads.list_sites(session))]
    years = sorted({r.year for r in reads.count_items(session) if r.year is not None})
    assert years, "the archive holds no dated item"
    year_sets = [years, [years[-1]], [years[0], years[-1]], [years[-1] - 1, years[-1], years[-1] + 1]]
    as_ofs = [
        date(years[0] - 1, 6, 1),
        date(years[-1], 1, 1),
        date(years[-1], 6, 30),
        date(years[-1], 12, 31),
        date(years[-1] + 3, 1, 1),
    ]
    found: dict[str, Any] = {
        "site_items": reads.count_site_items(session),
        "newest": [reads.newest_counted_on(session, site) for site in sites],
    }
    for site in sites:
        for by in ("column", "taxonomy"):
            for year in [None, *years, years[-1] + 5]:
                found[f"counts {site} {by} {year}"] = reads.count_items(session, site=site, year=year, by=by)
        for chosen in year_sets:
            for by in COMPARE_BY:
                found[f"compare {site} {by} {chosen}"] = compare_years(session, chosen, site, by)
            found[f"sites {site} {chosen}"] = reads.count_sites_by_year(session, chosen, site)
            found[f"kinds {site} {chosen}"] = reads.count_kinds_by_year(session, chosen, site)
            found[f"groups {site} {chosen}"] = reads.count_groups_by_year(
                session, {"feature": ["政务公开重点工作"], "open": ["政府信息公开"]}, chosen, site
            )
        for as_of in as_ofs:
            found[f"states {site} {as_of}"] = reads.column_states(session, as_of, site)
            found[f"health {site} {as_of}"] = inspect_health(session, as_of, site)
    return found


def assert_rollup_equals_live(db: Database) -> dict[str, Any]:
    with db.session() as s:
        assert rollup.current(s) is not None, "the crawl left no current rollup"
        tallied = answers(s)
    with db.session() as s:
        rollup.forget(s)
    with db.session() as s:
        assert rollup.current(s) is None
        live = answers(s)
    differing = [key for key in live if live[key] != tallied[key]]
    assert not differing, f"rollup and live differ in {len(differing)} answers, e.g. {differing[:5]}"
    assert rollup.refresh(db) is not None
    return live


def crawl(base_url: str, db_url: str, data: Path, site: str, *extra: str) -> dict[str, Any]:
    done = run_zwgk("crawl", base_url, "--site", site, "--db", db_url, "--data", str(data), "--json", *extra)
    assert done.returncode == 0, (done.returncode, done.stdout[-3000:], done.stderr[-3000:])
    return json.loads(done.stdout)


def test_rollup_equals_live_after_crawls_and_a_sweep(tiny_site, db_url: str, tmp_path: Path) -> None:
    import replica

    later = replica.build_site(replica.load_spec("tiny"), state=1)
    changes = replica.truth(later)["changes"]
    with replica.ReplicaServer(tiny_site) as server:
        crawl(server.base_url, db_url, tmp_path, "tiny")
        crawl(server.base_url, db_url, tmp_path, "twin")
        db = open_database(db_url)
        try:
            first = assert_rollup_equals_live(db)
            server.set_site(later)
            summary = crawl(server.base_url, db_url, tmp_path, "tiny", "--sweep")
            assert summary["new"] == len(changes["new"]) and summary["removed"] == len(changes["removed"])
            second = assert_rollup_equals_live(db)
        finally:
            db.dispose()
    # The sweep moved the numbers (new and redated items), and the rollup moved with them.
    assert first["counts tiny column None"] != second["counts tiny column None"]
    assert first["counts twin column None"] == second["counts twin column None"]


def test_audit_commands_answer_the_same_with_and_without_the_rollup(tiny_archive_copy: Path) -> None:
    # the tiny replica crawled by URL (tests/conftest.py), copied: its rollup is forgotten here
    data = tiny_archive_copy
    commands = [
        ("audit", "counts", "--format", "json"),
        ("audit", "counts", "--by", "taxonomy", "--year", "2018", "--format", "json"),
        ("audit", "compare", "--years", "2017", "2018", "--by", "taxonomy", "--format", "json"),
        ("audit", "health", "--as-of", "2019-03-20", "--format", "json"),
    ]

    def outputs() -> list[str]:
        found = []
        for args in commands:
            result = run_zwgk(*args, "--data", str(data))
            assert result.returncode == 0, result.stderr[-2000:]
            found.append(result.stdout)
        return found

    db = open_database(f"sqlite:///{data / 'zwgk.sqlite'}")
    with db.session() as s:
        assert rollup.current(s) is not None
    tallied = outputs()
    with db.session() as s:
        rollup.forget(s)
    assert outputs() == tallied
    db.dispose()


def _small_archive(db: Database) -> int:
    with db.session() as s:
        site = repo.ensure_site(s, "small", "小县", "http://small.example/", "trs")
        column = repo.ensure_column(
            s, site, "政府信息公开/政府文件", "http://small.example/zfwj/", "trs", "gov", "政府信息公开/政府文件",
            "exact", T0,
        )  # fmt: skip
        for n in range(5):
            repo.record_listing(
                s, site, column, f"http://small.example/zfwj/{n}.html", f"文件{n}", date(2018, 1 + n, 1), n,
                False, "gov", "政府信息公开/政府文件", "column", "1", T0,
            )  # fmt: skip
        run = runs.start_run(s, site, "full", "http://small.example/")
        runs.finish_run(s, run, "ok", 0, {})
    return column


def test_the_rollup_is_set_aside_as_soon_as_the_archive_changes(db: Database) -> None:
    column = _small_archive(db)
    assert rollup.refresh(db) is not None
    with db.session() as s:
        assert rollup.current(s) is not None
        assert reads.count_items(s, "small", 2018)[0].items == 5
        # A run that starts moves the generation: the rollup is no longer used, however idle the run.
        run = runs.start_run(s, 1, "sweep", "http://small.example/")
        assert rollup.current(s) is None
        runs.finish_run(s, run, "ok", 0, {})
    assert rollup.refresh(db) is not None
    with db.session() as s:
        assert rollup.current(s) is not None
        # A new listing in the same session: the counts include it at once, computed live.
        repo.record_listing(
            s, 1, column, "http://small.example/zfwj/new.html", "新文件", date(2018, 9, 1), 9,
            False, "gov", "政府信息公开/政府文件", "column", "1", T0,
        )  # fmt: skip
        assert rollup.current(s) is None
        assert reads.count_items(s, "small", 2018)[0].items == 6
    tallied = rollup.refresh(db)
    assert tallied is not None
    with db.session() as s:
        assert rollup.current(s) == tallied
        assert reads.count_items(s, "small", 2018)[0].items == 6
        assert s.scalar(select(RollupState.seconds)) is not None


def test_refresh_gives_up_while_the_archive_keeps_changing(db: Database, monkeypatch) -> None:
    _small_archive(db)
    ticks = iter(range(100))
    monkeypatch.setattr(rollup, "archive_generation", lambda _session: f"moving {next(ticks)}")
    assert rollup.refresh(db) is None
    with db.session() as s:
        assert s.scalar(select(RollupState.generation)) is None
        assert s.scalars(select(CountRollup.id)).first() is None


def test_a_path_that_would_break_the_tally_is_refused(db: Database) -> None:
    _small_archive(db)
    with db.session() as s:
        s.execute(update(ItemColumn).where(ItemColumn.item_id == 1).values(taxonomy_path="坏\x1f路径"))
    with pytest.raises(rollup.RollupError, match="separator"):
        rollup.refresh(db)
    with db.session() as s:
        assert rollup.current(s) is None


def test_undated_and_unclassified_items_are_tallied(db: Database) -> None:
    column = _small_archive(db)
    with db.session() as s:
        item = s.execute(
            insert(Item)
            .values(
                site_id=1, url="http://small.example/undated", kind="picture", first_seen=T0, last_seen=T0
            )
            .returning(Item.id)
        ).scalar_one()
        s.execute(insert(ItemColumn).values(item_id=item, column_id=column, first_seen=T0, last_seen=T0))
    with db.session() as s:
        live = answers(s)
    assert rollup.refresh(db) is not None
    with db.session() as s:
        assert answers(s) == live
        tally = rollup.current(s)
        assert tally is not None and tally.items(1, "picture", None) == 1
        assert tally.distinct_items(1, [None], None) == 1
