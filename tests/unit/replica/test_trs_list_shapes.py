"""Each list shape of the ``shapes`` spec: its first page parses (TRS adapter) to exactly the items
truth puts on it, and a column of several pages hands on to page two."""

from __future__ import annotations

import logging

import pytest
from scrapy.http import HtmlResponse, Request

import replica
from crawler.adapters.trs import TrsAdapter
from replica.render import trs
from replica.render.layout import page_count

logger = logging.getLogger(__name__)

SITE = replica.build_site(replica.load_spec("shapes"))
BASE = "http://127.0.0.1:8000"
COLUMNS = {c.defn.list_style: c for c in SITE.listing_columns()}


def first_page(column):  # type: ignore[no-untyped-def]
    url = BASE + column.url
    body = trs.render_list(SITE, column, 0).encode("utf-8")
    return HtmlResponse(url=url, body=body, encoding="utf-8", request=Request(url, meta={"column_url": url}))


def test_every_style_is_in_the_spec() -> None:
    assert set(COLUMNS) == {"plain", "blocks", "static", "onclick", "select"}


@pytest.mark.parametrize("style", sorted(COLUMNS))
def test_first_page_parses_to_truth(style: str) -> None:
    column = COLUMNS[style]
    result = TrsAdapter().parse_list(first_page(column), 0)
    expected = [BASE + i.url for i in column.items[: column.defn.per_page]]
    assert [e.url for e in result.entries] == expected
    assert page_count(column) > 1
    assert result.next_request is not None
    assert result.next_request.url == BASE + column.url.rsplit("/", 1)[0] + "/index_1.html"


def test_blocks_hide_all_but_the_first_group() -> None:
    html = trs.render_list(SITE, COLUMNS["blocks"], 0)
    assert html.count('ms-visible="$showStatic(') == 3
    assert html.count('style="display:none;"') == 2
    assert "createPageHTML" not in trs.render_list(SITE, COLUMNS["static"], 0)
