"""Read a list page's pager without knowing its CMS: 下一页 / 尾页 links, ``共N页``, ``?page=N``.

The words, parameter names and number patterns are data, in ``pager.yaml`` beside this module.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

import yaml
from lxml import etree

from crawler.extract.html import inline_text
from crawler.extract.listing import usable_href

logger = logging.getLogger(__name__)

PAGER_FILE = Path(__file__).with_name("pager.yaml")
_TAGS = re.compile(r"<[^>]*>")
_ARROWS = re.compile(r"[\s<>‹›«»〈〉《》\u3000\xa0]+")
_NUMBER = re.compile(r"^\d{1,7}$")


@dataclass(frozen=True)
class PagerRules:
    next_words: frozenset[str]
    last_words: frozenset[str]
    page_params: frozenset[str]
    pages_patterns: tuple[re.Pattern[str], ...]
    total_patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Pager:
    """What a page's pager says: declared pages and records, the 下一页 and 尾页 URLs, and the
    query parameter numbering pages (with the first page's number, 0 or 1)."""

    pages: int | None = None
    total: int | None = None
    next_url: str | None = None
    last_url: str | None = None
    param: str | None = None
    first: int = 1


@cache
def load_rules() -> PagerRules:
    """The rules of ``pager.yaml``."""
    with PAGER_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return PagerRules(
        next_words=frozenset(_word(w) for w in data["next_words"]),
        last_words=frozenset(_word(w) for w in data["last_words"]),
        page_params=frozenset(str(p).lower() for p in data["page_params"]),
        pages_patterns=tuple(re.compile(p, re.I) for p in data["pages_patterns"]),
        total_patterns=tuple(re.compile(p, re.I) for p in data["total_patterns"]),
    )


def read_pager(text: str, root: etree._Element, url: str) -> Pager:
    """The pager of the page at ``url``: ``text`` is its source (numbers printed by scripts
    count), ``root`` its parsed tree (for the links)."""
    rules = load_rules()
    plain = _TAGS.sub(" ", text or "")
    next_url = last_url = None
    numbered: dict[int, str] = {}
    for anchor in root.iter("a"):
        href = usable_href(anchor)
        if href is None:
            continue
        word = _word(inline_text(anchor))
        try:
            target = urldefrag(urljoin(url, href))[0]
        except ValueError:
            continue
        if word in rules.next_words and next_url is None:
            next_url = target
        elif word in rules.last_words and last_url is None:
            last_url = target
        elif _NUMBER.match(word):
            numbered[int(word)] = target
    param = page_param(url, [u for u in (next_url, last_url, *numbered.values()) if u], rules)
    first = 0 if param and any(_param_value(u, param) == 0 for u in numbered.values()) else 1
    pages = _first_number(rules.pages_patterns, plain)
    if pages is None and last_url and param:
        last = _param_value(last_url, param)
        pages = last + 1 - first if last is not None else None
    return Pager(
        pages=pages,
        total=_first_number(rules.total_patterns, plain),
        next_url=next_url,
        last_url=last_url,
        param=param,
        first=first,
    )


def page_param(url: str, links: list[str], rules: PagerRules | None = None) -> str | None:
    """The query parameter that numbers pages: in ``url`` itself, else in the pager's links."""
    rules = rules or load_rules()
    for candidate in (url, *links):
        for key, value in parse_qsl(urlsplit(candidate).query, keep_blank_values=True):
            if key.lower() in rules.page_params and _NUMBER.match(value):
                return key
    return None


def with_page(url: str, param: str, number: int) -> str:
    """``url`` with its ``param`` query parameter set to ``number`` (added when missing)."""
    split = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(split.query, keep_blank_values=True) if k != param]
    query.append((param, str(number)))
    return urlunsplit(split._replace(query=urlencode(query), fragment=""))


def current_page(url: str, pager: Pager) -> int:
    """The number of the page at ``url`` in the pager's numbering (its first page when unnumbered)."""
    value = _param_value(url, pager.param) if pager.param else None
    return value if value is not None else pager.first


def _param_value(url: str, param: str) -> int | None:
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key == param and _NUMBER.match(value):
            return int(value)
    return None


def _first_number(patterns: tuple[re.Pattern[str], ...], text: str) -> int | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            return int(match.group(1))
    return None


def _word(text: str) -> str:
    return _ARROWS.sub("", str(text))
