"""Tables that fit the terminal: column paths abbreviated from the left, so that rows stay apart.

At 80 columns a path such as 政务公开重点工作/公共资源配置/保障性住房 cut at the right leaves a dozen
rows reading 政务公开重点工作/公共资… alike. Cut at the left instead (…/公共资源配置/保障性住房), the
part that tells rows apart stays. ``--wide`` and the JSON, CSV and XLSX outputs keep full paths.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from rich.cells import cell_len

ELLIPSIS = "…"
SEP = "/"
MIN_PATH = 12  # narrower than this a path says nothing; the table wraps instead
# A rich table with the default box and padding: one border per column plus one, a space each side.
BORDER, PADDING = 1, 2


def abbreviate_left(text: str, width: int, sep: str = SEP) -> str:
    """``text`` in at most ``width`` terminal cells, its leading path segments replaced by ``…``:
    ``…/公共资源配置/保障性住房``; a last segment too wide on its own keeps its end."""
    if width <= 0 or cell_len(text) <= width:
        return text
    parts = text.split(sep)
    for start in range(1, len(parts)):
        tail = ELLIPSIS + sep + sep.join(parts[start:])
        if cell_len(tail) <= width:
            return tail
    last = parts[-1]
    while last and cell_len(ELLIPSIS + last) > width:
        last = last[1:]
    return ELLIPSIS + last


def _natural(cells: Sequence[str]) -> int:
    return max((cell_len(line) for cell in cells for line in (cell.splitlines() or [""])), default=0)


def path_widths(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], paths: Collection[int], width: int
) -> dict[int, int]:
    """The width each path column (by index) gets so that the table fits ``width`` cells; a column
    that fits as it is gets its natural width."""
    columns = [[str(header), *(str(row[n]) for row in rows)] for n, header in enumerate(headers)]
    natural = [_natural(cells) for cells in columns]
    fixed = sum(w for n, w in enumerate(natural) if n not in paths)
    budget = width - fixed - len(headers) * (BORDER + PADDING) - BORDER
    wanted = {n: natural[n] for n in paths if n < len(headers)}
    if sum(wanted.values()) <= budget:
        return wanted
    total = sum(wanted.values()) or 1
    return {n: max(MIN_PATH, min(w, budget * w // total)) for n, w in wanted.items()}


def fit_rows(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], paths: Collection[int], width: int | None
) -> list[tuple[Any, ...]]:
    """``rows`` with the cells of the ``paths`` columns abbreviated from the left to fit ``width``
    (None: as they are, for ``--wide``)."""
    if width is None or not paths:
        return [tuple(row) for row in rows]
    widths = path_widths(headers, rows, paths, width)
    return [
        tuple(
            abbreviate_left(str(v), widths[n]) if n in widths and isinstance(v, str) else v
            for n, v in enumerate(row)
        )
        for row in rows
    ]
