"""Walk state in Redis: the column walks' bookkeeping shared by every worker of a run."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import redis

from crawler.cluster.keys import RUN_TTL, Keys

logger = logging.getLogger(__name__)


class RedisWalkState:
    """:class:`crawler.walkstate.WalkState` shared by all workers of a run."""

    def __init__(self, client: redis.Redis, keys: Keys, ttl: int = RUN_TTL) -> None:
        self.r, self.keys, self.ttl = client, keys, ttl

    def begin_column(self, site: str, column_url: str) -> bool:
        key = self.keys.columns(site)
        pipe = self.r.pipeline()
        pipe.sadd(key, column_url)
        pipe.expire(key, self.ttl)
        return bool(pipe.execute()[0])

    def add_seen(self, site: str, column_url: str, urls: Sequence[str]) -> list[tuple[int, int]]:
        key = self.keys.seen(site, column_url)
        pipe = self.r.pipeline()  # MULTI: no other worker's SADD between the count and ours
        pipe.scard(key)
        for url in urls:
            pipe.sadd(key, url)
        pipe.expire(key, self.ttl)
        results = pipe.execute()
        position = int(results[0])
        out = []
        for index, added in enumerate(results[1 : 1 + len(urls)]):
            if added:
                position += 1
                out.append((index, position))
        return out

    def seen(self, site: str, column_url: str) -> set[str]:
        return set(self.r.smembers(self.keys.seen(site, column_url)))  # type: ignore[arg-type]

    def count_page(
        self, site: str, column_url: str, declared_total: int | None, declared_pages: int | None
    ) -> None:
        key = self.keys.walk(site, column_url)
        pipe = self.r.pipeline()
        pipe.hincrby(key, "pages", 1)
        if declared_total is not None:
            pipe.hset(key, "total", declared_total)
        if declared_pages is not None:
            pipe.hset(key, "declared_pages", declared_pages)
        pipe.expire(key, self.ttl)
        pipe.execute()

    def totals(self, site: str, column_url: str) -> tuple[int, int, int | None, int | None]:
        pipe = self.r.pipeline()
        pipe.hgetall(self.keys.walk(site, column_url))
        pipe.scard(self.keys.seen(site, column_url))
        walk, found = pipe.execute()
        total, pages = walk.get("total"), walk.get("declared_pages")
        return (
            int(walk.get("pages", 0)),
            int(found),
            int(total) if total is not None else None,
            int(pages) if pages is not None else None,
        )

    def claim_detail(self, site: str, url: str) -> bool:
        key = self.keys.details(site)
        pipe = self.r.pipeline()
        pipe.sadd(key, url)
        pipe.expire(key, self.ttl)
        return bool(pipe.execute()[0])
