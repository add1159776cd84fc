"""Parsing and text helpers shared by the detail extractor: one lxml parse, cleaned once.

Scripts, styles, comments and hidden elements are removed right after parsing so no later step
reads them; text is taken with block elements as line breaks and whitespace normalised.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator

from lxml import etree

logger = logging.getLogger(__name__)

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_HIDDEN_XPATH = etree.XPath(
    "//script | //style | //noscript | //template | //comment() | //processing-instruction()"
    " | //*[@hidden]"
    " | //*[contains(translate(@style, 'DISPLAYNOVSBIHE ', 'displaynovsbihe'), 'display:none')]"
    " | //*[contains(translate(@style, 'DISPLAYNOVSBIHE ', 'displaynovsbihe'), 'visibility:hidden')]"
)
_SCRIPT_XPATH = etree.XPath(
    "//script | //style | //noscript | //template | //comment() | //processing-instruction()"
)
_HIDDEN_ONLY_XPATH = etree.XPath(
    "//*[@hidden]"
    " | //*[contains(translate(@style, 'DISPLAYNOVSBIHE ', 'displaynovsbihe'), 'display:none')]"
    " | //*[contains(translate(@style, 'DISPLAYNOVSBIHE ', 'displaynovsbihe'), 'visibility:hidden')]"
)
HIDDEN_MARK = "data-zwgk-hidden"
_PARSER = etree.HTMLParser(remove_blank_text=False)
_SPACE = re.compile(r"[ \t\r\f\v\u3000\xa0\u2002\u2003\u200b\ufeff]+")
BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td th thead tfoot tr ul".split()
)


def parse_html(text: str) -> etree._Element:
    """The page's root element with scripts, styles, comments and hidden elements removed."""
    return strip_hidden(parse_page(text))


def parse_listing(text: str) -> etree._Element:
    """A list page's root element: scripts, styles and comments removed, hidden elements kept
    but marked (:func:`is_hidden`): a list split into groups that a script shows one at a time
    holds its hidden groups in the page, and a hidden list of page links is pager evidence."""
    root = parse_page(text)
    for node in _SCRIPT_XPATH(root):
        remove_keeping_tail(node)
    for node in _HIDDEN_ONLY_XPATH(root):
        node.set(HIDDEN_MARK, "1")
    return root


def is_hidden(element: etree._Element, within: etree._Element | None = None) -> bool:
    """Whether ``element`` or an ancestor (below ``within``, when given) was marked hidden by
    :func:`parse_listing`."""
    node: etree._Element | None = element
    while node is not None and node is not within:
        if node.get(HIDDEN_MARK) is not None:
            return True
        node = node.getparent()
    return False


def parse_page(text: str) -> etree._Element:
    """The page's root element as served, hidden parts included (what the integrity scan reads).

    An empty or unparseable page gives an empty document, never an error.
    """
    text = strip_control_chars(_XML_DECLARATION.sub("", text or "", count=1))
    try:
        # plain etree elements: lxml.html's per-element class lookup costs more than the parse
        root = etree.fromstring(text, _PARSER) if text.strip() else None
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        logger.debug("unparseable page; extracting from an empty document")
        root = None
    return _empty() if root is None else root


def strip_hidden(root: etree._Element) -> etree._Element:
    """``root`` with scripts, styles, comments and hidden elements removed (in place)."""
    for node in _HIDDEN_XPATH(root):
        remove_keeping_tail(node)
    return root


def strip_control_chars(text: str) -> str:
    """``text`` without the characters libxml2 refuses (C0 controls, surrogates, non-characters)."""
    return _CONTROL_CHARS.sub("", text)


def remove_keeping_tail(node: etree._Element) -> None:
    """Remove ``node`` and its subtree but keep the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    previous = node.getprevious()
    parent.remove(node)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def normalise_space(text: str | None) -> str:
    """Collapse spaces (incl. U+3000 and NBSP) per line and drop empty lines."""
    if not text:
        return ""
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def inline_text(element: etree._Element) -> str:
    """All text of ``element`` on one line, whitespace collapsed."""
    return " ".join(normalise_space("".join(element.itertext())).split("\n"))  # type: ignore[arg-type]


def block_text(element: etree._Element, skip: Callable[[etree._Element], bool] | None = None) -> str:
    """Text of ``element`` with block elements on their own lines, skipping subtrees ``skip`` names."""
    return normalise_space("".join(_walk_text(element, skip)))


def _walk_text(element: etree._Element, skip: Callable[[etree._Element], bool] | None) -> Iterator[str]:
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        if not isinstance(node.tag, str):
            continue
        is_root = node is element
        if event == "start":
            if not is_root and skip is not None and skip(node):
                # iterwalk still reports the skipped element's end, which yields its tail
                walker.skip_subtree()
                continue
            if node.tag in BLOCK_TAGS:
                yield "\n"
            if node.text:
                yield node.text
        else:
            if node.tag in BLOCK_TAGS:
                yield "\n"
            if node.tail and not is_root:
                yield node.tail


def _empty() -> etree._Element:
    return etree.fromstring("<html><head></head><body></body></html>", _PARSER)
