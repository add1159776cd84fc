"""Report reconciliation: each claim of an annual report beside what the archive holds.

A :class:`Reconciliation` says whether the claim is checkable (and why not), the claimed and the
archived number, their difference (archived − claimed), the definition the archive counted by, and
the items (or columns) behind the archived number (``audit.reconciliation``). Free-text reports go
through ``reports.claims``; fixed-table HTML reports through ``reports.table_two`` (and their prose
through ``reports.claims``); the structure claims are checked by ``audit.structure_claims``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from audit import walks as walked
from audit.claim_items import TABLE_ISSUED, claim_filters, count_claim_items, list_claim_items
from audit.claim_media import MEDIA_CLAIMS, files_definition, is_media_claim, media_measure
from audit.definitions import DISTINCT_TOTAL, EVERY_COLUMN, FEATURE_CUMULATIVE, YEAR, definition
from audit.export import View
from audit.reconciliation import Reconciliation
from audit.structure_claims import GROUP_OF_CLAIM, check_group, check_named_column, check_top_columns
from reports.claims import Claim, extract_claims
from reports.table_two import TableReport, is_table_report, page_text, parse_table_two
from reports.units import DURATION, duration_reason
from reports.website import statement_claims, statement_in_text
from storage.reads import ColumnWalk, ItemRow, Session
from taxonomy import Taxonomy, default_taxonomy

DOCUMENTS_RULE = (
    "本年制发件数对照：该年发布、列在映射为“政府文件”的栏目中、且体裁为文件或带有文号的不重复条目。"
    "栏目里也有非规范性文件，存档数通常不小于报告数。 Issued-this-year check: distinct items of the year "
    "listed in columns mapped to 政府文件 that are of kind document or carry a 文号; the column also "
    "holds documents that are not normative, so the archive usually holds at least the claimed number."
)
IDENTITY_RULE = (
    "跨年恒等式：现行有效件数(Y) = 现行有效件数(Y−1) + 本年制发件数(Y) − 本年废止件数(Y)（2019版表格用"
    "对外公开总数量与本年新公开数量）。 Cross-year identity: in force(Y) = in force(Y−1) + issued(Y) − repealed(Y)."
)


def reconcile_text(
    session: Session,
    site: str,
    year: int,
    text: str,
    taxonomy: Taxonomy | None = None,
    with_items: bool = True,
) -> list[Reconciliation]:
    """Every claim of a free-text report, checked where the archive can check it."""
    return reconcile_claims(session, site, year, extract_claims(text), taxonomy, with_items)


def reconcile_claims(
    session: Session,
    site: str,
    year: int,
    claims: Sequence[Claim],
    taxonomy: Taxonomy | None = None,
    with_items: bool = True,
) -> list[Reconciliation]:
    """Claims however read (a report's text, a website statement's form), checked where the archive can."""
    taxonomy = taxonomy or default_taxonomy()
    return [_check_claim(session, site, year, claim, taxonomy, with_items) for claim in claims]


def reconcile_reports(
    session: Session,
    site: str,
    year: int,
    reports: Sequence[str],
    taxonomy: Taxonomy | None = None,
    with_items: bool = True,
) -> list[Reconciliation]:
    """Reconcile one or more reports (free text or fixed-table HTML) for ``year``.

    ``with_items`` lists every item behind each number (the CLI and the exports); without it the
    numbers are counted (the same numbers, from the count rollup when current) and each claim carries
    the ``filters`` that page through its items (``claim_filters``, ``list_claim_items``).
    """
    out: list[Reconciliation] = []
    prose: list[Reconciliation] = []
    tables: list[TableReport] = []
    for text in reports:
        statement = statement_in_text(text)
        if statement is not None:  # a 政府网站工作年度报表: the counts of its form
            if statement.year in (None, year):
                out.extend(
                    reconcile_claims(session, site, year, statement_claims(statement), taxonomy, with_items)
                )
        elif is_table_report(text):
            table = parse_table_two(text)
            tables.append(table)
            if table.year in (None, year):  # the claims of its prose, as a free-text report's
                prose.extend(reconcile_text(session, site, year, page_text(text), taxonomy, with_items))
        else:
            out.extend(reconcile_text(session, site, year, text, taxonomy, with_items))
    return out + reconcile_tables(session, site, year, tables, with_items) + prose


def reconcile_tables(
    session: Session, site: str, year: int, tables: Sequence[TableReport], with_items: bool = True
) -> list[Reconciliation]:
    """Table 二 of fixed-table reports (read from any format) for ``year``, and the cross-year identities."""
    out = [
        r for t in tables if t.year in (None, year) for r in _check_table(session, site, year, t, with_items)
    ]
    return out + _identities(list(tables))


def _not_checkable(claim: Claim, reason: str | None = None) -> Reconciliation:
    return Reconciliation(
        claim.key,
        claim.label,
        claim.scope,
        claim.unit,
        claim.text,
        False,
        reason or claim.reason,
        claim.value,
        None,
        approximate=claim.approximate,
    )


def _counted(
    claim: Claim,
    archived: int,
    rule: str,
    items: list[ItemRow],
    filters: dict[str, Any],
    walks: tuple[ColumnWalk, ...],
) -> Reconciliation:
    return Reconciliation(
        claim.key,
        claim.label,
        claim.scope,
        claim.unit,
        claim.text,
        True,
        None,
        claim.value,
        archived,
        rule,
        tuple(items),
        approximate=claim.approximate,
        filters=filters,
        walks=walks,
    )


# The claims whose number counts items: key → (definition, label of the items).
ITEM_CLAIMS: dict[str, str] = {
    "items_published": definition(YEAR, DISTINCT_TOTAL),
    "proactive_total": definition(YEAR, DISTINCT_TOTAL)
    + " 报告所说的是全区（县）各单位的总数，存档数只含门户网站上的条目.",
    "pictures": definition(YEAR, DISTINCT_TOTAL)
    + " 图片 = 体裁为 picture 的条目：列于图片类栏目（图片新闻、图说等），或页面以图片为主 (kind picture: "
    "listed in a picture column, or a page mostly of photos).",
    "video_news": definition(YEAR, DISTINCT_TOTAL)
    + " 视频新闻 = 体裁为 video 的条目：列于视频类栏目（视频新闻、微视频等），或页面带有视频播放器 (kind "
    "video: listed in a video column, or a page carrying a video player).",
    "government_documents": definition(YEAR, EVERY_COLUMN, DISTINCT_TOTAL)
    + " 政府文件 = 列在映射为“政府文件”的栏目中的条目.",
    "feature_column_cumulative": definition(FEATURE_CUMULATIVE, YEAR, DISTINCT_TOTAL),
}


def _check_claim(
    session: Session, site: str, year: int, claim: Claim, taxonomy: Taxonomy, with_items: bool = True
) -> Reconciliation:
    if not claim.checkable:
        return _not_checkable(claim)
    if is_media_claim(claim) and claim.measure == DURATION:
        return _not_checkable(claim, duration_reason())
    if claim.key in ITEM_CLAIMS:
        filters = claim_filters(claim.key, claim.scope, year)
        assert filters is not None
        items = list_claim_items(session, site, filters) if with_items else []
        archived = len(items) if with_items else count_claim_items(session, site, filters)
        short = walked.behind(session, site, filters)
        counted = _counted(claim, archived, ITEM_CLAIMS[claim.key], items, filters, short)
        if claim.key in MEDIA_CLAIMS:
            measure, in_unit = media_measure(session, site, year, claim, archived)
            rule = f"{counted.definition} {files_definition(claim)}"
            return replace(counted, archived=in_unit, measure=measure, definition=rule)
        return counted
    if claim.key == "column_items":
        return check_named_column(session, site, year, claim, taxonomy)
    if claim.key == "top_columns":
        return check_top_columns(session, site, claim, taxonomy)
    if claim.key in GROUP_OF_CLAIM:
        return check_group(session, site, claim, GROUP_OF_CLAIM[claim.key], taxonomy)
    return _not_checkable(claim)


def _check_table(
    session: Session, site: str, year: int, report: TableReport, with_items: bool = True
) -> list[Reconciliation]:
    out: list[Reconciliation] = []
    issued = [r.issued for r in report.rows if r.issued is not None]
    filters = claim_filters(TABLE_ISSUED, "year", year)
    assert filters is not None
    items = list_claim_items(session, site, filters) if with_items else []
    archived = len(items) if with_items else count_claim_items(session, site, filters)
    vocabulary = report.rows[0].vocabulary
    label = "本年制发件数" if vocabulary == "2021" else "本年新制作数量"
    out.append(
        Reconciliation(
            TABLE_ISSUED,
            f"表二 规章+行政规范性文件 {label}",
            "year",
            "件",
            "；".join(f"{r.label} {label} {r.issued}" for r in report.rows),
            True,
            None,
            sum(issued) if issued else None,
            archived,
            DOCUMENTS_RULE,
            tuple(items),
            filters=filters,
            walks=walked.behind(session, site, filters),
        )
    )
    for row in report.rows:
        for field_name, word in (
            ("repealed", "本年废止件数"),
            ("in_force", "现行有效件数"),
            ("published", "本年新公开数量"),
        ):
            value = getattr(row, field_name)
            if value is None:
                continue
            out.append(
                Reconciliation(
                    f"table2_{row.row}_{field_name}",
                    f"表二 {row.label} {word}",
                    "cumulative" if field_name == "in_force" else "year",
                    "件",
                    f"{row.label} {word} {value}",
                    False,
                    "废止与现行有效状态不在网站栏目中逐件标注，存档无法计数（仅做跨年恒等式检查）。",
                    value,
                    None,
                )
            )
    return out


def _identities(tables: list[TableReport]) -> list[Reconciliation]:
    by_year = {t.year: t for t in tables if t.year is not None}
    out: list[Reconciliation] = []
    for year, report in sorted(by_year.items()):
        previous = by_year.get(year - 1)
        if previous is None:
            continue
        for row in report.rows:
            before = previous.row(row.row)
            added = row.issued if row.vocabulary == "2021" else row.published
            if before is None or before.in_force is None or row.in_force is None or added is None:
                continue
            expected = before.in_force + added - (row.repealed or 0)
            out.append(
                Reconciliation(
                    f"identity_{row.row}",
                    f"{row.label} 现行有效件数 {year - 1}→{year}",
                    "cumulative",
                    "件",
                    f"{before.in_force} + {added} − {row.repealed or 0}",
                    True,
                    None,
                    row.in_force,
                    expected,
                    IDENTITY_RULE,
                    evidence={
                        "previous_in_force": before.in_force,
                        "issued": added,
                        "repealed": row.repealed or 0,
                    },
                )
            )
    return out


RECONCILE_HEADERS = (
    "项目",
    "报告原文",
    "范围",
    "可核对",
    "不可核对原因",
    "报告数",
    "存档数",
    "差额",
    "单位",
    "口径",
    "依据条目（前几条）",
    "依据条目数",
    "计数单位",
    "另一口径",
)
SCOPES_ZH = {"year": "本年", "cumulative": "累计", "structure": "结构"}
ITEM_HEADERS = ("项目", "站点", "网址", "标题", "计数日期", "体裁", "文号", "抓取状态", "栏目")
FILE_HEADERS = ("项目", "文件网址", "首见条目")


def reconcile_views(results: list[Reconciliation], preview: int = 3) -> list[View]:
    """The claims (with the first items behind each number), every item in full, and — when a media
    claim was counted — the distinct image or video files behind it."""
    rows = []
    for r in results:
        shown = [f"{i.title or ''} {i.url}" for i in r.items[:preview]]
        if not r.items and r.evidence:
            shown = [_evidence_line(r.evidence)]
        rows.append(
            (
                r.label,
                r.text,
                SCOPES_ZH.get(r.scope, r.scope),
                "是" if r.checkable else "否",
                r.reason or "",
                "" if r.claimed is None else (f"{r.claimed}余" if r.approximate else r.claimed),
                r.archived,
                r.difference,
                r.unit,
                r.definition,
                "\n".join(shown),
                r.item_count or "",
                r.measure.note if r.measure else "",
                f"{r.measure.other_label}：{r.measure.other}" if r.measure else "",
            )
        )
    items = [
        (r.label, i.site, i.url, i.title, i.counted_on, i.kind, i.doc_no, i.fetch_status, i.column)
        for r in results
        for i in r.items
    ]
    caption = "差额 = 存档数 − 报告数。存档数按“口径”列所述规则计数。"
    caption = walked.with_footnote(caption, [w for r in results for w in r.walks])
    notes = tuple(walked.note(r.walks) for r in results)
    views = [
        View("报告核对", RECONCILE_HEADERS, rows, caption, frozenset({5, 6, 7, 11}), walk_notes=notes),
        View("依据条目", ITEM_HEADERS, items),
    ]
    files = [
        (r.label, url, first)
        for r in results
        if r.measure is not None
        for url, first in zip(r.measure.files, r.measure.file_items, strict=True)
    ]
    if files:
        caption = "图片、视频类项目的不重复文件（按网址），各列出首次出现的条目。"
        views.append(View("依据文件", FILE_HEADERS, files, caption))
    return views


def _evidence_line(evidence: dict[str, Any]) -> str:
    parts = []
    for key in ("missing", "not_found_in_archive", "named_not_in_taxonomy", "named_not_in_archive"):
        if evidence.get(key):
            parts.append(f"{key}: {'、'.join(evidence[key])}")
    return "; ".join(parts) or "全部找到"


# The fields of an item behind a claim, as the records give them.
CLAIM_ITEM_FIELDS = ("site", "url", "title", "counted_on", "kind", "doc_no", "fetch_status", "column")


def claim_item_record(item: ItemRow) -> dict[str, Any]:
    """An item behind a claim as a JSON-ready record."""
    return {name: getattr(item, name) for name in CLAIM_ITEM_FIELDS}


def reconcile_records(results: list[Reconciliation], items: bool = True) -> list[dict[str, Any]]:
    """JSON-ready records with every item in full (with ``items`` False: without the item lists and
    the media file lists, for results reconciled ``with_items=False``; ``item_count`` still says how
    many items there are, ``measure`` the figures)."""
    return [
        {
            "key": r.key,
            "label": r.label,
            "scope": r.scope,
            "unit": r.unit,
            "text": r.text,
            "checkable": r.checkable,
            "reason": r.reason,
            "claimed": r.claimed,
            "approximate": r.approximate,
            "archived": r.archived,
            "difference": r.difference,
            "definition": r.definition,
            "measure": r.measure.as_dict(files=items) if r.measure else None,
            **({"items": [claim_item_record(i) for i in r.items]} if items else {}),
            "item_count": r.item_count,
            "evidence": r.evidence,
            "walk_columns": walked.records(r.walks),
        }
        for r in results
    ]
