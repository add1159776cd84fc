"""A broken web: crawl the ``faults`` replica once with the reliability middlewares, check each fault.

Every fault's expected outcome comes from ``replica.faults.expected``; outcomes that need the spider
change described in docs/RELIABILITY.md (out_of_scope / too_large / capped statuses, records keyed
by the listed URL after a redirect) are strict xfails, so they fail loudly once the change lands.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import run_zwgk
from sqlalchemy import select
from twisted.python.failure import Failure

import replica
from crawler.middlewares import (
    ListPageCap,
    OutOfScope,
    failure_status,
    is_internal_address,
    listed_url,
    scope_refusal,
)
from replica.faults import expected
from replica.faultspec import parse_faults
from storage.db import database_url, open_database
from storage.models import Column, Item, ItemColumn

MIDDLEWARES = {
    "crawler.middlewares.ScopeMiddleware": 50,
    "crawler.middlewares.ListPageCapMiddleware": 60,
    "crawler.middlewares.FollowRedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
}
LIST_PAGE_CAP = 6
OVERRIDES = {
    "DOWNLOADER_MIDDLEWARES": json.dumps(MIDDLEWARES),
    "ZWGK_MAX_LIST_PAGES": str(LIST_PAGE_CAP),
    "DOWNLOAD_TIMEOUT": "2",
    "DOWNLOAD_MAXSIZE": "100000",
    "RETRY_GIVE_UP_LOG_LEVEL": "WARNING",
}
CRAWL_SECONDS = 30
# Outcomes the spider cannot record yet: the statuses it has no name for, and redirect chains it
# records under the last hop's URL instead of the listed one.
NEEDS_SPIDER = {"out_of_scope", "too_large", "capped"}


@dataclass
class Trap:
    """A listener on a loopback address that is not the portal's, counting who connects to it."""

    sock: socket.socket
    connections: int = 0

    def serve(self, until: threading.Event) -> None:
        self.sock.settimeout(0.2)
        while not until.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()


@dataclass
class Crawl:
    result: Any
    seconds: float
    base: str
    trap_connections: int
    hits: dict[int, int]
    faults: list[dict[str, Any]]
    columns: dict[str, Column]
    items: dict[str, Item]
    memberships: dict[str, int]
    site: Any


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    site = replica.build_site(replica.load_spec("faults"))
    data = tmp_path_factory.mktemp("faults")
    stop = threading.Event()
    with replica.ReplicaServer(site) as server:
        trap = Trap(socket.create_server(("127.0.0.2", server.port)))
        thread = threading.Thread(target=trap.serve, args=(stop,), daemon=True)
        thread.start()
        profile = data / "faults.yaml"
        profile.write_text(yaml.safe_dump(replica.profile(site, server.base_url), allow_unicode=True))
        args = ["crawl", str(profile), "--data", str(data), "--json"]
        for name, value in OVERRIDES.items():
            args += ["-s", f"{name}={value}"]
        started = time.monotonic()
        result = run_zwgk(*args, timeout=90)
        seconds = time.monotonic() - started
        hits = server.router.faults.hits()
        stop.set()
        thread.join(timeout=5)
        trap.sock.close()
    yield Crawl(
        result, seconds, server.base_url.rstrip("/"), trap.connections, hits, expected(site),
        *_read(data), site,
    )  # fmt: skip


def _read(data: Path) -> tuple[dict[str, Column], dict[str, Item], dict[str, int]]:
    db = open_database(database_url(data))
    with db.session() as session:
        columns = {c.path: c for c in session.scalars(select(Column))}
        items = {i.url: i for i in session.scalars(select(Item))}
        memberships: dict[str, int] = {}
        for column_id in session.scalars(select(ItemColumn.column_id)):
            path = next(p for p, c in columns.items() if c.id == column_id)
            memberships[path] = memberships.get(path, 0) + 1
        session.expunge_all()
    db.dispose()
    return columns, items, memberships


def _ids(fault: dict[str, Any]) -> str:
    variant = fault["mode"] if fault["fault"] in ("endless", "redirect_loop") else f"times{fault['times']}"
    return f"{fault['fault']}-{fault['target']}-{variant}-{fault['path'].rsplit('/', 1)[-1]}"


FAULTS = expected(replica.build_site(replica.load_spec("faults")))


def _needs_spider(fault: dict[str, Any]) -> bool:
    return fault["expect"] in NEEDS_SPIDER or fault["fault"] == "redirect_loop"


def _outcome(crawl: Crawl, fault: dict[str, Any]) -> str | None:
    if fault["target"] == "list":
        return crawl.columns[fault["column"]].status
    item = crawl.items.get(crawl.base + fault["path"])
    return item.fetch_status if item is not None else None


# -- the crawl as a whole ---------------------------------------------------------------------


def test_crawl_of_a_broken_web_ends_in_bounded_time(crawl: Crawl) -> None:
    assert crawl.seconds < CRAWL_SECONDS, crawl.result.stderr[-2000:]
    # Partial (5), not failed (1): the give-up of a retry is a recorded outcome, not a lost record.
    assert crawl.result.returncode == 5, crawl.result.stderr[-2000:]
    assert json.loads(crawl.result.stdout)["finish_reason"] == "finished"


def test_no_connection_is_attempted_to_a_private_address(crawl: Crawl) -> None:
    assert crawl.trap_connections == 0
    # The trap did listen: a direct connection reaches it.
    port = int(crawl.base.rsplit(":", 1)[1])
    with socket.create_server(("127.0.0.2", 0)) as probe:
        socket.create_connection(probe.getsockname(), timeout=2).close()
    assert port > 0


def test_no_record_is_kept_for_a_host_out_of_scope(crawl: Crawl) -> None:
    assert not [
        url for url in crawl.items if "evil.example" in url or "10.0.0.1" in url or "127.0.0.2" in url
    ]


def test_waf_columns_are_blocked_not_empty(crawl: Crawl) -> None:
    for path in ("部门工作", "乡镇动态"):
        assert crawl.columns[path].status == "blocked", path
        assert crawl.columns[path].found_total == 0 and crawl.columns[path].note


# -- each fault -------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", [f for f in FAULTS if not _needs_spider(f)], ids=_ids)
def test_fault_ends_in_its_expected_status(crawl: Crawl, fault: dict[str, Any]) -> None:
    assert _outcome(crawl, fault) == fault["expect"]


@pytest.mark.parametrize("fault", [f for f in FAULTS if _needs_spider(f)], ids=_ids)
def test_fault_ends_in_its_named_status(crawl: Crawl, fault: dict[str, Any]) -> None:
    assert _outcome(crawl, fault) == fault["expect"]


def test_a_page_failing_every_time_is_tried_once_plus_retries(crawl: Crawl) -> None:
    always = [i for i, f in enumerate(crawl.faults) if f["fault"] == "http_500" and f["times"] is None]
    once = [i for i, f in enumerate(crawl.faults) if f["fault"] == "http_500" and f["times"] == 1]
    assert [crawl.hits[i] for i in always] == [3] * len(always)
    assert [crawl.hits[i] for i in once] == [2] * len(once)


def test_a_redirect_loop_stops_at_the_redirect_limit(crawl: Crawl) -> None:
    for index, fault in enumerate(crawl.faults):
        if fault["fault"] == "redirect_loop":
            # The first request and REDIRECT_MAX_TIMES (5) hops; the cycle is not eaten by the dupefilter.
            assert crawl.hits[index] == 6, fault


def test_duplicate_listings_count_once(crawl: Crawl) -> None:
    fault = next(f for f in crawl.faults if f["fault"] == "duplicates")
    column = crawl.columns[fault["column"]]
    assert column.status == "ok"
    assert column.found_total == crawl.memberships[fault["column"]] == fault["distinct_items"]


def test_an_endless_listing_of_the_same_items_stops_with_them(crawl: Crawl) -> None:
    fault = next(f for f in crawl.faults if f["fault"] == "endless" and f["mode"] == "same")
    column = crawl.columns[fault["column"]]
    assert (column.status, column.found_total, column.pages) == ("ok", fault["distinct_items"], 2)


def test_an_endless_listing_of_fresh_items_stops_at_the_cap(crawl: Crawl) -> None:
    fault = next(f for f in crawl.faults if f["fault"] == "endless" and f["mode"] == "fresh")
    column = crawl.columns[fault["column"]]
    assert column.pages == LIST_PAGE_CAP
    assert column.status != "ok" and "list page cap" in (column.note or "")


def test_a_page_whose_charset_header_lies_is_decoded_right(crawl: Crawl) -> None:
    fault = next(f for f in crawl.faults if f["fault"] == "lying_charset")
    listed = crawl.site.items[fault["path"]]
    assert crawl.items[crawl.base + fault["path"]].title == listed.title


def test_a_truncated_page_keeps_its_title(crawl: Crawl) -> None:
    fault = next(f for f in crawl.faults if f["fault"] == "truncated")
    listed = crawl.site.items[fault["path"]]
    assert crawl.items[crawl.base + fault["path"]].title == listed.title


# -- the pieces, without a crawl --------------------------------------------------------------

OWN = {"127.0.0.1"}


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8000/a.html", True),
        ("http://127.0.0.2:8000/", False),
        ("http://10.0.0.1/", False),
        ("http://169.254.169.254/latest/meta-data/", False),
        ("http://[::1]:8000/", False),
        ("http://[::ffff:10.0.0.1]/", False),
        ("http://0.0.0.0/", False),
        ("http://evil.example/zwgk/", False),
        ("file:///etc/passwd", False),
        ("ftp://127.0.0.1/", False),
        ("http:///nohost", False),
        ("http://[not-an-ip/", False),
    ],
)
def test_scope_refusal(url: str, allowed: bool) -> None:
    assert (scope_refusal(url, OWN, OWN) is None) is allowed


def test_a_portal_host_name_is_allowed_and_compared_without_case_or_trailing_dot() -> None:
    hosts = {"www.qingshi.gov.cn"}
    assert scope_refusal("http://WWW.Qingshi.gov.cn./x", hosts, hosts) is None
    # An internal literal listed among allowed hosts is still refused unless it is the portal's own.
    assert scope_refusal("http://10.0.0.1/", hosts | {"10.0.0.1"}, hosts) is not None


def test_internal_addresses() -> None:
    assert is_internal_address("192.168.1.1") and is_internal_address("fe80::1")
    assert not is_internal_address("8.8.8.8") and not is_internal_address("www.example.com")


def test_failure_status_names_each_refusal() -> None:
    assert failure_status(Failure(OutOfScope("out of scope: x")))[0] == "out_of_scope"
    assert failure_status(Failure(ListPageCap("cap")))[0] == "capped"
    assert failure_status(Failure(ValueError("boom"))) == ("error", "boom")


def test_listed_url_is_the_first_hop() -> None:
    from scrapy import Request

    assert listed_url(Request("http://a/x?loop=3", meta={"redirect_urls": ["http://a/x"]})) == "http://a/x"
    assert listed_url(Request("http://a/y")) == "http://a/y"


@pytest.mark.parametrize(
    "raw",
    [
        "not a list",
        [{"fault": "http_500"}],
        [{"fault": "bogus", "column": "x", "item": 0}],
        [{"fault": "http_500", "column": "x"}],
        [{"fault": "http_500", "column": "x", "item": 0, "target": "list"}],
        [{"fault": "endless", "column": "x", "item": 0}],
        [{"fault": "timeout", "column": "x", "item": 0, "delay": 999}],
        [{"fault": "http_500", "column": "x", "item": "first"}],
        [{"fault": "http_500", "column": "x", "item": 0, "colour": "red"}],
    ],
)
def test_malformed_faults_are_refused(raw: Any) -> None:
    with pytest.raises(replica.SpecError):
        parse_faults(raw, "<test>")


def test_a_fault_on_an_unknown_column_is_refused() -> None:
    data = yaml.safe_load(
        (Path(replica.__file__).parent / "specs" / "faults.yaml").read_text(encoding="utf-8")
    )
    data["faults"] = [{"fault": "http_500", "column": "无此栏目", "item": 0}]
    with pytest.raises(replica.SpecError, match="unknown column"):
        replica.spec.parse_spec(data)


def test_a_fetch_that_failed_without_an_answer_keeps_why(crawl: Crawl) -> None:
    # timeouts, resets, refused redirects: no HTTP status to show, so the archive keeps the reason
    failed = {
        url: item
        for url, item in crawl.items.items()
        if item.fetch_status == "error" and not item.http_status
    }
    assert failed, "the faults replica has pages that never answer"
    assert {url: item.fetch_note for url, item in failed.items() if not item.fetch_note} == {}
