"""What kind of report a document is (pre-2019 free text, with or without its 统计表; the 2019 trial
table; the 2021 table; a mix), which year it covers and who issued it."""

from __future__ import annotations

import re
from collections import Counter

from documents import Document, Paragraph, Table
from reports.tables import TableReading
from reports.vocabulary import label, pattern, vocabulary

FREE_TEXT = "pre2019-free-text"
FREE_TEXT_STATISTICS = "pre2019-free-text+统计表"
TABLE_2019 = "2019-table"
TABLE_2021 = "2021-table"
MIXED = "mixed"
FORMATS = (FREE_TEXT, FREE_TEXT_STATISTICS, TABLE_2019, TABLE_2021, MIXED)


def report_format(reading: TableReading) -> str:
    """The format, from the tables found and the version of table 二's column words."""
    fixed = bool(reading.tables & {"二", "三", "四"})
    versions = set(reading.versions)
    if not versions and "三" in reading.tables:
        versions.add("2021" if reading.other_handling_rows else "2019")
    if fixed and "统计表" in reading.tables:
        return MIXED
    if len(versions) > 1:
        return MIXED
    if versions:
        return TABLE_2021 if versions == {"2021"} else TABLE_2019
    if fixed:
        return TABLE_2021 if reading.other_handling_rows else TABLE_2019
    return FREE_TEXT_STATISTICS if "统计表" in reading.tables else FREE_TEXT


def _head_lines(document: Document, count: int = 5) -> list[str]:
    return [label(b.text) for b in document.blocks[:count] if isinstance(b, Paragraph)]


def report_year(document: Document) -> int | None:
    """The year in the title; else the statistics period (统计期限自2017年1月1日); else the year the
    text names most."""
    spec = vocabulary()
    for line in _head_lines(document):
        match = pattern(spec["issuer"]["title"]).match(line)
        if match:
            return int(match.group("year"))
    text = document.text
    period = pattern(spec["year"]["period"]).search(label(text))
    if period:
        return int(period.group(1))
    years = Counter(int(y) for y in pattern(spec["year"]["any"]).findall(text) if 1990 <= int(y) <= 2100)
    return years.most_common(1)[0][0] if years else None


def report_issuer(document: Document) -> str | None:
    """The title's words before the year; a place alone (平潭综合实验区) is completed with the body the
    text names with it most often (平潭综合实验区管委会). A page's title follows the site's banner and
    navigation, so more head lines are looked at than for the year; without a title naming the issuer,
    the 发布机构 the page prints beside the article (a table cell or a line)."""
    spec = vocabulary()["issuer"]
    for line in _head_lines(document, int(spec["head_lines"])):
        match = pattern(spec["title"]).match(line)
        if not match or not match.group("issuer"):
            continue
        issuer = match.group("issuer")
        if pattern(spec["bodies"]).search(issuer):
            return issuer
        bodies = Counter(re.findall(re.escape(issuer) + spec["completion"], label(document.text)))
        return bodies.most_common(1)[0][0] if bodies else issuer
    return report_publisher(document)


def report_publisher(document: Document) -> str | None:
    """The 发布机构 (or 发文机关) a page prints beside the article: the cell after a cell so labelled, or
    the rest of a line so labelled, within the document's head."""
    spec = vocabulary()["issuer"]
    head = document.blocks[: int(spec["head_lines"])]
    word = pattern(spec["publisher"])
    for block in head:
        if isinstance(block, Table):
            for row in block.texts():
                for n, text in enumerate(row[:-1]):
                    if word.fullmatch(label(text)) and label(row[n + 1]):
                        return label(row[n + 1])
        else:
            match = re.match(spec["publisher"] + r"(?P<issuer>\S+)", label(block.text))
            if match:
                return match.group("issuer")
    return None
