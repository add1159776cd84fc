"""The corpus served as mini-portals: a home page with a nav, lists at their original paths, 404
for anything not saved."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from replica.corpus import CorpusServer


@pytest.fixture(scope="module")
def server():
    with CorpusServer() as running:
        yield running


def _get(url: str, host: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_home_page_has_a_nav_to_each_list(server):
    portal = server.site.portals["www-yzq-gov-cn"]
    status, body = _get(server.portal_url(portal.slug))
    assert status == 200
    assert "袁州区政府网" in body.decode()
    assert 'href="/_/www-yzq-gov-cn/zwgk/zwdt/zwyw/index.html"' in body.decode()


def test_list_page_is_served_at_its_original_path(server):
    status, body = _get(server.base_url + "/zwgk/zwdt/zwyw/index.html", host="www.yzq.gov.cn")
    assert status == 200
    text = body.decode("utf-8")
    assert 'createPageHTML(120, 0, "index", "html")' in text
    assert "doc = " not in text  # the embedded page only, not the script around it
    status, _ = _get(server.portal_url("www-yzq-gov-cn") + "zwgk/zwdt/zwyw/index.html")
    assert status == 200


def test_saved_file_keeps_its_bytes(server):
    page = server.site.portals["hdzfxxgk-hd-gov-cn"].pages[0]
    status, body = _get(server.base_url + page.path, host=page.host)
    assert status == 200
    assert body == page.file_bytes()


def test_missing_pages_answer_404(server):
    assert _get(server.base_url + "/zwgk/zwdt/zwyw/index_1.html", host="www.yzq.gov.cn")[0] == 404
    assert _get(server.portal_url("no-such-portal"))[0] == 404
    assert _get(server.base_url + "/nothing.html")[0] == 404
