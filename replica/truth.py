"""Ground truth about a replica: what a correct crawl must count, and the profile to crawl it with.

Every number is computed from the generated model under the archive's counting rules, written out
in ``DEFINITIONS`` so the figures never travel without their meaning.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from replica.changes import CHANGE_KINDS
from replica.model import FOREIGN, HIJACKED, NOT_FOUND, Item, ReplicaSite
from replica.render.traps import TRAPS
from replica.reports import reports_truth
from replica.statements import statements_truth
from taxonomy import default_taxonomy

FEATURE_COLUMN = "政务公开重点工作"
DOCUMENTS_COLUMN = "政府文件"
REPORT_YEAR = 2018
# The key of truth["taxonomy"] for items of columns that match no taxonomy node (JSON turns a None key
# into "null" anyway, so the string keeps the Python and the JSON form equal).
UNCLASSIFIED = "null"

DEFINITIONS = {
    "item_year": "An item's year is the year of the 发布日期 on its detail page; for an item whose page "
    "cannot be fetched (404), the year of the date beside it on the list page.",
    "items_published": "Distinct items (by URL) with 发布日期 in the report year, across every column of the "
    "portal; an item listed in two columns counts once.",
    "pictures": "Distinct items of kind picture (items of the 图片 column) with 发布日期 in the report year.",
    "video_news": "Distinct items of kind video (items of the 视频新闻 column) with 发布日期 in the report year.",
    "government_documents": "Distinct items listed in the 政府文件 column with 发布日期 in the report year.",
    "feature_column_cumulative": "Distinct items listed in any column under 政务公开重点工作 with 发布日期 on or "
    "before 31 December of the report year (cumulative, not the year alone).",
    "columns": "Per column, items listed in it by year; an item listed in several columns counts in each. "
    "declared_total is the total the column's list pages declare.",
    "taxonomy": "Per leaf taxonomy path, distinct items listed in a column mapped to it, by year.",
    "kinds": "picture: 图片 items; video: 视频新闻 items; document: items with a real 文号; article: the rest.",
    "unclassified": "A column whose name matches no taxonomy node (e.g. 县长信箱) has taxonomy_code and "
    'taxonomy null in columns[]; its items are unclassified and counted under the key "null" of taxonomy.',
    "blocked": "A blocked column answers every page (list and detail) with HTTP 412 or 521 and a JS cookie "
    "challenge, so its items are unknown to a crawler: its columns[] entry has blocked: true, http_status, "
    "declared_total null and items {}; its real counts are in special.blocked_counts, and its items are "
    "left out of report_2018, taxonomy and totals. Blocked columns are not empty columns.",
    "foreign": "special.foreign lists items whose list entry links to another host (absolute URLs). They "
    "count in their column, the taxonomy and the totals, dated by the list page; they have no detail page "
    "on the portal, so totals.detail_pages leaves them out.",
    "traps": "special.traps: URL patterns (regular expressions on path and query) of generated pages that "
    "answer 200 and link to ever more generated pages (calendar days, search results, print views). No "
    "trap page is an item.",
    "state": "state 0 is the portal on as_of; state n is n × 7 days later with the spec's changes 1..n "
    "applied. as_of is the day of the state.",
    "reports": "The 政府信息公开工作年度报告 the replica publishes (replica/reports.yaml): each takes over an "
    "existing item of its column dated the next year (no count changes), shows the report as its page and "
    "links it as a PDF and a DOCX. figures are the year's honest counts; failures are the deliberate "
    "inconsistencies `zwgk report check` must find (rule and arithmetic), and no other.",
    "changes": "Present from state 1: URL paths changed since the previous state. new: items added (dated "
    "after the previous as_of); removed: items gone from their listing whose page answers 404; edited: "
    "body changed, same URL and 发布日期, Last-Modified moved; redated: 发布日期 changed; hijacked: spam "
    "newly injected (Last-Modified unchanged, ETag changed). The 浏览次数 counter on detail pages changes "
    "on every request and is not a change.",
}


def memberships(site: ReplicaSite) -> dict[str, list[str]]:
    """For every item URL path, the paths of the (not blocked) columns that list it (home column first)."""
    out: dict[str, list[str]] = defaultdict(list)
    for column in site.listing_columns():
        if column.blocked:
            continue
        for item in column.items:
            out[item.url].append(column.path)
    for url, paths in out.items():
        home = site.items[url].home
        paths.sort(key=lambda p: p != home)
    return dict(out)


def _by_year(items: list[Item]) -> dict[str, int]:
    counts = Counter(str(i.year) for i in items)
    return {year: counts[year] for year in sorted(counts)}


def truth(site: ReplicaSite) -> dict[str, Any]:
    """The JSON-serialisable ground truth of ``site`` (counts, columns, taxonomy, planted faults)."""
    spec = site.spec
    taxonomy = default_taxonomy()
    listed = memberships(site)
    blocked = [c for c in site.listing_columns() if c.blocked]
    hidden = {i.url for c in blocked for i in c.items}
    items = [i for i in site.items.values() if i.url not in hidden]
    in_year = [i for i in items if i.year == REPORT_YEAR]
    cutoff = date(REPORT_YEAR, 12, 31)

    def under(item: Item, top: str) -> bool:
        return any(p == top or p.startswith(top + "/") for p in listed.get(item.url, ()))

    report = {
        "items_published": len(in_year),
        "pictures": sum(1 for i in in_year if i.kind == "picture"),
        "video_news": sum(1 for i in in_year if i.kind == "video"),
        "government_documents": sum(1 for i in in_year if under(i, DOCUMENTS_COLUMN)),
        "feature_column_cumulative": sum(
            1 for i in items if i.list_date <= cutoff and under(i, FEATURE_COLUMN)
        ),
    }
    columns = []
    per_taxonomy: dict[str, set[str]] = defaultdict(set)
    for column in site.listing_columns():
        code = column.defn.taxonomy_code
        node = taxonomy.get(code) if code is not None else None
        entry: dict[str, Any] = {
            "path": column.path,
            "url": column.url,
            "cms": column.cms,
            "taxonomy_code": node.code if node else None,
            "taxonomy": node.path if node else None,
            "declared_total": len(column.items),
            "items": _by_year(list(column.items)),
        }
        if column.blocked:
            entry.update(blocked=True, http_status=column.blocked, declared_total=None, items={})
        else:
            per_taxonomy[node.path if node else UNCLASSIFIED].update(i.url for i in column.items)
        columns.append(entry)
    kinds = ("picture", "video", "document", "article")
    out: dict[str, Any] = {
        "spec": spec.name,
        "state": site.state,
        "as_of": site.as_of.isoformat(),
        "site": {"slug": spec.site.slug, "name": spec.site.name},
        "definitions": DEFINITIONS,
        "report_2018": report,
        "reports": reports_truth(site),
        "statements": statements_truth(site),
        "columns": columns,
        "taxonomy": {
            path: _by_year([site.items[u] for u in urls]) for path, urls in sorted(per_taxonomy.items())
        },
        "totals": {
            "items_by_year": _by_year(items),
            "kinds_by_year": {k: _by_year([i for i in items if i.kind == k]) for k in kinds},
            "items": len(items),
            "detail_pages": sum(1 for i in items if i.served),
        },
        "special": {
            "hijacked": [i.url for i in items if i.status == HIJACKED],
            "not_found": [i.url for i in items if i.status == NOT_FOUND],
            "cross_listed": [[url, paths] for url, paths in listed.items() if len(paths) > 1],
            "empty_columns": [c.path for c in site.listing_columns() if not c.items and not c.blocked],
            "gbk_columns": [c.path for c in site.listing_columns() if c.defn.encoding == "gbk"],
            "blocked_columns": [c.path for c in blocked],
            "blocked_counts": {c.path: _by_year(list(c.items)) for c in blocked},
            "foreign": [i.url for i in items if i.status == FOREIGN],
            "traps": [dict(t) for t in TRAPS] if spec.traps else [],
        },
    }
    if site.state:
        out["changes"] = {kind: list(site.changes.get(kind, ())) for kind in CHANGE_KINDS}
    return out


def profile(site: ReplicaSite, base_url: str) -> dict[str, Any]:
    """The site profile (``crawler/profile.py`` format) for crawling this replica at ``base_url``."""
    spec = site.spec
    columns = [
        {
            "path": c.path,
            "url": urljoin(base_url, c.url),
            "cms": c.cms,
            "taxonomy": c.defn.taxonomy_code,
            "taxonomy_rule": "replica",
        }
        for c in site.listing_columns()
    ]
    families = {c["cms"] for c in columns}
    return {
        "slug": spec.site.slug,
        "name": spec.site.name,
        "base_url": base_url,
        "allowed_hosts": [urlsplit(base_url).hostname or "127.0.0.1"],
        "cms": families.pop() if len(families) == 1 else "mixed",
        "politeness": {},
        "columns": columns,
    }
