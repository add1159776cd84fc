"""``zwgk audit counts|compare`` piped at 80 columns: rows stay distinct, blocked and failed columns
carry their status (never a bare 0 with a blank year), ``--wide`` and JSON keep full paths."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from helpers import run_zwgk

from storage import repository as repo
from storage.db import database_url, open_database

T0 = datetime(2019, 2, 1, tzinfo=UTC)
FEATURE = "政务公开重点工作/公共资源配置"
LEAVES = [
    "保障性住房",
    "国有土地使用权出让",
    "矿业权出让",
    "国有产权交易",
    "政府采购",
    "工程建设项目招标投标",
]
BLOCKED, FAILED = "部门工作", "乡镇动态/镇政府"
NARROW = {"COLUMNS": "80"}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("terminal")
    db = open_database(database_url(str(folder)))
    with db.session() as s:
        site = repo.ensure_site(s, "heishan", "黑山县", "http://hs/", "trs")
        for n, path in enumerate([*(f"{FEATURE}/{leaf}" for leaf in LEAVES), BLOCKED, FAILED]):
            column = repo.ensure_column(s, site, path, f"http://hs/{n}/", "trs", f"C{n}", path, "exact", T0)
            status, note = {BLOCKED: ("blocked", "HTTP 412 (WAF)"), FAILED: ("error", "HTTP 404")}.get(
                path, ("ok", None)
            )
            repo.record_column_walk(s, column, 1, 1, None, None, status, note, T0)
            if status == "ok":
                url = f"http://hs/{n}/1.html"
                repo.record_listing(
                    s, site, column, url, "t", date(2018, 3, 1), 0, False, f"C{n}", path, "column", "1", T0
                )
                repo.record_detail(
                    s,
                    site,
                    url,
                    {"kind": "article", "published_on": date(2018, 3, 1), "fetch_status": "ok"},
                    T0,
                )
        s.commit()
    db.dispose()
    return folder


def _rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if "heishan" in line]


def test_counts_piped_at_80_columns_keep_rows_distinct(data: Path) -> None:
    done = run_zwgk("audit", "counts", "--data", str(data), env=NARROW)
    assert done.returncode == 0, done.stderr
    rows = _rows(done.stdout)
    assert len(rows) == len(LEAVES) + 2 and len(set(rows)) == len(rows)
    for leaf in LEAVES:  # each path's end is there (a leaf too wide on its own keeps its end)
        assert sum(leaf[-4:] in row for row in rows) == 1, leaf
    assert max(len(line) for line in done.stdout.splitlines()) <= 80


def test_counts_show_blocked_and_failed_columns_with_a_status(data: Path) -> None:
    rows = _rows(run_zwgk("audit", "counts", "--data", str(data), env=NARROW).stdout)
    [blocked] = [row for row in rows if BLOCKED in row]
    [failed] = [row for row in rows if "镇政府" in row]
    assert "被拦截" in blocked and "抓取失败" in failed
    assert "—" in blocked and "0*" in blocked  # no blank year, and the 0 marked


def test_wide_and_json_keep_full_paths(data: Path) -> None:
    wide = run_zwgk("audit", "counts", "--data", str(data), "--wide", env=NARROW).stdout
    assert all(f"{FEATURE}/{leaf}" in wide for leaf in LEAVES)
    records = json.loads(
        run_zwgk("audit", "counts", "--data", str(data), "--format", "json", env=NARROW).stdout
    )
    assert {r["column"] for r in records} >= {f"{FEATURE}/{leaf}" for leaf in LEAVES}


def test_compare_names_blocked_and_failed_columns(data: Path) -> None:
    done = run_zwgk("audit", "compare", "--data", str(data), "--years", "2018", env=NARROW)
    assert done.returncode == 0, done.stderr
    rows = _rows(done.stdout)
    assert len(set(rows)) == len(rows)
    assert "被拦截" in next(row for row in rows if BLOCKED in row)
    assert "抓取失败" in next(row for row in rows if "镇政府" in row)
    records = json.loads(
        run_zwgk("audit", "compare", "--data", str(data), "--years", "2018", "--format", "json").stdout
    )
    walks = {r["label"]: r.get("walk") for r in records}
    assert walks[BLOCKED] == "blocked" and walks[FAILED] == "error" and walks[f"{FEATURE}/政府采购"] is None


def test_reconcile_table_summarises_and_evidence_lists_the_items(data: Path) -> None:
    report = Path(__file__).parents[1] / "fixtures" / "reports" / "seed_2018.txt"
    argv = ("audit", "reconcile", "--data", str(data), "--year", "2018", "--report", str(report))
    claims = json.loads(run_zwgk(*argv, "--format", "json").stdout)["claims"]
    behind = [item["url"] for claim in claims for item in claim.get("items") or []]
    assert behind  # the items are always in the JSON
    summary = run_zwgk(*argv, env=NARROW)
    assert summary.returncode == 0, summary.stderr
    assert "http://hs/" not in summary.stdout and "--evidence" in summary.stdout
    assert all(claim["label"][:4] in summary.stdout for claim in claims)  # one row per claim
    evidence = run_zwgk(*argv, "--evidence", "--wide", env=NARROW).stdout
    assert all(url in evidence for url in behind)
