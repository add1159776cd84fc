"""Read a list page's pager without knowing its CMS: the universal evidence every adapter falls back on.

Evidence, in the page as served (hidden parts included): 下一页 / 尾页 and numbered links,
targets kept only in ``onclick="location.href=…"`` or ``javascript:`` links, ``<select>`` jump
menus, hidden lists of page links, declared numbers (``共N条记录 X/Y页``, ``maxPageNum = 199``,
``recordCount:'368'``), reversed numbering (page k named from the end), Hanweb ``<nextgroup>``
URLs and lists served only through a POST API. Words, patterns and parameter names are data, in
``pager.yaml`` beside this module; :mod:`crawler.adapters.paging` turns a :class:`Pager` into the
next page's URL.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

import yaml
from lxml import etree

from crawler.extract.html import inline_text, is_hidden
from crawler.extract.listing import usable_href

PAGER_FILE = Path(__file__).with_name("pager.yaml")
_TAGS = re.compile(r"<[^>]*>")
_ARROWS = re.compile(r"[\s<>‹›«»〈〉《》\u3000\xa0]+")
_NUMBER = re.compile(r"^\d{1,7}$")
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
_LAST_NUMBER = re.compile(r"(\d{1,7})(?!.*\d)")
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
# a family of page links is at least this many URLs differing only in one number
MIN_FAMILY = 3


@dataclass(frozen=True)
class PagerRules:
    next_words: frozenset[str]
    last_words: frozenset[str]
    next_classes: frozenset[str]
    last_classes: frozenset[str]
    current_classes: frozenset[str]
    page_params: frozenset[str]
    pages_patterns: tuple[re.Pattern[str], ...]
    total_patterns: tuple[re.Pattern[str], ...]
    current_patterns: tuple[re.Pattern[str], ...]
    script_targets: tuple[re.Pattern[str], ...]
    next_group_patterns: tuple[re.Pattern[str], ...]
    reversed_patterns: tuple[re.Pattern[str], ...]
    post_api_patterns: tuple[re.Pattern[str], ...]
    post_api_paging: re.Pattern[str] | None
    option_labels: tuple[re.Pattern[str], ...] = ()
    prev_words: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Pager:
    """What a page's pager says.

    ``pages``/``total`` are declared numbers; ``next_url``/``last_url`` the 下一页 / 尾页 targets;
    ``numbered`` maps page labels to their URLs; ``param`` is the query parameter numbering pages
    (``first`` its first page's number, 0 or 1); ``template`` an absolute URL with ``{n}`` where
    the page number goes (from a family of page links), ``reversed`` when page k is named
    ``pages - k + 1``; ``current`` the page shown (1-based) when printed; ``how`` where the
    paging was found (links, script, select, none) and ``post_api`` the URL of a POST search API
    the page's script loads its list from.
    """

    pages: int | None = None
    total: int | None = None
    next_url: str | None = None
    last_url: str | None = None
    param: str | None = None
    first: int = 1
    numbered: tuple[tuple[int, str], ...] = ()
    template: str | None = None
    reversed: bool = False
    current: int | None = None
    how: str = "none"
    post_api: str | None = None


@cache
def load_rules() -> PagerRules:
    """The rules of ``pager.yaml``."""
    with PAGER_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)

    def patterns(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.I) for p in data.get(key) or ())

    return PagerRules(
        next_words=frozenset(_word(w) for w in data["next_words"]),
        last_words=frozenset(_word(w) for w in data["last_words"]),
        next_classes=frozenset(str(c).lower() for c in data.get("next_classes") or ()),
        last_classes=frozenset(str(c).lower() for c in data.get("last_classes") or ()),
        current_classes=frozenset(str(c).lower() for c in data.get("current_classes") or ()),
        page_params=frozenset(str(p).lower() for p in data["page_params"]),
        pages_patterns=patterns("pages_patterns"),
        total_patterns=patterns("total_patterns"),
        current_patterns=patterns("current_patterns"),
        script_targets=patterns("script_targets"),
        next_group_patterns=patterns("next_group_patterns"),
        reversed_patterns=patterns("reversed_patterns"),
        post_api_patterns=patterns("post_api_patterns"),
        post_api_paging=re.compile(data["post_api_paging"], re.I) if data.get("post_api_paging") else None,
        option_labels=patterns("option_labels"),
        prev_words=frozenset(_word(w) for w in data.get("prev_words") or ()),
    )


@dataclass
class _Links:
    next_url: str | None = None
    last_url: str | None = None
    numbered: dict[int, str] | None = None
    how: str = "none"
    family: list[str] | None = None


def read_pager(text: str, root: etree._Element, url: str) -> Pager:
    """The pager of the page at ``url``: ``text`` is its source (numbers printed by scripts
    count), ``root`` its parsed tree (hidden elements may be there: a hidden list of page links
    is evidence too)."""
    rules = load_rules()
    plain = _TAGS.sub(" ", text or "")
    links = _read_links(root, url, rules)
    scripts = "\n".join(_SCRIPT.findall(text or ""))
    if links.next_url is None:
        group = _first_match(rules.next_group_patterns, text or "")
        if group:
            links.next_url = urldefrag(urljoin(url, html.unescape(group)))[0]
            links.how = "script"
    numbered = links.numbered or {}
    param = page_param(url, [u for u in (links.next_url, links.last_url, *numbered.values()) if u], rules)
    first = 0 if param and any(_param_value(u, param) == 0 for u in numbered.values()) else 1
    pages = _declared(rules.pages_patterns, plain)
    if pages is None and links.last_url and param:
        last = _param_value(links.last_url, param)
        pages = last + 1 - first if last is not None else None
    template = _template(links.family or [])
    is_reversed = bool(template and _first_match(rules.reversed_patterns, scripts))
    how = links.how
    if how == "none" and (pages or 0) > 1:
        how = "script" if _declared(rules.pages_patterns, _TAGS.sub(" ", scripts)) else "links"
    if how == "none" and template:
        how = "script" if is_reversed else "links"
    return Pager(
        pages=pages,
        total=_declared(rules.total_patterns, plain),
        next_url=links.next_url,
        last_url=links.last_url,
        param=param,
        first=first,
        numbered=tuple(sorted(numbered.items())),
        template=template,
        reversed=is_reversed,
        current=_current(root, plain, rules),
        how=how,
        post_api=_post_api(scripts, url, rules),
    )


def _read_links(root: etree._Element, url: str, rules: PagerRules) -> _Links:
    found = _Links(numbered={})
    assert found.numbered is not None
    family: list[str] = []
    kinds: dict[str, str] = {}
    for element in root.iter("a", "option"):
        target, kind = _target(element, url, rules)
        if target is None:
            continue
        word = _word(inline_text(element))
        tokens = _tokens(element)
        if element.tag == "option":
            number = _option_number(word, rules)
            if number is not None:
                found.numbered.setdefault(number, target)
                kinds.setdefault("numbered", "select")
            family.append(target)
            continue
        if found.next_url is None and (word in rules.next_words or not tokens.isdisjoint(rules.next_classes)):
            found.next_url = target
            kinds["next"] = kind
        elif found.last_url is None and (
            word in rules.last_words or not tokens.isdisjoint(rules.last_classes)
        ):
            found.last_url = target
            kinds.setdefault("last", kind)
        elif word in rules.prev_words:
            kinds.setdefault("prev", kind)
        elif _NUMBER.match(word):
            found.numbered.setdefault(int(word), target)
            kinds.setdefault("numbered", kind)
            family.append(target)
        elif not word and is_hidden(element) and not element.get("title") and element.find(".//img") is None:
            family.append(target)  # an empty hidden link: a hidden list of page links
    for key in ("next", "last", "numbered", "prev"):
        if key in kinds:
            found.how = kinds[key]
            break
    if found.next_url:
        family.append(found.next_url)
    if found.last_url:
        family.append(found.last_url)
    found.family = family
    return found


def _target(element: etree._Element, url: str, rules: PagerRules) -> tuple[str | None, str]:
    """The URL a pager link leads to and how it says so (links, script, select)."""
    if element.tag == "option":
        value = (element.get("value") or "").strip()
        if not value or _NUMBER.match(value) or not re.search(r"[./?=]", value):
            return None, "none"
        return _absolute(url, value), "select"
    href = usable_href(element)
    if href is not None:
        return _absolute(url, href), "links"
    raw_href = (element.get("href") or "").strip()
    sources = [element.get("onclick") or ""]
    if raw_href.lower().startswith("javascript:"):
        sources.append(raw_href)
    for source in sources:
        found = _first_match(rules.script_targets, html.unescape(source))
        if found and not found.lower().startswith(("javascript:", "#")):
            return _absolute(url, found), "script"
    return None, "none"


def _absolute(url: str, target: str) -> str | None:
    try:
        return urldefrag(urljoin(url, target.strip()))[0]
    except ValueError:
        return None


def _template(urls: list[str]) -> str | None:
    """``{n}`` in place of the number that varies across the largest family of page URLs."""
    families: dict[str, set[int]] = {}
    for target in urls:
        match = _LAST_NUMBER.search(target)
        if not match:
            continue
        key = target[: match.start()] + "{n}" + target[match.end() :]
        families.setdefault(key, set()).add(int(match.group(1)))
    best = max(families.items(), key=lambda item: len(item[1]), default=None)
    if best is None or len(best[1]) < MIN_FAMILY:
        return None
    return best[0]


def _current(root: etree._Element, plain: str, rules: PagerRules) -> int | None:
    found = _first_match(rules.current_patterns, plain)
    if found:
        return int(found)
    for element in root.iter("span", "a", "b", "strong", "li", "font", "em"):
        word = _word(inline_text(element))
        if _NUMBER.match(word) and not _tokens(element).isdisjoint(rules.current_classes):
            if element.tag != "a" or usable_href(element) is None:
                return int(word)
    return None


def _post_api(scripts: str, url: str, rules: PagerRules) -> str | None:
    found = _first_match(rules.post_api_patterns, scripts)
    if not found or (rules.post_api_paging is not None and not rules.post_api_paging.search(scripts)):
        return None
    return _absolute(url, found)


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


def _declared(patterns: tuple[re.Pattern[str], ...], text: str) -> int | None:
    """The first positive match of the first pattern that has one (``var maxPageNum=0`` is a
    script's initial value, not a declaration)."""
    for pattern in patterns:
        for match in pattern.finditer(text):
            value = int(match.group(1))
            if value > 0:
                return value
    return None


def _first_match(patterns: tuple[re.Pattern[str], ...], text: str) -> str | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            return next((g for g in match.groups() if g), None) if match.groups() else match.group(0)
    return None


def _tokens(element: etree._Element) -> set[str]:
    return {
        t for t in _TOKEN_SPLIT.split(f"{element.get('class') or ''} {element.get('id') or ''}".lower()) if t
    }


def _option_number(word: str, rules: PagerRules) -> int | None:
    """The page a jump menu's option names: ``3``, or ``第3页`` and the like (``option_labels``)."""
    if _NUMBER.match(word):
        return int(word)
    for pattern in rules.option_labels:
        match = pattern.match(word)
        if match:
            return int(match.group(1))
    return None


def _word(text: str) -> str:
    return _ARROWS.sub("", str(text))
