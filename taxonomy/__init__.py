"""The disclosure taxonomy: nodes with stable codes, names, aliases, update classes and keywords.

The tree lives in ``taxonomy.yaml`` beside this module; this module only loads it and answers
"which node is this column name?" with the rule that decided it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

DEFAULT_PATH = Path(__file__).with_name("taxonomy.yaml")

# Quotes that portals use interchangeably around names such as 公共资源配置“黑名单”.
_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "‘": "'", "’": "'", "《": "", "》": ""})
_SPACE = re.compile(r"[\s\u3000\xa0]+")
# Nav labels cut short with an ellipsis (双创政策...).
_ELLIPSIS = re.compile(r"(?:\.{2,}|…+|。{2,})$")
_SUFFIXES = ("专栏", "栏目", "信息公开", "信息")
# A shortened name (双创政策 for 双创政策汇编, 灾害事故救援 for 灾害事故救援、救助) is taken only when
# what it leaves out starts a list (、，及和与等…) or is a generic word, and only one node fits.
_SHORTENED_MIN = 4
_LIST_STARTS = tuple("、，,（(及和与等暨")
_GENERIC_TAILS = ("汇编", "信息", "专栏", "公开", "工作", "情况", "事项", "结果", "信息公开", "工作专栏")


def normalise_name(name: str) -> str:
    """Fold the spelling variants real portals use: width, quotes, spaces, bracketed notes."""
    text = unicodedata.normalize("NFKC", name).translate(_QUOTES)
    text = _ELLIPSIS.sub("", _SPACE.sub("", text))
    return text.strip("·-—:：")


def _bare(name: str) -> str:
    """A name without quotes and a trailing generic suffix, for the last-chance comparison."""
    text = normalise_name(name).replace('"', "").replace("'", "")
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


@dataclass(frozen=True)
class Node:
    """One taxonomy node; ``path`` is the names from the root joined by ``/``."""

    code: str
    name: str
    path: str
    parent: str | None
    update_class: str = "other"
    group: str | None = None
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    children: tuple[str, ...] = field(default=())

    @property
    def depth(self) -> int:
        return self.path.count("/")


@dataclass(frozen=True)
class Match:
    """A taxonomy node chosen for a name, and the rule that chose it (``exact``, ``alias``, ...)."""

    node: Node
    rule: str


class TaxonomyError(ValueError):
    """The taxonomy file is malformed."""


class Taxonomy:
    """The loaded tree, indexed by code, path and every spelling of every name."""

    def __init__(self, version: str, nodes: list[Node]) -> None:
        self.version = version
        self._by_code = {n.code: n for n in nodes}
        self._by_path = {n.path: n for n in nodes}
        self._exact: dict[str, list[Node]] = {}
        self._alias: dict[str, list[Node]] = {}
        self._normal: dict[str, list[Node]] = {}
        for node in nodes:
            self._exact.setdefault(node.name, []).append(node)
            for alias in node.aliases:
                self._alias.setdefault(alias, []).append(node)
            for spelling in (node.name, *node.aliases):
                self._normal.setdefault(normalise_name(spelling), []).append(node)
                self._normal.setdefault(_bare(spelling), []).append(node)

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> Taxonomy:
        try:
            # The C loader when PyYAML has it: the pure-Python one is a tenth of a second per command.
            data = yaml.load(
                Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            )
        except yaml.YAMLError as exc:
            raise TaxonomyError(f"{path}: not valid YAML: {exc}") from exc
        if not isinstance(data, dict) or "nodes" not in data or "version" not in data:
            raise TaxonomyError(f"{path}: expected a mapping with 'version' and 'nodes'")
        nodes: list[Node] = []
        for raw in data["nodes"]:
            _flatten(raw, None, "", nodes, str(path))
        return cls(str(data["version"]), nodes)

    def __iter__(self) -> Iterator[Node]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Node:
        return self._by_code[code]

    def by_path(self, path: str) -> Node | None:
        return self._by_path.get(path)

    def children(self, code: str) -> list[Node]:
        return [self._by_code[c] for c in self._by_code[code].children]

    def group(self, group: str) -> list[Node]:
        """The nodes of one comparison group (``kept``, ``public_resources``, ...)."""
        return [n for n in self if n.group == group]

    def ancestors(self, node: Node) -> list[Node]:
        chain = []
        while node.parent is not None:
            node = self._by_code[node.parent]
            chain.append(node)
        return chain

    def match(self, name: str, parent: Node | None = None) -> Match | None:
        """The node a portal column called ``name`` stands for, preferring children of ``parent``."""
        for rule, index, key in (
            ("exact", self._exact, name.strip()),
            ("alias", self._alias, name.strip()),
            ("normalised", self._normal, normalise_name(name)),
            ("normalised", self._normal, _bare(name)),
        ):
            found = _prefer(index.get(key, []), parent)
            if found is not None:
                return Match(found, rule)
        shortened = self._shortened(_bare(name), parent)
        return Match(shortened, "normalised") if shortened is not None else None

    def _shortened(self, name: str, parent: Node | None) -> Node | None:
        """The one node whose name or alias ``name`` shortens, if exactly one does."""
        if len(name) < _SHORTENED_MIN:
            return None
        found = {
            node.code: node
            for spelling, nodes in self._normal.items()
            if spelling.startswith(name) and _is_dropped_tail(spelling[len(name) :])
            for node in nodes
        }
        if parent is not None:
            inside = {c: n for c, n in found.items() if n.path.startswith(parent.path + "/")}
            found = inside or found
        return next(iter(found.values())) if len(found) == 1 else None

    def match_keywords(self, text: str) -> Match | None:
        """A node whose keywords occur in ``text`` (a title), for items in unmapped columns."""
        best: tuple[int, Node, str] | None = None
        for node in self:
            for keyword in node.keywords:
                if keyword in text and (best is None or len(keyword) > best[0]):
                    best = (len(keyword), node, keyword)
        if best is None:
            return None
        return Match(best[1], f"keyword:{best[2]}")


def _is_dropped_tail(tail: str) -> bool:
    return bool(tail) and (tail.startswith(_LIST_STARTS) or tail in _GENERIC_TAILS)


def _prefer(candidates: list[Node], parent: Node | None) -> Node | None:
    if not candidates:
        return None
    if parent is not None:
        for node in candidates:
            if node.parent == parent.code or node.path.startswith(parent.path + "/"):
                return node
    # Without context the shallowest spelling wins: 招标投标 alone is the major-projects leaf,
    # but a top-level name never loses to a deep one.
    return min(candidates, key=lambda n: n.depth)


def _flatten(raw: dict, parent: Node | None, prefix: str, out: list[Node], source: str) -> Node:
    for key in ("code", "name"):
        if key not in raw:
            raise TaxonomyError(f"{source}: a node lacks '{key}': {raw!r}")
    path = f"{prefix}/{raw['name']}" if prefix else str(raw["name"])
    children = raw.get("children") or []
    node = Node(
        code=str(raw["code"]),
        name=str(raw["name"]),
        path=path,
        parent=parent.code if parent else None,
        update_class=str(raw.get("update_class", "other")),
        group=raw.get("group"),
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        keywords=tuple(str(k) for k in raw.get("keywords") or ()),
        children=tuple(str(c["code"]) for c in children),
    )
    out.append(node)
    for child in children:
        _flatten(child, node, path, out, source)
    return node


@cache
def default_taxonomy() -> Taxonomy:
    """The taxonomy shipped with zwgk, loaded once per process."""
    return Taxonomy.load(DEFAULT_PATH)
