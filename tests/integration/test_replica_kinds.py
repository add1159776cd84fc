"""The ``kinds`` replica crawled end to end: a 图片新闻 column of text-heavy photo pages and a 视频新闻
column of the common embed styles; every item of both is counted as the column says, with the reason,
and the page's own kind is kept beside it."""

from __future__ import annotations

import json
import logging
from collections import Counter
from urllib.parse import urlsplit

from helpers import run_zwgk

import replica
from storage.db import database_url, open_database
from storage.reads.kinds import item_kinds

logger = logging.getLogger(__name__)

# The replica's video players (replica/render/detail.py) → how the page evidence names each
EVIDENCE = {"video": "<video>", "iframe": "<iframe>", "flash": "flash", "ckplayer": "script"}


def test_kind_columns_count_every_item(tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = replica.build_site(replica.load_spec("kinds"))
    truth = replica.truth(site)
    with replica.ReplicaServer(site) as server:
        result = run_zwgk("crawl", server.base_url, "--site", "kinds", "--data", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)["columns"].get("ok") == len(truth["columns"])
    db = open_database(database_url(tmp_path))
    with db.session() as session:
        rows = item_kinds(session, "kinds")
    db.dispose()
    by_reason = Counter((r.kind, r.kind_reason, r.kind_from_page) for r in rows if r.kind != "article")
    assert by_reason == {
        ("picture", "column 图片新闻", "article"): 50,
        ("video", "column 视频新闻", "video"): 8,
    }
    assert (truth["report_2018"]["pictures"], truth["report_2018"]["video_news"]) == (50, 8)
    assert truth["totals"]["kinds_by_year"]["picture"] == {"2018": 50}
    # each embed style, found on its page by its own evidence
    served = {i.url: EVIDENCE[i.player] for i in site.items.values() if i.kind == "video"}
    found = {
        urlsplit(r.url).path: (r.kind_page_reason or "").split(" ")[1] for r in rows if r.kind == "video"
    }
    assert found == served
    assert set(served.values()) == set(EVIDENCE.values())
