"""The per-host politeness script every worker shares (crawler/cluster/politeness.py): one call
takes a host's delay slot and a concurrency token, answers how long a taken slot still lasts, and
writes no slot key for a host without delay.

Needs the local Redis (127.0.0.1:6379, or $ZWGK_TEST_REDIS): fails, not skips.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from crawler.cluster import connect, drop_keys
from crawler.cluster.politeness import _ACQUIRE

REDIS_URL = os.environ.get("ZWGK_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture()
def redis_prefix() -> Iterator[tuple[Any, str]]:
    client = connect(REDIS_URL)
    prefix = f"zwgktest{uuid.uuid4().hex[:10]}"
    yield client, prefix
    drop_keys(client, prefix)


def _acquire(client: Any, prefix: str, token: str, delay_ms: int, cap: int = 2, *given_back: str) -> int:
    script = client.register_script(_ACQUIRE)
    keys = [f"{prefix}:conc:h", f"{prefix}:slot:h"]
    return int(script(keys=keys, args=[int(time.time() * 1000), cap, 30_000, token, delay_ms, *given_back]))


def test_a_taken_slot_answers_how_long_it_still_lasts(redis_prefix: tuple[Any, str]) -> None:
    client, prefix = redis_prefix
    assert _acquire(client, prefix, "a", 2_000) == 1
    wait = _acquire(client, prefix, "b", 2_000)
    assert -2_000 <= wait <= -1_500  # the slot is taken for ~2 s more: wait that long, not a poll
    assert client.zcard(f"{prefix}:conc:h") == 1  # the refused request took no token


def test_every_token_taken_answers_zero_and_a_token_given_back_frees_one(
    redis_prefix: tuple[Any, str],
) -> None:
    client, prefix = redis_prefix
    assert _acquire(client, prefix, "a", 0) == 1 and _acquire(client, prefix, "b", 0) == 1
    assert _acquire(client, prefix, "c", 0) == 0
    assert _acquire(client, prefix, "c", 0, 2, "a") == 1  # "a" given back in the same call
    assert sorted(client.zrange(f"{prefix}:conc:h", 0, -1)) == ["b", "c"]


def test_no_delay_writes_no_slot_key(redis_prefix: tuple[Any, str]) -> None:
    client, prefix = redis_prefix
    assert _acquire(client, prefix, "a", 0) == 1
    assert list(client.scan_iter(match=f"{prefix}:slot*")) == []


def test_a_waiter_fired_by_its_timer_or_a_token_is_no_longer_kept(redis_prefix: tuple[Any, str]) -> None:
    """A request waiting for a host's token waits once: fired (by the poll timer or a token given
    back) it leaves the waiting list, which would otherwise grow by one every poll."""
    from scrapy.utils.test import get_crawler

    from crawler.cluster.politeness import ClusterPolitenessMiddleware

    client, prefix = redis_prefix
    middleware = ClusterPolitenessMiddleware(get_crawler(), client, prefix)
    try:
        waiters = [middleware._token_back("conc:h") for _ in range(3)]
        assert len(middleware.waiting["conc:h"]) == 3
        waiters[0].callback(None)  # as the poll timer fires it
        assert middleware.waiting["conc:h"] == waiters[1:]
        for waiter in waiters[1:]:
            waiter.callback(None)
        assert "conc:h" not in middleware.waiting
    finally:
        middleware._flusher.stop()
