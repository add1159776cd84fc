"""The replica portal: deterministic generation, the qingshi figures, and the pages served on loopback."""

from __future__ import annotations

import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

import replica
from crawler.profile import parse_profile

logger = logging.getLogger(__name__)

GAMBLING = "开云手机官网入口·(中国)官方网站"


@dataclass
class Fetched:
    status: int
    content_type: str
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("gbk" if "GBK" in self.content_type else "utf-8")


@pytest.fixture(scope="module")
def qingshi() -> replica.ReplicaSite:
    return replica.build_site(replica.load_spec("qingshi"))


@pytest.fixture(scope="module")
def server(tiny_site: replica.ReplicaSite) -> Iterator[replica.ReplicaServer]:
    # One server for the whole module (conftest's tiny_server is per test).
    with replica.ReplicaServer(tiny_site) as running:
        yield running


def fetch(server: replica.ReplicaServer, path: str, form: dict[str, str] | None = None) -> Fetched:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with urllib.request.urlopen(
            urllib.parse.urljoin(server.base_url, path), data=data, timeout=5
        ) as resp:
            return Fetched(resp.status, resp.headers["Content-Type"], resp.read())
    except urllib.error.HTTPError as exc:
        return Fetched(exc.code, exc.headers["Content-Type"], exc.read())


def column(truth: dict, path: str) -> dict:
    return next(c for c in truth["columns"] if c["path"] == path)


# --- specs -------------------------------------------------------------------------------------


def test_unknown_spec_is_refused_with_the_available_names() -> None:
    with pytest.raises(replica.SpecError, match=r"unknown replica spec 'nowhere'.*qingshi.*tiny"):
        replica.load_spec("nowhere")


def test_malformed_spec_names_the_problem() -> None:
    from replica.spec import parse_spec

    with pytest.raises(replica.SpecError, match="missing required field 'columns'"):
        parse_spec({"name": "x", "seed": 1, "as_of": "2019-03-20", "start_year": 2016, "site": {}})
    raw = replica.load_spec("tiny").raw
    bad = {**raw, "columns": [*raw["columns"], {"name": "不存在的栏目", "abbr": "bcz", "counts": {2018: 1}}]}
    with pytest.raises(replica.SpecError, match="不存在的栏目: name matches no taxonomy node"):
        parse_spec(bad)


def test_build_is_deterministic(qingshi: replica.ReplicaSite) -> None:
    again = replica.build_site(replica.load_spec("qingshi"))
    assert again == qingshi
    assert replica.truth(again) == replica.truth(qingshi)
    assert replica.build_site(replica.load_spec("tiny")) == replica.build_site(replica.load_spec("tiny"))


# --- qingshi ground truth ----------------------------------------------------------------------


def test_qingshi_reproduces_the_2018_report(qingshi: replica.ReplicaSite) -> None:
    truth = replica.truth(qingshi)
    assert truth["report_2018"] == {
        "items_published": 1758,
        "pictures": 96,
        "video_news": 369,
        "government_documents": 71,
        "feature_column_cumulative": 956,
    }
    assert truth["as_of"] == "2019-03-20"
    assert truth["site"] == {"slug": "qingshi", "name": "青石县人民政府"}
    assert set(truth["totals"]["items_by_year"]) == {"2016", "2017", "2018", "2019"}
    assert truth["totals"]["detail_pages"] <= 3100
    assert max(i.pub for i in qingshi.items.values()).date().isoformat() <= "2019-03-20"
    assert all(truth["definitions"][k] for k in truth["report_2018"])


def test_qingshi_column_tree(qingshi: replica.ReplicaSite) -> None:
    truth = replica.truth(qingshi)
    paths = [c["path"] for c in truth["columns"]]
    # 8 top-level listing columns, 15 kept sub-columns and the 15 + 13 + 6 of the three groups.
    assert len(paths) == 8 + 15 + 15 + 13 + 6
    housing = column(truth, "政务公开重点工作/公共资源配置/保障性住房")
    assert housing["taxonomy_code"] == "ZDGZ.GGZY.01"
    assert housing["taxonomy"] == "政务公开重点工作/公共资源配置/住房保障"
    assert housing["cms"] == "hanweb" and housing["url"].startswith("/col/col")
    assert column(truth, "今日关注")["cms"] == "trs"
    assert column(truth, "政府文件")["items"]["2018"] == 71
    assert column(truth, "政务公开重点工作/防范金融风险")["items"] == {"2016": 4, "2017": 2}
    special = truth["special"]
    assert special["empty_columns"] == [
        "政务公开重点工作/公共资源配置/矿业权出让",
        "政务公开重点工作/公共资源配置/省际客运班线经营许可",
    ]
    assert special["gbk_columns"] == ["乡镇动态"]
    assert len(special["hijacked"]) == 1 and special["hijacked"][0].startswith("/jrgz/2018")
    assert len(special["not_found"]) == 1 and special["not_found"][0].startswith("/zfgg/2017")
    assert len(special["cross_listed"]) == 4
    # Per-column counts include cross-listed items in each column; totals count them once.
    listed = sum(sum(c["items"].values()) for c in truth["columns"])
    assert listed == truth["totals"]["items"] + len(special["cross_listed"])


def test_qingshi_profile_is_a_valid_site_profile(qingshi: replica.ReplicaSite) -> None:
    data = replica.profile(qingshi, "http://127.0.0.1:8000/")
    parsed = parse_profile(data)
    assert parsed.cms == "mixed"
    assert parsed.allowed_hosts == ["127.0.0.1"]
    assert len(parsed.columns) == 57
    first = parsed.columns[0]
    assert (first.path, first.url, first.cms, first.taxonomy) == (
        "今日关注",
        "http://127.0.0.1:8000/jrgz/index.html",
        "trs",
        "JRGZ",
    )
    assert {c.taxonomy_rule for c in parsed.columns} == {"replica"}
    assert "政务公开重点工作" not in {c.path for c in parsed.columns}


# --- served pages (tiny) -----------------------------------------------------------------------


def test_home_page_links_every_top_level_column(
    server: replica.ReplicaServer, tiny_site: replica.ReplicaSite
) -> None:
    page = fetch(server, "/")
    assert page.status == 200 and page.content_type == "text/html; charset=UTF-8"
    assert '<meta name="SiteName" content="青石县人民政府">' in page.text
    assert '<meta name="SiteIDCode" content="2107260001">' in page.text
    for name, href in [
        ("今日关注", "/jrgz/index.html"),
        ("政务公开重点工作", "/zdgz/index.html"),
        ("视频新闻", "/spxw/index.html"),
    ]:
        assert f'<li><a href="{href}">{name}</a></li>' in page.text
    assert fetch(server, "/index.html").body == page.body
    assert "网站标识码：2107260001" in page.text


def test_hub_lists_sub_columns_and_groups(server: replica.ReplicaServer) -> None:
    hub = fetch(server, "/zdgz/index.html").text
    assert '<meta name="ColumnName" content="政务公开重点工作">' in hub
    assert '<a href="/zdgz/ggzy/index.html" title="公共资源配置">公共资源配置</a>' in hub
    group = fetch(server, "/zdgz/ggzy/index.html").text
    assert re.search(r'<a href="/col/col\d+/index.html" title="保障性住房">保障性住房</a>', group)


def test_trs_list_pages(server: replica.ReplicaServer, tiny_truth: dict) -> None:
    # 今日关注 lists 11 own items plus none cross-listed in: 4 pages of 3.
    assert column(tiny_truth, "今日关注")["declared_total"] == 11
    first = fetch(server, "/jrgz/index.html").text
    assert 'createPageHTML(4, 0, "index", "html");' in first
    assert '<meta name="ColumnName" content="今日关注">' in first
    second = fetch(server, "/jrgz/index_1.html").text
    assert 'createPageHTML(4, 1, "index", "html");' in second
    entries = re.findall(r'<li><a href="(\./\d{6}/t\d{8}_\d+\.html)" title="[^"]+" target="_blank">', second)
    assert len(entries) == 3
    assert len(re.findall(r"<li><a ", fetch(server, "/jrgz/index_3.html").text.split('class="list"')[1])) == 2
    assert fetch(server, "/jrgz/index_4.html").status == 404


def test_hanweb_column_page_and_dataproxy(server: replica.ReplicaServer, tiny_truth: dict) -> None:
    info = column(tiny_truth, "政务公开重点工作/政策解读")
    assert info["declared_total"] == 13
    page = fetch(server, info["url"]).text
    column_id = re.search(r'<meta name="ColId" content="(\d+)">', page).group(1)  # type: ignore[union-attr]
    unit_id = re.search(r'<div id="(\d+)"><script type="text/xml"><datastore>', page).group(1)  # type: ignore[union-attr]
    assert info["url"] == f"/col/col{column_id}/index.html"
    assert page.count("<record><![CDATA[") == 6  # perPage 2 × 3 pages per group
    assert "totalRecord:13,perPage:2" not in page and "perPage:2,totalRecord:13" in page
    assert f"var param_{unit_id}={{col:1,appid:1,webid:1,path:'/',columnid:{column_id}" in page
    assert "Produced By 大汉网络 大汉版通发布系统" in page

    query = f"/module/web/jpage/dataproxy.jsp?startrecord=7&endrecord=12&perpage=2&columnid={column_id}&unitid={unit_id}&webid=1"
    by_get = fetch(server, query)
    assert by_get.status == 200 and by_get.content_type.startswith("text/xml")
    assert "<totalrecord>13</totalrecord><totalpage>7</totalpage>" in by_get.text
    assert by_get.text.count("<record>") == 6
    by_post = fetch(
        server,
        "/module/web/jpage/dataproxy.jsp?startrecord=7&endrecord=12&perpage=2",
        form={"col": "1", "appid": "1", "webid": "1", "columnid": column_id, "unitid": unit_id},
    )
    assert by_post.body == by_get.body
    last = fetch(server, query.replace("startrecord=7&endrecord=12", "startrecord=13&endrecord=18"))
    assert last.text.count("<record>") == 1
    beyond = fetch(server, query.replace("startrecord=7&endrecord=12", "startrecord=19&endrecord=24"))
    assert "<recordset>\n\n</recordset>" in beyond.text
    first_group = re.findall(r"href='([^']+)'", page)
    assert not set(first_group) & set(re.findall(r"href='([^']+)'", by_get.text))


def test_detail_page_has_the_index_table(
    server: replica.ReplicaServer, tiny_site: replica.ReplicaSite
) -> None:
    document = next(i for i in tiny_site.items.values() if i.home == "政府文件" and i.year == 2018)
    page = fetch(server, document.url).text
    assert '<table class="xxgk_table">' in page
    assert f"<td>{document.index_no}</td>" in page
    assert f'<td class="label">文　　号：</td><td>{document.doc_no}</td>' in page
    assert '<td class="label">索 引 号：</td>' in page
    assert f'<td class="label">发布日期：</td><td>{document.pub:%Y年%m月%d日}</td>' in page
    assert f'<meta name="PubDate" content="{document.pub:%Y-%m-%d %H:%M}">' in page
    assert f'<meta name="ArticleTitle" content="{document.title}">' in page
    assert '<div class="TRS_Editor">' in page and '<div class="attachments">' in page
    assert re.search(r"青政(办)?(发)?〔2018〕\d+号", document.doc_no or "")
    attachment = document.attachments[0]
    served = fetch(server, attachment.path)
    assert served.status == 200 and served.content_type in (
        "application/pdf",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    hanweb_item = next(i for i in tiny_site.items.values() if i.home == "政务公开重点工作/政策解读")
    hanweb_page = fetch(server, hanweb_item.url).text
    assert '<div id="zoom">' in hanweb_page and "<td>无</td>" in hanweb_page


def test_media_pages(server: replica.ReplicaServer, tiny_site: replica.ReplicaSite) -> None:
    picture = next(i for i in tiny_site.items.values() if i.kind == "picture")
    page = fetch(server, picture.url).text
    assert len(re.findall(r'<img src="\./W0\d{14}\.jpg"', page)) == len(picture.images) >= 2
    assert fetch(server, picture.images[0].path).content_type == "image/jpeg"
    video = next(i for i in tiny_site.items.values() if i.kind == "video")
    assert f'<video src="{video.video}" controls></video>' in fetch(server, video.url).text
    assert fetch(server, video.video or "").content_type == "video/mp4"


def test_gbk_column_is_served_as_gbk(server: replica.ReplicaServer, tiny_site: replica.ReplicaSite) -> None:
    listing = fetch(server, "/xzdt/index.html")
    assert listing.content_type == "text/html; charset=GBK"
    with pytest.raises(UnicodeDecodeError):
        listing.body.decode("utf-8")
    text = listing.body.decode("gbk")
    assert '<meta charset="gbk">' in text and '<meta name="ColumnName" content="乡镇动态">' in text
    own = next(i for i in tiny_site.items.values() if i.home == "乡镇动态")
    detail = fetch(server, own.url)
    assert detail.content_type == "text/html; charset=GBK"
    assert own.title in detail.body.decode("gbk")


def test_not_found_item_is_listed_but_gone(server: replica.ReplicaServer, tiny_truth: dict) -> None:
    [gone] = tiny_truth["special"]["not_found"]
    assert gone.startswith("/zfgg/2017")
    assert fetch(server, gone).status == 404
    listed = "".join(fetch(server, f"/zfgg/{p}").text for p in ("index.html", "index_1.html"))
    assert gone.rsplit("/", 2)[-1] in listed
    missing = fetch(server, "/no/such/page.html")
    assert missing.status == 404 and "页面不存在" in missing.text


def test_hijacked_page_carries_the_gambling_string(server: replica.ReplicaServer, tiny_truth: dict) -> None:
    [hijacked] = tiny_truth["special"]["hijacked"]
    page = fetch(server, hijacked).text
    assert re.search(f"<title>[^<]*{re.escape(GAMBLING)}[^<]*</title>", page)
    assert re.search(f'<meta name="ArticleTitle" content="[^"]*{re.escape(GAMBLING)}', page)
    assert "青石县" not in page
    assert '<div style="display:none"><a href="http://www.kaiyun-bet.example/">' in page
    assert "document.referrer" in page
    assert '<meta name="PubDate" content="2018-' in page


def test_served_listings_match_the_truth(server: replica.ReplicaServer, tiny_truth: dict) -> None:
    served = 0
    for info in tiny_truth["columns"]:
        if info["cms"] == "trs":
            first = fetch(server, info["url"]).text
            pages = int(re.search(r"createPageHTML\((\d+), 0,", first).group(1))  # type: ignore[union-attr]
            folder = info["url"].rsplit("/", 1)[0]
            texts = [first] + [fetch(server, f"{folder}/index_{k}.html").text for k in range(1, pages)]
            urls = [u for t in texts for u in re.findall(r'<li><a href="([^"]+)" title=', t)]
        else:
            page = fetch(server, info["url"]).text
            column_id = re.search(r'<meta name="ColId" content="(\d+)">', page).group(1)  # type: ignore[union-attr]
            urls = re.findall(r"<li><a href='([^']+)'", page)
            start = len(urls) + 1
            while True:
                group = fetch(
                    server,
                    f"/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={start + 5}&perpage=2&columnid={column_id}",
                ).text
                found = re.findall(r"<li><a href='([^']+)'", group)
                if not found:
                    break
                urls += found
                start += len(found)
        assert len(urls) == len(set(urls)) == sum(info["items"].values()) == info["declared_total"], info[
            "path"
        ]
        served += len(urls)
    assert served == sum(sum(c["items"].values()) for c in tiny_truth["columns"])
    assert served == len(tiny_truth["special"]["cross_listed"]) + tiny_truth["totals"]["items"]
    assert server.request_count > 20
