"""Every table the dashboard shows, built as an ``audit.export.View`` so that the page, the XLSX
and the CSV export of it are the same rows. A builder takes a session and the request's
(validated) parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from audit.compare import compare_view, compare_years
from audit.definitions import rules_text
from audit.export import View
from audit.health import Health, health_views, inspect_health
from audit.labels import LABELS
from audit.web.cache import memo
from storage import reads
from storage.reads import Session

MAX_YEARS = 12
UNCLASSIFIED = "（未分类）"
RUN_STATUS = LABELS["run"]
STATUS_ZH = LABELS["status"]
FINDING_ZH = LABELS["finding"]
KIND_ZH = LABELS["kind"]
_SEARCH_LABELS = {"title": "标题", "index_no": "索引号", "doc_no": "文号"}
# The fields storage can search, each with its label (a field storage adds without a label fails here).
SEARCH_FIELDS = {name: _SEARCH_LABELS[name] for name in reads.SEARCH_FIELDS}


@dataclass(frozen=True)
class Params:
    """Validated request parameters, the same for a page, its export and its API answer."""

    site: str | None = None
    year: int | None = None
    years: tuple[int, ...] = ()
    by: str = "column"
    as_of: date = field(default_factory=date.today)
    kind: str | None = None
    page: int = 1
    q: str = ""
    search_field: str = "title"
    column_id: int | None = None


def verdict(health: Health) -> str:
    return "不合格（单项否决）" if health.fails else "未触发单项否决"


def health_of(session: Session, as_of: date, site: str | None) -> Health:
    """The inspection indicators, remembered until the archive changes."""
    return memo(session, ("health", as_of, site), lambda: inspect_health(session, as_of, site))


def sites_view(session: Session, p: Params) -> list[View]:
    return memo(session, ("sites", p.as_of), lambda: _sites_view(session, p))


def _sites_view(session: Session, p: Params) -> list[View]:
    rows = []
    for s in reads.site_summaries(session):
        health = health_of(session, p.as_of, s.slug)
        rows.append(
            (
                s.slug,
                s.name,
                s.last_run_at.isoformat(timespec="minutes") if s.last_run_at else "",
                RUN_STATUS.get(s.last_run_status or "", s.last_run_status or ""),
                s.items,
                s.open_findings,
                verdict(health),
            )
        )
    headers = ("站点", "名称", "最近抓取", "抓取状态", "条目数", "未处置发现", f"检查结论（截至{p.as_of}）")
    caption = f"检查结论按 {p.as_of.isoformat()} 计：该日期之后的条目不计。"
    return [View("站点概览", headers, rows, caption, frozenset({4, 5}))]


@dataclass
class TreeNode:
    """A column (or taxonomy node) and those below it, with counts per year."""

    name: str
    path: str
    counts: dict[int | None, int]
    column_id: int | None = None
    status: str | None = None
    taxonomy: str | None = None
    children: list[TreeNode] = field(default_factory=list)

    def total(self, year: int | None) -> int:
        """Own count plus the children's (per-column counts added, so cross-listed items add twice)."""
        return self.counts.get(year, 0) + sum(c.total(year) for c in self.children)

    def grand_total(self) -> int:
        return sum(self.counts.values()) + sum(c.grand_total() for c in self.children)


def build_tree(entries: list[tuple[str, dict[int | None, int], dict[str, Any]]]) -> list[TreeNode]:
    """Nest ``(path, counts, extra)`` entries by their ``/``-separated paths."""
    nodes: dict[str, TreeNode] = {}
    roots: list[TreeNode] = []

    def ensure(path: str) -> TreeNode:
        if path in nodes:
            return nodes[path]
        parent, _, name = path.rpartition("/")
        node = TreeNode(name, path, {})
        nodes[path] = node
        (ensure(parent).children if parent else roots).append(node)
        return node

    for path, counts, extra in sorted(entries, key=lambda e: e[0]):
        node = ensure(path)
        node.counts.update(counts)
        for key, value in extra.items():
            setattr(node, key, value)
    return roots


@dataclass(frozen=True)
class SiteCounts:
    years: list[int]
    columns: list[TreeNode]
    taxonomy: list[TreeNode]
    per_year: dict[int, int]
    peak: int


def site_counts(session: Session, slug: str) -> SiteCounts:
    """The column tree and the taxonomy tree of a site with counts per year, and the yearly totals."""
    return memo(session, ("site_counts", slug), lambda: _site_counts(session, slug))


def _site_counts(session: Session, slug: str) -> SiteCounts:
    by_column = reads.count_items(session, site=slug, by="column")
    years = sorted({r.year for r in by_column if r.year is not None and r.items})[-MAX_YEARS:]
    columns = {c.path: c for c in reads.site_columns(session, slug)}
    counts: dict[str, dict[int | None, int]] = {}
    for r in by_column:
        if r.column is not None and r.items:
            counts.setdefault(r.column, {})[r.year] = r.items
    entries = [
        (path, counts.get(path, {}), {"column_id": c.id, "status": c.status, "taxonomy": c.taxonomy_path})
        for path, c in columns.items()
    ]
    by_taxonomy = reads.count_items(session, site=slug, by="taxonomy")
    tax: dict[str, dict[int | None, int]] = {}
    for r in by_taxonomy:
        tax.setdefault(r.taxonomy or UNCLASSIFIED, {})[r.year] = r.items
    per_year = reads.count_sites_by_year(session, years, slug).get(slug, {}) if years else {}
    peak = max((n for c in counts.values() for y, n in c.items() if y is not None), default=0)
    return SiteCounts(
        years, build_tree(entries), build_tree([(p, c, {}) for p, c in tax.items()]), per_year, peak
    )


def counts_view(session: Session, p: Params) -> list[View]:
    assert p.site is not None
    sc = site_counts(session, p.site)
    rows: list[tuple[Any, ...]] = []

    def walk(nodes: list[TreeNode]) -> None:
        for n in nodes:
            if n.column_id is not None:
                rows.append(
                    (
                        n.path,
                        n.taxonomy or UNCLASSIFIED,
                        STATUS_ZH.get(n.status or "", n.status),
                        *(n.counts.get(y, 0) for y in sc.years),
                        sum(n.counts.values()),
                    )
                )
            walk(n.children)

    walk(sc.columns)
    headers = ("栏目", "分类", "状态", *(f"{y}年" for y in sc.years), "合计")
    numeric = frozenset(range(3, len(headers)))
    return [View("栏目年度条目数", headers, rows, rules_text("zh"), numeric)]


def compare_views(session: Session, p: Params) -> list[View]:
    def compute() -> list[View]:
        rows = compare_years(session, list(p.years), site=p.site, by=p.by)
        return [compare_view(rows, list(p.years), p.by)]

    return memo(session, ("compare", p.site, p.years, p.by), compute)


def health_tables(session: Session, p: Params) -> list[View]:
    return health_views(health_of(session, p.as_of, p.site))


def findings_view(session: Session, p: Params) -> list[View]:
    page = reads.findings_page(session, p.site, p.kind, p.page)
    rows = [
        (
            slug,
            FINDING_ZH.get(f.kind, f.kind),
            f.subject,
            title,
            f.severity,
            f.first_seen,
            f.last_seen,
            f.resolved_at,
            _evidence_text(f.evidence),
        )
        for f, slug, title in page.rows
    ]
    headers = ("站点", "类型", "对象", "标题", "严重程度", "首次发现", "最近发现", "消除时间", "证据")
    return [View("发现的问题", headers, rows, f"第 {page.page} 页，每页 {page.size} 条。")]


def _evidence_text(evidence: dict[str, Any] | None) -> str:
    if not evidence:
        return ""
    return "; ".join(f"{k}: {v}" for k, v in evidence.items())[:500]


def blocked_view(session: Session, p: Params) -> list[View]:
    rows = [
        (slug, c.path, c.url, STATUS_ZH.get(c.status, c.status), c.note or "", c.last_seen)
        for slug, c in reads.blocked_columns(session, p.site)
    ]
    headers = ("站点", "栏目", "网址", "状态", "说明", "最近尝试")
    return [View("被拦截或出错的栏目", headers, rows, "被WAF拦截的栏目记为“被拦截”，不算空白栏目。")]


def items_rows(page: reads.Page) -> list[tuple[Any, ...]]:
    return [
        (
            r.id,
            r.title,
            r.counted_on,
            KIND_ZH.get(r.kind, r.kind),
            r.doc_no,
            r.index_no,
            STATUS_ZH.get(r.fetch_status, r.fetch_status),
            "是" if r.removed else "",
            r.url,
        )
        for r in page.rows
    ]


ITEM_HEADERS = ("编号", "标题", "计数日期", "体裁", "文号", "索引号", "页面状态", "已删除", "网址")


def column_page(session: Session, column_id: int, year: int | None, page: int) -> reads.Page:
    """One page of a column's items, its total remembered while the archive stays unchanged."""
    return reads.column_items(
        session,
        column_id,
        year,
        page,
        total=lambda count: memo(session, ("column_total", column_id, year), count),
    )


def column_items_view(session: Session, p: Params) -> list[View]:
    assert p.column_id is not None
    page = column_page(session, p.column_id, p.year, p.page)
    found = reads.column(session, p.column_id)
    name = found[0].path if found else str(p.column_id)
    caption = f"共 {page.total} 条；第 {page.page} 页。{rules_text('zh')}"
    return [View(f"栏目条目 {name}"[:60], ITEM_HEADERS, items_rows(page), caption)]


def search_view(session: Session, p: Params) -> list[View]:
    page = reads.search_items(session, p.q, p.search_field, p.site, p.page)
    label = SEARCH_FIELDS[p.search_field]
    return [View("搜索结果", ITEM_HEADERS, items_rows(page), f"{label}包含“{p.q}”，第 {page.page} 页。")]


BUILDERS = {
    "sites": sites_view,
    "counts": counts_view,
    "compare": compare_views,
    "health": health_tables,
    "findings": findings_view,
    "blocked": blocked_view,
    "column-items": column_items_view,
    "search": search_view,
}
