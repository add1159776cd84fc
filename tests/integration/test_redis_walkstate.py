"""The walk state in Redis answers a page crawled again by its owner (a lease that came back) as it
did the first time, and another page as a new one (crawler/cluster/walkstate.py).

Needs the local Redis (127.0.0.1:6379, or $ZWGK_TEST_REDIS): fails, not skips.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from crawler.cluster import Keys, RedisWalkState, connect, drop_keys

REDIS_URL = os.environ.get("ZWGK_TEST_REDIS", "redis://127.0.0.1:6379/0")
COLUMN = "http://h/col/"


@pytest.fixture()
def walk() -> Iterator[RedisWalkState]:
    client = connect(REDIS_URL)
    prefix = f"zwgktest{uuid.uuid4().hex[:10]}"
    yield RedisWalkState(client, Keys(prefix, "run"))
    drop_keys(client, prefix)


def _page(walk: RedisWalkState, owner: str, urls: list[str]) -> tuple[list[tuple[int, int]], list[bool]]:
    walk.owner = owner
    try:
        walk.count_page("s", COLUMN, 7, 2)
        added = walk.add_seen("s", COLUMN, urls)
        return added, [walk.claim_detail("s", urls[index]) for index, _ in added]
    finally:
        walk.owner = None


def test_a_page_crawled_again_by_its_owner_gets_the_same_answers(walk: RedisWalkState) -> None:
    first = _page(walk, "page-0", ["a", "b", "c"])
    assert first == ([(0, 1), (1, 2), (2, 3)], [True, True, True])
    assert _page(walk, "page-0", ["a", "b", "c"]) == first  # the lease came back: same entries
    # the next page (another owner) repeating two of them adds only the new one
    assert _page(walk, "page-1", ["c", "b", "d"]) == ([(2, 4)], [True])
    assert walk.totals("s", COLUMN) == (2, 4, 7, 2)  # two pages counted, not three


def test_a_claim_is_its_owners_again_and_nobody_elses(walk: RedisWalkState) -> None:
    walk.owner = "home"
    assert walk.begin_column("s", COLUMN) and walk.begin_column("s", COLUMN)
    assert walk.claim_detail("s", "x")
    walk.owner = "other"
    assert not walk.begin_column("s", COLUMN)
    assert not walk.claim_detail("s", "x")
    walk.owner = None
    assert not walk.claim_detail("s", "x")
    assert walk.claim_detail("s", "y") and not walk.claim_detail("s", "y")


def test_claims_answered_by_add_seen_outlive_the_next_pages_add_seen(walk: RedisWalkState) -> None:
    # Scrapy consumes several callbacks' output at once: page B's add_seen may come between
    # page A's and A's claims. A's claims are still answered from A's call, not asked again.
    other = "http://portal.example/col/other/"
    walk.owner = "page-a"
    walk.add_seen("s", COLUMN, ["a", "b", "shared"])
    walk.owner = "page-b"
    walk.add_seen("s", other, ["c", "shared"])  # "shared" again, in another column: claimed by page A

    def asked(*args: object, **kwargs: object) -> int:
        raise AssertionError("a claim add_seen answered was asked of Redis again")

    walk._claim = asked  # type: ignore[assignment,method-assign]
    assert [walk.claim_detail("s", url) for url in ("a", "b", "c")] == [True, True, True]
    assert sorted([walk.claim_detail("s", "shared"), walk.claim_detail("s", "shared")]) == [False, True]
    walk.owner = None
