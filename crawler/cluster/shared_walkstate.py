"""Walk state in Redis: the column walks' bookkeeping shared by every worker of a run.

Each call is one script call (one round trip); a list page's is one in all: its count, its
entries and the claims of their detail pages. A page crawled again because its lease came back
(crawler/cluster/leases.py) gets the answers it got the first time: the spider sets ``owner`` (the
request's stable identity) while its callback runs; a column or detail claimed by that owner is
its own again, and a list page's additions are remembered under its owner and given back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import redis

from crawler.cluster.keys import RUN_TTL, Keys

# Detail claims answered by add_seen and not asked yet, at most (beyond: asked of Redis again).
MAX_KEPT_CLAIMS = 20_000

# Claim a field of a hash for an owner: true when new or already the owner's.
# KEYS hash; ARGV field, owner, ttl.
_CLAIM = """
local set = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
if set == 1 then return 1 end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return 1 end
return 0
"""

# Count a list page and add its entries to the column's seen set, once per owner; claim the detail
# page of each entry it added (claim_detail's answer, asked in the same call).
# KEYS seen set, walk hash, page memo, details hash; ARGV ttl, declared total, declared pages,
# owner, urls... Returns the JSON list of [index, position, claimed] of the entries the page added.
_PAGE = """
local ttl = tonumber(ARGV[1])
if ARGV[4] ~= '' then
  local memo = redis.call('GET', KEYS[3])
  if memo then return memo end
end
redis.call('HINCRBY', KEYS[2], 'pages', 1)
if ARGV[2] ~= '' then redis.call('HSET', KEYS[2], 'total', ARGV[2]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], 'declared_pages', ARGV[3]) end
local position = redis.call('SCARD', KEYS[1])
local added = {}
for i = 5, #ARGV do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    position = position + 1
    local claimed = redis.call('HSETNX', KEYS[4], ARGV[i], ARGV[4])
    if claimed == 0 and ARGV[4] ~= '' and redis.call('HGET', KEYS[4], ARGV[i]) == ARGV[4] then
      claimed = 1
    end
    table.insert(added, '[' .. (i - 5) .. ',' .. position .. ',' .. claimed .. ']')
  end
end
redis.call('EXPIRE', KEYS[4], ttl)
local out = '[' .. table.concat(added, ',') .. ']'
if ARGV[4] ~= '' then redis.call('SET', KEYS[3], out, 'EX', ttl) end
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
return out
"""


class RedisWalkState:
    """:class:`crawler.walkstate.WalkState` shared by all workers of a run."""

    def __init__(self, client: redis.Redis, keys: Keys, ttl: int = RUN_TTL) -> None:
        self.r, self.keys, self.ttl = client, keys, ttl
        # the request whose callback is running (its stable identity), set by the worker's spider
        self.owner: str | None = None
        self._claim = client.register_script(_CLAIM)
        self._page = client.register_script(_PAGE)
        # count_page's figures, written with the page's entries by add_seen (one call a page)
        self._counted: tuple[int | None, int | None] | None = None
        # claim_detail's answers for the entries add_seen added, asked in its call; kept until asked
        # (Scrapy consumes several callbacks' output at once: another list page's add_seen may come
        # between a page's add_seen and its claims). A URL two columns added has two answers.
        self._claims: dict[tuple[str, str], list[bool]] = {}

    def begin_column(self, site: str, column_url: str) -> bool:
        return bool(
            self._claim(keys=[self.keys.columns(site)], args=[column_url, self.owner or "", self.ttl])
        )

    def count_page(
        self, site: str, column_url: str, declared_total: int | None, declared_pages: int | None
    ) -> None:
        self._counted = (declared_total, declared_pages)

    def add_seen(self, site: str, column_url: str, urls: Sequence[str]) -> list[tuple[int, int]]:
        total, pages = self._counted or (None, None)
        self._counted = None
        owner = self.owner or ""
        memo = self.keys.page(f"{site}|{column_url}|{owner}")
        out = self._page(
            keys=[
                self.keys.seen(site, column_url),
                self.keys.walk(site, column_url),
                memo,
                self.keys.details(site),
            ],
            args=[self.ttl, "" if total is None else total, "" if pages is None else pages, owner, *urls],
        )
        added = json.loads(out)
        if len(self._claims) > MAX_KEPT_CLAIMS:  # answers never asked (foreign entries): ask Redis again
            self._claims.clear()
        for index, _, claimed in added:
            self._claims.setdefault((site, urls[index]), []).append(bool(claimed))
        return [(int(index), int(position)) for index, position, _ in added]

    def seen(self, site: str, column_url: str) -> set[str]:
        return set(self.r.smembers(self.keys.seen(site, column_url)))  # type: ignore[arg-type]

    def totals(self, site: str, column_url: str) -> tuple[int, int, int | None, int | None]:
        pipe = self.r.pipeline(transaction=False)
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
        known = self._claims.get((site, url))
        if known:
            answer = known.pop(0)
            if not known:
                del self._claims[(site, url)]
            return answer
        return bool(self._claim(keys=[self.keys.details(site)], args=[url, self.owner or "", self.ttl]))
