"""An annual report as data: its figures (each traced to its cell or sentence) and its checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VERDICTS = ("pass", "fail", "cannot")
MARKS = {"pass": "✓", "fail": "✗", "cannot": "?"}

Number = int | float


class ReportError(ValueError):
    """A report that cannot be read as one; the message names the file and the reason."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class Source:
    """Where a figure was printed (``line 37, cell 3``; ``page 2, table 1, row 4, cell 2``) and the
    text there: the cell as printed, or the sentence a prose count came from."""

    where: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "text": self.text}


@dataclass(frozen=True)
class Figure:
    """One number the report states. ``table`` is 二, 三, 四, 统计表 or None (prose); ``row`` and
    ``column`` are the labels as printed (spaces removed; a label repeated at a page break read once);
    ``value`` is None for a blank cell; ``key`` names the cell in the vocabulary (None for prose)."""

    table: str | None
    row: str | None
    column: str | None
    label: str
    value: Number | None
    unit: str | None
    approximate: bool
    source: Source
    key: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "approximate": self.approximate,
            "source": self.source.as_dict(),
            "key": self.key,
        }


@dataclass(frozen=True)
class Check:
    """One arithmetic check: the rule, the figures it used, its arithmetic and its verdict (pass,
    fail, or cannot — then ``reason`` says why it could not be made)."""

    rule: str
    title: str
    verdict: str
    arithmetic: str
    figures: tuple[Figure, ...] = ()
    reason: str | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "verdict": self.verdict,
            "arithmetic": self.arithmetic,
            "reason": self.reason,
            "note": self.note,
            "figures": [
                {"label": f.label, "value": f.value, "unit": f.unit, "source": f.source.as_dict()}
                for f in self.figures
            ],
        }


@dataclass(frozen=True)
class Report:
    """What one report file says: its year, issuer, format, every figure, and its own checks."""

    name: str
    year: int | None
    issuer: str | None
    format: str
    figures: tuple[Figure, ...]
    checks: tuple[Check, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def cell(self, table: str, key: str) -> Figure | None:
        """The figure of ``table`` whose key is ``key`` (``normative_documents.issued``)."""
        return next((f for f in self.figures if f.table == table and f.key == key), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "year": self.year,
            "issuer": self.issuer,
            "format": self.format,
            "figures": [f.as_dict() for f in self.figures],
            "checks": [c.as_dict() for c in self.checks],
            "notes": list(self.notes),
        }


def show(value: Number | None) -> str:
    """A number as the arithmetic prints it: integers plainly, decimals without float noise."""
    if value is None:
        return "(blank)"
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)
