"""The claims of a free-text annual report (the seed's pre-2019 style) that the archive reconciles,
read by rules kept as data.

Each :class:`Claim` is one number (or list of names) the report states: its value and unit, what it
counts, whether it is for the year or cumulative or about the column structure, and whether the
archive can check it (and if not, why). The rules live in ``claims.yaml`` beside this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from reports.units import measure_of, unit_pattern

RULES_FILE = Path(__file__).with_name("claims.yaml")
SCOPES = ("year", "cumulative", "structure")
_CUMULATIVE_WORDS = ("共", "累计", "目前", "截至")
_SENTENCE = re.compile(r"[^。！？\n]*[。！？\n]?")
# Names in a list are separated by 、 except where the report's own count keeps a pair together;
# splitting on 、 and on ，/, gives the candidates, and the structural check matches them to nodes.
_NAME_SEPARATORS = re.compile(r"[，,、；;]\s*")


@dataclass(frozen=True)
class Claim:
    """One statement of a report that an auditor may want checked. ``unit`` is the unit as the report
    wrote it after the number (empty when it wrote none); ``measure`` says what that unit counts."""

    key: str
    label: str
    value: int | None
    unit: str
    scope: str
    text: str
    checkable: bool
    reason: str | None = None
    names: tuple[str, ...] = ()
    approximate: bool = False
    source: str = "text"

    @property
    def measure(self) -> str | None:
        """What the claim's unit counts (``images``, ``items``, ``duration``; None: no unit, or one
        the vocabulary does not know) — ``reports.units``."""
        return measure_of(self.unit)


@dataclass(frozen=True)
class _Rule:
    key: str
    label: str
    pattern: re.Pattern[str]
    unit: str
    scope: str
    checkable: bool
    reason: str | None


@cache
def _load(path: Path = RULES_FILE) -> tuple[tuple[_Rule, ...], tuple[str, ...], str, dict[str, int]]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules = tuple(
        _Rule(
            key=str(r["key"]),
            label=str(r["label"]),
            pattern=re.compile(str(r["pattern"]).replace("{unit}", unit_pattern())),
            unit=str(r["unit"]),
            scope=str(r["scope"]),
            checkable=bool(r["checkable"]),
            reason=r.get("reason"),
        )
        for r in data["rules"]
    )
    multipliers = {str(k): int(v) for k, v in (data.get("multipliers") or {}).items()}
    return rules, tuple(str(u) for u in data["other_units"]), str(data["other_reason"]), multipliers


def extract_claims(text: str) -> list[Claim]:
    """Every claim of the report ``text``, in the order of the rules, then the other numbers."""
    rules, other_units, other_reason, multipliers = _load()
    taken: list[tuple[int, int]] = []
    claims: list[Claim] = []
    for rule in rules:
        for match in rule.pattern.finditer(text):
            if _overlaps(match.span(), taken):
                continue
            taken.append(match.span())
            claims.append(_claim(rule, match, text, multipliers))
    claims.extend(_other_numbers(text, taken, other_units, other_reason))
    return claims


def _claim(rule: _Rule, match: re.Match[str], text: str, multipliers: dict[str, int]) -> Claim:
    groups = match.groupdict()
    names = tuple(split_names(groups["names"])) if groups.get("names") else ()
    value = int(groups["n"]) if groups.get("n") else (len(names) if names else None)
    if value is not None and groups.get("mult"):
        value *= multipliers[groups["mult"]]
    # a pattern that reads the unit keeps it as written (empty when the report wrote none)
    unit = (groups.get("unit") or "") if "unit" in rule.pattern.groupindex else rule.unit
    sentence = _sentence_at(text, match.start())
    scope = rule.scope
    if scope == "auto":
        head = sentence[: sentence.find(match.group(0))] if match.group(0) in sentence else sentence
        scope = "cumulative" if any(w in head for w in _CUMULATIVE_WORDS) and "专栏" in head else "year"
    return Claim(
        key=rule.key,
        label=rule.label,
        value=value,
        unit=unit,
        scope=scope,
        text=match.group(0),
        checkable=rule.checkable,
        reason=rule.reason,
        names=names,
        approximate=bool(groups.get("approx")),
    )


def split_names(listing: str) -> list[str]:
    """The names of a report's list, quotes and list punctuation stripped."""
    names = []
    for raw in _NAME_SEPARATORS.split(listing):
        name = raw.strip(" \u3000")
        if len(name) > 1 and name[0] in '“"' and name[-1] in '”"':
            name = name[1:-1]
        if name:
            names.append(name)
    return names


def _sentence_at(text: str, position: int) -> str:
    start = max(text.rfind("。", 0, position), text.rfind("\n", 0, position)) + 1
    end_candidates = [i for i in (text.find("。", position), text.find("\n", position)) if i >= 0]
    return text[start : min(end_candidates) if end_candidates else len(text)]


_CLAUSE_BREAKS = "。，,；;：:（(）)、\n"
_CLAUSE_MAX = 24  # characters of the clause kept before the number


def _clause_label(text: str, start: int, end: int) -> str:
    """The number with the clause it ends (代表建议已解决或列入计划解决的64件, not a window cut
    mid-word such as 议已解决或列入计划解决的64件); empty when the number opens its clause."""
    begin = max(text.rfind(ch, 0, start) for ch in _CLAUSE_BREAKS) + 1
    words = text[max(begin, start - _CLAUSE_MAX) : start].strip()
    return f"{words}{text[start:end]}" if words else ""


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _other_numbers(
    text: str, taken: list[tuple[int, int]], units: tuple[str, ...], reason: str
) -> list[Claim]:
    pattern = re.compile(r"(?<![第\d〔\[（(])(\d+)(余)?(" + "|".join(map(re.escape, units)) + ")")
    out = []
    for match in pattern.finditer(text):
        if _overlaps(match.span(), taken):
            continue
        sentence = _sentence_at(text, match.start())
        snippet = text[max(0, match.start() - 12) : match.end()]
        out.append(
            Claim(
                key="other",
                label=_clause_label(text, match.start(), match.end()) or snippet.strip(),
                value=int(match.group(1)),
                unit=match.group(3),
                scope="cumulative" if any(w in sentence for w in ("累计", "截至")) else "year",
                text=snippet.strip(),
                checkable=False,
                reason=reason,
                approximate=bool(match.group(2)),
            )
        )
    return out
