"""What kind of item a detail page looks like on its own (video, picture, document, article), and why.

The evidence a reader would point at: a video player in the article (a ``<video>``, a platform's
``<iframe>``, a Flash ``<embed>``, a CMS player script with a video file), a page of photos with
little text, a 文号. Rules are data, in ``pagekind.yaml``; the column an item is listed in may
overrule the page (``taxonomy.kinds``), which the archive decides, keeping this as the page's side.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import yaml
from lxml import etree

from crawler.extract import content

logger = logging.getLogger(__name__)

PAGEKIND_FILE = Path(__file__).with_name("pagekind.yaml")
# a file extension at the end of a URL in script or attribute text; the URL is then read backwards
# from it (a lazy match forwards from every position was quadratic on long runs of word characters)
_EXTENSION_AT_END = re.compile(r"""[\w%~\-]\.([a-z0-9]{2,5})(?=[?#&'"\s,;)\]}]|$)""", re.I)
_URL_CHARS = frozenset("./:%~-_")
_URL_MAX = 2000


@dataclass(frozen=True)
class KindRules:
    scope_levels: int
    video_extensions: frozenset[str]
    platform_hosts: tuple[str, ...]
    flash_extensions: frozenset[str]
    flash_player_names: tuple[str, ...]
    object_source_params: tuple[str, ...]
    player_scripts: tuple[str, ...]
    picture_max_text: int
    picture_min_images: int
    picture_max_text_per_image: int


@dataclass(frozen=True)
class Player:
    """One video on a page: how it is shown (``<video>``, ``<iframe>``, ``flash``, ``script``, ``link``),
    what shows it (a host, a player's name) and the video's address when the markup gives one."""

    how: str
    what: str
    url: str


@dataclass(frozen=True)
class PageKind:
    """The kind a page looks like and the evidence, e.g. ``video iframe v.qq.com``."""

    kind: str
    reason: str
    players: tuple[Player, ...] = ()


@cache
def load_rules() -> KindRules:
    """The rules of ``pagekind.yaml``."""
    with PAGEKIND_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    video, picture = data["video"], data["picture"]
    return KindRules(
        scope_levels=int(data["scope_levels"]),
        video_extensions=content.load_rules().video_extensions,
        platform_hosts=tuple(h.lower() for h in video["platform_hosts"]),
        flash_extensions=frozenset(e.lower() for e in video["flash_extensions"]),
        flash_player_names=tuple(n.lower() for n in video["flash_player_names"]),
        object_source_params=tuple(n.lower() for n in video["object_source_params"]),
        player_scripts=tuple(n.lower() for n in video["player_scripts"]),
        picture_max_text=int(picture["max_text"]),
        picture_min_images=int(picture["min_images"]),
        picture_max_text_per_image=int(picture["max_text_per_image"]),
    )


@dataclass(frozen=True)
class ScriptPlayer:
    """A CMS player script with a video, found before scripts are stripped, and where it stood."""

    player: Player
    ancestors: tuple[etree._Element, ...]


def script_players(root: etree._Element, base_url: str) -> list[ScriptPlayer]:
    """The player scripts of the page as served (extraction strips scripts and hidden blocks, and a
    player's block is often hidden until its script shows it)."""
    found = []
    for element in root.iter("script"):
        player = _script(element, base_url)
        if player is not None:
            found.append(ScriptPlayer(player, tuple(element.iterancestors())))
    return found


def page_kind(
    container: etree._Element,
    base_url: str,
    body_text: str,
    images: list[str],
    doc_no: str | None,
    scripts: list[ScriptPlayer] | tuple[ScriptPlayer, ...] = (),
) -> PageKind:
    """The kind of the page whose body is ``container``: video, picture, document or article.
    ``scripts`` are the page's player scripts (``script_players``); those inside the article count."""
    scope = _scope(container)
    players = (
        *find_players(container, base_url),
        *(s.player for s in scripts if any(a is scope for a in s.ancestors) and not _outside(s, scope)),
    )
    if players:
        first = players[0]
        return PageKind("video", f"video: {first.how} {first.what}", players)
    if doc_no:  # a 文号 makes a government document, photos or not
        return PageKind("document", f"文号 {doc_no}")
    rules = load_rules()
    text = len(body_text)
    many = len(images) >= rules.picture_min_images
    if images and (
        text < rules.picture_max_text or (many and text <= rules.picture_max_text_per_image * len(images))
    ):
        return PageKind("picture", f"{len(images)} images, {text} chars of text")
    return PageKind("article", f"{len(images)} images, {text} chars of text")


def find_players(container: etree._Element, base_url: str) -> list[Player]:
    """The videos shown in the article: in ``container`` or the wrapper around it, in page order."""
    found: dict[tuple[str, str], Player] = {}
    for element in _elements(_scope(container)):
        player = _player(element, base_url)
        if player is not None:
            found.setdefault((player.how, player.url or player.what), player)
    return list(found.values())


def _outside(script: ScriptPlayer, scope: etree._Element) -> bool:
    """Whether the script sits in a navigation, sidebar or footer block inside ``scope``."""
    for ancestor in script.ancestors:
        if ancestor is scope:
            return False
        if content.is_excluded(ancestor):
            return True
    return False


def _elements(scope: etree._Element) -> Iterator[etree._Element]:
    """The elements under ``scope`` in page order, leaving out navigation, sidebars and footers."""
    stack = [scope]
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str) or (element is not scope and content.is_excluded(element)):
            continue
        yield element
        stack.extend(reversed(element))


def _scope(container: etree._Element) -> etree._Element:
    scope = container
    for _ in range(load_rules().scope_levels):
        parent = scope.getparent()
        if parent is None or parent.tag in ("body", "html") or content.in_excluded_region(parent):
            break
        scope = parent
    return scope


def _player(element: etree._Element, base_url: str) -> Player | None:
    tag = element.tag
    if tag in ("video", "source"):
        url = _absolute(element.get("src") or element.get("data-src"), base_url)
        return Player(f"<{tag}>", _extension(url) or "tag", url) if url else None
    if tag in ("iframe", "embed", "object", "a"):
        return _embedded(element, base_url)
    return None


def _embedded(element: etree._Element, base_url: str) -> Player | None:
    rules = load_rules()
    attribute = {"a": "href", "object": "data"}.get(element.tag, "src")
    url = _absolute(element.get(attribute) or element.get("data-src"), base_url)
    movie = next((v for v in (_param(element, n) for n in rules.object_source_params) if v), None)
    if element.tag == "object" and not url and movie:
        url = _absolute(movie, base_url)
    if not url:
        return _flashvars_only(element, base_url) if element.tag in ("object", "embed") else None
    if _extension(url) in rules.video_extensions:
        return Player("link" if element.tag == "a" else f"<{element.tag}>", _extension(url), url)
    if element.tag == "a":
        return None
    host = (urlsplit(url).hostname or "").lower()
    if any(host == h or host.endswith("." + h) for h in rules.platform_hosts):
        return Player(f"<{element.tag}>", host, url)
    if _extension(url) in rules.flash_extensions:
        return _flash(element, url, base_url)
    return None


def _flash(element: etree._Element, url: str, base_url: str) -> Player | None:
    """A Flash movie that plays a video: a named player, or flashvars/query naming a video file."""
    rules = load_rules()
    name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    values = [url, element.get("flashvars") or "", _param(element, "flashvars") or ""]
    video = next((v for v in _video_urls(" ".join(values), base_url)), None)
    if video is None:
        query = dict(parse_qsl(urlsplit(url).query))
        video = next((_absolute(v, base_url) for v in query.values() if _is_video_file(v)), None)
    if video is None and not any(n in name for n in rules.flash_player_names):
        return None
    # a named player with no readable video file: a video, but its address is unknown (the player's
    # .swf is the same for every video of the site, no source of its own)
    return Player("flash", name, video or "")


def _flashvars_only(element: etree._Element, base_url: str) -> Player | None:
    """An ``<object>``/``<embed>`` with no movie whose flashvars name a video file (the 北京 区 TRS
    templates turn such an object's ``FlashVars`` ``f=…mp4`` into a ``<video>`` by script)."""
    values = " ".join((element.get("flashvars") or "", _param(element, "flashvars") or ""))
    video = next(iter(_video_urls(values, base_url)), None)
    return Player("flash", "flashvars", video) if video else None


def _script(element: etree._Element, base_url: str) -> Player | None:
    rules = load_rules()
    source = (element.get("src") or "").lower()
    text = element.text or ""
    lowered = text.lower()
    names = [n for n in rules.player_scripts if n in lowered or n in source]
    if not names:
        return None
    video = next(iter(_video_urls(text, base_url)), None)
    return Player("script", names[0], video) if video else None


def _param(element: etree._Element, name: str) -> str | None:
    for param in element.iter("param"):
        if (param.get("name") or "").lower() == name:
            return param.get("value")
    return None


def _video_urls(text: str, base_url: str) -> Iterator[str]:
    extensions = load_rules().video_extensions
    for match in _EXTENSION_AT_END.finditer(text):
        if match.group(1).lower() in extensions:
            start = match.start()
            floor = max(0, start - _URL_MAX)
            while start > floor and (text[start - 1].isalnum() or text[start - 1] in _URL_CHARS):
                start -= 1
            url = _absolute(text[start : match.end()], base_url)
            if url:
                yield url


def _is_video_file(value: str) -> bool:
    return _extension(value) in load_rules().video_extensions


def _absolute(raw: str | None, base_url: str) -> str:
    return content.absolute_url(raw, base_url) or ""


def _extension(url: str) -> str:
    return content.extension(url)
