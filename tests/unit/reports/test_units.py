"""The unit of each claim, read from the report's text (``reports.units``): 图片96张 counts images,
视频新闻369条 items, 视频120分钟 a duration; a number written with no unit keeps an empty unit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reports.claims import extract_claims
from reports.table_two import is_table_report, page_text
from reports.units import DURATION, IMAGES, ITEMS

FIXTURES = Path(__file__).parents[2] / "fixtures" / "reports"
SEED = Path(__file__).resolve().parents[4] / "shared" / "seeds" / "000_19a69fc2833c1675.txt"
SHARED = Path(__file__).resolve().parents[4] / "shared" / "reports"
REAL = sorted((FIXTURES / "pingtan").glob("*.txt"))


def _text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return page_text(text) if is_table_report(text) else text


def test_the_seed_counts_pictures_by_the_sheet_and_video_news_by_the_item() -> None:
    path = SEED if SEED.exists() else FIXTURES / "seed_2018.txt"
    claims = {c.key: c for c in extract_claims(path.read_text(encoding="utf-8"))}
    assert (claims["pictures"].value, claims["pictures"].unit, claims["pictures"].measure) == (
        96,
        "张",
        IMAGES,
    )
    video = claims["video_news"]
    assert (video.value, video.unit, video.measure) == (369, "条", ITEMS)
    assert claims["items_published"].measure == ITEMS


@pytest.mark.parametrize(
    ("text", "key", "value", "unit", "measure"),
    [
        ("发布图片新闻12条。", "pictures", 12, "条", ITEMS),
        ("发布图片35幅。", "pictures", 35, "幅", IMAGES),
        ("发布图片7帧。", "pictures", 7, "帧", IMAGES),
        ("发布图片96，视频新闻3条。", "pictures", 96, "", None),
        ("制作视频30个。", "video_news", 30, "个", ITEMS),
        ("发布视频12部。", "video_news", 12, "部", ITEMS),
        ("播出视频120分钟。", "video_news", 120, "分钟", DURATION),
    ],
)
def test_the_unit_is_read_as_the_report_writes_it(
    text: str, key: str, value: int, unit: str, measure: str | None
) -> None:
    [claim] = [c for c in extract_claims(text) if c.key == key]
    assert (claim.value, claim.unit, claim.measure) == (value, unit, measure)


def test_a_year_after_the_word_is_not_a_count() -> None:
    assert not [c for c in extract_claims("视频新闻2018年全年更新。") if c.key == "video_news"]


@pytest.mark.parametrize(
    "path",
    [*REAL, *sorted(SHARED.glob("*.txt"))],
    ids=lambda p: p.name,
)
def test_every_claim_of_a_real_report_keeps_the_unit_printed_after_its_number(path: Path) -> None:
    """The real reports count their items in 条 (none of them states 图片 or 视频): each claim's unit is
    the word printed after its number in the claim's own text, and it counts items."""
    claims = [c for c in extract_claims(_text(path)) if c.value is not None and c.scope != "structure"]
    assert [c for c in claims if c.key != "other"]
    for claim in claims:
        printed = re.search(rf"(?<!\d){claim.value}余?(\D{{1,2}})", claim.text)
        assert printed and printed.group(1).startswith(claim.unit) and claim.unit, claim
    assert not [c for c in claims if c.key in ("pictures", "video_news")]
    assert {c.measure for c in claims if c.unit == "条"} == {ITEMS}


@pytest.mark.parametrize(
    ("text", "key", "value", "unit", "approximate"),
    [
        ("图片新闻120条、图片300余张。", "pictures", 300, "张", True),
        ("上传图片3万余张，", "pictures", 30000, "张", True),
        ("发布图片300多张", "pictures", 300, "张", True),
        ("视频新闻100多条。", "video_news", 100, "条", True),
        ("制作视频20余部", "video_news", 20, "部", True),
        ("发布视频2千余条", "video_news", 2000, "条", True),
        ("图片96 张", "pictures", 96, "张", False),
        ("发布图片信息96张", "pictures", 96, "张", False),
        ("图片类信息96条", "pictures", 96, "条", False),
    ],
)
def test_approximate_multiplied_and_spaced_counts_keep_their_unit(
    text: str, key: str, value: int, unit: str, approximate: bool
) -> None:
    # 300余张 once lost its unit (counted by items), and 3万余张 was read as 3
    claim = [c for c in extract_claims(text) if c.key == key][-1]
    assert (claim.value, claim.unit, claim.approximate) == (value, unit, approximate)


def test_a_number_followed_by_neither_unit_nor_clause_break_is_no_count() -> None:
    assert not [
        c for c in extract_claims("图片2018年度汇编，视频3D展示") if c.key in ("pictures", "video_news")
    ]
