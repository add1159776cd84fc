"""Crawling past one machine: a shared Redis queue and dupefilter (scrapy-redis), many workers.

``enqueue`` (``zwgk crawl TARGET... --redis URL``) chooses a run id, stores each site's profile
and pushes one job per site; ``run_worker`` (``zwgk worker``) crawls whatever the run holds and
exits once nothing has been queued or in flight anywhere for ``ZWGK_WORKER_IDLE`` seconds.

One module per concern: ``keys`` (Redis key names, the client), ``runs`` (enqueue),
``shared_walkstate`` (walk bookkeeping in Redis), ``spider`` (the worker's spider), ``scope`` and
``politeness`` (its downloader middlewares), ``worker`` (running a worker).
"""

from __future__ import annotations

from crawler.cluster.keys import DEFAULT_PREFIX, Keys, connect, current_run, drop_keys
from crawler.cluster.politeness import ClusterPolitenessMiddleware
from crawler.cluster.runs import enqueue, profile_from_json, run_is_active
from crawler.cluster.scope import SiteScopeMiddleware
from crawler.cluster.shared_walkstate import RedisWalkState
from crawler.cluster.spider import WorkerSpider
from crawler.cluster.worker import run_worker, worker_settings_overrides

__all__ = [
    "DEFAULT_PREFIX",
    "ClusterPolitenessMiddleware",
    "Keys",
    "RedisWalkState",
    "SiteScopeMiddleware",
    "WorkerSpider",
    "connect",
    "current_run",
    "drop_keys",
    "enqueue",
    "profile_from_json",
    "run_is_active",
    "run_worker",
    "worker_settings_overrides",
]
