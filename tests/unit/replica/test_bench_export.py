"""replica.export writes what the replica serves as static files (the site bench/run serves with nginx)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from replica.export import export_site, file_for, pager_html
from replica.routes import CST, Router

logger = logging.getLogger(__name__)


@pytest.fixture(scope="module")
def exported(tiny_site, tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    return export_site(tiny_site, folder), folder


def test_home_is_index_html(exported, tiny_site) -> None:
    result, folder = exported
    home = (folder / "index.html").read_bytes()
    assert home == Router(tiny_site).get("/").body
    assert result.pages["home"] == 1


def test_list_and_detail_pages_are_the_served_bytes(exported, tiny_site) -> None:
    result, folder = exported
    router = Router(tiny_site)
    column = tiny_site.columns["今日关注"]
    assert len(column.items) > column.defn.per_page  # paging runs: index_1.html exists
    for path in ("/jrgz/index.html", "/jrgz/index_1.html"):
        assert (folder / path.lstrip("/")).read_bytes() == router.get(path).body
    item = next(i for i in column.items if i.served)
    page = (folder / item.url.lstrip("/")).read_bytes()
    assert item.title in page.decode("utf-8")
    assert b"__REPLICA_VISITS__" not in page
    stamp = item.last_modified.replace(tzinfo=CST).timestamp()
    assert os.path.getmtime(folder / item.url.lstrip("/")) == pytest.approx(stamp)  # nginx's Last-Modified
    served = [i for i in tiny_site.items.values() if i.served and i.url.startswith("/")]
    assert result.pages["detail"] == len(served)
    assert result.files == len(router.paths()) - 1  # "/" and "/index.html" are one file


def test_gbk_pages_keep_their_bytes(exported, tiny_site) -> None:
    _, folder = exported
    column = tiny_site.columns["乡镇动态"]
    assert column.defn.encoding == "gbk"
    raw = (folder / "xzdt" / "index.html").read_bytes()
    assert b'<meta charset="gbk">' in raw
    assert column.name.encode("gbk") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    item = next(i for i in column.items if i.served and i.url.startswith("/xzdt/"))
    assert item.title.encode("gbk") in (folder / item.url.lstrip("/")).read_bytes()


def test_unserved_items_are_not_exported(exported, tiny_site) -> None:
    _, folder = exported
    gone = [i for i in tiny_site.items.values() if not i.served and i.url.startswith("/")]
    assert gone
    assert not any((folder / i.url.lstrip("/")).exists() for i in gone)


def test_pager_links(tiny_site, tmp_path: Path) -> None:
    export_site(tiny_site, tmp_path, attachments=False, pager_links=True)
    first = (tmp_path / "jrgz" / "index.html").read_text(encoding="utf-8")
    assert '<a href="index_1.html">下一页</a>' in first
    assert "首页</a>" not in first.split('class="pager"', 1)[1]
    assert not any(p.suffix == ".pdf" for p in tmp_path.rglob("*"))
    assert pager_html(0, 1) == ""


def test_file_for_refuses_escapes(tmp_path: Path) -> None:
    assert file_for(tmp_path, "/") == tmp_path / "index.html"
    assert file_for(tmp_path, "/a/") == tmp_path / "a" / "index.html"
    assert file_for(tmp_path, "/a/b.html?x=1") == tmp_path / "a" / "b.html"
    with pytest.raises(ValueError):
        file_for(tmp_path, "/../etc/passwd")
