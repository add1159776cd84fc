"""The report vocabulary (``vocabulary.yaml``) and the prose/table pairs (``pairs.yaml``), loaded once,
and the small helpers every reader uses on a printed label or cell."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from reports.model import Number

HERE = Path(__file__).parent
_SPACES = re.compile(r"[\s\u3000\xa0]+")
_NUMBER = re.compile(r"^(?P<sign>[+\-−]?)(?P<digits>\d+(?:,\d{3})*(?:\.\d+)?)(?P<unit>\D{0,3})$")
_BLANKS = frozenset({"", "-", "—", "——", "–", "/", "无", "／"})


@cache
def vocabulary() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((HERE / "vocabulary.yaml").read_text(encoding="utf-8"))
    return data


@cache
def pairs() -> list[dict[str, Any]]:
    data: dict[str, Any] = yaml.safe_load((HERE / "pairs.yaml").read_text(encoding="utf-8"))
    return list(data["pairs"])


@cache
def pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def label(text: str) -> str:
    """A printed label normalised: every space inside it removed (``规　章`` → ``规章``)."""
    return _SPACES.sub("", text)


def is_blank(text: str) -> bool:
    return label(text) in _BLANKS


def cell_number(text: str) -> tuple[Number | None, str | None]:
    """The number a table cell prints and the unit printed with it (``75394432.52元`` → (…, 元));
    (None, None) for a blank cell or a cell that is not a number."""
    match = _NUMBER.match(label(text))
    if not match:
        return None, None
    digits = match.group("digits").replace(",", "")
    value: Number = float(digits) if "." in digits else int(digits)
    if match.group("sign") in ("-", "−"):
        value = -value
    unit = match.group("unit") or None
    if unit is not None and unit not in vocabulary()["units"]:
        return None, None
    return value, unit


def is_number_cell(text: str) -> bool:
    return is_blank(text) or cell_number(text)[0] is not None
