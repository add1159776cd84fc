"""Read the 索引号 block of a detail page: labelled values in their common markup shapes.

Shapes: ``<td>label：</td><td>value</td>`` (several pairs a row), ``<td><b>发文字号：</b></td><td>…``,
``<p><strong>索引号</strong>：…</p>``, ``<li><span>索引号：</span>…</li>``, ``<b>发文字号：</b>value``,
and plain text ``索引号：… 发布日期：…``. The first value found for a field wins.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from lxml import etree

from crawler.extract.dates import find_date_text, parse_date
from crawler.extract.html import inline_text
from crawler.extract.labels import (
    COLONS,
    field_for_label,
    info_line_labels,
    known_labels,
    normalise_label,
    weak_fields,
)

LABEL_TAGS = ("td", "th", "dt", "span", "b", "strong", "label", "em", "li", "p", "div", "font", "i", "h4")
CELL_TAGS = frozenset({"td", "th", "dt", "dd"})
_MAX_LABEL_CHARS = 12
_MAX_VALUE_CHARS = 500
_LEADING = " \t\r\n\u3000\xa0\u2002\u2003" + COLONS


def labelled_values(root: etree._Element, body: etree._Element | None = None) -> dict[str, str]:
    """Detail field name → raw value text, from the page's label/value markup. Weak labels
    (``日期``, ``时间``…) are not read inside ``body``, the article's own text."""
    found: dict[str, str] = {}
    for element in _candidates(root):
        field = _label_field(element)
        if field is None or field in found or _in_body(field, element, body):
            continue
        value = _value_for(element)
        if value:
            found[field] = value
    _text_pairs(root, found, body)
    return found


def _in_body(field: str, element: etree._Element, body: etree._Element | None) -> bool:
    if body is None or field not in weak_fields():
        return False
    return element is body or any(ancestor is body for ancestor in element.iterancestors())


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
    if sibling is None or _is_label(sibling) or _starts_with_label(inline_text(sibling)):
        # the next cell is a label, or a "label: value" cell of its own: this value is empty
        return _clean(cell.tail)
    return _clean(inline_text(sibling))


def _starts_with_label(text: str) -> bool:
    return bool(_label_head().match(text))


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


def _text_pairs(root: etree._Element, found: dict[str, str], body: etree._Element | None = None) -> None:
    """``label：value`` pairs inside single text nodes, several to a line; a label that ends its
    text node takes the next inline element's text (``索&ensp;引&ensp;号：<font>…</font>``)."""
    pattern = _pair_pattern()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        pieces = (
            (element.text, _first_child(element), element),
            (element.tail, element.getnext(), element.getparent()),
        )
        for text, following, owner in pieces:
            if not text or not any(colon in text for colon in COLONS):
                continue
            for match in pattern.finditer(text):
                field = field_for_label(match.group("label"))
                if not field or field in found or (owner is not None and _in_body(field, owner, body)):
                    continue
                value = _clean(match.group("value"))
                if value is None and following is not None and not text[match.end() :].strip():
                    value = _clean(inline_text(following)) if following.tag not in CELL_TAGS else None
                if value:
                    found[field] = value


def _first_child(element: etree._Element) -> etree._Element | None:
    return next((child for child in element if isinstance(child.tag, str)), None)


@cache
def _label_head() -> re.Pattern[str]:
    labels = "|".join(r"\s*".join(re.escape(char) for char in label) for label in known_labels())
    return re.compile(rf"^\s*(?:{labels})\s*[{COLONS}]")


@cache
def _pair_pattern() -> re.Pattern[str]:
    labels = "|".join(r"\s*".join(re.escape(char) for char in label) for label in known_labels())
    head = rf"(?<![\u4e00-\u9fff])(?:{labels})\s*[{COLONS}]"
    return re.compile(
        rf"(?<![\u4e00-\u9fff])(?P<label>{labels})\s*[{COLONS}](?P<value>.*?)(?={head}|$)", re.S
    )


_INFO_LINE_TAGS = ("div", "p", "span", "td", "li", "font", "h5", "h6")
_MAX_INFO_LINE_CHARS = 160


def info_line_date(root: etree._Element, body: etree._Element | None = None) -> date | None:
    """The date printed without a label on the source line under the title
    (``2022-05-07 00:00　来源：…``): a short element outside ``body`` with a 来源/作者… label."""
    labels = info_line_labels()
    for element in root.iter(*_INFO_LINE_TAGS):
        if body is not None and (element is body or any(a is body for a in element.iterancestors())):
            continue
        text = inline_text(element)
        if not text or len(text) > _MAX_INFO_LINE_CHARS:
            continue
        squeezed = normalise_label(text)
        if not any(
            f"{label}：" in text or f"{label}:" in text or squeezed.startswith(label) for label in labels
        ):
            continue
        found = find_date_text(text)
        if found:
            return parse_date(found)
    return None
