"""Year comparison: counts side by side for chosen years, with the change from one year to the next.

Three views: every column (0 where a column published nothing that year, never a missing row, and
a 合计 row of distinct items), the taxonomy groups of 政务公开重点工作 (kept 15, 公共资源配置 15,
社会公益事业建设 13, 重大建设项目批准和实施 6 — each group total counts distinct items), and kinds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from audit import walks as walked
from audit.definitions import DISTINCT_TOTAL, EVERY_COLUMN, YEAR, definition, rules_text
from audit.export import View
from storage import reads
from storage.reads import ColumnWalk, Session
from taxonomy import Taxonomy, default_taxonomy

COMPARE_BY = ("column", "taxonomy", "kind")
TOTAL = "合计（不重复条目）"
FEATURE_COLUMN = "政务公开重点工作"
UNCLASSIFIED = "（未分类）"
# The groups the 2018 report compares, in its order, with the number of sub-columns it names.
GROUPS = (
    ("kept", "保留的子栏目"),
    ("public_resources", "公共资源配置"),
    ("social_welfare", "社会公益事业建设"),
    ("major_projects", "重大建设项目批准和实施"),
)
KIND_LABELS = {"article": "文章", "picture": "图片", "video": "视频", "document": "文件"}


@dataclass(frozen=True)
class CompareRow:
    """One line of a comparison: a column, group or kind, its count per year, and the changes."""

    site: str
    label: str
    counts: dict[int, int]
    kind: str = "column"  # column | total | group | taxonomy | kind
    definition: str = ""
    members: tuple[str, ...] = field(default=())
    # a column whose last walk was blocked or failed: its status and reason (its counts are not its whole)
    walk: str = ""
    walk_note: str = ""
    # the columns not walked whole this row's numbers rest on (empty: all walked whole)
    walks: tuple[ColumnWalk, ...] = field(default=(), compare=False)

    def changes(self, years: list[int]) -> list[int]:
        """Year-on-year differences: counts[y(i+1)] − counts[y(i)]."""
        return [self.counts.get(b, 0) - self.counts.get(a, 0) for a, b in zip(years, years[1:], strict=False)]


def compare_years(
    session: Session,
    years: list[int],
    site: str | None = None,
    by: str = "column",
    taxonomy: Taxonomy | None = None,
) -> list[CompareRow]:
    """The comparison rows for ``years`` (sorted) in the view ``by`` (one of :data:`COMPARE_BY`)."""
    if not years:
        raise ValueError("compare needs at least one year")
    years = sorted(set(years))
    if by == "column":
        return _by_column(session, years, site)
    if by == "taxonomy":
        return _by_taxonomy(session, years, site, taxonomy or default_taxonomy())
    if by == "kind":
        return _by_kind(session, years, site)
    raise ValueError(f"unknown view {by!r}; expected one of {', '.join(COMPARE_BY)}")


def _totals(
    session: Session, years: list[int], site: str | None, sites: set[str], short: list[ColumnWalk]
) -> list[CompareRow]:
    found = reads.count_sites_by_year(session, years, site)
    rule = definition(YEAR, DISTINCT_TOTAL)
    return [
        CompareRow(
            s,
            TOTAL,
            found.get(s, dict.fromkeys(years, 0)),
            "total",
            rule,
            walks=tuple(walked.of_site(short, s)),
        )
        for s in sorted(sites | set(found))
    ]


def _by_column(session: Session, years: list[int], site: str | None) -> list[CompareRow]:
    found = reads.count_columns_by_year(session, years, site)
    short = walked.not_walked_whole(session, site)
    rule = definition(YEAR, EVERY_COLUMN)
    troubled = {(s, c.path): (c.status, c.note or "") for s, c in reads.blocked_columns(session, site)}
    rows = [
        CompareRow(
            s,
            path,
            counts,
            "column",
            rule,
            (),
            *troubled.get((s, path), ("", "")),
            walks=tuple(w for w in short if (w.site, w.path) == (s, path)),
        )
        for (s, path), counts in sorted(found.items())
    ]
    return rows + _totals(session, years, site, {s for s, _ in found}, short)


def group_prefixes(taxonomy: Taxonomy, group: str) -> list[str]:
    """Taxonomy paths of a group: each node marked with it (a node stands for its whole subtree)."""
    return [node.path for node in taxonomy.group(group)]


def group_members(taxonomy: Taxonomy, group: str) -> list[str]:
    """The sub-columns a group is made of: kept nodes themselves, or the children of a group node."""
    members: list[str] = []
    for node in taxonomy.group(group):
        children = taxonomy.children(node.code)
        members.extend(child.name for child in children) if children else members.append(node.name)
    return members


def _by_taxonomy(
    session: Session, years: list[int], site: str | None, taxonomy: Taxonomy
) -> list[CompareRow]:
    sites = {s for s, *_ in reads.column_paths(session, site)}
    short = walked.not_walked_whole(session, site)
    rule = definition(YEAR, DISTINCT_TOTAL)
    by_path = reads.count_taxonomy_by_year(session, years, site)
    # Every group total in one pass over the memberships, matched to groups by the paths just found.
    groups = {group: group_prefixes(taxonomy, group) for group, _ in GROUPS}
    groups[FEATURE_COLUMN] = [FEATURE_COLUMN]
    found = reads.count_groups_by_year(
        session, groups, years, site, paths={p for _, p in by_path if p is not None}
    )
    rows: list[CompareRow] = []
    for group, label in GROUPS:
        members = tuple(group_members(taxonomy, group))
        title = f"{label}（{len(members)}个子栏目）"
        rows.extend(
            CompareRow(
                s,
                title,
                found[group].get(s, dict.fromkeys(years, 0)),
                "group",
                rule,
                members,
                walks=tuple(walked.under(short, s, groups[group])),
            )
            for s in sorted(sites)
        )
    feature = found[FEATURE_COLUMN]
    rows.extend(
        CompareRow(
            s,
            f"{FEATURE_COLUMN}（专栏合计）",
            feature.get(s, dict.fromkeys(years, 0)),
            "group",
            rule,
            walks=tuple(walked.under(short, s, [FEATURE_COLUMN])),
        )
        for s in sorted(sites)
    )
    # Every leaf node gets a row (0 when nothing was listed there), then any path the archive holds.
    paths: list[str | None] = [n.path for n in taxonomy if not n.children]
    paths += sorted({p for _, p in by_path if p not in paths and p is not None})
    paths.append(None)
    for s in sorted(sites):
        for path in paths:
            counts = by_path.get((s, path))
            if counts is None and path is None:
                continue
            label = path if path is not None else UNCLASSIFIED
            short_here = (
                walked.under(short, s, [path])
                if path is not None
                else [w for w in walked.of_site(short, s) if w.taxonomy_path is None]
            )
            rows.append(
                CompareRow(
                    s, label, counts or dict.fromkeys(years, 0), "taxonomy", rule, walks=tuple(short_here)
                )
            )
    return rows + _totals(session, years, site, sites, short)


def _by_kind(session: Session, years: list[int], site: str | None) -> list[CompareRow]:
    found = reads.count_kinds_by_year(session, years, site)
    sites = {s for s, *_ in reads.column_paths(session, site)} | {s for s, _ in found}
    short = walked.not_walked_whole(session, site)
    rule = definition(YEAR, DISTINCT_TOTAL)
    rows = [
        CompareRow(
            s,
            f"{KIND_LABELS.get(kind, kind)}（{kind}）",
            found.get((s, kind), dict.fromkeys(years, 0)),
            "kind",
            rule,
            walks=tuple(walked.of_site(short, s)),
        )
        for s in sorted(sites)
        for kind in KIND_LABELS
    ]
    return rows + _totals(session, years, site, sites, short)


VIEW_NAMES = {"column": "按栏目对比", "taxonomy": "按分类对比", "kind": "按体裁对比"}
# How a blocked or failed column is marked beside its counts.
WALK_ZH = {"blocked": "被拦截", "error": "抓取失败"}
STATUS_HEADER = "状态"
ROW_KINDS = {"column": "栏目", "total": "合计", "group": "分组", "taxonomy": "分类", "kind": "体裁"}


def compare_view(rows: list[CompareRow], years: list[int], by: str = "column") -> View:
    """The comparison as a :class:`View`: 站点 | 类别 | 名称 | each year | each change."""
    years = sorted(set(years))
    pairs = list(zip(years, years[1:], strict=False))
    headers = (
        "站点",
        "类别",
        "名称",
        *(f"{y}年" for y in years),
        *(f"变化 {a}→{b}" for a, b in pairs),
    )
    body = [
        (
            r.site,
            ROW_KINDS.get(r.kind, r.kind),
            r.label,
            *(r.counts.get(y, 0) for y in years),
            *r.changes(years),
        )
        for r in rows
    ]
    numeric = frozenset(range(3, len(headers)))
    caption = rules_text("zh") + "\n" + "变化 = 后一年 − 前一年。分组与合计按不重复条目计数。"
    if any(r.walk for r in rows):  # blocked or failed columns: a status, never a bare 0
        headers = (*headers, STATUS_HEADER)
        body = [(*line, _walk_text(r)) for line, r in zip(body, rows, strict=True)]
        caption += "\n状态栏标出最近一次遍历被拦截或抓取失败的栏目：其数字不是栏目全部。"
    caption = walked.with_footnote(caption, [w for r in rows for w in r.walks])
    notes = tuple(walked.note(r.walks) for r in rows)
    return View(
        VIEW_NAMES.get(by, by), headers, body, caption, numeric, paths=frozenset({2}), walk_notes=notes
    )


def _walk_text(row: CompareRow) -> str:
    if not row.walk:
        return ""
    word = WALK_ZH.get(row.walk, row.walk)
    return f"{word}：{row.walk_note}" if row.walk_note else word


def compare_records(rows: list[CompareRow], years: list[int]) -> list[dict[str, object]]:
    """JSON-ready records: site, kind, label, counts by year, changes, definition, group members."""
    years = sorted(set(years))
    return [
        {
            "site": r.site,
            "kind": r.kind,
            "label": r.label,
            "counts": {str(y): r.counts.get(y, 0) for y in years},
            "changes": {
                f"{a}-{b}": d
                for (a, b), d in zip(zip(years, years[1:], strict=False), r.changes(years), strict=False)
            },
            "definition": r.definition,
            **({"members": list(r.members)} if r.members else {}),
            **({"walk": r.walk, "walk_note": r.walk_note or None} if r.walk else {}),
            "walk_columns": walked.records(r.walks),
        }
        for r in rows
    ]
