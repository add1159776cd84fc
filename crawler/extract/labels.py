"""Metadata labels (``索　引　号：``) normalised and mapped to :class:`~crawler.items.Detail` fields.

The label table is data, in ``labels.yaml`` beside this module.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

LABELS_FILE = Path(__file__).with_name("labels.yaml")
_SPACES = re.compile(r"[\s\u3000\xa0\u2002\u2003\u2009\u200b\ufeff]+")
COLONS = ":：︰﹕∶"
_TRAILING = COLONS + " \t\r\n\u3000\xa0"
_BRACKETS = "【】[]"


def normalise_label(text: str | None) -> str:
    """A label without spaces (ASCII, U+3000, NBSP), brackets or the trailing colon."""
    if not text:
        return ""
    return _SPACES.sub("", str(text)).rstrip(_TRAILING).strip(_BRACKETS).rstrip(_TRAILING)


def field_for_label(text: str | None) -> str | None:
    """The Detail field a label fills (``发文字号`` → ``doc_no``), or None for other labels."""
    return _field_table().get(normalise_label(text))


@cache
def _field_table() -> dict[str, str]:
    data = _load()
    return {normalise_label(label): field for field, labels in data["fields"].items() for label in labels}


@cache
def known_labels() -> tuple[str, ...]:
    """Every label of the table, field labels and stop labels, longest first."""
    data = _load()
    labels = {normalise_label(label) for labels in data["fields"].values() for label in labels}
    labels.update(normalise_label(label) for label in data.get("other_labels", []))
    return tuple(sorted(labels, key=len, reverse=True))


@cache
def _load() -> dict:
    with LABELS_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise ValueError(f"{LABELS_FILE} must map 'fields' to lists of labels")
    return data


@cache
def weak_fields() -> frozenset[str]:
    """Fields whose labels count only outside the article body (``日期``, ``时间``…)."""
    return frozenset(_load().get("weak_fields") or ())


@cache
def info_line_labels() -> tuple[str, ...]:
    """Labels of the source line under a title (来源, 作者…), where an unlabelled date may sit."""
    return tuple(normalise_label(label) for label in _load().get("info_line_labels") or ())
