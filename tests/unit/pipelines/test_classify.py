"""pipelines/classify.py: every listing placed in the taxonomy with the rule that placed it — the
column's node first, then the title's keywords, else ``unclassified``; nothing is ever dropped."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crawler.items import ColumnSeen, Detail, Fetched, Listing
from pipelines.classify import ClassifyPipeline
from taxonomy import default_taxonomy

MAPPED = "http://h/ggzy/"
UNMAPPED = "http://h/other/"


@pytest.fixture
def stage() -> ClassifyPipeline:
    return ClassifyPipeline()  # as pipelines/chain.py builds it: the default taxonomy


def _listing(column_url: str, title: str) -> Listing:
    return Listing("s", column_url, "某栏目", f"{column_url}1.html", title)


def test_a_listing_in_a_mapped_column_takes_the_columns_node(stage: ClassifyPipeline) -> None:
    stage.process_item(
        ColumnSeen("s", MAPPED, "公共资源配置", taxonomy_code="ZDGZ.GGZY", taxonomy_rule="alias")
    )
    listing = stage.process_item(_listing(MAPPED, "关于做好防汛工作的通知"))  # its keyword would say ZFWJ
    node = default_taxonomy().get("ZDGZ.GGZY")
    assert (listing.taxonomy_code, listing.taxonomy_path) == ("ZDGZ.GGZY", node.path)
    assert listing.taxonomy_rule == "column:alias"
    assert listing.taxonomy_version == default_taxonomy().version


def test_a_column_mapped_by_the_profile_says_so(stage: ClassifyPipeline) -> None:
    stage.process_item(ColumnSeen("s", MAPPED, "公共资源配置", taxonomy_code="ZDGZ.GGZY"))
    assert stage.process_item(_listing(MAPPED, "t")).taxonomy_rule == "column:profile"


def test_in_a_column_nobody_mapped_the_titles_keyword_decides(stage: ClassifyPipeline) -> None:
    stage.process_item(ColumnSeen("s", UNMAPPED, "其他"))
    listing = stage.process_item(_listing(UNMAPPED, "关于做好防汛工作的通知"))
    assert (listing.taxonomy_code, listing.taxonomy_path) == ("ZFWJ", "政府文件")
    assert listing.taxonomy_rule == "keyword:通知"


def test_without_column_node_or_keyword_the_listing_stays_unclassified_and_is_kept(stage) -> None:
    listing = _listing("http://h/never-seen/", "今天天气很好")
    assert stage.process_item(listing) is listing
    assert (listing.taxonomy_code, listing.taxonomy_path) == (None, None)
    assert listing.taxonomy_rule == "unclassified"
    assert listing.taxonomy_version == default_taxonomy().version


def test_a_column_seen_again_replaces_its_mapping(stage: ClassifyPipeline) -> None:
    stage.process_item(ColumnSeen("s", MAPPED, "c", taxonomy_code="ZDGZ.GGZY", taxonomy_rule="alias"))
    stage.process_item(ColumnSeen("s", MAPPED, "c", taxonomy_code="ZFWJ", taxonomy_rule="exact"))
    assert stage.process_item(_listing(MAPPED, "t")).taxonomy_code == "ZFWJ"


@pytest.mark.parametrize(
    "record",
    [
        ColumnSeen("s", MAPPED, "c", taxonomy_code="ZDGZ.GGZY", taxonomy_rule="alias"),
        Detail("s", "http://h/ggzy/1.html", 200, title="关于做好防汛工作的通知"),
        Fetched("s", "http://h/ggzy/1.html", "detail", 200, [], b"", []),
    ],
    ids=lambda r: type(r).__name__,
)
def test_other_records_pass_through_unchanged(stage: ClassifyPipeline, record) -> None:
    before = replace(record)
    assert stage.process_item(record) is record
    assert record == before
