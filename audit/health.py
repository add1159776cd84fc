"""The inspection indicators (国办 2019 检查指标, 单项否决) read from the archive as of a date.

Empty columns (a walked column with no item ever — a blocked column is not empty), stale columns
(nothing new within the window of the column's taxonomy update class), long-stale columns, the
homepage not updated, broken links inside listings, and unhandled hijack findings; the inspector's
checks: columns about to go stale (即将超期, a warning), dead links per class, personal data and
serious wording errors with their severity; each indicator with its verdict and its evidence. Items dated after the as-of date are ignored. Thresholds and
windows, labels and rule texts are data, in ``indicators.yaml``; each indicator is one function.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from audit import walks as walked
from audit.export import View
from storage import reads
from storage.reads import ColumnState, ColumnWalk, Session
from taxonomy import Taxonomy, default_taxonomy

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
    # the site's columns not walked whole, when the count rests on the walk (``walk_bound``)
    walks: tuple[ColumnWalk, ...] = ()


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
    required = ("windows", "due_soon", "long_stale", "homepage", "thresholds", "hijack_kinds", "indicators")
    for key in (*required, "dead_link_kinds", "privacy_kinds", "wording_kinds"):
        if key not in settings:
            raise ValueError(f"{path}: missing setting {key!r}")
    if set(settings["indicators"]) != set(INDICATORS):
        raise ValueError(f"{path}: indicators should be exactly {', '.join(INDICATORS)}")
    return settings


@dataclass(frozen=True)
class Span:
    """A window written out for a rule text: ``zh`` 2周, 6个月; ``en`` 2 weeks, 6 months."""

    zh: str
    en: str


def span_words(span: dict[str, int]) -> Span:
    if "months" in span:
        months = int(span["months"])
        return Span(f"{months}个月", f"{months} months")
    days = int(span["days"])
    if days % 7 == 0:
        return Span(f"{days // 7}周", f"{days // 7} weeks")
    return Span(f"{days}天", f"{days} days")


def rule_wording(key: str, settings: dict[str, Any]) -> str:
    """The rule of indicator ``key`` as the YAML words it, its windows filled in."""
    spans = {name: span_words(span) for name, span in settings["windows"].items()}
    spans |= {name: span_words(settings[name]) for name in ("long_stale", "homepage")}
    spans |= {f"due_{name}": span_words(span) for name, span in settings["due_soon"].items()}
    rule: str = settings["indicators"][key]["rule"]
    return rule.format(**spans, hijack_kinds=", ".join(settings["hijack_kinds"]))


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


@dataclass(frozen=True)
class Inputs:
    """What the indicators are judged from: the archive's columns as of the date, and the settings."""

    session: Session
    site: str | None
    as_of: date
    columns: list[ColumnState]
    taxonomy: Taxonomy
    settings: dict[str, Any]
    short: tuple[ColumnWalk, ...] = ()

    def walked(self) -> list[ColumnState]:
        return [c for c in self.columns if c.status == WALKED]


def _indicator(
    key: str, inputs: Inputs, evidence: list[dict[str, Any]], count: int | None = None
) -> Indicator:
    """An indicator of ``count`` cases (default: one per evidence), failing at its YAML threshold."""
    threshold = inputs.settings["thresholds"].get(key)
    found = len(evidence) if count is None else count
    bound = key in inputs.settings.get("walk_bound", INDICATORS)
    return Indicator(
        key,
        inputs.settings["indicators"][key]["label"],
        found,
        threshold,
        threshold is not None and found >= threshold,
        rule_wording(key, inputs.settings),
        evidence,
        inputs.short if bound else (),
    )


def empty_columns(inputs: Inputs) -> Indicator:
    """空白栏目: walked columns with no item by the as-of date."""
    return _indicator("empty_columns", inputs, [_column_evidence(c) for c in inputs.walked() if c.items == 0])


def _silent_since(inputs: Inputs, cutoff_of: Any) -> list[dict[str, Any]]:
    # Walked, judged columns with items whose newest item is older than the class's cutoff.
    out = []
    for c in inputs.walked():
        klass = update_class(c, inputs.taxonomy)
        window = inputs.settings["windows"].get(klass)
        if window is None or c.items == 0:
            continue
        cutoff = cutoff_of(window)
        if c.newest is None or c.newest < cutoff:
            out.append(_column_evidence(c, update_class=klass, window_start=cutoff))
    return out


def due_soon_columns(inputs: Inputs) -> Indicator:
    """即将超期: columns within their window whose newest item has reached the warning age."""
    evidence = []
    for c in inputs.walked():
        klass = update_class(c, inputs.taxonomy)
        window, warn = inputs.settings["windows"].get(klass), inputs.settings["due_soon"].get(klass)
        if window is None or warn is None or c.newest is None:
            continue
        stale_from, warn_from = back(inputs.as_of, window), back(inputs.as_of, warn)
        if stale_from <= c.newest <= warn_from:
            due = _ahead(c.newest, window)
            evidence.append(
                _column_evidence(c, update_class=klass, due=due, days_left=(due - inputs.as_of).days)
            )
    return _indicator("due_soon_columns", inputs, evidence)


def _ahead(day: date, span: dict[str, int]) -> date:
    """``day`` plus a span of days or calendar months: when a column dated ``day`` goes stale."""
    if "days" in span:
        return day + timedelta(days=int(span["days"]))
    months = day.year * 12 + day.month - 1 + int(span["months"])
    year, month = divmod(months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def stale_columns(inputs: Inputs) -> Indicator:
    """栏目不更新: nothing new within the window of the column's update class."""
    return _indicator(
        "stale_columns", inputs, _silent_since(inputs, lambda window: back(inputs.as_of, window))
    )


def long_stale_columns(inputs: Inputs) -> Indicator:
    """长期未更新栏目: columns that should update, silent for the long-stale span."""
    cutoff = back(inputs.as_of, inputs.settings["long_stale"])
    return _indicator("long_stale_columns", inputs, _silent_since(inputs, lambda _window: cutoff))


def homepage_stale(inputs: Inputs) -> Indicator:
    """首页不更新: the newest item of any column older than the homepage window."""
    newest = max((c.newest for c in inputs.columns if c.newest is not None), default=None)
    cutoff = back(inputs.as_of, inputs.settings["homepage"])
    stale = newest is None or newest < cutoff
    return _indicator("homepage_stale", inputs, [{"newest": newest, "window_start": cutoff}], int(stale))


def broken_links(inputs: Inputs) -> Indicator:
    """列表页中的错链、断链: listed items whose page answers 404 (a deduction, never a veto)."""
    broken = reads.list_items(inputs.session, inputs.site, until=inputs.as_of, fetch_status="not_found")
    evidence = [
        {"site": i.site, "url": i.url, "title": i.title, "column": i.column, "counted_on": i.counted_on}
        for i in broken
    ]
    return _indicator("broken_links", inputs, evidence)


def _open_findings(inputs: Inputs, kinds_key: str) -> list[reads.FindingRow]:
    """Findings of the kinds named by ``kinds_key`` first seen by the as-of date, unresolved by it."""
    kinds = tuple(inputs.settings[kinds_key])
    return [
        f
        for f in reads.list_findings(inputs.session, kinds, inputs.site, inputs.as_of)
        if f.resolved_at is None or f.resolved_at.date() > inputs.as_of
    ]


def dead_links(inputs: Inputs) -> Indicator:
    """链接不可用: confirmed dead links open as of the date, counted per class (scope × kind)."""
    classes: dict[tuple[str, str], int] = {}
    for f in _open_findings(inputs, "dead_link_kinds"):
        evidence = f.evidence or {}
        key = (str(evidence.get("scope", "site")), str(evidence.get("link_kind", "page")))
        classes[key] = classes.get(key, 0) + 1
    rows = [{"scope": scope, "link_kind": kind, "dead": n} for (scope, kind), n in sorted(classes.items())]
    return _indicator("dead_links", inputs, rows, sum(classes.values()))


def _finding_evidence(findings: list[reads.FindingRow]) -> list[dict[str, Any]]:
    return [
        {
            "site": f.site,
            "url": (f.evidence or {}).get("url") or f.subject,
            "kind": f.kind,
            "severity": f.severity,
            "title": f.title,
            "first_seen": f.first_seen,
            "evidence": f.evidence,
        }
        for f in findings
    ]


def privacy_leaks(inputs: Inputs) -> Indicator:
    """个人信息泄露: pages and attachments with unmasked personal numbers, with their severity."""
    return _indicator("privacy_leaks", inputs, _finding_evidence(_open_findings(inputs, "privacy_kinds")))


def wording_errors(inputs: Inputs) -> Indicator:
    """严重表述错误: pages and attachments with a serious wording error, with their severity."""
    return _indicator("wording_errors", inputs, _finding_evidence(_open_findings(inputs, "wording_kinds")))


def hijacked_pages(inputs: Inputs) -> Indicator:
    """页面被挂马、篡改（未处置）: hijack findings first seen by the as-of date, unresolved by it."""
    findings = _open_findings(inputs, "hijack_kinds")
    # the page a finding is about (the cloaking probes key theirs apart, with a fragment)
    page = {id(f): str((f.evidence or {}).get("url") or f.subject) for f in findings}
    evidence = [
        {
            "site": f.site,
            "url": page[id(f)],
            "kind": f.kind,
            "severity": f.severity,
            "title": f.title,
            "first_seen": f.first_seen,
            "evidence": f.evidence,
        }
        for f in findings
    ]
    return _indicator("hijacked_pages", inputs, evidence, len({(f.site, page[id(f)]) for f in findings}))


INDICATORS: dict[str, Callable[[Inputs], Indicator]] = {
    "empty_columns": empty_columns,
    "stale_columns": stale_columns,
    "due_soon_columns": due_soon_columns,
    "long_stale_columns": long_stale_columns,
    "homepage_stale": homepage_stale,
    "broken_links": broken_links,
    "dead_links": dead_links,
    "hijacked_pages": hijacked_pages,
    "privacy_leaks": privacy_leaks,
    "wording_errors": wording_errors,
}


def inspect_health(
    session: Session, as_of: date, site: str | None = None, taxonomy: Taxonomy | None = None
) -> Health:
    """The indicators for ``site`` (or every site) as of ``as_of``, in the YAML's order."""
    settings = load_settings()
    columns = reads.column_states(session, as_of, site)
    short = tuple(walked.not_walked_whole(session, site))
    inputs = Inputs(session, site, as_of, columns, taxonomy or default_taxonomy(), settings, short)
    return Health(site, as_of, [INDICATORS[key](inputs) for key in settings["indicators"]])


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
        walked.with_footnote(
            f"截至 {health.as_of.isoformat()}：{verdict}。该日期之后的条目不计。",
            [w for i in health.indicators for w in i.walks],
        ),
        frozenset({1}),
        walk_notes=tuple(walked.note(i.walks) for i in health.indicators),
        footnoted=frozenset({4}),
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
        headers = tuple(EVIDENCE_HEADERS.get(k, k) for k in keys)
        paths = frozenset(n for n, k in enumerate(keys) if k in PATH_KEYS)
        droppable = frozenset(n for n, k in enumerate(keys) if k in DROPPABLE_KEYS)
        views.append(View(indicator.label, headers, rows, paths=paths, droppable=droppable))
    return views


# evidence columns a narrow terminal abbreviates from the left (the end tells the rows apart)
PATH_KEYS = frozenset({"column"})
# left out of a terminal too narrow for the table (the column path names the place; CSV has all)
DROPPABLE_KEYS = frozenset({"site", "url"})  # a URL folds whole: its end (index.html) tells nothing apart


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
    "due": "超期日期",
    "days_left": "剩余天数",
    "scope": "链接范围",
    "link_kind": "链接类别",
    "dead": "死链数",
}


def health_record(health: Health) -> dict[str, Any]:
    return {
        "site": health.site,
        "as_of": health.as_of,
        "fails": health.fails,
        "indicators": [_indicator_record(i) for i in health.indicators],
    }


def _indicator_record(indicator: Indicator) -> dict[str, Any]:
    """The indicator's fields, ``walk_columns`` naming the columns not walked whole its count rests on."""
    record = {k: v for k, v in indicator.__dict__.items() if k != "walks"}
    record["walk_columns"] = walked.records(indicator.walks)
    return record
