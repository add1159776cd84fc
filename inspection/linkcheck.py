"""Planning one run's link checks (链接可用性): the distinct targets seen on the archived pages, which
of them this run checks (all on a full run; known dead ones and the links of new pages on an
incremental run), in which order within the request budget, and at what pace per host. Pure logic
a crawler drives; the rules are in ``linkcheck.yaml``, the decisions of each check in
``inspection.linkverdict``."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from inspection.links import LinkTarget
from inspection.linkverdict import load_linkcheck_rules


@dataclass(frozen=True)
class Sighting:
    """A link target as found on one archived page."""

    target: LinkTarget
    page: str


@dataclass(frozen=True)
class KnownLink:
    """What earlier runs learnt of a target: whether it was dead at the last check, for how many
    runs in a row, and when it was last checked."""

    url: str
    dead: bool
    consecutive_dead: int = 0
    last_checked: dt.datetime | None = None


@dataclass(frozen=True)
class HostPace:
    """The politeness of one host: seconds between requests and requests at once."""

    delay_seconds: float
    concurrency: int


@dataclass(frozen=True)
class PlannedCheck:
    """One target to check this run, with every archived page that carries it and why it is checked."""

    url: str
    host: str
    scope: str
    kind: str
    pages: tuple[str, ...]
    reason: str
    method: str = "HEAD"


@dataclass(frozen=True)
class CheckPlan:
    """The run's checks in order, the targets left for a later run (over budget), the targets
    skipped by rule, the budget, and the pace of each host the checks go to."""

    checks: tuple[PlannedCheck, ...]
    deferred: tuple[str, ...]
    skipped: tuple[str, ...]
    max_requests: int
    reserve: int
    paces: Mapping[str, HostPace] = field(default_factory=dict)

    @property
    def out_of_budget(self) -> bool:
        """Whether some targets could not be planned within the budget (the summary says so)."""
        return bool(self.deferred)


def gather(sightings: Iterable[Sighting]) -> dict[str, tuple[LinkTarget, tuple[str, ...]]]:
    """Each distinct target URL with every page carrying it, in first-seen order."""
    found: dict[str, tuple[LinkTarget, dict[str, None]]] = {}
    for sighting in sightings:
        entry = found.setdefault(sighting.target.url, (sighting.target, {}))
        entry[1].setdefault(sighting.page, None)
    return {url: (target, tuple(pages)) for url, (target, pages) in found.items()}


def recheck_reason(
    url: str,
    pages: Collection[str],
    known: Mapping[str, KnownLink],
    new_pages: Collection[str],
    now: dt.datetime | None = None,
    rules: dict[str, Any] | None = None,
) -> str | None:
    """Why an incremental run checks this target (``known dead``, ``on a new page``, ``never
    checked``, ``not checked for N days``), or None when it does not."""
    rules = rules or load_linkcheck_rules()
    previous = known.get(url)
    if previous is not None and previous.dead:
        return "known dead"
    if any(page in new_pages for page in pages):
        return "on a new page"
    if previous is None:
        return "never checked"
    days = rules["incremental"].get("recheck_after_days")
    if days is not None and now is not None and previous.last_checked is not None:
        if now - previous.last_checked >= dt.timedelta(days=int(days)):
            return f"not checked for {days} days"
    return None


def host_pace(
    scope: str, politeness: Mapping[str, Any] | None, rules: dict[str, Any] | None = None
) -> HostPace:
    """The pace for a host of ``scope``: the profile's politeness for the site's own hosts (its
    ``download_delay`` and ``concurrent_per_host``), the rules' numbers otherwise."""
    numbers = (rules or load_linkcheck_rules())["politeness"]
    if scope != "site":
        other = numbers["other"]
        return HostPace(float(other["delay_seconds"]), int(other["concurrency"]))
    site, profile = numbers["site"], politeness or {}
    return HostPace(
        float(profile.get("download_delay", site["delay_seconds"])),
        max(1, int(profile.get("concurrent_per_host", site["concurrency"]))),
    )


def budget_of(politeness: Mapping[str, Any] | None, rules: dict[str, Any] | None = None) -> tuple[int, int]:
    """The run's request budget (the profile's ``link_budget``, else the rules') and its reserve for
    GET fallbacks and confirmation tries."""
    budget = (rules or load_linkcheck_rules())["budget"]
    limit = max(0, int((politeness or {}).get("link_budget", budget["max_requests"])))
    return limit, min(limit, math.ceil(limit * float(budget["retry_reserve"])))


def plan_checks(
    sightings: Iterable[Sighting],
    known: Mapping[str, KnownLink] | None = None,
    *,
    politeness: Mapping[str, Any] | None = None,
    incremental: bool = False,
    new_pages: Collection[str] = (),
    now: dt.datetime | None = None,
    rules: dict[str, Any] | None = None,
) -> CheckPlan:
    """The run's plan: every checkable target (on an incremental run only those with a recheck
    reason), known dead first, then by scope and kind, cut at the budget less its reserve and at the
    per-host cap for other hosts."""
    rules = rules or load_linkcheck_rules()
    known = known or {}
    wanted = rules["check"]
    limit, reserve = budget_of(politeness, rules)
    candidates: list[PlannedCheck] = []
    skipped: list[str] = []
    for url, (target, pages) in gather(sightings).items():
        if target.scope not in wanted["scopes"] or target.kind not in wanted["kinds"]:
            skipped.append(url)
            continue
        reason = recheck_reason(url, pages, known, new_pages, now, rules) if incremental else "full run"
        if reason is None:
            continue
        if not incremental and known.get(url) is not None and known[url].dead:
            reason = "known dead"
        candidates.append(PlannedCheck(url, target.host, target.scope, target.kind, pages, reason))
    candidates.sort(key=lambda c: _rank(c, rules))
    return _cut(candidates, skipped, limit, reserve, politeness, rules)


def _rank(check: PlannedCheck, rules: dict[str, Any]) -> tuple[int, int, int]:
    order = rules["priority"]
    return (
        0 if check.reason == "known dead" else 1,
        _index(order["scopes"], check.scope),
        _index(order["kinds"], check.kind),
    )


def _index(values: list[str], value: str) -> int:
    return values.index(value) if value in values else len(values)


def _cut(
    candidates: list[PlannedCheck],
    skipped: list[str],
    limit: int,
    reserve: int,
    politeness: Mapping[str, Any] | None,
    rules: dict[str, Any],
) -> CheckPlan:
    room = limit - reserve
    per_host_cap = int(rules["budget"]["max_per_other_host"])
    per_host: dict[str, int] = {}
    planned: list[PlannedCheck] = []
    deferred: list[str] = []
    for check in candidates:
        over_host = check.scope != "site" and per_host.get(check.host, 0) >= per_host_cap
        if len(planned) >= room or over_host:
            deferred.append(check.url)
            continue
        per_host[check.host] = per_host.get(check.host, 0) + 1
        planned.append(check)
    paces = {c.host: host_pace(c.scope, politeness, rules) for c in planned}
    return CheckPlan(tuple(planned), tuple(deferred), tuple(skipped), limit, reserve, paces)


@dataclass
class RequestBudget:
    """The run's requests, spent as checks go: planned tries, GET fallbacks and confirmation tries
    all count; when it is spent, the remaining checks wait for a later run."""

    limit: int
    spent: int = 0

    def spend(self, requests: int = 1) -> bool:
        """Take ``requests`` from the budget; False (and nothing taken) when there is not enough."""
        if self.spent + requests > self.limit:
            return False
        self.spent += requests
        return True

    @property
    def remaining(self) -> int:
        return self.limit - self.spent

    @property
    def exhausted(self) -> bool:
        return self.spent >= self.limit
