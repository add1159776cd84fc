"""Find a list page's repeated block of entries, whatever the CMS: rows of one link and one date.

A list page of any portal is a container whose children repeat the same shape: a title link
and the date it was published. The container whose children most often have that shape is the
listing; the page chrome (nav, header, footer, breadcrumb, sidebar, pager) and the boxes of hot
or related items beside it are never searched. The rules are data, in ``rows.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from lxml import etree

from crawler.extract.content import is_excluded
from crawler.extract.dates import find_date_text, parse_date
from crawler.extract.html import HIDDEN_MARK, inline_text, is_hidden
from crawler.extract.listing import anchor_title, nearby_date, usable_href

ROWS_FILE = Path(__file__).with_name("rows.yaml")
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
# a listing whose rows carry dates also holds its siblings that print none
MIN_DATED_ROWS = 2


@dataclass(frozen=True)
class RowRules:
    excluded_tokens: frozenset[str]
    container_tags: tuple[str, ...]
    max_anchors: int
    max_row_chars: int
    more_words: frozenset[str]
    state_tokens: frozenset[str]
    not_titles: frozenset[str]


@dataclass(frozen=True)
class Row:
    """One entry of a listing: the row element, its title anchor, title and raw date."""

    element: etree._Element
    anchor: etree._Element
    title: str
    date_raw: str | None


@dataclass(frozen=True)
class Block:
    """A container and the rows among its children; ``hidden`` when a style hides it."""

    container: etree._Element
    rows: list[Row]
    hidden: bool = False


@cache
def load_rules() -> RowRules:
    """The rules of ``rows.yaml``."""
    with ROWS_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return RowRules(
        excluded_tokens=frozenset(str(t).lower() for t in data["excluded_tokens"]),
        container_tags=tuple(data["container_tags"]),
        max_anchors=int(data["max_anchors_per_row"]),
        max_row_chars=int(data["max_row_chars"]),
        more_words=frozenset(str(w) for w in data["more_words"]),
        state_tokens=frozenset(str(t).lower() for t in data.get("state_tokens") or ()),
        not_titles=frozenset(str(w) for w in data.get("not_titles") or ()),
    )


def is_more_link(anchor: etree._Element) -> bool:
    """Whether the anchor is a "更多>>" link (to a column, never an entry)."""
    return inline_text(anchor).strip() in load_rules().more_words


def is_list_chrome(element: etree._Element) -> bool:
    """Whether ``element`` is page chrome or a box of other columns' items (hot, related…)."""
    if not isinstance(element.tag, str):
        return False
    if is_excluded(element):
        return True
    tokens = {
        t for t in _TOKEN_SPLIT.split(f"{element.get('class') or ''} {element.get('id') or ''}".lower()) if t
    }
    return element.tag == "aside" or not load_rules().excluded_tokens.isdisjoint(tokens)


def content_elements(root: etree._Element) -> Iterator[etree._Element]:
    """Every element outside the chrome, in document order."""
    walker = etree.iterwalk(root, events=("start",))
    for _, node in walker:
        if not isinstance(node.tag, str):
            continue
        if node is not root and is_list_chrome(node):
            walker.skip_subtree()
            continue
        yield node


def blocks(root: etree._Element, include_hidden: bool = False) -> list[Block]:
    """Every container outside the chrome with at least one row among its children; hidden ones
    (marked by :func:`~crawler.extract.html.parse_listing`) only when ``include_hidden``."""
    rules = load_rules()
    found = []
    for element in content_elements(root):
        if element.tag not in rules.container_tags:
            continue
        hidden = is_hidden(element)
        if hidden and not include_hidden:
            continue
        rows = [row for child in element if (row := as_row(child, rules)) is not None]
        if rows:
            found.append(Block(element, rows, hidden))
    return found


def main_block(found: list[Block]) -> Block | None:
    """The listing among ``found``: the visible container with the most rows, joined by the
    other groups of the same list (templates that split one page's entries into several ``ul``
    of five, shown one group at a time by a script: hidden groups count)."""
    visible = [block for block in found if not block.hidden]
    if not visible:
        return None
    best = max(visible, key=lambda block: len(block.rows))
    groups = [block for block in found if block is best or same_list(block.container, best.container)]
    row_tags = {row.element.tag for block in groups for row in block.rows}
    rows: list[Row] = []
    for block in groups:
        dated = {row.element: row for row in block.rows}
        lenient = len(block.rows) >= MIN_DATED_ROWS
        for child in block.container:
            row = dated.get(child)
            if row is None and lenient and child.tag in row_tags:
                row = undated_row(child)
            if row is not None:
                rows.append(row)
    return Block(best.container, rows)


def undated_row(element: etree._Element, rules: RowRules | None = None) -> Row | None:
    """A row of a listing that prints no date for this one entry (its siblings have theirs)."""
    rules = rules or load_rules()
    if not isinstance(element.tag, str) or element.get(HIDDEN_MARK) is not None or is_list_chrome(element):
        return None
    anchors = [a for a in element.iter("a") if usable_href(a)]
    if not anchors or len(anchors) > rules.max_anchors or len(inline_text(element)) > rules.max_row_chars:
        return None
    titled = [a for a in anchors if inline_text(a).strip() not in rules.more_words | rules.not_titles]
    titled = [a for a in titled if _title(a)]
    if not titled:
        return None
    anchor = max(titled, key=lambda a: len(_title(a)))
    return Row(element, anchor, _title(anchor), None)


def same_list(element: etree._Element, main: etree._Element) -> bool:
    """Whether ``element`` is another group of the list ``main`` is a group of: a sibling of
    the same kind, or the same kind inside a sibling wrapper of the same kind that carries no
    heading or "more" link of its own (a box of another column has both)."""
    if element is main or kind(element) != kind(main):
        return False
    parent, main_parent = element.getparent(), main.getparent()
    if parent is None or main_parent is None:
        return False
    if parent is main_parent:
        return True
    if parent.getparent() is not main_parent.getparent() or kind(parent) != kind(main_parent):
        return False
    groups = (element, main)
    return not any(
        _is_box_chrome(node)
        for wrapper in (parent, main_parent)
        for child in wrapper
        if child not in groups and isinstance(child.tag, str)
        for node in child.iter()
    )


def kind(element: etree._Element) -> tuple[str, frozenset[str]]:
    """An element's tag and class tokens without state tokens (active, cur…) or numbers."""
    states = load_rules().state_tokens
    tokens = frozenset(
        stripped
        for token in (element.get("class") or "").lower().split()
        if token not in states and (stripped := token.rstrip("0123456789_-"))
    )
    return str(element.tag), tokens


def _is_box_chrome(element: etree._Element) -> bool:
    if not isinstance(element.tag, str):
        return False
    if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return True
    return element.tag == "a" and is_more_link(element)


def as_row(element: etree._Element, rules: RowRules | None = None) -> Row | None:
    """``element`` read as one entry (a few anchors, short text, a date), else None."""
    rules = rules or load_rules()
    if not isinstance(element.tag, str) or element.get(HIDDEN_MARK) is not None or is_list_chrome(element):
        return None
    anchors = [a for a in element.iter("a") if usable_href(a)]
    if not anchors or len(anchors) > rules.max_anchors:
        return None
    text = inline_text(element)
    # pieces joined with spaces: "标题1" + "2020-05-01" printed in two tags is no "12020"
    spaced = " ".join(piece.strip() for piece in element.itertext())  # type: ignore[arg-type]
    if len(text) > rules.max_row_chars or parse_date(spaced) is None:
        return None
    titled = [a for a in anchors if inline_text(a).strip() not in rules.more_words]
    if not titled:
        return None
    anchor = max(titled, key=lambda a: len(_title(a)))
    title = _title(anchor)
    date_raw = nearby_date(anchor, element) or _date_inside(anchor)
    return Row(element, anchor, title, date_raw)


def _title(anchor: etree._Element) -> str:
    """``title=``, else the anchor's text without a date element printed inside it."""
    if (anchor.get("title") or "").strip():
        return anchor_title(anchor)
    dated = [e for e in anchor.iterdescendants() if isinstance(e.tag, str) and _is_date_only(inline_text(e))]
    if not dated:
        return anchor_title(anchor)
    text = inline_text(anchor)
    for element in dated:
        text = text.replace(inline_text(element), " ", 1)
    return " ".join(text.split())


def _date_inside(anchor: etree._Element) -> str | None:
    for element in anchor.iterdescendants():
        if isinstance(element.tag, str) and _is_date_only(inline_text(element)):
            return inline_text(element)
    return find_date_text(inline_text(anchor))


def _is_date_only(text: str) -> bool:
    found = find_date_text(text)
    return found is not None and len(text.strip(" []()（）【】")) <= len(found) + 6
