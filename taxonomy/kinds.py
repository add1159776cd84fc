"""Which columns hold a kind of item (图片新闻 → picture, 视频新闻 → video), from ``kinds.yaml``.

An auditor counting 图片 and 视频新闻 takes the items of those columns; the column a page is listed
in is the evidence, read here from its name (or the taxonomy node it was mapped to).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from taxonomy import TaxonomyError, normalise_name

logger = logging.getLogger(__name__)

KINDS_PATH = Path(__file__).with_name("kinds.yaml")
COLUMN_KINDS = ("picture", "video")


@dataclass(frozen=True)
class ColumnKind:
    """The kind a column's items are, and why: ``rule`` is ``name``, ``pattern`` or ``node``."""

    kind: str
    rule: str
    evidence: str


@dataclass(frozen=True)
class _KindRules:
    kind: str
    names: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    exceptions: tuple[re.Pattern[str], ...]
    nodes: frozenset[str]


def _data(path: Path | str = KINDS_PATH) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise TaxonomyError(f"{path}: expected a mapping with 'kinds'")
    return data


@cache
def decorations(path: Path | str = KINDS_PATH) -> tuple[re.Pattern[str], ...]:
    """What is stripped from a column's name before it is compared (brackets, >>, a count)."""
    try:
        return tuple(re.compile(p) for p in _data(path).get("decorations") or ())
    except re.error as exc:
        raise TaxonomyError(f"{path}: bad decoration pattern: {exc}") from exc


@cache
def load_kinds(path: Path | str = KINDS_PATH) -> tuple[_KindRules, ...]:
    """The rules of ``kinds.yaml``, one per kind, in file order."""
    data = _data(path)
    if not isinstance(data, dict) or not isinstance(data.get("kinds"), dict):
        raise TaxonomyError(f"{path}: expected a mapping with 'kinds'")
    rules = []
    for kind, raw in data["kinds"].items():
        if kind not in COLUMN_KINDS or not isinstance(raw, dict):
            raise TaxonomyError(
                f"{path}: kind {kind!r} must be one of {COLUMN_KINDS}, with names/patterns/nodes"
            )
        try:
            patterns = tuple(re.compile(p) for p in raw.get("patterns") or ())
            exceptions = tuple(re.compile(p) for p in raw.get("except") or ())
        except re.error as exc:
            raise TaxonomyError(f"{path}: kind {kind}: bad pattern: {exc}") from exc
        names = frozenset(normalise_name(str(n)) for n in raw.get("names") or ())
        nodes = frozenset(str(c) for c in raw.get("nodes") or ())
        rules.append(_KindRules(kind, names, patterns, exceptions, nodes))
    return tuple(rules)


def column_kind(name: str | None, taxonomy_code: str | None = None) -> ColumnKind | None:
    """The kind of the items of a column called ``name`` (mapped to ``taxonomy_code``), if it has one.

    A name listed in the file wins over a pattern, a pattern over the taxonomy node; a name that
    matches one of a kind's ``except`` patterns (监控视频) gets that kind from its node only.
    """
    normal = _bare_name(name) if name else ""
    rules = load_kinds()
    for rule in rules:
        if normal in rule.names:
            return ColumnKind(rule.kind, "name", name or "")
    for rule in rules:
        if normal and any(p.search(normal) for p in rule.patterns) and not _excepted(rule, normal):
            return ColumnKind(rule.kind, "pattern", name or "")
    for rule in rules:
        if taxonomy_code and taxonomy_code in rule.nodes:
            return ColumnKind(rule.kind, "node", taxonomy_code)
    return None


def _excepted(rule: _KindRules, normal: str) -> bool:
    return any(p.search(normal) for p in rule.exceptions)


def _bare_name(name: str) -> str:
    normal = normalise_name(name)
    for pattern in decorations():
        normal = pattern.sub("", normal)
    return normal
