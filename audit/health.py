"""The inspection indicators (国办 2019 检查指标, 单项否决) read from the archive as of a date.

Empty columns (a walked column with no item ever — a blocked column is not empty), stale columns
(nothing new within the window of the column's taxonomy update class), long-stale columns, the
homepage not updated, broken links inside listings, and unhandled hijack findings; each indicator
with its verdict and its evidence. Items dated after the as-of date are ignored. Thresholds and
windows are data, in ``indicators.yaml``.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from audit.export import View
from storage import reads
from storage.reads import ColumnState, Session
from taxonomy import Taxonomy, default_taxonomy

logger = logging.getLogger(__name__)

INDICATORS_FILE = Path(__file__).with_name("indicators.yaml")
WALKED = "ok"


@dataclass(frozen=True)
class Indicator:
    """One inspection indicator: how many cases, the veto threshold, the verdict, the evidence."""

    key: str
    label: str
    count: int
    threshold: int | None
    fails: bool
    rule: str
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Health:
    site: str | None
    as_of: date
    indicators: list[Indicator]

    @property
    def fails(self) -> bool:
        return any(i.fails for i in self.indicators)


@cache
def load_settings(path: Path = INDICATORS_FILE) -> dict[str, Any]:
    settings: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("windows", "long_stale", "homepage", "thresholds", "hijack_kinds"):
        if key not in settings:
            raise ValueError(f"{path}: missing setting {key!r}")
    return settings


def back(as_of: date, span: dict[str, int]) -> date:
    """``as_of`` minus a span of days or calendar months (day clipped to the month's end)."""
    if "days" in span:
        return as_of - timedelta(days=int(span["days"]))
    months = as_of.year * 12 + as_of.month - 1 - int(span["months"])
    year, month = divmod(months, 12)
    month += 1
    return date(year, month, min(as_of.day, calendar.monthrange(year, month)[1]))


def update_class(column: ColumnState, taxonomy: Taxonomy) -> str:
    node = None
    if column.taxonomy_code:
        try:
            node = taxonomy.get(column.taxonomy_code)
        except KeyError:
            node = None
    if node is None and column.taxonomy_path:
        node = taxonomy.by_path(column.taxonomy_path)
    return node.update_class if node is not None else "other"


def _column_evidence(c: ColumnState, **extra: Any) -> dict[str, Any]:
    return {"site": c.site, "column": c.path, "url": c.url, "items": c.items, "newest": c.newest, **extra}


def inspect_health(
    session: Session, as_of: date, site: str | None = None, taxonomy: Taxonomy | None = None
) -> Health:
    """The indicators for ``site`` (or every site) as of ``as_of``."""
    taxonomy = taxonomy or default_taxonomy()
    settings = load_settings()
    limits = settings["thresholds"]
    columns = reads.column_states(session, as_of, site)
    walked = [c for c in columns if c.status == WALKED]
    empty = [_column_evidence(c) for c in walked if c.items == 0]
    stale, long_stale = [], []
    long_cutoff = back(as_of, settings["long_stale"])
    for c in walked:
        klass = update_class(c, taxonomy)
        window = settings["windows"].get(klass)
        if window is None or c.items == 0:
            continue
        cutoff = back(as_of, window)
        if c.newest is None or c.newest < cutoff:
            stale.append(_column_evidence(c, update_class=klass, window_start=cutoff))
        if c.newest is None or c.newest < long_cutoff:
            long_stale.append(_column_evidence(c, update_class=klass, window_start=long_cutoff))
    newest = max((c.newest for c in columns if c.newest is not None), default=None)
    home_cutoff = back(as_of, settings["homepage"])
    broken = reads.list_items(session, site, until=as_of, fetch_status="not_found")
    findings = [
        f
        for f in reads.list_findings(session, tuple(settings["hijack_kinds"]), site, as_of)
        if f.resolved_at is None or f.resolved_at.date() > as_of
    ]
    hijacked_pages = {(f.site, f.subject) for f in findings}
    indicators = [
        Indicator(
            "empty_columns",
            "空白栏目",
            len(empty),
            limits["empty_columns"],
            len(empty) >= limits["empty_columns"],
            "已抓取（未被拦截）且截至该日从未有过任何条目的栏目；被WAF拦截的栏目不算空白。"
            " A walked (not blocked) column with no item dated on or before the as-of date.",
            empty,
        ),
        Indicator(
            "stale_columns",
            "栏目不更新",
            len(stale),
            limits["stale_columns"],
            len(stale) >= limits["stale_columns"],
            "动态要闻类栏目2周、通知公告与政策文件类栏目6个月内无新条目（按分类节点的更新类别；其他类别不判定）。"
            " Nothing new within the window of the column's update class (dynamic 2 weeks, notice/policy 6 months).",
            stale,
        ),
        Indicator(
            "long_stale_columns",
            "长期未更新栏目",
            len(long_stale),
            limits["long_stale_columns"],
            len(long_stale) >= limits["long_stale_columns"],
            "应更新的栏目（动态、通知公告、政策文件类）12个月以上无新条目。 Columns that should update, silent for 12 months or more.",
            long_stale,
        ),
        Indicator(
            "homepage_stale",
            "首页不更新",
            int(newest is None or newest < home_cutoff),
            1,
            newest is None or newest < home_cutoff,
            "首页以所有栏目中最新条目的日期计，2周内无新条目即不合格。 The homepage counts as updated by the newest item of any column.",
            [{"newest": newest, "window_start": home_cutoff}],
        ),
        Indicator(
            "broken_links",
            "列表页中的错链、断链",
            len(broken),
            None,
            False,
            "栏目列表中的条目详情页返回404（扣分项，不单项否决）。 Listed items whose page answers 404 (a deduction, not a veto).",
            [
                {
                    "site": i.site,
                    "url": i.url,
                    "title": i.title,
                    "column": i.column,
                    "counted_on": i.counted_on,
                }
                for i in broken
            ],
        ),
        Indicator(
            "hijacked_pages",
            "页面被挂马、篡改（未处置）",
            len(hijacked_pages),
            limits["hijacked_pages"],
            len(hijacked_pages) >= limits["hijacked_pages"],
            "截至该日仍未消除的被篡改、暗链、垃圾词、搜索引擎劫持发现。 Hijack findings (hijacked, hidden_link, spam, cloaking) first seen by the as-of date and not resolved by it.",
            [
                {
                    "site": f.site,
                    "url": f.subject,
                    "kind": f.kind,
                    "severity": f.severity,
                    "title": f.title,
                    "first_seen": f.first_seen,
                    "evidence": f.evidence,
                }
                for f in findings
            ],
        ),
    ]
    return Health(site, as_of, indicators)


def health_views(health: Health) -> list[View]:
    """A summary view (one line per indicator) and one evidence view per indicator with cases."""
    verdict = "不合格（单项否决）" if health.fails else "未触发单项否决"
    summary = View(
        "检查指标",
        ("指标", "数量", "否决阈值", "结论", "口径"),
        [
            (
                i.label,
                i.count,
                "" if i.threshold is None else f"≥{i.threshold}",
                "否决" if i.fails else "通过",
                i.rule,
            )
            for i in health.indicators
        ],
        f"截至 {health.as_of.isoformat()}：{verdict}。该日期之后的条目不计。",
        frozenset({1}),
    )
    views = [summary]
    for indicator in health.indicators:
        if not indicator.evidence or indicator.key == "homepage_stale":
            continue
        keys = list(dict.fromkeys(k for e in indicator.evidence for k in e))
        rows = [
            tuple(e.get(k) if not isinstance(e.get(k), dict) else str(e.get(k)) for k in keys)
            for e in indicator.evidence
        ]
        views.append(View(indicator.label, tuple(EVIDENCE_HEADERS.get(k, k) for k in keys), rows))
    return views


EVIDENCE_HEADERS = {
    "site": "站点",
    "column": "栏目",
    "url": "网址",
    "items": "条目数",
    "newest": "最新条目日期",
    "update_class": "更新类别",
    "window_start": "窗口起点",
    "title": "标题",
    "counted_on": "计数日期",
    "kind": "类型",
    "severity": "严重程度",
    "first_seen": "首次发现",
    "evidence": "证据",
}


def health_record(health: Health) -> dict[str, Any]:
    return {
        "site": health.site,
        "as_of": health.as_of,
        "fails": health.fails,
        "indicators": [i.__dict__ for i in health.indicators],
    }
