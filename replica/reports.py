"""The annual reports (政府信息公开工作年度报告) a replica publishes, as pages with PDF and DOCX
attachments, and what they claim.

``place_reports`` turns, for each report year the spec's entry in ``reports.yaml`` names, one existing
item of the report column into the report (so no count changes); ``reports_truth`` says where each
report is, its format, its honest figures and the inconsistencies planted in it, with the arithmetic
``zwgk report check`` prints for them. The layouts are the real ones (pre-2019 free text, the 2019
trial tables, the 2021 tables); the files are written by ``replica.report_files``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from replica.model import OK, Attachment, Item, ReplicaSite
from replica.report_files import Block, Grid, Merge, Written, write_report
from replica.spec import Spec

CONFIG_FILE = Path(__file__).with_name("reports.yaml")
DOCUMENTS_COLUMN = "政府文件"
PICTURE, VIDEO = "picture", "video"


Failures = tuple[tuple[str, str], ...]
Layout = Callable[[str, int, "Numbers", tuple[str, ...]], tuple[tuple[Block, ...], Failures]]


@cache
def reports_config() -> dict[str, Any]:
    with open(CONFIG_FILE, encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


@dataclass(frozen=True)
class Numbers:
    """The archive-checkable figures of a year, computed from the replica as the archive counts them."""

    items: int
    pictures: int  # picture items
    images: int  # distinct images on the served picture items' pages (图片N张 counts these)
    videos: int
    documents: int  # items of the year listed in 政府文件
    issued: int  # of those, served with a 文号 (table 二 本年制发 / 本年新制作)
    in_force: int  # issued up to the end of the year (nothing is ever repealed)


@dataclass(frozen=True)
class PlannedReport:
    """One report: its year and layout, its host item, its files and its planted faults."""

    year: int
    format: str
    planted: tuple[str, ...]
    numbers: Numbers
    blocks: tuple[Block, ...]
    expected_failures: tuple[tuple[str, str], ...]


def report_title(site_name: str, year: int) -> str:
    return f"{site_name}{year}年政府信息公开工作年度报告"


def place_reports(spec: Spec, items: dict[str, Item], listings: dict[str, list[Item]]) -> None:
    """Turn one item per report year into the report (in ``items`` and in every listing)."""
    entry = reports_config()["specs"].get(spec.name)
    if not entry:
        return
    listed_in: dict[str, list[str]] = {}
    for path, listed in listings.items():
        for item in listed:
            listed_in.setdefault(item.url, []).append(path)
    for plan in plan_reports(spec, items, listings):
        host = _host(entry["column"], plan.year + 1, listings, listed_in)
        report = _as_report(spec, host, plan)
        items[host.url] = report
        for path in listed_in[host.url]:
            column = listings[path]
            column[column.index(host)] = report


def plan_reports(spec: Spec, items: dict[str, Item], listings: dict[str, list[Item]]) -> list[PlannedReport]:
    """The reports of ``spec`` with their figures, from the items as built (before any report is placed)."""
    entry = reports_config()["specs"].get(spec.name)
    if not entry:
        return []
    out = []
    for report in entry["reports"]:
        year, fmt, planted = int(report["year"]), str(report["format"]), tuple(report.get("planted", ()))
        numbers = year_numbers(spec, year, items, listings)
        blocks, failures = LAYOUTS[fmt](spec.site.name, year, numbers, planted)
        out.append(PlannedReport(year, fmt, planted, numbers, blocks, failures))
    return out


def year_numbers(spec: Spec, year: int, items: dict[str, Item], listings: dict[str, list[Item]]) -> Numbers:
    """As ``replica.truth`` counts: items of blocked columns are unknown to a crawler and left out;
    政府文件 holds the items listed in it or under it."""
    blocked = {p for p in listings if spec.column(p).blocked}
    hidden = {i.url for p in blocked for i in listings[p]}
    in_year = [i for i in items.values() if i.year == year and i.url not in hidden]
    documents = {
        i.url: i
        for path, listed in listings.items()
        if path not in blocked and (path == DOCUMENTS_COLUMN or path.startswith(DOCUMENTS_COLUMN + "/"))
        for i in listed
    }
    issued = [i for i in documents.values() if i.doc_no and i.status == OK]
    return Numbers(
        items=len(in_year),
        pictures=sum(i.kind == PICTURE for i in in_year),
        images=len({im.path for i in in_year if i.kind == PICTURE and i.served for im in i.images}),
        videos=sum(i.kind == VIDEO for i in in_year),
        documents=sum(i.year == year for i in documents.values()),
        issued=sum(i.year == year for i in issued),
        in_force=sum(i.year <= year for i in issued),
    )


def _host(column: str, year: int, listings: dict[str, list[Item]], listed_in: dict[str, list[str]]) -> Item:
    pool = [
        i
        for i in listings.get(column, [])
        if i.home == column
        and i.year == year
        and i.status == OK
        and i.kind == "article"
        and not i.doc_no
        and len(listed_in.get(i.url, ())) == 1
    ]
    if not pool:
        raise ValueError(f"no plain article in {column} in {year} to publish the report of {year - 1} on")
    return min(pool, key=lambda i: (i.pub, i.id))


def _as_report(spec: Spec, host: Item, plan: PlannedReport) -> Item:
    written = _written(plan.blocks)
    directory = host.url.rsplit("/", 1)[0] + "/"
    title = report_title(spec.site.name, plan.year)
    files = tuple(
        Attachment(href=f"./{name}", path=directory + name, label=f"{title}.{ext}", data=data)
        for ext, data in (("pdf", written.pdf), ("docx", written.docx))
        for name in [f"P0{host.pub:%Y%m%d}{host.id:06d}.{ext}"]
    )
    return Item(
        **{**host.__dict__, "title": title, "paragraphs": (), "body_html": written.html, "attachments": files}
    )


@cache
def _written(blocks: tuple[Block, ...]) -> Written:
    return write_report(blocks)


def reports_truth(site: ReplicaSite) -> list[dict[str, Any]]:
    """Each report the replica publishes: year, format, page URL, attachment paths, honest figures and
    the planted failures (``rule``, ``arithmetic``) that ``zwgk report check`` must find, and no other.
    A report's host keeps its kind and 文号 (none), so the figures computed now are those it states."""
    pages = {i.title: i for i in site.items.values() if i.body_html is not None}
    listings = {c.path: list(c.items) for c in site.listing_columns()}
    out = []
    for plan in plan_reports(site.spec, site.items, listings):
        page = pages.get(report_title(site.spec.site.name, plan.year))
        if page is None:
            continue
        out.append(
            {
                "year": plan.year,
                "format": plan.format,
                "url": page.url,
                "title": page.title,
                "published": page.list_date.isoformat(),
                "attachments": {a.path.rsplit(".", 1)[1]: a.path for a in page.attachments},
                "figures": dict(plan.numbers.__dict__),
                "planted": list(plan.planted),
                "failures": [{"rule": r, "arithmetic": a} for r, a in plan.expected_failures],
            }
        )
    return out


# -- layouts -----------------------------------------------------------------------------------------
def _pre_2019(
    name: str, year: int, n: Numbers, planted: tuple[str, ...]
) -> tuple[tuple[Block, ...], Failures]:
    work, policy = n.items // 2, n.documents
    other = n.items - work - policy
    failures: list[tuple[str, str]] = []
    if "parts" in planted:
        other += 7
        failures.append(
            ("prose.parts", f"{work} + {policy} + {other} = {work + policy + other} ≠ {n.items} ✗")
        )
    blocks: tuple[Block, ...] = (
        report_title(name, year),
        f"本年度报告根据《中华人民共和国政府信息公开条例》要求编制，所列数据统计期限为{year}年1月1日至{year}年12月31日。",
        "一、主动公开政府信息情况",
        # 图片…张 counts pictures (images), as the archive reads the unit; 视频新闻…条 counts items
        f"{year}年，县政府网站主动公开发布各类政府信息{n.items}条，图片{n.images}张，"
        f"视频新闻{n.videos}条，政府文件{n.documents}条。",
        f"全年主动公开政府信息{n.items}条，其中工作动态类信息{work}条、政策文件类信息{policy}条、其他信息{other}条。",
        "二、依申请公开政府信息情况",
        "全年共收到政府信息公开申请3件，全部按时办理完成。",
        "三、政府信息公开的收费及减免情况",
        "未收取任何费用。",
        "四、因政府信息公开申请行政复议、提起行政诉讼的情况",
        f"{year}年未发生因政府信息公开而产生的行政复议、行政诉讼案件。",
    )
    return blocks, tuple(failures)


def _table_two(version: str, n: Numbers) -> Grid:
    if version == "2019":
        head = ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量")
        rows = (("规章", "0", "0", "0"), ("规范性文件", str(n.issued), str(n.issued), str(n.in_force)))
    else:
        head = ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
        rows = (("规章", "0", "0", "0"), ("行政规范性文件", str(n.issued), "0", str(n.in_force)))
    return Grid((head, *rows))


def _table_three(
    new: int, carried_in: int, outcomes: list[int], total: int, carried: int, version: str
) -> Grid:
    labels = [tuple(x) for x in reports_config()["outcomes_2021"]]
    if version == "2019":
        labels = [*labels[:-4], ("（六）其他处理", ""), labels[-1]]
    values = [*outcomes, total]
    if len(values) != len(labels):
        raise ValueError(f"table 三 has {len(labels)} outcome rows, {len(values)} numbers given")
    rows: list[tuple[str, ...]] = [
        (
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            "",
            "",
            "申请人情况",
            *[""] * 6,
        ),
        ("", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"),
        ("", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""),
        ("一、本年新收政府信息公开申请数量", "", "", str(new), *["0"] * 5, str(new)),
        ("二、上年结转政府信息公开申请数量", "", "", str(carried_in), *["0"] * 5, str(carried_in)),
    ]
    merges: list[Merge] = [
        (0, 0, 2, 2),
        (0, 3, 0, 9),
        (1, 3, 2, 3),
        (1, 4, 1, 8),
        (1, 9, 2, 9),
        (3, 0, 3, 2),
        (4, 0, 4, 2),
    ]
    start = len(rows)
    for n, ((group, leaf), value) in enumerate(zip(labels, values, strict=True)):
        heading = "三、本年度办理结果" if n == 0 else ""
        rows.append((heading, group, leaf, str(value), *["0"] * 5, str(value)))
    rows.append(("四、结转下年度继续办理", "", "", str(carried), *["0"] * 5, str(carried)))
    merges.append((start, 0, start + len(labels) - 2, 0))
    groups: dict[int, int] = {}
    for n, (group, leaf) in enumerate(labels):
        if group:
            groups[n] = n
        elif n and leaf:
            groups[n] = groups[n - 1]
    for first in sorted(set(groups.values())):
        last = max(n for n, g in groups.items() if g == first)
        if last > first:
            merges.append((start + first, 1, start + last, 1))
        if not labels[first][1]:
            merges.append((start + first, 1, start + first, 2))
    merges.append((len(rows) - 2, 1, len(rows) - 2, 2))
    merges.append((len(rows) - 1, 0, len(rows) - 1, 2))
    return Grid(tuple(rows), tuple(merges), header_rows=3)


def _table_four() -> Grid:
    outcomes = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    rows = (
        ("行政复议", "", "", "", "", "行政诉讼", *[""] * 9),
        (*outcomes, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""),
        ("", "", "", "", "", *outcomes, *outcomes),
        tuple("0" for _ in range(15)),
    )
    merges = ((0, 0, 0, 4), (0, 5, 0, 14), (1, 5, 1, 9), (1, 10, 1, 14), *((1, c, 2, c) for c in range(5)))
    return Grid(rows, merges)


def _with_tables(version: str) -> Layout:
    def layout(
        name: str, year: int, n: Numbers, planted: tuple[str, ...]
    ) -> tuple[tuple[Block, ...], Failures]:
        failures: list[tuple[str, str]] = []
        leaves = 19 if version == "2019" else 21
        # 9 new and 1 carried in: 6 公开, 1 部分公开, 2 无法提供(1.); 总计 9, 1 carried to next year
        new, carried_in, total, carried, opened = 9, 1, 9, 1, 6
        if "three_total" in planted:
            opened = 7  # the rows sum to 10 under a 总计 of 9 (新收 + 结转 = 总计 + 结转下年度 still holds)
        outcomes = [opened, 1, *[0] * 8, 2, *[0] * (leaves - 11)]
        if "three_total" in planted:
            terms = " + ".join(str(v) for v in outcomes)
            failures.append(("三.outcomes", f"{terms} = {sum(outcomes)} ≠ {total} ✗"))
        stated = new
        if "prose_table" in planted:
            stated = new - 2
            failures.append(("pair", f"{stated} ≠ {new} ✗"))
        blocks: tuple[Block, ...] = (
            report_title(name, year),
            "一、总体情况",
            f"{year}年，县政府网站主动公开发布各类政府信息{n.items}条。",
            f"全年共收到政府信息公开申请{stated}件，全部按期答复。",
            "二、主动公开政府信息情况",
            "第二十条第（一）项",
            _table_two(version, n),
            "三、收到和处理政府信息公开申请情况",
            _table_three(new, carried_in, outcomes, total, carried, version),
            "四、政府信息公开行政复议、行政诉讼情况",
            _table_four(),
            "五、存在的主要问题及改进情况",
            "无。",
        )
        return blocks, tuple(failures)

    return layout


LAYOUTS: dict[str, Layout] = {
    "pre-2019": _pre_2019,
    "2019": _with_tables("2019"),
    "2021": _with_tables("2021"),
}
