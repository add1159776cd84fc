"""Queuing a run: each site's profile stored and one job pushed per site; joining a run in progress."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict

import redis

from crawler.cluster.keys import DEFAULT_PREFIX, RUN_TTL, Keys
from crawler.cluster.leases import leases_held
from crawler.profile import ColumnSpec, SiteProfile, load_profile
from crawler.spiders.sites import url_profile


def _profile_json(profile: SiteProfile, home_url: str | None) -> str:
    return json.dumps({"profile": asdict(profile), "home_url": home_url}, ensure_ascii=False)


def profile_from_json(text: str) -> tuple[SiteProfile, str | None]:
    data = json.loads(text)
    raw = data["profile"]
    columns = [ColumnSpec(**column) for column in raw.pop("columns")]
    return SiteProfile(columns=columns, **raw), data.get("home_url")


def run_is_active(client: redis.Redis, keys: Keys) -> bool:
    """Whether run work remains: jobs or requests queued or leased, or a worker busy."""
    if client.llen(keys.jobs) or client.zcard(keys.requests) or leases_held(client, keys):
        return True
    return any(True for _ in client.scan_iter(match=keys.busy_prefix + "*", count=100))


def enqueue(
    client: redis.Redis,
    targets: Sequence[str],
    *,
    prefix: str = DEFAULT_PREFIX,
    mode: str = "full",
    revalidate_fraction: float = 1.0,
    site: str | None = None,
    ttl: int = RUN_TTL,
) -> tuple[str, list[str]]:
    """Queue a crawl of ``targets`` (profile files or URLs); returns (run id, slugs).

    A run still in progress is joined; otherwise a new run id is chosen, so its dupefilter and walk
    state start empty (yesterday's fingerprints never filter tonight's crawl).
    """
    sites: list[tuple[SiteProfile, str | None]] = []
    for target in targets:
        if target.startswith(("http://", "https://")):
            sites.append((url_profile(target, site if len(targets) == 1 else None), target))
        else:
            sites.append((load_profile(target), None))
    current = client.get(f"{prefix}:run")
    if current and run_is_active(client, Keys(prefix, str(current))):
        run = str(current)
        meta: dict[str, str] = client.hgetall(Keys(prefix, run).meta)  # type: ignore[assignment]
        if meta.get("mode") != mode:
            raise ValueError(f"run {run} ({meta.get('mode')}) is still in progress; wait for it to end")
    else:
        run = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    keys = Keys(prefix, run)
    pipe = client.pipeline()
    pipe.set(f"{prefix}:run", run, ex=ttl)
    pipe.hset(keys.meta, mapping={"mode": mode, "revalidate_fraction": str(revalidate_fraction)})
    for profile, home in sites:
        pipe.hset(keys.profiles, profile.slug, _profile_json(profile, home))
        pipe.rpush(keys.jobs, profile.slug)
    for key in (keys.meta, keys.profiles, keys.jobs):
        pipe.expire(key, ttl)
    pipe.execute()
    return run, [profile.slug for profile, _ in sites]
