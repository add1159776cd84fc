"""Personal data published unmasked (个人信息泄露): resident ID numbers, mobile numbers and bank
card numbers in a page's rows or an attachment's lines.

An ID number must carry a valid GB 11643 check digit, a province code and a real birth date
(15-digit ones: the code and the date); a card number a Luhn check digit, an issuer prefix and a
card or account label in its row or table header; a mobile number a mobile segment and not be the
office's published contact. Values are taken only as whole numbers (not inside 索引号, 文号,
dates, URLs or longer digit runs); masked values (``530121********4012``, ``139****4321``) are not
all digits and never match. Evidence masks every value, so the finding does not leak them again.
The rules are data, in ``personal_data.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from lxml import etree

from inspection.data import DATA_DIR, load_rules, require
from inspection.finding import Finding, worst_severity
from inspection.textrows import Row, text_rows, tree_rows

RULES_FILE = DATA_DIR / "personal_data.yaml"
KIND = "privacy_leak"
VALUE_TYPES = ("id_number", "bank_card", "mobile")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# A value stands alone: not glued to letters, digits, the punctuation of URLs, 索引号 and 文号, or
# the stars of a masked value (the visible part of 530121199001014*** is not a 15-digit ID).
_BEFORE = r"(?<![0-9A-Za-z_./\\=%&#:*＊×\-])"
_AFTER = r"(?![0-9A-Za-z_/\\=%*＊×]|[-.:][0-9A-Za-z])"
_ID18 = re.compile(_BEFORE + r"(\d{17}[0-9Xx])" + _AFTER)
_ID15 = re.compile(_BEFORE + r"(\d{15})" + _AFTER)
_CARD = re.compile(_BEFORE + r"(\d{4}(?:[ \-\u00a0]?\d{4}){3}(?:[ \-\u00a0]?\d{1,3})?)" + _AFTER)
_MOBILE = re.compile(_BEFORE + r"(?:(?:\+|00)?86[ \-]?)?(1[3-9]\d(?:[ \-]?\d{4}){2})" + _AFTER)
_NOT_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class Rules:
    provinces: frozenset[str]
    birth_years: tuple[int, int]
    mobile_prefixes: frozenset[str]
    contact_labels: tuple[str, ...]
    card_prefixes: tuple[str, ...]
    card_labels: tuple[str, ...]
    severity: dict[str, str]
    evidence_rows: int


@dataclass(frozen=True)
class Value:
    """One personal value found in a row: its type, its digits and where it sits in the row."""

    type: str
    digits: str
    start: int
    end: int

    @property
    def masked(self) -> str:
        return mask(self.type, self.digits)


@cache
def load_personal_rules(path: Path = RULES_FILE) -> Rules:
    """The rules of ``personal_data.yaml`` (cached per process)."""
    data = load_rules(path)
    low, high = require(data, "id_birth_years", list, path)
    return Rules(
        provinces=frozenset(f"{int(c):02d}" for c in require(data, "id_province_codes", list, path)),
        birth_years=(int(low), int(high)),
        mobile_prefixes=frozenset(str(p) for p in require(data, "mobile_prefixes", list, path)),
        contact_labels=tuple(str(label) for label in require(data, "contact_labels", list, path)),
        card_prefixes=tuple(str(p) for p in require(data, "card_prefixes", list, path)),
        card_labels=tuple(str(label) for label in require(data, "card_labels", list, path)),
        severity={str(k): str(v) for k, v in require(data, "severity", dict, path).items()},
        evidence_rows=int(require(data, "evidence_rows", int, path)),
    )


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def is_id_number(value: str, today: date | None = None, rules: Rules | None = None) -> bool:
    """Whether ``value`` is a plausible resident ID number: 18 characters with a valid check digit,
    a province code and a birth date in range; or 15 digits with a province code and a real
    19YY date."""
    rules = rules or load_personal_rules()
    value = value.upper()
    if len(value) == 18 and value[:17].isdigit():
        born = _date(value[6:14])
        low, high = rules.birth_years
        if born is None or not (low <= born.year <= high) or born > (today or date.today()):
            return False
        return _plausible_region(value, rules) and id_check_digit(value[:17]) == value[17]
    if len(value) == 15 and value.isdigit():
        return _plausible_region(value, rules) and _date("19" + value[6:12]) is not None
    return False


def luhn_valid(digits: str) -> bool:
    """Whether ``digits`` end in a valid Luhn check digit."""
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def is_card_number(digits: str, rules: Rules | None = None) -> bool:
    """Whether ``digits`` look like a bank card: 16–19 digits, an issuer prefix, Luhn valid."""
    rules = rules or load_personal_rules()
    return 16 <= len(digits) <= 19 and digits.startswith(rules.card_prefixes) and luhn_valid(digits)


def is_mobile_number(digits: str, rules: Rules | None = None) -> bool:
    """Whether ``digits`` are a mainland mobile number: 11 digits in a mobile segment."""
    rules = rules or load_personal_rules()
    return len(digits) == 11 and digits.isdigit() and digits[:3] in rules.mobile_prefixes


def mask(value_type: str, digits: str) -> str:
    """``digits`` as an inspector may print them: ID ``530121********4012``, mobile
    ``139****4321``, card ``6222***********1234``."""
    keep = {"id_number": (6, 4), "mobile": (3, 4), "bank_card": (4, 4)}[value_type]
    return digits[: keep[0]] + "*" * (len(digits) - sum(keep)) + digits[-keep[1] :]


def find_values(row: Row, today: date | None = None, rules: Rules | None = None) -> list[Value]:
    """The unmasked personal values of one row, in order; a contact number (a mobile on a line
    that labels it as the office's contact) and a card without a card label are left out."""
    rules = rules or load_personal_rules()
    found: list[Value] = []

    def free(start: int, end: int) -> bool:
        return all(end <= v.start or start >= v.end for v in found)

    for pattern in (_ID18, _ID15):
        for m in pattern.finditer(row.text):
            if is_id_number(m.group(1), today, rules) and free(m.start(1), m.end(1)):
                found.append(Value("id_number", m.group(1).upper(), m.start(1), m.end(1)))
    if _has_label(row.text + " " + row.header, rules.card_labels):
        for m in _CARD.finditer(row.text):
            digits = _NOT_DIGIT.sub("", m.group(1))
            if is_card_number(digits, rules) and free(m.start(1), m.end(1)):
                found.append(Value("bank_card", digits, m.start(1), m.end(1)))
    if not _has_label(row.text, rules.contact_labels):
        for m in _MOBILE.finditer(row.text):
            digits = _NOT_DIGIT.sub("", m.group(1))
            if is_mobile_number(digits, rules) and free(m.start(1), m.end(1)):
                found.append(Value("mobile", digits, m.start(1), m.end(1)))
    return sorted(found, key=lambda v: v.start)


def masked_row(row: Row, values: list[Value]) -> str:
    """The row's text with each of ``values`` replaced by its masked form."""
    text = row.text
    for value in sorted(values, key=lambda v: v.start, reverse=True):
        text = text[: value.start] + value.masked + text[value.end :]
    return text


def scan_rows(
    rows: Iterable[Row], url: str, where: str = "page", today: date | None = None, rules: Rules | None = None
) -> Finding | None:
    """The ``privacy_leak`` finding of a page or attachment given as rows, or None when clean.

    Evidence: how many different values of each type, and the rows that hold them (masked).
    """
    rules = rules or load_personal_rules()
    distinct: dict[str, set[str]] = {t: set() for t in VALUE_TYPES}
    evidence_rows: list[dict[str, object]] = []
    rows_with_values = 0
    for row in rows:
        values = find_values(row, today, rules)
        if not values:
            continue
        rows_with_values += 1
        for value in values:
            distinct[value.type].add(value.digits)
        if len(evidence_rows) < rules.evidence_rows:
            entry: dict[str, object] = {
                "row": masked_row(row, values),
                "types": sorted({v.type for v in values}),
            }
            if row.header:
                entry["header"] = row.header
            evidence_rows.append(entry)
    counts = {t: len(v) for t, v in distinct.items() if v}
    if not counts:
        return None
    evidence = {"counts": counts, "rows_with_values": rows_with_values, "rows": evidence_rows}
    severity = worst_severity(rules.severity.get(t, "warning") for t in counts)
    return Finding(KIND, severity, url, evidence, where=where)


def scan_tree(root: etree._Element, url: str, today: date | None = None) -> Finding | None:
    """:func:`scan_rows` over a parsed page (table rows with their headers, other lines)."""
    return scan_rows(tree_rows(root), url, "page", today)


def scan_text(text: str, url: str, where: str = "attachment", today: date | None = None) -> Finding | None:
    """:func:`scan_rows` over plain text, line by line (an attachment's extracted text)."""
    return scan_rows(text_rows(text), url, where, today)


def _has_label(text: str, labels: tuple[str, ...]) -> bool:
    squeezed = re.sub(r"\s+", "", text)
    return any(label in squeezed for label in labels)


def _plausible_region(value: str, rules: Rules) -> bool:
    return value[:2] in rules.provinces and value[2:4] != "00"


def _date(yyyymmdd: str) -> date | None:
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None
