"""The units reports write after their numbers, and what each says is counted (``units.yaml``).

``图片96张`` counts pictures (images), ``视频新闻369条`` counts items, ``视频120分钟`` a duration the
archive cannot check. A claim keeps the unit as the report wrote it (``Claim.unit``); ``measure_of``
says what that unit counts.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

UNITS_FILE = Path(__file__).with_name("units.yaml")
IMAGES = "images"
ITEMS = "items"
SOURCES = "sources"
DURATION = "duration"


@cache
def _units() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8"))
    return data


def unit_words() -> tuple[str, ...]:
    """Every unit of the vocabulary, longest first (so ``分钟`` is read before a shorter word)."""
    words = [str(w) for words in _units()["measures"].values() for w in words]
    return tuple(sorted(words, key=len, reverse=True))


def unit_pattern() -> str:
    """A regex group ``(?P<unit>…)`` matching any unit of the vocabulary."""
    return "(?P<unit>" + "|".join(unit_words()) + ")"


def measure_of(unit: str | None) -> str | None:
    """What ``unit`` counts (``images``, ``items``, ``duration``); None for no unit or one not known."""
    for measure, words in _units()["measures"].items():
        if unit and unit in words:
            return str(measure)
    return None


def measure_label(measure: str) -> str:
    """How a measure is called beside a number: ``按张 (distinct images)``, ``按条 (items)``."""
    return str(_units()["labels"][measure])


def no_unit_note() -> str:
    """What is said when the report wrote no unit after the number."""
    return str(_units()["no_unit"])


def duration_reason() -> str:
    """Why a duration (``分钟``) cannot be checked against the archive."""
    return str(_units()["duration_reason"])
