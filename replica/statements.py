"""The 政府网站工作年度报表 (a website's yearly statement, 国办函〔2018〕12号) a replica publishes, as a page
with PDF and DOCX attachments, beside its annual reports.

For each year the spec's entry in ``reports.yaml`` names under ``statements``, one plain article of the
given column dated in the next year becomes the statement, dated in January (statements are published
by 31 January; the item keeps its year, so no count changes); its 信息发布 总数 is the year's items as the archive counts them
plus the entry's ``overstate`` (a planted inconsistency with the archive: the form's own arithmetic
still adds up), split over the form's three kinds. ``statements_truth`` says where each is, what it
states and what was planted.
"""

from __future__ import annotations

from typing import Any

from replica import reports
from replica.model import OK, Attachment, Item, ReplicaSite
from replica.report_files import Block, Grid, write_report
from replica.reports import year_numbers
from replica.spec import Spec

FORM = "政府网站工作年度报表"


def statement_title(site_name: str) -> str:
    """The page's title names no year (as many do): the year is the one before its January date,
    and the form's own （YYYY年度）."""
    return f"{site_name}网站工作年度报表"


def _entries(spec: Spec) -> list[dict[str, Any]]:
    entry = reports.reports_config()["specs"].get(spec.name) or {}
    return list(entry.get("statements", ()))


def _overstated(entry: dict[str, Any]) -> int:
    return int(entry.get("overstate") or 0)


def statement_figures(items: int, overstate: int = 0) -> dict[str, int]:
    """The counts the statement states: 信息发布 总数 = the year's items (plus ``overstate``), split
    over the form's kinds."""
    total = items + overstate
    overview = total // 5
    news = total // 2
    return {
        "total": total,
        "overview": overview,
        "news": news,
        "catalogue": total - overview - news,
        "unique_users": 15234,
        "visits": 120345,
        "security_assessments": 4,
    }


def _blocks(spec: Spec, year: int, f: dict[str, int]) -> tuple[Block, ...]:
    site = spec.site
    rows = (
        ("网站名称", "", f"{site.name}门户网站"),
        ("首页网址", "", f"http://{site.domain}"),
        ("主办单位", "", f"{site.name}办公室"),
        ("政府网站标识码", "", site.site_id_code),
        ("ICP备案号", "", site.icp),
        ("独立用户访问总量（单位：个）", "", str(f["unique_users"])),
        ("网站总访问量（单位：次）", "", str(f["visits"])),
        ("信息发布（单位：条）", "总数", str(f["total"])),
        ("", "概况类信息更新量", str(f["overview"])),
        ("", "政务动态信息更新量", str(f["news"])),
        ("", "信息公开目录信息更新量", str(f["catalogue"])),
        ("安全防护", "安全检测评估次数（单位：次）", str(f["security_assessments"])),
    )
    merges = tuple((r, 0, r, 1) for r in range(7)) + ((7, 0, 10, 0),)
    return (FORM, f"（{year}年度）", f"填报单位：{site.name}办公室", Grid(rows, merges))


def _host(column: str, year: int, listings: dict[str, list[Item]], taken: set[str]) -> Item:
    pool = [
        i
        for i in listings.get(column, [])
        if i.home == column
        and i.pub.year == year
        and i.status == OK
        and i.kind == "article"
        and not i.doc_no
        and i.url not in taken
        and sum(i in listed for listed in listings.values()) == 1
    ]
    if not pool:
        raise ValueError(f"no plain article in {column} in {year} to publish the statement of {year - 1} on")
    return min(pool, key=lambda i: (i.pub, i.id))


def place_statements(spec: Spec, items: dict[str, Item], listings: dict[str, list[Item]]) -> None:
    """Turn one January item per statement year into the statement (in ``items`` and every listing)."""
    taken = {i.url for i in items.values() if i.body_html is not None}
    for entry in _entries(spec):
        year = int(entry["year"])
        figures = statement_figures(year_numbers(spec, year, items, listings).items, _overstated(entry))
        host = _host(str(entry["column"]), year + 1, listings, taken)
        written = write_report(_blocks(spec, year, figures))
        title = statement_title(spec.site.name)
        january = host.pub.replace(month=1, day=min(host.pub.day, 31))
        directory = host.url.rsplit("/", 1)[0] + "/"
        files = tuple(
            Attachment(href=f"./{name}", path=directory + name, label=f"{title}.{ext}", data=data)
            for ext, data in (("pdf", written.pdf), ("docx", written.docx))
            for name in [f"B0{host.pub:%Y%m%d}{host.id:06d}.{ext}"]
        )
        statement = Item(
            **{
                **host.__dict__,
                "title": title,
                "pub": january,
                "paragraphs": (),
                "body_html": written.html,
                "attachments": files,
            }
        )
        items[host.url] = statement
        for listed in listings.values():
            if host in listed:
                listed[listed.index(host)] = statement


def statements_truth(site: ReplicaSite) -> list[dict[str, Any]]:
    """Each statement the replica publishes: year, page URL, publication date, attachment paths and
    the counts it states (信息发布 总数 is the year's items, as the archive counts them)."""
    title = statement_title(site.spec.site.name)
    pages = {i.pub.year - 1: i for i in site.items.values() if i.body_html is not None and i.title == title}
    listings = {c.path: list(c.items) for c in site.listing_columns()}
    out = []
    for entry in _entries(site.spec):
        year = int(entry["year"])
        page = pages.get(year)
        if page is None:
            continue
        out.append(
            {
                "year": year,
                "url": page.url,
                "title": page.title,
                "published": page.list_date.isoformat(),
                "attachments": {a.path.rsplit(".", 1)[1]: a.path for a in page.attachments},
                "figures": statement_figures(
                    year_numbers(site.spec, year, site.items, listings).items, _overstated(entry)
                ),
                # 信息发布 总数 above the archive's count by this many (the form's parts still add up)
                "overstated": _overstated(entry),
            }
        )
    return out
