"""Link checks planned and judged as the rules say: one check per distinct target with every page
carrying it, known dead first within the budget and the per-host cap, the profile's pace for the
site's hosts, HEAD then GET on 403/405/501, redirects within scope, dead only when a second try
agrees, consecutive dead runs counted, and what an incremental run re-checks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspection.linkcheck import KnownLink, RequestBudget, Sighting, gather, host_pace, plan_checks
from inspection.links import classify_link
from inspection.linkverdict import (
    Attempt,
    LinkVerdict,
    consecutive_dead,
    follow_redirect,
    judge,
    load_linkcheck_rules,
    needs_another_try,
    needs_get,
    verdict_of,
)

BASE = "http://www.qingshi.gov.cn/zwgk/index.html"
SITE = ("www.qingshi.gov.cn",)


def _seen(href: str, page: str = BASE, tag: str = "a") -> Sighting:
    target = classify_link(href, page, SITE, tag)
    assert target is not None
    return Sighting(target, page)


def _rules(**budget: object) -> dict[str, object]:
    rules = {key: dict(value) for key, value in load_linkcheck_rules().items()}
    rules["budget"].update(budget)
    return rules


def test_one_check_per_target_with_every_page_that_carries_it() -> None:
    other_page = "http://www.qingshi.gov.cn/zwgk/b.html"
    found = gather([_seen("/a.pdf"), _seen("/a.pdf", other_page), _seen("/a.pdf")])
    assert list(found) == ["http://www.qingshi.gov.cn/a.pdf"]
    assert found["http://www.qingshi.gov.cn/a.pdf"][1] == (BASE, other_page)


def test_the_plan_puts_known_dead_first_then_site_then_government_then_outside() -> None:
    sightings = [
        _seen("http://www.example.com/x.html"),
        _seen("http://www.yn.gov.cn/y.html"),
        _seen("/logo.png", tag="img"),
        _seen("/page.html"),
        _seen("/file.doc"),
        _seen("/gone.html"),
        _seen("/app.js", tag="script"),
    ]
    known = {"http://www.qingshi.gov.cn/gone.html": KnownLink("http://www.qingshi.gov.cn/gone.html", True, 2)}
    plan = plan_checks(sightings, known)
    assert [c.url.rsplit("/", 1)[1] for c in plan.checks] == [
        "gone.html",
        "file.doc",
        "page.html",
        "logo.png",
        "y.html",
        "x.html",
    ]
    assert plan.checks[0].reason == "known dead" and plan.checks[1].reason == "full run"
    assert plan.skipped == ("http://www.qingshi.gov.cn/app.js",)  # a script is a resource, not checked
    assert not plan.out_of_budget and all(c.method == "HEAD" for c in plan.checks)


def test_the_budget_keeps_a_reserve_and_defers_the_rest() -> None:
    sightings = [_seen(f"/p{n}.html") for n in range(20)]
    plan = plan_checks(sightings, politeness={"link_budget": 10})
    assert (plan.max_requests, plan.reserve) == (10, 2)
    assert len(plan.checks) == 8 and len(plan.deferred) == 12 and plan.out_of_budget


def test_other_hosts_are_capped_per_run() -> None:
    sightings = [_seen(f"http://www.example.com/p{n}.html") for n in range(5)] + [_seen("/own.html")]
    plan = plan_checks(sightings, rules=_rules(max_per_other_host=2))
    assert [c.url for c in plan.checks] == [
        "http://www.qingshi.gov.cn/own.html",
        "http://www.example.com/p0.html",
        "http://www.example.com/p1.html",
    ]
    assert len(plan.deferred) == 3


def test_the_site_takes_the_profiles_pace_and_other_hosts_the_rules() -> None:
    plan = plan_checks(
        [_seen("/a.html"), _seen("http://www.example.com/")],
        politeness={"download_delay": 0.5, "concurrent_per_host": 4},
    )
    assert plan.paces["www.qingshi.gov.cn"].delay_seconds == 0.5
    assert plan.paces["www.qingshi.gov.cn"].concurrency == 4
    assert plan.paces["www.example.com"] == host_pace("outside", None)
    assert host_pace("site", None).delay_seconds == 1.0  # the rules' number without a profile


def test_an_incremental_run_rechecks_known_dead_and_links_of_new_pages_only() -> None:
    new_page = "http://www.qingshi.gov.cn/zwgk/new.html"
    sightings = [
        _seen("/dead.html"),
        _seen("/fine.html"),
        _seen("/fresh.pdf", new_page),
        _seen("/unseen.html"),
    ]
    known = {
        "http://www.qingshi.gov.cn/dead.html": KnownLink("http://www.qingshi.gov.cn/dead.html", True, 1),
        "http://www.qingshi.gov.cn/fine.html": KnownLink("http://www.qingshi.gov.cn/fine.html", False),
    }
    plan = plan_checks(sightings, known, incremental=True, new_pages={new_page})
    reasons = {c.url.rsplit("/", 1)[1]: c.reason for c in plan.checks}
    assert reasons == {
        "dead.html": "known dead",
        "fresh.pdf": "on a new page",
        "unseen.html": "never checked",
    }


def test_an_incremental_run_rechecks_by_age_when_the_rules_say_so() -> None:
    rules = {key: dict(value) for key, value in load_linkcheck_rules().items()}
    rules["incremental"]["recheck_after_days"] = 30
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    url = "http://www.qingshi.gov.cn/old.html"
    known = {url: KnownLink(url, False, 0, now - dt.timedelta(days=31))}
    plan = plan_checks([_seen("/old.html")], known, incremental=True, now=now, rules=rules)
    assert [c.reason for c in plan.checks] == ["not checked for 30 days"]
    assert plan_checks([_seen("/old.html")], known, incremental=True, now=now).checks == ()


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [
        (Attempt("HEAD", 405), True),
        (Attempt("HEAD", 501), True),
        (Attempt("HEAD", 403), True),
        (Attempt("HEAD", None, "reset"), True),
        (Attempt("HEAD", 404), False),
        (Attempt("HEAD", 200), False),
        (Attempt("HEAD", None, "dns"), False),
        (Attempt("GET", 405), False),
    ],
)
def test_head_then_get_fallback(attempt: Attempt, expected: bool) -> None:
    assert needs_get(attempt) is expected


@pytest.mark.parametrize(
    ("scope", "location", "hops", "follow"),
    [
        ("site", "/moved.html", 0, True),
        ("site", "https://www.qingshi.gov.cn/moved.html", 0, True),
        ("site", "http://www.yn.gov.cn/", 0, True),
        ("site", "http://casino.example.com/", 0, False),
        ("outside", "http://other.example.org/", 0, True),
        ("site", "/again.html", 5, False),
        ("site", "javascript:void(0)", 0, False),
    ],
)
def test_redirects_are_followed_within_scope(scope: str, location: str, hops: int, follow: bool) -> None:
    followed, reason = follow_redirect(scope, location, BASE, SITE, hops)
    assert followed is follow and reason


def test_redirect_reasons_name_the_rule() -> None:
    assert follow_redirect("site", "http://casino.example.com/", BASE, SITE, 0)[1] == (
        "redirect from a site link to casino.example.com (outside)"
    )
    assert follow_redirect("site", "/x", BASE, SITE, 5)[1] == "more than 5 redirects"


@pytest.mark.parametrize(
    ("attempt", "verdict"),
    [
        (Attempt("GET", 200), "alive"),
        (Attempt("GET", 304), "alive"),
        (Attempt("GET", 404), "dead"),
        (Attempt("GET", 500), "dead"),
        (Attempt("GET", 429), "unknown"),
        (Attempt("GET", 401), "unknown"),
        (Attempt("GET", None, "dns"), "dead"),
        (Attempt("GET", None, "timeout"), "dead"),
        (Attempt("GET", None, "cancelled"), "unknown"),
        (Attempt("GET", None, "redirect_out_of_scope"), "redirect_out_of_scope"),
    ],
)
def test_each_answer_is_judged(attempt: Attempt, verdict: str) -> None:
    assert judge(attempt) == verdict


def test_dead_is_confirmed_only_by_a_second_dead_try() -> None:
    first = [Attempt("GET", 404)]
    assert needs_another_try(first)
    assert not verdict_of(first).is_dead and verdict_of(first).verdict == "dead"
    assert verdict_of([*first, Attempt("GET", 404)]).is_dead
    assert not needs_another_try([*first, Attempt("GET", 404)])
    recovered = verdict_of([*first, Attempt("GET", 200)])
    assert recovered.verdict == "alive" and recovered.confirmed
    assert not needs_another_try([Attempt("GET", 200)])
    assert verdict_of([]).verdict == "unknown"


def test_consecutive_dead_runs_are_counted() -> None:
    dead = verdict_of([Attempt("GET", 404), Attempt("GET", 410)])
    unconfirmed = verdict_of([Attempt("GET", 404)])
    alive = verdict_of([Attempt("HEAD", 200)])
    unknown = verdict_of([Attempt("GET", 429)])
    assert consecutive_dead(0, dead) == 1 and consecutive_dead(3, dead) == 4
    assert consecutive_dead(3, alive) == 0
    assert consecutive_dead(3, unconfirmed) == 3 and consecutive_dead(2, unknown) == 2


def test_the_request_budget_is_spent_and_refuses_beyond_it() -> None:
    budget = RequestBudget(3)
    assert budget.spend(2) and not budget.spend(2) and budget.remaining == 1
    assert budget.spend() and budget.exhausted


_statuses = st.one_of(st.none(), st.integers(min_value=100, max_value=599))
_errors = st.sampled_from([None, "dns", "timeout", "reset", "refused", "weird"])


@given(st.lists(st.builds(Attempt, st.sampled_from(["HEAD", "GET"]), _statuses, _errors), max_size=5))
def test_a_dead_verdict_always_rests_on_enough_dead_tries(attempts: list[Attempt]) -> None:
    verdict = verdict_of(attempts)
    tries = load_linkcheck_rules()["verdict"]["confirm_tries"]
    if verdict.is_dead:
        assert len(attempts) >= tries and all(judge(a) == "dead" for a in attempts[-tries:])
    assert consecutive_dead(0, verdict) in (0, 1)


@given(
    paths=st.lists(st.from_regex(r"/[a-z]{1,6}\.(html|pdf|png)", fullmatch=True), max_size=40),
    budget=st.integers(min_value=0, max_value=30),
    dead=st.sets(st.integers(min_value=0, max_value=39)),
)
def test_a_plan_never_exceeds_its_budget_and_loses_no_target(
    paths: list[str], budget: int, dead: set[int]
) -> None:
    sightings = [_seen(p) for p in paths]
    urls = list(gather(sightings))
    known = {u: KnownLink(u, True, 1) for i, u in enumerate(urls) if i in dead}
    plan = plan_checks(sightings, known, politeness={"link_budget": budget})
    assert len(plan.checks) <= plan.max_requests - plan.reserve
    assert sorted([c.url for c in plan.checks] + list(plan.deferred) + list(plan.skipped)) == sorted(urls)
    planned_dead = [c.reason == "known dead" for c in plan.checks]
    assert planned_dead == sorted(planned_dead, reverse=True)  # known dead always come first


@given(verdicts=st.lists(st.sampled_from(["dead", "alive", "unknown"]), max_size=12))
def test_consecutive_dead_equals_the_trailing_run_of_confirmed_dead(verdicts: list[str]) -> None:
    count = 0
    for v in verdicts:
        count = consecutive_dead(count, LinkVerdict(v, True, ()))
    trailing = 0
    for v in reversed([v for v in verdicts if v != "unknown"]):
        if v != "dead":
            break
        trailing += 1
    assert count == trailing
