"""The ``walks`` replica crawled end to end: reversed and ``.jhtml`` pagers are walked whole and
counted exactly; lists that declare more than a walk can reach (overstated totals with a 404 next
page, a script declaring more, a pager only in script, a POST search API) end ``incomplete`` with
their reason — in the crawl summary (exit 5), ``audit counts``/``compare``/``health`` JSON, the
tables' footnotes and the dashboard."""

from __future__ import annotations

import json
import logging

from helpers import column_counts, diff_counts, run_zwgk, truth_column_counts

import replica
from replica.render.trs_shapes import SHORT_STYLES
from storage.db import database_url

logger = logging.getLogger(__name__)

# the reason each short shape must be named by (read from the shape, not from zwgk's output)
REASONS = {
    "overstated": "pages not found",
    "script_total": "pager links end before the declared pages; declared 18 records",  # twice its 9
    "script_only": "pager only in script",
    "post_api": "POST API",
}


def test_crawl_flags_every_short_column_and_counts_the_rest_exactly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = replica.build_site(replica.load_spec("walks"))
    truth = replica.truth(site)
    styles = {c.path: c.defn.list_style for c in site.listing_columns()}
    short = {path for path, style in styles.items() if style in SHORT_STYLES}
    assert len(short) == 4 and {"reversed", "jhtml", "plain"} <= set(styles.values())
    with replica.ReplicaServer(site) as server:
        result = run_zwgk("crawl", server.base_url, "--site", "walks", "--data", str(tmp_path), "--json")
    assert result.returncode == 5, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    named = {c["column"]: c for c in summary["columns_not_complete"]}
    assert set(named) == short
    for path in short:
        assert named[path]["status"] == "incomplete"
        assert REASONS[styles[path]] in named[path]["reason"], named[path]

    whole = {k: n for k, n in truth_column_counts(truth).items() if k[0] not in short}
    got = {k: n for k, n in column_counts(tmp_path, "walks").items() if k[0] not in short}
    assert diff_counts(got, whole) == {}  # reversed, .jhtml and plain lists exactly
    assert column_counts(tmp_path, "walks").get(("政府信息公开", 2018), 0) == 0  # nothing silently counted

    counts = run_zwgk("audit", "counts", "--data", str(tmp_path), "--site", "walks", "--format", "json")
    walks = {r["column"]: (r["walk"], r["walk_note"]) for r in json.loads(counts.stdout)}
    assert {p for p, (w, _) in walks.items() if w == "incomplete"} == short
    assert all(REASONS[styles[p]] in (walks[p][1] or "") for p in short)
    table = run_zwgk("audit", "counts", "--data", str(tmp_path), "--site", "walks")
    text = "".join(table.stdout.split())  # the footnote wraps at the terminal's width
    assert "未遍历完整" in text and "POSTAPI" in text

    compare = run_zwgk(
        "audit", "compare", "--data", str(tmp_path), "--site", "walks", "--years", "2018", "--format", "json"
    )
    assert compare.returncode == 0, compare.stderr
    rows = json.loads(compare.stdout)
    flagged = {r["label"] for r in rows if r["kind"] == "column" and r["walk_columns"]}
    assert flagged == short
    health = run_zwgk(
        "audit",
        "health",
        "--data",
        str(tmp_path),
        "--site",
        "walks",
        "--as-of",
        "2019-03-20",
        "--format",
        "json",
    )
    assert health.returncode == 0, health.stderr
    indicators = json.loads(health.stdout)["indicators"]
    assert {c["column"] for c in indicators[0]["walk_columns"]} == short

    from audit.web import create_app

    client = create_app(database_url(tmp_path), None, token="").test_client()
    page = client.get("/compare?site=walks&years=2018").get_data(as_text=True)
    assert 'class="walk-mark"' in page and all(path in page for path in short)
    assert "未遍历完整" in client.get("/health?site=walks&as_of=2019-03-20").get_data(as_text=True)
