"""Replica variants: the four CMS styles, the mixed portal (variant names, WAF blocks, traps, a foreign
item), later states of a portal, and conditional requests (ETag / Last-Modified / 304)."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

import replica
from replica.spec import parse_spec

logger = logging.getLogger(__name__)

GAMBLING = "开云手机官网入口·(中国)官方网站"
SINGLE = ("trs_only", "hanweb_only", "ucap_only", "generic_only")
# sha256 of the truths of tiny and qingshi (state 0) as they were before variants existed, keys added
# since (state, definitions, special.blocked_*, special.foreign, special.traps) left out.
OLD_TRUTHS = {
    "tiny": "cb1c00cf46b6eec41c758ffb661b5e86b0809198afaa46247388ac494b8f4065",
    "qingshi": "39987122935f02fcda0f0deaa395b1c671d55935b53072e5080805a131add1f6",
}
NEW_SPECIAL = ("blocked_columns", "blocked_counts", "foreign", "traps")


@dataclass
class Fetched:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def text(self) -> str:
        charset = "gbk" if "GBK" in self.headers.get("Content-Type", "") else "utf-8"
        return self.body.decode(charset)


def fetch(base: str, path: str, headers: dict[str, str] | None = None) -> Fetched:
    request = urllib.request.Request(urllib.parse.urljoin(base, path), headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            return Fetched(resp.status, dict(resp.headers.items()), resp.read())
    except urllib.error.HTTPError as exc:
        return Fetched(exc.code, dict(exc.headers.items()), exc.read())


def info(truth: dict, path: str) -> dict:
    return next(c for c in truth["columns"] if c["path"] == path)


def served_urls(base: str, column: dict) -> list[str]:
    """Every item link a column's list pages serve, following each CMS style's own paging."""
    url, cms = column["url"], column["cms"]
    folder = url.rsplit("/", 1)[0] + "/"
    texts: list[str] = []
    if cms == "trs":
        first = fetch(base, url).text
        pages = int(re.search(r"createPageHTML\((\d+), 0, \"index\", \"html\"\);", first).group(1))  # type: ignore[union-attr]
        texts = [first] + [fetch(base, f"{folder}index_{k}.html").text for k in range(1, pages)]
    elif cms == "ucap":
        first = fetch(base, url).text
        found = re.search(r"createPageHTML\('page_div', (\d+), 1, 'list', 'shtml', (\d+)\);", first)
        assert found, url
        texts = [first] + [
            fetch(base, f"{folder}list_{n}.shtml").text for n in range(2, int(found.group(1)) + 1)
        ]
    elif cms == "generic":
        first = fetch(base, url).text
        pages = int(re.search(r"共(\d+)页 当前第1页", first).group(1))  # type: ignore[union-attr]
        texts = [first] + [fetch(base, f"{url}?page={n}").text for n in range(2, pages + 1)]
        return [u for t in texts for u in re.findall(r'<dd><a href="([^"]+)">', t)]
    else:
        page = fetch(base, url).text
        column_id = re.search(r'<meta name="ColId" content="(\d+)">', page).group(1)  # type: ignore[union-attr]
        urls = re.findall(r"<li><a href='([^']+)'", page)
        while True:
            group = fetch(
                base,
                f"/module/web/jpage/dataproxy.jsp?startrecord={len(urls) + 1}&endrecord={len(urls) + 6}"
                f"&perpage=2&columnid={column_id}",
            ).text
            more = re.findall(r"<li><a href='([^']+)'", group)
            if not more:
                return urls
            urls += more
    return [
        urllib.parse.urljoin(folder, u) if not u.startswith("http") else u
        for t in texts
        for u in re.findall(r'<li><a href="([^"]+)" title=', t)
    ]


@pytest.fixture(scope="module")
def mixed() -> replica.ReplicaSite:
    return replica.build_site(replica.load_spec("mixed"))


@pytest.fixture(scope="module")
def mixed_truth(mixed: replica.ReplicaSite) -> dict:
    return replica.truth(mixed)


@pytest.fixture(scope="module")
def mixed_server(mixed: replica.ReplicaSite) -> Iterator[replica.ReplicaServer]:
    with replica.ReplicaServer(mixed) as running:
        yield running


# --- specs and determinism ---------------------------------------------------------------------


def test_every_spec_builds_deterministically_in_every_state() -> None:
    assert {*SINGLE, "mixed", "tiny", "qingshi"} <= set(replica.available_specs())
    for name in (*SINGLE, "mixed", "tiny"):
        spec = replica.load_spec(name)
        for state in spec.states:
            site = replica.build_site(spec, state)
            assert replica.build_site(replica.load_spec(name), state) == site, (name, state)
            assert json.dumps(replica.truth(site), ensure_ascii=False)  # JSON-serialisable
    assert replica.load_spec("tiny").states == [0, 1]
    assert replica.load_spec("mixed").states == [0, 1]
    assert replica.build_site(replica.load_spec("tiny")) == replica.build_site(replica.load_spec("tiny"), 0)
    with pytest.raises(replica.SpecError, match="no state 2"):
        replica.build_site(replica.load_spec("tiny"), 2)


@pytest.mark.parametrize("name", ["tiny", "qingshi"])
def test_old_truths_are_unchanged(name: str) -> None:
    truth = replica.truth(replica.build_site(replica.load_spec(name)))
    assert truth["state"] == 0 and "changes" not in truth
    assert {k: truth["special"][k] for k in NEW_SPECIAL} == {
        "blocked_columns": [],
        "blocked_counts": {},
        "foreign": [],
        "traps": [],
    }
    # "reports" and "statements" (issue 15) list the annual reports and 政府网站工作年度报表, published on
    # existing items: no count changes
    old = {k: v for k, v in truth.items() if k not in ("definitions", "state", "reports", "statements")}
    old["special"] = {k: v for k, v in truth["special"].items() if k not in NEW_SPECIAL}
    digest = hashlib.sha256(json.dumps(old, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    assert digest == OLD_TRUTHS[name]


@pytest.mark.parametrize("name", SINGLE)
def test_single_cms_specs_use_one_style(name: str) -> None:
    site = replica.build_site(replica.load_spec(name))
    truth = replica.truth(site)
    cms = name.removesuffix("_only")
    assert {c["cms"] for c in truth["columns"]} == {cms}
    assert replica.profile(site, "http://127.0.0.1:1/")["cms"] == cms
    assert len(truth["columns"]) == 9
    assert any("/" in c["path"] and c["path"].count("/") == 2 for c in truth["columns"])  # a 专栏 group
    for column in truth["columns"]:
        assert 3 <= sum(column["items"].values()) <= 12, column["path"]
    assert len(truth["special"]["hijacked"]) == len(truth["special"]["not_found"]) == 1


def test_spec_validation_of_the_new_fields() -> None:
    raw = replica.load_spec("mixed").raw
    hub_blocked = [*raw["columns"][:-1], {**raw["columns"][-1], "blocked": 500}]
    with pytest.raises(replica.SpecError, match="blocked must be one of"):
        parse_spec({**raw, "columns": hub_blocked})
    named = [*raw["columns"], {"name": "安全生产", "abbr": "aqsc", "taxonomy": None, "counts": {2018: 1}}]
    with pytest.raises(replica.SpecError, match="'taxonomy: null' but the name matches"):
        parse_spec({**raw, "columns": named})
    with pytest.raises(replica.SpecError, match="unknown keys"):
        parse_spec({**raw, "changes": {1: {"moved": []}}})
    with pytest.raises(replica.SpecError, match="is blocked"):
        parse_spec({**raw, "changes": {1: {"removed": [{"column": "部门工作", "year": 2018}]}}})
    with pytest.raises(replica.SpecError, match="cms must be one of"):
        parse_spec({**raw, "cms": "wordpress", "columns": [{"name": "今日关注", "abbr": "j", "counts": {}}]})


# --- list pages in every style -----------------------------------------------------------------


@pytest.mark.parametrize("name", SINGLE)
def test_served_listings_match_the_truth(name: str) -> None:
    site = replica.build_site(replica.load_spec(name))
    truth = replica.truth(site)
    with replica.ReplicaServer(site) as server:
        for column in truth["columns"]:
            urls = served_urls(server.base_url, column)
            assert len(urls) == len(set(urls)) == sum(column["items"].values()), column["path"]
            for url in urls[:1]:
                assert fetch(server.base_url, url).status in (200, 404)
        assert server.request_count > 20


def test_ucap_list_and_detail_pages() -> None:
    site = replica.build_site(replica.load_spec("ucap_only"))
    truth = replica.truth(site)
    assert (
        info(truth, "今日关注")["url"] == "/jrgz/list.shtml"
        and info(truth, "今日关注")["declared_total"] == 9
    )
    with replica.ReplicaServer(site) as server:
        base = server.base_url
        first = fetch(base, "/jrgz/list.shtml").text
        assert (
            '<div id="page_div"></div><script>'
            "createPageHTML('page_div', 3, 1, 'list', 'shtml', 9);</script>" in first
        )
        assert (
            "createPageHTML('page_div', 3, 2, 'list', 'shtml', 9);" in fetch(base, "/jrgz/list_2.shtml").text
        )
        assert (
            "createPageHTML('page_div', 3, 3, 'list', 'shtml', 9);" in fetch(base, "/jrgz/list_3.shtml").text
        )
        assert fetch(base, "/jrgz/list_4.shtml").status == 404
        assert fetch(base, "/jrgz/list_1.shtml").status == 404  # 1-based: page 1 is list.shtml
        links = re.findall(r'<li><a href="(\./\d{6}/[0-9a-f]{32}\.shtml)" title="', first)
        assert len(links) == 3
        document = next(i for i in site.items.values() if i.home == "政府文件" and i.status == "ok")
        assert re.fullmatch(r"/zfwj/\d{6}/[0-9a-f]{32}\.shtml", document.url)
        page = fetch(base, document.url).text
        assert f"<UCAPTITLE>{document.title}</UCAPTITLE>" in page
        assert '<div class="pages_content" id="UCAP-CONTENT">' in page
        assert f"<td><b>发文字号：</b></td><td>{document.doc_no}</td>" in page
        assert f'<meta name="ArticleTitle" content="{document.title}">' in page
        assert f'<meta name="PubDate" content="{document.pub:%Y-%m-%d %H:%M}">' in page
        assert '<meta name="ColumnName" content="政府文件">' in page


def test_generic_list_and_detail_pages() -> None:
    site = replica.build_site(replica.load_spec("generic_only"))
    with replica.ReplicaServer(site) as server:
        base = server.base_url
        first = fetch(base, "/jrgz/list.jsp")
        assert first.status == 200
        assert '共3页 当前第1页 <a href="?page=2">下一页</a> <a href="?page=3">尾页</a>' in first.text
        assert fetch(base, "/jrgz/list.jsp?page=1").body == first.body
        second = fetch(base, "/jrgz/list.jsp?page=2").text
        assert (
            '共3页 当前第2页 <a href="?page=1">首页</a> <a href="?page=1">上一页</a> '
            '<a href="?page=3">下一页</a> <a href="?page=3">尾页</a>' in second
        )
        last = fetch(base, "/jrgz/list.jsp?page=3").text
        assert '共3页 当前第3页 <a href="?page=1">首页</a> <a href="?page=2">上一页</a></div>' in last
        assert "<dd>暂无信息</dd>" in fetch(base, "/jrgz/list.jsp?page=9").text
        entries = re.findall(
            r'<dd><a href="(/content/\d+\.html)">[^<]+</a><em>\[(\d{4}-\d{2}-\d{2})\]</em></dd>', first.text
        )
        assert len(entries) == 3 and '<div class="news-list"><dl>' in first.text
        for marker in ('class="list"', "createPageHTML", "datastore", "ColumnName", "TRS_Editor", "大汉"):
            assert marker not in first.text
        url, day = entries[0]
        page = fetch(base, url).text
        assert re.search(r"<p><strong>索引号</strong>：[^<]+</p>", page)
        assert f"发布时间：{day}" in page and '<div class="content">' in page
        assert "ArticleTitle" not in page and "UCAP" not in page


# --- the mixed portal --------------------------------------------------------------------------


def test_mixed_uses_variant_names_verbatim(mixed_server: replica.ReplicaServer, mixed_truth: dict) -> None:
    base = mixed_server.base_url
    assert {c["cms"] for c in mixed_truth["columns"]} == {"trs", "hanweb", "ucap", "generic"}
    home = fetch(base, "/").text
    assert '<li><a href="/zfwj/list.shtml">政　府　文　件</a></li>' in home
    assert '<li><a href="/xzxx/list.jsp">县长信箱</a></li>' in home
    hub = fetch(base, "/zdgz/index.html").text
    assert ">双创政策</a>" in hub and ">社会公益事业建设</a>" in hub
    group = fetch(base, "/zdgz/ggzy/index.html").text
    assert '>公共资源配置"黑名单"</a>' in group and ">保障性住房</a>" in group
    assert ">灾害事故救援</a>" in fetch(base, "/zdgz/shgy/index.html").text
    blacklist = fetch(base, "/zdgz/ggzy/hmd/list.jsp").text
    assert '<h2>公共资源配置"黑名单"</h2>' in blacklist

    expected = {
        "政　府　文　件": ("ZFWJ", "政府文件"),
        "政务公开重点工作/双创政策": ("ZDGZ.K05", "政务公开重点工作/双创政策汇编"),
        "政务公开重点工作/社会公益事业建设/灾害事故救援": (
            "ZDGZ.SHGY.12",
            "政务公开重点工作/社会公益事业建设/灾害事故救援、救助",
        ),
        "政务公开重点工作/公共资源配置/保障性住房": (
            "ZDGZ.GGZY.01",
            "政务公开重点工作/公共资源配置/住房保障",
        ),
        '政务公开重点工作/公共资源配置/公共资源配置"黑名单"': (
            "ZDGZ.GGZY.07",
            "政务公开重点工作/公共资源配置/公共资源配置“黑名单”",
        ),
        "县长信箱": (None, None),
    }
    for path, (code, taxonomy_path) in expected.items():
        column = info(mixed_truth, path)
        assert (column["taxonomy_code"], column["taxonomy"]) == (code, taxonomy_path), path
    assert mixed_truth["taxonomy"]["null"] == info(mixed_truth, "县长信箱")["items"] == {"2018": 3, "2019": 1}
    assert "null" in mixed_truth["definitions"]["unclassified"]


def test_mixed_listings_match_the_truth(mixed_server: replica.ReplicaServer, mixed_truth: dict) -> None:
    for column in mixed_truth["columns"]:
        if column.get("blocked"):
            continue
        urls = served_urls(mixed_server.base_url, column)
        assert len(urls) == len(set(urls)) == sum(column["items"].values()), column["path"]
    listed = sum(sum(c["items"].values()) for c in mixed_truth["columns"])
    assert listed == mixed_truth["totals"]["items"] + len(mixed_truth["special"]["cross_listed"])


def test_blocked_columns_answer_with_a_challenge(
    mixed_server: replica.ReplicaServer, mixed: replica.ReplicaSite, mixed_truth: dict
) -> None:
    base = mixed_server.base_url
    special = mixed_truth["special"]
    assert special["blocked_columns"] == ["部门工作", "乡镇动态"]
    assert special["blocked_counts"] == {
        "部门工作": {"2017": 2, "2018": 4},
        "乡镇动态": {"2018": 3, "2019": 1},
    }
    assert not set(special["blocked_columns"]) & set(special["empty_columns"])
    for path, status, pages in (("部门工作", 412, ["list_2.shtml"]), ("乡镇动态", 521, ["list.jsp?page=2"])):
        column = info(mixed_truth, path)
        assert column["blocked"] is True and column["http_status"] == status
        assert column["items"] == {} and column["declared_total"] is None
        folder = column["url"].rsplit("/", 1)[0] + "/"
        for url in [column["url"], *(folder + p for p in pages)]:
            answer = fetch(base, url)
            assert answer.status == status, url
            assert answer.text.startswith("<html><body><script>document.cookie=('_')+('_jsl_clearance_s')+")
            assert "location.href=location.pathname+location.search</script>" in answer.text
            assert answer.headers["Set-Cookie"].startswith("__jsluid_s=")
        hidden = mixed.columns[path].items[0]
        assert fetch(base, hidden.url).status == status
    assert "blocked: true" in mixed_truth["definitions"]["blocked"]
    # Nothing behind a block leaks: not on the home page, not in the totals.
    home = fetch(base, "/").text
    hidden_urls = {i.url for p in special["blocked_columns"] for i in mixed.columns[p].items}
    assert not any(u in home for u in hidden_urls)
    visible = {i.url for c in mixed.listing_columns() if not c.blocked for i in c.items}
    assert mixed_truth["totals"]["items"] == len(visible)
    assert "部门工作" not in json.dumps(mixed_truth["taxonomy"], ensure_ascii=False)


def test_traps_generate_pages_for_ever(
    mixed_server: replica.ReplicaServer, mixed: replica.ReplicaSite, mixed_truth: dict
) -> None:
    base = mixed_server.base_url
    patterns = {t["kind"]: re.compile(t["pattern"]) for t in mixed_truth["special"]["traps"]}
    assert set(patterns) == {"calendar_query", "calendar_page", "search", "print"}
    listing = fetch(base, "/zfgg/list.jsp").text
    assert '<a href="?date=2019-03-05">5</a>' in listing
    assert '<a href="/calendar/2019/03/20.html">按日期浏览</a>' in listing
    assert '<form class="search" action="/search.jsp" method="get">' in listing
    for url in ("/jrgz/index.html", "/zfwj/list.shtml", info(mixed_truth, "政府信息公开")["url"]):
        assert "?date=2019-03-01" in fetch(base, url).text, url

    # Calendar by query: every day links the next one, far beyond any real date.
    url, seen = "/zfgg/list.jsp?date=2019-03-05", set()
    for _ in range(5):
        assert patterns["calendar_query"].search(url)
        page = fetch(base, url)
        assert page.status == 200 and "该日暂无发布信息" in page.text
        seen.add(url)
        url = "/zfgg/list.jsp" + re.search(r'<a href="(\?date=[^"]+)">后一天</a>', page.text).group(1)  # type: ignore[union-attr]
    assert len(seen) == 5 and url == "/zfgg/list.jsp?date=2019-03-10"
    far = fetch(base, "/calendar/2999/12/31.html")
    assert far.status == 200 and '<a href="/calendar/3000/01/01.html">后一天</a>' in far.text
    assert patterns["calendar_page"].search("/calendar/2999/12/31.html")
    assert fetch(base, "/calendar/2019/02/30.html").status == 404

    search = fetch(base, "/search.jsp?q=%E6%94%BF%E5%BA%9C&page=41")
    assert (
        search.status == 200 and 'href="/search.jsp?q=%E6%94%BF%E5%BA%9C&page=42">下一页</a>' in search.text
    )
    assert patterns["search"].search("/search.jsp?q=x")

    item = next(i for i in mixed.items.values() if i.home == "政府公告" and i.status == "ok")
    detail = fetch(base, item.url).text
    assert f'<a class="print" href="/print.jsp?id={item.id}" target="_blank">打印本页</a>' in detail
    printed = fetch(base, f"/print.jsp?id={item.id}&page=7")
    assert printed.status == 200 and item.title in printed.text
    assert f'href="/print.jsp?id={item.id}&page=8">下一页</a>' in printed.text
    assert patterns["print"].search(f"/print.jsp?id={item.id}")
    # No trap page links to an item.
    item_links = {i.url for i in mixed.items.values()}
    for text in (far.text, search.text, printed.text):
        assert not set(re.findall(r'href="([^"]+)"', text)) & item_links


def test_foreign_item_is_listed_and_counted(mixed_server: replica.ReplicaServer, mixed_truth: dict) -> None:
    [foreign] = mixed_truth["special"]["foreign"]
    assert foreign.startswith("http://www.jinzhou.gov.cn.example/art/2018/")
    urls = served_urls(mixed_server.base_url, info(mixed_truth, "今日关注"))
    assert foreign in urls
    assert info(mixed_truth, "今日关注")["items"] == {"2017": 2, "2018": 6, "2019": 2}
    totals = mixed_truth["totals"]
    assert totals["detail_pages"] == totals["items"] - 1 - len(mixed_truth["special"]["not_found"])


def test_traps_are_absent_where_the_spec_has_none(tiny_server: replica.ReplicaServer) -> None:
    base = tiny_server.base_url
    assert fetch(base, "/search.jsp?q=x").status == 404
    assert fetch(base, "/calendar/2019/03/05.html").status == 404
    assert "?date=" not in fetch(base, "/jrgz/index.html").text


# --- later states ------------------------------------------------------------------------------


def test_tiny_state_one_changes(tiny_site: replica.ReplicaSite, tiny_truth: dict) -> None:
    later = replica.build_site(replica.load_spec("tiny"), 1)
    truth = replica.truth(later)
    assert replica.truth(replica.build_site(replica.load_spec("tiny"))) == tiny_truth
    assert truth["state"] == 1 and truth["as_of"] == "2019-03-27"
    changes = truth["changes"]
    assert {k: len(v) for k, v in changes.items()} == {
        "new": 2,
        "removed": 1,
        "edited": 1,
        "redated": 1,
        "hijacked": 1,
    }
    assert truth["totals"]["items"] == tiny_truth["totals"]["items"] + 2 - 1
    for url in changes["new"]:
        assert "2019-03-20" < f"{later.items[url].pub:%Y-%m-%d}" <= "2019-03-27"
    [removed] = changes["removed"]
    assert removed in tiny_site.items and removed not in later.items
    [edited] = changes["edited"]
    assert later.items[edited].pub == tiny_site.items[edited].pub
    assert later.items[edited].paragraphs != tiny_site.items[edited].paragraphs
    [redated] = changes["redated"]
    assert later.items[redated].pub.date() != tiny_site.items[redated].pub.date()
    assert changes["hijacked"][0] in truth["special"]["hijacked"]
    assert "changes" in truth["definitions"]


def test_set_state_serves_the_changes_and_the_port_can_be_reused(
    tiny_site: replica.ReplicaSite,
) -> None:
    server = replica.ReplicaServer(tiny_site).start()
    base, port = server.base_url, server.port
    try:
        changes = replica.truth(replica.build_site(replica.load_spec("tiny"), 1))["changes"]
        [removed], [edited], [redated], [hijacked] = (
            changes[k] for k in ("removed", "edited", "redated", "hijacked")
        )
        old_home = tiny_site.items[removed].home
        before = {url: fetch(base, url) for url in (removed, edited, redated, hijacked)}
        assert all(page.status == 200 for page in before.values())
        assert all(fetch(base, url).status == 404 for url in changes["new"])
        listing_before = served_urls(base, {"url": tiny_site.columns[old_home].url, "cms": "trs"})
        assert removed.rsplit("/", 1)[1] in " ".join(listing_before)

        later = server.set_state(1)
        assert server.state == 1 and later.state == 1
        assert fetch(base, removed).status == 404
        listing_after = served_urls(base, {"url": tiny_site.columns[old_home].url, "cms": "trs"})
        assert removed.rsplit("/", 1)[1] not in " ".join(listing_after)
        assert len(listing_after) == len(listing_before) - 1
        for url in changes["new"]:
            page = fetch(base, url)
            assert page.status == 200 and later.items[url].title in page.text
        [fresh] = [u for u in changes["new"] if u.startswith("/jrgz/")]
        assert served_urls(base, {"url": later.columns["今日关注"].url, "cms": "trs"})[0] == fresh

        after_edit = fetch(base, edited)
        assert after_edit.body != before[edited].body
        assert re.search(r'<meta name="PubDate" content="([^"]+)">', after_edit.text).group(1) == re.search(  # type: ignore[union-attr]
            r'<meta name="PubDate" content="([^"]+)">', before[edited].text
        ).group(1)  # type: ignore[union-attr]
        new_pub = f"{later.items[redated].pub:%Y-%m-%d %H:%M}"
        assert f'<meta name="PubDate" content="{new_pub}">' in fetch(base, redated).text
        assert GAMBLING in fetch(base, hijacked).text and GAMBLING not in before[hijacked].text
    finally:
        server.stop()
    # A fresh server (another state) binds the port the stopped one released.
    with replica.ReplicaServer(replica.build_site(replica.load_spec("tiny"), 1), port=port) as again:
        assert again.base_url == base
        assert fetch(base, changes["new"][0]).status == 200


# --- conditional requests ----------------------------------------------------------------------


def test_etag_last_modified_and_304(
    tiny_server: replica.ReplicaServer, tiny_site: replica.ReplicaSite
) -> None:
    base = tiny_server.base_url
    item = next(i for i in tiny_site.items.values() if i.home == "政府文件" and i.status == "ok")
    first, second = fetch(base, item.url), fetch(base, item.url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{24}"', etag) and modified.endswith(" GMT")
    assert second.headers["ETag"] == etag and second.headers["Last-Modified"] == modified
    visits = [
        int(re.search(r'<span class="visits">浏览次数：(\d+)</span>', p.text).group(1))
        for p in (first, second)
    ]  # type: ignore[union-attr]
    assert visits[1] == visits[0] + 1 and first.body != second.body
    strip = re.compile(rb"\xe6\xb5\x8f\xe8\xa7\x88\xe6\xac\xa1\xe6\x95\xb0\xef\xbc\x9a\d+")  # 浏览次数：N
    assert strip.sub(b"", first.body) == strip.sub(b"", second.body)

    assert fetch(base, item.url, {"If-None-Match": etag}).status == 304
    assert fetch(base, item.url, {"If-None-Match": f'"other", W/{etag}'}).status == 304
    assert fetch(base, item.url, {"If-Modified-Since": modified}).status == 304
    assert fetch(base, item.url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status == 200
    mismatch = fetch(base, item.url, {"If-None-Match": '"other"', "If-Modified-Since": modified})
    assert mismatch.status == 200 and mismatch.body  # If-None-Match decides when present
    not_modified = fetch(base, item.url, {"If-None-Match": etag})
    assert not_modified.body == b"" and not_modified.headers["ETag"] == etag
    assert "ETag" not in fetch(base, tiny_site.columns["政府文件"].url).headers  # list pages: no validators


def test_etags_follow_content_across_states(tiny_site: replica.ReplicaSite) -> None:
    later = replica.build_site(replica.load_spec("tiny"), 1)
    changes = later.changes
    with replica.ReplicaServer(tiny_site) as server:
        base = server.base_url
        urls = [changes["edited"][0], changes["redated"][0], changes["hijacked"][0]]
        unchanged = next(
            u for u, i in tiny_site.items.items() if i.served and all(u not in v for v in changes.values())
        )
        before = {u: fetch(base, u).headers for u in [*urls, unchanged]}
        server.set_state(1)
        after = {u: fetch(base, u).headers for u in [*urls, unchanged]}
        assert after[unchanged]["ETag"] == before[unchanged]["ETag"]
        assert fetch(base, unchanged, {"If-None-Match": before[unchanged]["ETag"]}).status == 304
        for url in urls:
            assert after[url]["ETag"] != before[url]["ETag"], url
            assert fetch(base, url, {"If-None-Match": before[url]["ETag"]}).status == 200
        edited, redated, hijacked = urls
        assert after[edited]["Last-Modified"] != before[edited]["Last-Modified"]
        assert after[redated]["Last-Modified"] != before[redated]["Last-Modified"]
        # Spam injected behind the CMS's back: the content changed, Last-Modified did not.
        assert after[hijacked]["Last-Modified"] == before[hijacked]["Last-Modified"]
