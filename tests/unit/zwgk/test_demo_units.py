"""The demo's unit lines: 图片96张 is set against the distinct images (the items beside), 视频新闻369条
against the video items (the distinct video files beside)."""

from __future__ import annotations

from audit.figures import Figure
from zwgk.demo import unit_line


def test_pictures_by_the_sheet_are_set_against_the_images() -> None:
    figure = Figure("pictures", "图片", None, 96, "", other=298, other_measure="images")
    assert unit_line(figure, 96) == (
        "图片：年报写“96张”，单位“张”→ 按张 (distinct images)：存档 298，差异 +202；另按条 (items)：96"
    )


def test_video_news_by_the_item_are_set_against_the_items() -> None:
    figure = Figure("video_news", "视频新闻", None, 369, "", other=360, other_measure="sources")
    line = unit_line(figure, 369)
    assert line is not None and "单位“条”→ 按条 (items)：存档 369，差异 +0" in line
    assert line.endswith("另按视频文件 (distinct video sources)：360")


def test_a_figure_without_another_measure_has_no_unit_line() -> None:
    assert unit_line(Figure("items_published", "各类政府信息", None, 1758, ""), 1758) is None
