"""The lease thread of a worker (crawler/cluster/heartbeat.py): it renews the worker's alive key
while the reactor turns, even when the reactor is busy, stops when the reactor is hung, and ends a
dead worker's open transactions (its row locks) — never a live worker's.

Needs the local Redis (127.0.0.1:6379, or $ZWGK_TEST_REDIS) and PostgreSQL: fails, not skips.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from crawler.cluster import Keys, connect, drop_keys
from crawler.cluster.heartbeat import REACTOR_STALL_S, Heartbeat, named_sessions, session_name
from storage.testing import postgres_schema

REDIS_URL = os.environ.get("ZWGK_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture()
def keys() -> Iterator[Keys]:
    client = connect(REDIS_URL)
    prefix = f"zwgktest{uuid.uuid4().hex[:10]}"
    yield Keys(prefix, "run1")
    drop_keys(client, prefix)


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_alive_while_the_reactor_turns_gone_once_it_hangs(keys: Keys) -> None:
    client = connect(REDIS_URL)
    pulse = Heartbeat(client, keys, "w-me", lease_ttl=1.0)
    pulse.start()
    try:
        # no tick for twice the TTL (a reactor busy committing): the thread keeps the key alive
        time.sleep(2.0)
        assert client.exists(keys.alive("w-me"))
        pulse.last_tick = time.monotonic() - REACTOR_STALL_S - 1  # hung
        assert _wait(lambda: not client.exists(keys.alive("w-me")), 3.0)
        pulse.tick()
        assert _wait(lambda: client.exists(keys.alive("w-me")), 2.0)
    finally:
        pulse.stop()
        pulse.join(timeout=5)


def test_session_names_keep_the_url_own_name_and_differ_by_worker() -> None:
    url = "postgresql+psycopg://u@127.0.0.1/db?application_name=bench-1"
    assert session_name("host-1", url).startswith("bench-1:")
    assert session_name("host-1", url) != session_name("host-2", url)
    assert session_name("host-1", "postgresql://u@h/db").startswith("zwgk-worker:")
    assert "application_name=bench-1%3A" in named_sessions("host-1", url)
    assert named_sessions("host-1", "sqlite:///x.sqlite") == "sqlite:///x.sqlite"


def test_a_dead_holder_transaction_ends_a_live_one_stays(keys: Keys) -> None:
    client = connect(REDIS_URL)
    with postgres_schema() as url:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (id int PRIMARY KEY)"))
        dead = create_engine(named_sessions("w-dead", url)).connect()
        live = create_engine(named_sessions("w-live", url)).connect()
        dead.execute(text("INSERT INTO t VALUES (1)"))  # row locks held, never committed
        live.execute(text("INSERT INTO t VALUES (2)"))
        for worker in ("w-dead", "w-live"):
            client.hset(keys.lease(worker), "lease1", "0|request")
        client.set(keys.alive("w-live"), "1", px=10_000)  # w-dead's alive key has expired
        try:
            pulse = Heartbeat(client, keys, "w-me", 5.0, engine, url)
            assert pulse.end_dead() == 1
            assert pulse.end_dead() == 0  # once per death
            with engine.connect() as other:
                other.execute(text("SET lock_timeout = '3s'"))
                other.execute(text("INSERT INTO t VALUES (1)"))  # the dead one's lock is gone
                other.commit()
            live.commit()  # the live worker's transaction was left alone
            with pytest.raises(DBAPIError):
                dead.commit()
            with engine.connect() as check:
                assert sorted(check.execute(text("SELECT id FROM t")).scalars()) == [1, 2]
        finally:
            for connection in (dead, live):
                try:
                    connection.close()
                except DBAPIError:
                    pass
            engine.dispose()
