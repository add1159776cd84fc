"""The decisions of one link check, as rules (``linkcheck.yaml``): whether a HEAD answer calls for a
GET, whether to follow a redirect (hops and scope), what an answer says of the target (alive, dead,
unknown), whether a dead answer is confirmed by a second try, and how many consecutive runs a link
has been dead. Pure logic: the caller does the requests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from inspection.data import DATA_DIR, load_rules, require
from inspection.links import LinkRules, classify_link

RULES_FILE = DATA_DIR / "linkcheck.yaml"
VERDICTS = ("alive", "dead", "unknown", "redirect_out_of_scope")


@dataclass(frozen=True)
class Attempt:
    """One request's answer: its method, the final status (None when no answer) or the error the
    checker names (``dns``, ``timeout``, ``refused`` …)."""

    method: str
    status: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class LinkVerdict:
    """What the tries of one run say of a target: its verdict, whether it is confirmed (a dead
    verdict needs ``confirm_tries`` dead tries in a row), and the tries' answers as evidence."""

    verdict: str
    confirmed: bool
    attempts: tuple[Attempt, ...]

    @property
    def is_dead(self) -> bool:
        return self.verdict == "dead" and self.confirmed


@cache
def load_linkcheck_rules(path: Path = RULES_FILE) -> dict[str, Any]:
    """The rules of ``linkcheck.yaml``, every section checked present (cached per process)."""
    data = load_rules(path)
    for key in (
        "budget",
        "check",
        "priority",
        "politeness",
        "methods",
        "verdict",
        "redirects",
        "incremental",
    ):
        require(data, key, dict, path)
    return data


def needs_get(head: Attempt, rules: dict[str, Any] | None = None) -> bool:
    """Whether a HEAD answer must be asked again with GET (405/501/403, or a connection-level
    failure some servers give to HEAD only)."""
    methods = (rules or load_linkcheck_rules())["methods"]
    if head.method.upper() != "HEAD":
        return False
    if head.status is not None:
        return head.status in methods["get_fallback_statuses"]
    return head.error in methods["get_fallback_errors"]


def follow_redirect(
    link_scope: str,
    location: str,
    current_url: str,
    site_hosts: Iterable[str],
    hops: int,
    rules: dict[str, Any] | None = None,
    link_rules: LinkRules | None = None,
) -> tuple[bool, str]:
    """Whether to follow a redirect to ``location`` (relative to ``current_url``) after ``hops``
    hops already, for a link of scope ``link_scope``; with the reason when not."""
    redirects = (rules or load_linkcheck_rules())["redirects"]
    if hops >= int(redirects["max_hops"]):
        return False, f"more than {redirects['max_hops']} redirects"
    target = classify_link(location, current_url, site_hosts, "a", link_rules)
    if target is None:
        return False, f"redirect to a target that is not http(s): {location!r}"
    allowed: list[str] = redirects["follow"].get(link_scope, [])
    if target.scope not in allowed:
        return False, f"redirect from a {link_scope} link to {target.host} ({target.scope})"
    return True, "within scope"


def judge(attempt: Attempt, rules: dict[str, Any] | None = None) -> str:
    """alive, dead or unknown for one answer (after its redirects)."""
    verdict = (rules or load_linkcheck_rules())["verdict"]
    if attempt.status is None:
        if attempt.error == "redirect_out_of_scope":
            return "redirect_out_of_scope"
        return "dead" if attempt.error in verdict["dead_errors"] else "unknown"
    if attempt.status in verdict["unknown_statuses"]:
        return "unknown"
    return "alive" if attempt.status < int(verdict["alive_below"]) else "dead"


def needs_another_try(attempts: Sequence[Attempt], rules: dict[str, Any] | None = None) -> bool:
    """Whether the tries so far are all dead but fewer than ``confirm_tries``: try again later."""
    rules = rules or load_linkcheck_rules()
    tries = int(rules["verdict"]["confirm_tries"])
    return bool(attempts) and len(attempts) < tries and all(judge(a, rules) == "dead" for a in attempts)


def verdict_of(attempts: Sequence[Attempt], rules: dict[str, Any] | None = None) -> LinkVerdict:
    """The run's verdict on a target from its tries (each the final answer of one try, after any GET
    fallback): the last try decides; dead is confirmed only when ``confirm_tries`` tries in a row
    were all dead."""
    rules = rules or load_linkcheck_rules()
    if not attempts:
        return LinkVerdict("unknown", False, ())
    verdicts = [judge(a, rules) for a in attempts]
    last = verdicts[-1]
    tries = int(rules["verdict"]["confirm_tries"])
    confirmed = last != "dead" or (len(verdicts) >= tries and all(v == "dead" for v in verdicts[-tries:]))
    return LinkVerdict(last, confirmed, tuple(attempts))


def consecutive_dead(previous: int, verdict: LinkVerdict) -> int:
    """How many runs in a row the link has been dead, given the count after the previous run: a
    confirmed dead adds one, alive resets to zero, an unknown or unconfirmed answer keeps it."""
    if verdict.is_dead:
        return previous + 1
    if verdict.verdict == "alive":
        return 0
    return previous
