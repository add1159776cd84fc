"""Read the 索引号 block of a detail page: labelled values in their common markup shapes.

Shapes: ``<td>label：</td><td>value</td>`` (several pairs a row), ``<td><b>发文字号：</b></td><td>…``,
``<p><strong>索引号</strong>：…</p>``, ``<li><span>索引号：</span>…</li>``, ``<b>发文字号：</b>value``,
and plain text ``索引号：… 发布日期：…``. The first value found for a field wins.
"""

from __future__ import annotations

import logging
import re
from functools import cache

from lxml import etree

from crawler.extract.html import inline_text
from crawler.extract.labels import field_for_label, known_labels, normalise_label

logger = logging.getLogger(__name__)

LABEL_TAGS = ("td", "th", "dt", "span", "b", "strong", "label", "em", "li", "p", "div", "font", "i", "h4")
CELL_TAGS = frozenset({"td", "th", "dt", "dd"})
_MAX_LABEL_CHARS = 12
_MAX_VALUE_CHARS = 500
_LEADING = " \t\r\n\u3000\xa0:："


def labelled_values(root: etree._Element) -> dict[str, str]:
    """Detail field name → raw value text, from the page's label/value markup."""
    found: dict[str, str] = {}
    for element in _candidates(root):
        field = _label_field(element)
        if field is None or field in found:
            continue
        value = _value_for(element)
        if value:
            found[field] = value
    _text_pairs(root, found)
    return found


@cache
def _initials() -> frozenset[str]:
    return frozenset(label[0] for label in known_labels())


_SKIPPED_LEAD = " \t\r\n\u3000\xa0【["
_MAX_CANDIDATE_CHARS = 4 * _MAX_LABEL_CHARS


def _candidates(root: etree._Element) -> list[etree._Element]:
    """Short elements whose text starts with the first character of a known label.

    Reads each element's text lazily and stops as soon as it is too long or starts wrong: the
    whole-document XPath this replaces measured text of every container, most of a page's cost.
    """
    initials = _initials()
    found = []
    for element in root.iter(*LABEL_TAGS):
        if len(element) > 2:
            continue
        seen = 0
        started = False
        for piece in element.itertext():  # type: ignore[arg-type]
            if not started:
                stripped = piece.lstrip(_SKIPPED_LEAD)
                if not stripped:
                    continue
                if stripped[0] not in initials:
                    break
                started = True
            seen += len(piece.strip())
            if seen > _MAX_CANDIDATE_CHARS:
                break
        else:
            if started:
                found.append(element)
    return found


def meta_tags(root: etree._Element) -> dict[str, str]:
    """``<meta name=…>`` contents keyed by lower-case name (first occurrence wins)."""
    metas: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if name and content and name not in metas:
            metas[name] = content
    return metas


def _label_field(element: etree._Element) -> str | None:
    text = "".join(element.itertext())  # type: ignore[arg-type]
    if len(text) > 4 * _MAX_LABEL_CHARS:
        return None
    label = normalise_label(text)
    if not label or len(label) > _MAX_LABEL_CHARS:
        return None
    return field_for_label(label)


def _is_label(element: etree._Element) -> bool:
    if len(element) > 2:
        return False
    return normalise_label("".join(element.itertext())) in known_labels()  # type: ignore[arg-type]


def _value_for(label: etree._Element) -> str | None:
    """The value that goes with ``label``; climbs out of wrappers such as ``<td><b>…</b></td>``."""
    element = label
    for _ in range(3):
        value = _cell_value(element) if element.tag in CELL_TAGS else _inline_value(element)
        if value:
            return value
        parent = element.getparent()
        if parent is None or normalise_label(inline_text(parent)) != normalise_label(inline_text(label)):
            return None
        element = parent
    return None


def _cell_value(cell: etree._Element) -> str | None:
    sibling = cell.getnext()
    while sibling is not None and not isinstance(sibling.tag, str):
        sibling = sibling.getnext()
    if sibling is None or _is_label(sibling):
        return _clean(cell.tail)
    return _clean(inline_text(sibling))


def _inline_value(label: etree._Element) -> str | None:
    parts = [label.tail or ""]
    for sibling in label.itersiblings():
        if isinstance(sibling.tag, str) and _is_label(sibling):
            break
        if sibling.tag in CELL_TAGS and "".join(parts).strip(_LEADING):
            break
        if isinstance(sibling.tag, str):
            parts.append(inline_text(sibling))
        parts.append(sibling.tail or "")
    return _clean(" ".join(parts))


def _clean(text: str | None) -> str | None:
    if not text:
        return None
    value = " ".join(text.split()).strip(_LEADING).strip()
    if not value or len(value) > _MAX_VALUE_CHARS or normalise_label(value) in known_labels():
        return None
    return value


def _text_pairs(root: etree._Element, found: dict[str, str]) -> None:
    """``label：value`` pairs inside single text nodes, several to a line."""
    pattern = _pair_pattern()
    for element in root.iter():
        for text in (element.text, element.tail):
            if not text or (":" not in text and "：" not in text):
                continue
            for match in pattern.finditer(text):
                field = field_for_label(match.group("label"))
                value = _clean(match.group("value"))
                if field and value and field not in found:
                    found[field] = value


@cache
def _pair_pattern() -> re.Pattern[str]:
    labels = "|".join(r"\s*".join(re.escape(char) for char in label) for label in known_labels())
    head = rf"(?<![\u4e00-\u9fff])(?:{labels})\s*[:：]"
    return re.compile(rf"(?<![\u4e00-\u9fff])(?P<label>{labels})\s*[:：](?P<value>.*?)(?={head}|$)", re.S)
