"""Serious wording errors (严重表述错误): misspelt names of the country, the Party, state organs,
laws and formal titles, matched from a curated dictionary with a multi-pattern (Aho-Corasick)
matcher. A finding shows each error in its sentence with the correction.

A wrong form is never reported inside a longer correct text: every correction (and the ``allow``
list of ``wording.yaml``) is matched too, and a wrong form lying within a correct match is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick
from lxml import etree

from inspection.data import DATA_DIR, RulesError, load_rules, require
from inspection.finding import SEVERITIES, Finding, worst_severity
from inspection.textrows import tree_rows

RULES_FILE = DATA_DIR / "wording.yaml"
KIND = "wording_error"
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


@dataclass(frozen=True)
class Entry:
    wrong: str
    correct: str
    category: str
    severity: str
    source: str


@dataclass(frozen=True)
class Match:
    """One wrong form found in a text: the dictionary entry, where it is, and its sentence."""

    entry: Entry
    start: int
    end: int
    sentence: str


@dataclass(frozen=True)
class Dictionary:
    entries: tuple[Entry, ...]
    automaton: Any  # ahocorasick.Automaton: wrong forms and allowed texts
    evidence_matches: int
    sentence_max: int


@cache
def load_dictionary(path: Path = RULES_FILE) -> Dictionary:
    """The dictionary of ``wording.yaml`` as an automaton (cached per process)."""
    data = load_rules(path)
    entries = tuple(_entry(raw, path) for raw in require(data, "entries", list, path))
    automaton = ahocorasick.Automaton()
    allowed = {e.correct for e in entries} | {str(a) for a in data.get("allow") or ()}
    for text in allowed:
        automaton.add_word(text, ("allow", text))
    for index, entry in enumerate(entries):
        if entry.wrong in allowed:
            raise RulesError(f"{path}: {entry.wrong!r} is both a wrong form and an allowed text")
        automaton.add_word(entry.wrong, ("wrong", index))
    automaton.make_automaton()
    return Dictionary(
        entries,
        automaton,
        int(require(data, "evidence_matches", int, path)),
        int(require(data, "sentence_max", int, path)),
    )


def find_errors(text: str, dictionary: Dictionary | None = None) -> list[Match]:
    """The wrong forms of ``text``, in order, each with its sentence; none inside a correct text."""
    dictionary = dictionary or load_dictionary()
    if not text:
        return []
    wrong: list[tuple[int, int, Entry]] = []
    allowed: list[tuple[int, int]] = []
    for end, (what, value) in dictionary.automaton.iter(text):
        if what == "allow":
            allowed.append((end - len(value) + 1, end + 1))
        else:
            entry = dictionary.entries[value]
            wrong.append((end - len(entry.wrong) + 1, end + 1, entry))
    return [
        Match(entry, start, end, _sentence(text, start, end, dictionary.sentence_max))
        for start, end, entry in sorted(wrong, key=lambda w: w[0])
        if not any(a <= start and end <= b for a, b in allowed)
    ]


def scan_text(
    text: str, url: str, where: str = "page", dictionary: Dictionary | None = None
) -> Finding | None:
    """The ``wording_error`` finding of a text (a page's or an attachment's), or None."""
    dictionary = dictionary or load_dictionary()
    matches = find_errors(text, dictionary)
    if not matches:
        return None
    evidence = {
        "count": len(matches),
        "matches": [
            {
                "wrong": m.entry.wrong,
                "correct": m.entry.correct,
                "category": m.entry.category,
                "severity": m.entry.severity,
                "sentence": m.sentence,
                "source": m.entry.source,
            }
            for m in matches[: dictionary.evidence_matches]
        ],
    }
    return Finding(KIND, worst_severity(m.entry.severity for m in matches), url, evidence, where=where)


def scan_tree(root: etree._Element, url: str, dictionary: Dictionary | None = None) -> Finding | None:
    """:func:`scan_text` over a parsed page's text, one line per block or table row."""
    return scan_text("\n".join(row.text for row in tree_rows(root)), url, "page", dictionary)


def _sentence(text: str, start: int, end: int, limit: int) -> str:
    """The sentence of ``text`` holding ``text[start:end]``, cut to about ``limit`` characters."""
    before = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    after_match = _SENTENCE_END.search(text, end)
    after = after_match.end() if after_match else len(text)
    if after - before > limit:
        half = max((limit - (end - start)) // 2, 0)
        before, after = max(before, start - half), min(after, end + half)
    return text[before:after].strip()


def _entry(raw: Any, path: Path) -> Entry:
    if not isinstance(raw, dict):
        raise RulesError(f"{path}: each entry should be a mapping, got {raw!r}")
    for key in ("wrong", "correct", "category", "severity", "source"):
        if not str(raw.get(key) or "").strip():
            raise RulesError(f"{path}: entry {raw!r} lacks {key!r}")
    entry = Entry(*(str(raw[k]).strip() for k in ("wrong", "correct", "category", "severity", "source")))
    if entry.severity not in SEVERITIES:
        raise RulesError(f"{path}: entry {entry.wrong!r} has unknown severity {entry.severity!r}")
    if entry.wrong == entry.correct:
        raise RulesError(f"{path}: entry {entry.wrong!r} corrects to itself")
    return entry
