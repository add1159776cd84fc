"""The figures an annual report states that the archive can check, as archived counts.

``claimed`` stays None here; the reconciliation fills it from the report and compares.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from audit.definitions import DISTINCT_TOTAL, EVERY_COLUMN, FEATURE_CUMULATIVE, YEAR, definition
from reports.units import IMAGES, SOURCES, measure_label
from storage import reads
from storage.reads import Session

GOVERNMENT_DOCUMENTS = "政府文件"
FEATURE_COLUMN = "政务公开重点工作"


@dataclass(frozen=True)
class Figure:
    """One checkable number: what the report claims and what the archive holds, and how it counts."""

    key: str
    label: str
    claimed: int | None
    archived: int
    definition: str
    # pictures and videos: the figure by the other measure (distinct image or video files) beside
    # the items — a report may count 图片 by the sheet (张) rather than by the item (条)
    other: int | None = None
    other_measure: str | None = None

    @property
    def other_label(self) -> str:
        """``按张 (distinct images)`` or ``按视频文件 (distinct video sources)``; empty for none."""
        return measure_label(self.other_measure) if self.other_measure else ""


def report_figures(session: Session, site: str, year: int) -> list[Figure]:
    """The archive's side of the report's checkable figures for ``site`` in ``year``; the pictures
    and videos by the item, with their distinct image (video) files beside."""
    figures = _item_figures(session, site, year)
    images = reads.media_of_items(session, site, year, "picture", "images")
    videos = reads.media_of_items(session, site, year, "video", "videos")
    beside = {"pictures": (images.count, IMAGES), "video_news": (videos.count, SOURCES)}
    return [
        replace(f, other=beside[f.key][0], other_measure=beside[f.key][1]) if f.key in beside else f
        for f in figures
    ]


def _item_figures(session: Session, site: str, year: int) -> list[Figure]:
    year_end = date(year, 12, 31)
    return [
        Figure(
            "items_published",
            "各类政府信息",
            None,
            reads.count_distinct_items(session, site, year=year),
            definition(YEAR, DISTINCT_TOTAL),
        ),
        Figure(
            "pictures",
            "图片",
            None,
            reads.count_distinct_items(session, site, year=year, kind="picture"),
            definition(YEAR, DISTINCT_TOTAL),
        ),
        Figure(
            "video_news",
            "视频新闻",
            None,
            reads.count_distinct_items(session, site, year=year, kind="video"),
            definition(YEAR, DISTINCT_TOTAL),
        ),
        Figure(
            "government_documents",
            "政府文件",
            None,
            reads.count_in_columns(session, site, taxonomy_path=GOVERNMENT_DOCUMENTS, year=year),
            definition(YEAR, EVERY_COLUMN, DISTINCT_TOTAL),
        ),
        Figure(
            "feature_column_cumulative",
            "政务公开重点工作专栏（累计）",
            None,
            reads.count_in_subtree(session, site, FEATURE_COLUMN, until=year_end),
            definition(FEATURE_CUMULATIVE, YEAR, DISTINCT_TOTAL),
        ),
    ]
