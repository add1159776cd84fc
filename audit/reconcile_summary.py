"""The reconciliation as the terminal shows it: one row per claim, the items behind it left out.

``zwgk audit reconcile`` prints this table; the items behind every number follow only with
``--evidence`` (the full :func:`audit.reconcile.reconcile_views`), and are always in the JSON.
"""

from __future__ import annotations

from audit import walks as walked
from audit.export import View
from audit.reconcile import SCOPES_ZH, Reconciliation

SUMMARY_HEADERS = ("项目", "报告数", "存档数", "差额", "口径")
UNIT_HEADER = "计数单位（另一口径）"  # shown when a claim counts pictures or videos
NOT_CHECKED = "—"


def reconcile_summary_view(results: list[Reconciliation]) -> View:
    """项目 | 报告数 | 存档数 | 差额 | 口径, one row per claim; a claim the archive cannot check says why.
    When a claim counts pictures or videos, 计数单位（另一口径） after 差额 says which unit its 存档数 is
    in and gives the figure in the other (图片96张: by the distinct images, the items beside)."""
    with_units = any(r.measure is not None for r in results)
    rows = []
    for r in results:
        label = r.label if r.scope in ("year", "") else f"{r.label}（{SCOPES_ZH.get(r.scope, r.scope)}）"
        claimed = (
            NOT_CHECKED if r.claimed is None else (f"{r.claimed}余" if r.approximate else str(r.claimed))
        )
        archived = NOT_CHECKED if r.archived is None else str(r.archived)
        difference = NOT_CHECKED if r.difference is None else f"{r.difference:+d}"
        definition = r.definition if r.checkable else f"不可核对：{r.reason or '存档无法计数'}"
        units = (r.unit_note,) if with_units else ()
        rows.append((label, claimed, archived, difference, *units, definition))
    behind = sum(r.item_count for r in results)
    caption = (
        "差额 = 存档数 − 报告数。存档数按“口径”列所述规则计数。"
        f"\n每个数字背后的条目（共 {behind} 条）：加 --evidence 列出，或用 --format json / csv / xlsx。"
    )
    caption = walked.with_footnote(caption, [w for r in results for w in r.walks])
    notes = tuple(walked.note(r.walks) for r in results)
    headers = (*SUMMARY_HEADERS[:4], UNIT_HEADER, SUMMARY_HEADERS[4]) if with_units else SUMMARY_HEADERS
    prose = frozenset({len(headers) - 1})  # the 口径: on a terminal, numbered notes below the table
    return View("报告核对", headers, rows, caption, frozenset({1, 2, 3}), walk_notes=notes, footnoted=prose)
