"""The counts a report's prose states: each number with a unit (条, 件, 万元…), its label (the words
before it, and after it when those say only "published"), the sentence it came from, and whether it
is approximate (近1000条, 70多件, 1000余条). Counts stated in words (未收到…申请) are read as 0.

A count followed by 其中 (or by a bracket) is a total and the counts after it its parts; a list the
vocabulary names (主要类别有：…) is the breakdown of a total stated elsewhere. These groups are
returned for the checks. Every pattern lives in ``vocabulary.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from documents import Document, Paragraph
from reports.model import Figure, Number, Source
from reports.vocabulary import label, pattern, vocabulary

_SENTENCE_END = "。！？!?"
_NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.．、])")
_AFTER_STOP = re.compile(r"[，,。；;：:！？!?、）)（(“”\"\d\n]")
CONTINUATION_REACH = 30  # a 其中 list may go on in the next sentence when it starts with a part


@dataclass(frozen=True)
class Group:
    """A total and the counts the report gives as its parts, and how the grouping was recognised."""

    total: Figure
    parts: tuple[Figure, ...]
    how: str


@dataclass
class ProseReading:
    figures: list[Figure] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)


@dataclass
class _Found:
    figure: Figure
    start: int
    end: int


def read_prose(document: Document) -> ProseReading:
    reading = ProseReading()
    heading_topic: str | None = None
    for block in document.blocks:
        if not isinstance(block, Paragraph):
            continue
        text = block.text
        if _NUMBERING.match(text):
            heading_topic = _topic(_first_sentence(text))
        found = _counts(text, block.where, heading_topic)
        reading.figures.extend(f.figure for f in found)
        reading.groups.extend(_groups(text, found))
        reading.groups.extend(_breakdowns(text, found, reading))
    return reading


def _counts(text: str, where: str, heading_topic: str | None) -> list[_Found]:
    vocab = vocabulary()
    prose = vocab["prose"]
    units = "|".join(map(re.escape, vocab["units"]))
    after_words = "|".join(map(re.escape, vocab["approximate_after"]))
    number = re.compile(rf"(?<![\d.．])(\d+(?:,\d{{3}})*(?:\.\d+)?)\s*({after_words})?\s*({units})")
    found: list[_Found] = []
    last_end = 0
    for match in number.finditer(text):
        head = text[: match.start()]
        if pattern(prose["not_after"]).search(head):
            continue
        approximate_word = next((w for w in vocab["approximate_before"] if head.endswith(w)), None)
        approximate = bool(approximate_word or match.group(2))
        before_end = match.start() - len(approximate_word or "")
        found.append(
            _Found(
                _figure(text, match, before_end, last_end, approximate, where, heading_topic),
                match.start() - len(approximate_word or ""),
                match.end(),
            )
        )
        last_end = match.end()
    for zero in pattern(prose["zero"]).finditer(text):
        name = _strip(label(zero.group("label")))
        sentence = _sentence_at(text, zero.start())
        figure = Figure(
            None,
            None,
            None,
            name,
            0,
            None,
            False,
            Source(f"{where}, chars {zero.start() + 1}–{zero.end()}", sentence),
        )
        found.append(_Found(figure, zero.start(), zero.end()))
    found.sort(key=lambda f: f.start)
    return found


def _figure(
    text: str,
    match: re.Match[str],
    before_end: int,
    last_end: int,
    approximate: bool,
    where: str,
    heading_topic: str | None,
) -> Figure:
    separators = pattern(vocabulary()["prose"]["separators"])
    start = last_end
    for sep in separators.finditer(text, last_end, before_end):
        start = sep.end()
    before = text[start:before_end]
    stop = _AFTER_STOP.search(text, match.end())
    after = text[match.end() : stop.start() if stop else len(text)]
    name = _strip(label(before + after))
    if pattern(vocabulary()["prose"]["generic"]).match(name):
        topic = _ordinal_topic(text[:start]) or heading_topic or _topic(_sentence_at(text, match.start()))
        if topic:
            name = f"{topic}（{name}）" if name else topic
    digits = match.group(1).replace(",", "")
    value: Number = float(digits) if "." in digits else int(digits)
    return Figure(
        None,
        None,
        None,
        name,
        value,
        match.group(3),
        approximate,
        Source(f"{where}, chars {match.start() + 1}–{match.end()}", _sentence_at(text, match.start())),
    )


def _strip(name: str) -> str:
    prose = vocabulary()["prose"]
    previous = None
    while previous != name:
        previous = name
        name = pattern(prose["fillers_start"]).sub("", name)
        name = pattern(prose["fillers_end"]).sub("", name)
    return name.strip("（）()、，,")


def _topic(text: str) -> str | None:
    found = pattern(vocabulary()["prose"]["topic"]).finditer(text)
    topics = [m.group("topic") or m.group("topic2") for m in found]
    return label(topics[-1]) if topics else None


def _ordinal_topic(text: str) -> str | None:
    """The topic of the last 一是/二是 clause of the paragraph before the count."""
    topics = [m.group("topic") for m in pattern(vocabulary()["prose"]["ordinal_topic"]).finditer(text)]
    return label(topics[-1]) if topics else None


def _first_sentence(text: str) -> str:
    ends = [i for i in (text.find(ch) for ch in _SENTENCE_END) if i >= 0]
    return text[: min(ends)] if ends else text


def _sentence_bounds(text: str, position: int) -> tuple[int, int]:
    start = max(text.rfind(ch, 0, position) for ch in _SENTENCE_END) + 1
    ends = [i for i in (text.find(ch, position) for ch in _SENTENCE_END) if i >= 0]
    return start, (min(ends) + 1 if ends else len(text))


def _sentence_at(text: str, position: int) -> str:
    start, end = _sentence_bounds(text, position)
    return text[start:end].strip()


def _close(text: str, start: int) -> int:
    """The position of the bracket closing the one opened just before ``start`` (or the text's end)."""
    depth = 1
    for n in range(start, len(text)):
        if text[n] in "（(":
            depth += 1
        elif text[n] in "）)":
            depth -= 1
            if depth == 0:
                return n
    return len(text)


def _groups(text: str, found: list[_Found]) -> list[Group]:
    prose = vocabulary()["prose"]
    groups: list[Group] = []
    for n, total in enumerate(found):
        if total.figure.unit is None:
            continue
        rest = text[total.end :]
        opened = pattern(prose["parts_after_total"]).match(rest)
        bracket = pattern(prose["bracket_parts"]).match(rest)
        if opened:
            start = total.end + opened.end()
            bracketed = any(ch in opened.group(0) for ch in "（(")
            end = _close(text, start) if bracketed else len(text)
            how = "其中"
        elif bracket:
            start = total.end + bracket.end()
            end = _close(text, start)
            bracketed, how = True, "括号"
        else:
            continue
        inside = [f for f in found[n + 1 :] if f.start >= start and f.end <= end]
        parts = _top_level(text, inside)
        if not bracketed:
            parts = _continued(text, start, parts)
        parts = [p for p in parts if p.figure.unit == total.figure.unit]
        if len(parts) >= 2 or (len(parts) == 1 and bracketed):
            groups.append(Group(total.figure, tuple(p.figure for p in parts), how))
    return groups


def _top_level(text: str, inside: list[_Found]) -> list[_Found]:
    """The counts not inside a bracket that follows another count (those are that count's parts)."""
    out: list[_Found] = []
    skip_until = -1
    for f in inside:
        if f.start < skip_until:
            continue
        out.append(f)
        if pattern(vocabulary()["prose"]["bracket_parts"]).match(text[f.end :]):
            skip_until = _close(text, f.end + 1)
    return out


def _continued(text: str, start: int, parts: list[_Found]) -> list[_Found]:
    """The parts in the 其中 sentence, and in each next sentence that opens with a part."""
    _, end = _sentence_bounds(text, start)
    kept = [p for p in parts if p.start < end]
    for p in parts[len(kept) :]:
        sentence_start, sentence_end = _sentence_bounds(text, p.start)
        if sentence_start >= end + CONTINUATION_REACH or p.start - sentence_start > CONTINUATION_REACH:
            break
        if sentence_start > end:
            break
        kept.append(p)
        end = max(end, sentence_end)
    return kept


def _breakdowns(text: str, found: list[_Found], reading: ProseReading) -> list[Group]:
    groups: list[Group] = []
    taken = {id(p) for g in reading.groups for p in g.parts}
    for spec in vocabulary()["prose"]["breakdowns"]:
        head = pattern(spec["head"]).search(text)
        if not head:
            continue
        _, end = _sentence_bounds(text, head.end())
        parts = [f.figure for f in found if head.end() <= f.start < end]
        total = _stated_total(reading.figures, spec, taken, parts)
        if total is not None and parts:
            groups.append(Group(total, tuple(p for p in parts if p.unit == total.unit), spec["head"]))
    return groups


def _stated_total(
    figures: list[Figure], spec: dict[str, Any], taken: set[int], parts: list[Figure]
) -> Figure | None:
    for figure in figures:
        if id(figure) in taken or any(figure is p for p in parts):
            continue
        if pattern(spec["total"]).search(figure.label):
            return figure
    return None
