"""Ground truth about a replica: what a correct crawl must count, and the profile to crawl it with.

Every number is computed from the generated model under the archive's counting rules, written out
in ``DEFINITIONS`` so the figures never travel without their meaning.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from replica.model import HIJACKED, NOT_FOUND, Item, ReplicaSite
from taxonomy import default_taxonomy

logger = logging.getLogger(__name__)

FEATURE_COLUMN = "政务公开重点工作"
DOCUMENTS_COLUMN = "政府文件"
REPORT_YEAR = 2018

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
}


def memberships(site: ReplicaSite) -> dict[str, list[str]]:
    """For every item URL path, the paths of the columns that list it (home column first)."""
    out: dict[str, list[str]] = defaultdict(list)
    for column in site.listing_columns():
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
    items = list(site.items.values())
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
        node = taxonomy.get(column.defn.taxonomy_code or "")
        columns.append(
            {
                "path": column.path,
                "url": column.url,
                "cms": column.cms,
                "taxonomy_code": node.code,
                "taxonomy": node.path,
                "declared_total": len(column.items),
                "items": _by_year(list(column.items)),
            }
        )
        per_taxonomy[node.path].update(i.url for i in column.items)
    kinds = ("picture", "video", "document", "article")
    return {
        "spec": spec.name,
        "as_of": spec.as_of.isoformat(),
        "site": {"slug": spec.site.slug, "name": spec.site.name},
        "definitions": DEFINITIONS,
        "report_2018": report,
        "columns": columns,
        "taxonomy": {
            path: _by_year([site.items[u] for u in urls]) for path, urls in sorted(per_taxonomy.items())
        },
        "totals": {
            "items_by_year": _by_year(items),
            "kinds_by_year": {k: _by_year([i for i in items if i.kind == k]) for k in kinds},
            "items": len(items),
            "detail_pages": sum(1 for i in items if i.status != NOT_FOUND),
        },
        "special": {
            "hijacked": [i.url for i in items if i.status == HIJACKED],
            "not_found": [i.url for i in items if i.status == NOT_FOUND],
            "cross_listed": [[url, paths] for url, paths in listed.items() if len(paths) > 1],
            "empty_columns": [c.path for c in site.listing_columns() if not c.items],
            "gbk_columns": [c.path for c in site.listing_columns() if c.defn.encoding == "gbk"],
        },
    }


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
