"""Checks as arithmetic: a sum of parts against a total, two sides of an equation, two figures that
should agree; each prints its numbers (``1509 + 613 = 2122 = 2122 ✓``) and its verdict."""

from __future__ import annotations

from collections.abc import Sequence

from reports.model import MARKS, Check, Figure, Number, show

BLANK_NOTE = "空白单元格按 0 计 (blank cells counted as 0)"


def _total(figures: Sequence[Figure]) -> Number:
    return sum((f.value or 0) for f in figures)


def _blanks(figures: Sequence[Figure]) -> bool:
    return any(f.value is None for f in figures)


def _same(a: Number, b: Number) -> bool:
    return abs(a - b) < 1e-6


def sum_check(
    rule: str, title: str, parts: Sequence[Figure], total: Figure, note: str | None = None
) -> Check:
    """Whether ``parts`` add up to ``total``."""
    used = (*parts, total)
    if total.value is None:
        return cannot(rule, title, "the total is blank", used)
    terms = " + ".join(show(p.value) for p in parts) or "0"
    value = _total(parts)
    return _verdict(rule, title, f"{terms} = {show(value)}", value, total.value, used, note)


def equation_check(
    rule: str, title: str, left: Sequence[Figure], right: Sequence[Figure], note: str | None = None
) -> Check:
    """Whether the figures of ``left`` add up to those of ``right``."""
    used = (*left, *right)
    a, b = _total(left), _total(right)
    sign = "=" if _same(a, b) else "≠"
    text = (
        f"{' + '.join(show(f.value) for f in left)} = {show(a)} {sign} "
        f"{' + '.join(show(f.value) for f in right)} = {show(b)}"
    )
    return _verdict(rule, title, text, a, b, used, note, joined=True)


def equal_check(rule: str, title: str, first: Figure, second: Figure, note: str | None = None) -> Check:
    """Whether two figures that measure the same thing agree."""
    used = (first, second)
    if first.value is None or second.value is None:
        return cannot(rule, title, "one of the two is blank", used)
    return _verdict(rule, title, show(first.value), first.value, second.value, used, note)


def cannot(rule: str, title: str, reason: str, used: Sequence[Figure] = ()) -> Check:
    return Check(rule, title, "cannot", f"{MARKS['cannot']} {reason}", tuple(used), reason)


def _verdict(
    rule: str,
    title: str,
    text: str,
    value: Number,
    expected: Number,
    used: Sequence[Figure],
    note: str | None,
    joined: bool = False,
) -> Check:
    approximate = any(f.approximate for f in used)
    notes = [n for n in (note, BLANK_NOTE if _blanks(used) else None) if n]
    if _same(value, expected):
        arithmetic = f"{text} {MARKS['pass']}" if joined else f"{text} = {show(expected)} {MARKS['pass']}"
        return Check(rule, title, "pass", arithmetic, tuple(used), None, "; ".join(notes) or None)
    arithmetic = f"{text} {MARKS['fail']}" if joined else f"{text} ≠ {show(expected)} {MARKS['fail']}"
    if approximate:
        reason = "an approximate figure (近/余/多) cannot be held to an exact sum"
        return Check(rule, title, "cannot", arithmetic, tuple(used), reason, "; ".join(notes) or None)
    return Check(rule, title, "fail", arithmetic, tuple(used), None, "; ".join(notes) or None)
