"""The archive's counting rules in plain words, Chinese and English, printed beside every number."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One counting rule, said the same way in both languages."""

    key: str
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


YEAR = Rule(
    "year",
    "条目的年份取其发布日期的年份；详情页无法抓取时，取列表页上的日期。",
    "An item's year is the year of its published date (发布日期); when its page could not be "
    "fetched, the date on the list page.",
)
EVERY_COLUMN = Rule(
    "every_column",
    "条目计入它曾出现过的每一个栏目（同时挂在多个栏目的，每个栏目各计一次）。",
    "An item counts in every column it was ever listed in (a cross-listed item counts once in each).",
)
DISTINCT_TOTAL = Rule(
    "distinct_total",
    "合计与分类统计按不重复的条目计数，同一条目只计一次。",
    "Totals and taxonomy counts count distinct items: an item counts once however often it is listed.",
)
REMOVED_STILL_COUNT = Rule(
    "removed_still_count",
    "已从栏目消失或页面已失效的条目仍然计入（它们确曾发布），并加以标记；“仅在线”视图不计它们。",
    "Items later removed from their column, or whose page is gone, still count (they were published); "
    "they are flagged, and the online-only view leaves them out.",
)
FOREIGN = Rule(
    "foreign",
    "栏目中链接到其他网站的条目计入该栏目，并标记为外站。",
    "An item listed in a column but hosted on another site counts in that column, flagged as foreign.",
)
FEATURE_CUMULATIVE = Rule(
    "feature_cumulative",
    "专栏累计数：政务公开重点工作专栏及其下各子栏目中，截至该年12月31日的不重复条目数。",
    "Feature-column cumulative figure: distinct items in 政务公开重点工作 and all its sub-columns "
    "dated on or before 31 December of the year.",
)

COUNTING_RULES: tuple[Rule, ...] = (YEAR, EVERY_COLUMN, DISTINCT_TOTAL, REMOVED_STILL_COUNT, FOREIGN)


def rules_text(lang: str = "zh", rules: tuple[Rule, ...] = COUNTING_RULES) -> str:
    """The rules as numbered lines, for a table caption or a report footer."""
    return "\n".join(f"{n}. {rule.text(lang)}" for n, rule in enumerate(rules, start=1))


def definition(*rules: Rule) -> str:
    """A bilingual definition made of the given rules: each Chinese sentence, then its English."""
    return " ".join(f"{rule.zh} {rule.en}" for rule in rules)


IMAGES_IN_ITEMS = Rule(
    "images_in_items",
    "按张：这些条目页面上不重复的图片文件数（按图片网址），同一张图片出现在几个条目中也只计一次。",
    "By the sheet (张): the distinct image files (by URL) on those items' pages; an image shown in "
    "several items counts once.",
)
VIDEO_SOURCES = Rule(
    "video_sources",
    "另列：这些条目页面上不重复的视频文件数（按视频网址）。",
    "Beside it: the distinct video files (by URL) on those items' pages.",
)
