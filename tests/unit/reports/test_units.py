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
