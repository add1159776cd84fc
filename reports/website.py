"""The 政府网站工作年度报表 (a website's yearly statement, 国办函〔2018〕12号) read into the figures of a
:class:`Report`, like an annual report: each row of its fixed table by its label path, matched to the
fields of ``website.yaml``, with the statement's own arithmetic as checks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from documents import Document, DocumentError, Paragraph, Table, read_document
from reports.arithmetic import cannot, sum_check
from reports.claims import Claim
from reports.model import Check, Figure, Report, ReportError, Source, show
from reports.vocabulary import cell_number, is_blank, label

SPEC_FILE = Path(__file__).with_name("website.yaml")
_UNIT = re.compile(r"[（(]单位[:：](?P<unit>[^）)]+)[）)]")
# A saved portal page prints its menus before the statement's title.
_HEAD_LINES = 60


@cache
def statement_spec() -> dict[str, Any]:
    """The statement's layout and checks (``website.yaml``), read once."""
    data: dict[str, Any] = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    return data


def _head_texts(document: Document) -> Iterator[str]:
    """The document's first lines: its first paragraphs and the first rows of its first table."""
    seen = 0
    for block in document.blocks:
        if seen >= _HEAD_LINES:
            return
        if isinstance(block, Paragraph):
            seen += 1
            yield label(block.text)
        else:
            for row in block.texts()[:3]:
                seen += 1
                yield label(" ".join(dict.fromkeys(row)))


def is_website_statement(document: Document) -> bool:
    """Whether the document is a 政府网站工作年度报表: its title in its first lines and enough rows of
    the form's table (an annual report page listing the statement in a sidebar is not one)."""
    spec = statement_spec()
    title = re.compile(spec["title"])
    if not any(title.search(text) for text in _head_texts(document)):
        return False
    return _count_fields(document) >= int(spec["recognise_min_fields"])


def _count_fields(document: Document) -> int:
    return sum(
        1
        for table in document.tables
        for _, path, _ in _rows(table)
        if (field := _match(" / ".join(path))) and field.get("kind") != "fact"
    )


def statement_year(document: Document) -> int | None:
    """The year the statement covers: ``（2021年度）`` under its title, or ``2021年度政府网站工作年度报表``."""
    year = re.compile(statement_spec()["year"])
    for text in _head_texts(document):
        match = year.search(text)
        if match:
            return int(match.group("year") or match.group("year2"))
    return None


def _rows(table: Table) -> Iterator[tuple[int, list[str], int]]:
    """Each row's label path (merged cells once; a blank leading cell inherits the row above, as a
    TAB text leaves a merged section blank) and the column of its value (its last cell, blank or not)."""
    above: list[str] = []
    for r, row in enumerate(table.rows):
        cells = [c for n, c in enumerate(row) if not c.copies_left(n)]
        if len(cells) < 2:
            continue
        texts = [label(c.text) for c in cells[:-1]]
        for i, text in enumerate(texts):
            if text or i >= len(above):
                break
            texts[i] = above[i]
        above = texts
        path = [t for t in texts if t]
        value_column = row.index(cells[-1])
        yield r, path, value_column


def _match(path: str) -> dict[str, Any] | None:
    for field in statement_spec()["fields"]:
        if re.search(field["path"], path):
            return dict(field)
    return None


def read_statement(document: Document) -> Report:
    """The statement's figures (counts) and notes (names, yes/no answers, rows not recognised) with
    its checks; raises ReportError when no row of its table is recognised."""
    spec = statement_spec()
    figures: list[Figure] = []
    notes: list[str] = []
    issuer: str | None = None
    for table in document.tables:
        for r, path_parts, c in _rows(table):
            path = " / ".join(path_parts)
            cell = table.rows[r][c].text
            field = _match(path)
            if field is None:
                if cell_number(cell)[0] is not None:
                    notes.append(f"row not recognised: {path} = {cell} ({table.cell_where(r, c)})")
                continue
            if field.get("kind") == "fact":
                notes.append(f"{path}: {label(cell) or '(blank)'}")
                if field["key"] == "site.owner" and not is_blank(cell):
                    issuer = label(cell)
                continue
            figures.append(_figure(spec["table"], field, path, cell, table.cell_where(r, c)))
    if not figures:
        raise ReportError(document.name, "a 政府网站工作年度报表 with no row of its fixed table recognised")
    year = statement_year(document)
    checks = statement_checks(figures)
    return Report(document.name, year, issuer, spec["format"], tuple(figures), tuple(checks), tuple(notes))


def is_statement_report(report: Report) -> bool:
    """Whether ``report`` was read as a 政府网站工作年度报表."""
    return report.format == statement_spec()["format"]


def statement_in_text(text: str) -> Report | None:
    """The statement a pasted or saved page (HTML, or tab text) holds; None when it is not one."""
    name = "statement.html" if "<" in text else "statement.txt"
    try:
        document = read_document(text.encode("utf-8"), name, None)
        return read_statement(document) if is_website_statement(document) else None
    except (DocumentError, ReportError):
        return None


def statement_claims(report: Report) -> list[Claim]:
    """The statement's counts as claims to set against the archive, as ``website.yaml`` lists them
    (``reconcile``): what the archive counts for each, or why it cannot."""
    cells = {f.key: f for f in report.figures if f.key}
    out: list[Claim] = []
    for entry in statement_spec().get("reconcile", ()):
        figure = cells.get(entry["field"])
        if figure is None or not isinstance(figure.value, int):
            continue
        claim = entry.get("claim")
        out.append(
            Claim(
                key=str(claim or entry["field"]),
                label=str(entry["label"]),
                value=figure.value,
                unit=figure.unit or "",
                scope="year",
                text=f"{figure.row} {figure.source.text} ({figure.source.where})",
                checkable=claim is not None,
                reason=entry.get("reason"),
                source="statement",
            )
        )
    return out


def _figure(table: str, field: dict[str, Any], path: str, cell: str, where: str) -> Figure:
    value, printed_unit = cell_number(cell)
    unit_match = _UNIT.search(path)
    unit = printed_unit or (unit_match.group("unit") if unit_match else None) or field.get("unit")
    row = _UNIT.sub("", path)
    return Figure(table, row, None, row, value, unit, False, Source(where, cell), str(field["key"]))


def statement_checks(figures: list[Figure]) -> list[Check]:
    """The statement's own arithmetic, as ``website.yaml`` lists it."""
    cells = {f.key: f for f in figures if f.key}
    out: list[Check] = []
    for rule in statement_spec()["checks"]:
        if rule["kind"] == "sum":
            needed = [rule["total"], *rule["parts"]]
            missing = [k for k in needed if k not in cells]
            if missing:
                out.append(cannot(rule["rule"], rule["title"], f"rows not read: {', '.join(missing)}"))
                continue
            parts = [cells[k] for k in rule["parts"]]
            out.append(sum_check(rule["rule"], rule["title"], parts, cells[rule["total"]], rule.get("note")))
        else:
            out.append(_at_most(rule, cells.get(rule["small"]), cells.get(rule["large"])))
    return out


def _at_most(rule: dict[str, Any], small: Figure | None, large: Figure | None) -> Check:
    if small is None or large is None or small.value is None or large.value is None:
        return cannot(rule["rule"], rule["title"], "one of the two rows is missing or blank")
    used = (small, large)
    if small.value <= large.value:
        return Check(
            rule["rule"], rule["title"], "pass", f"{show(small.value)} ≤ {show(large.value)} ✓", used
        )
    return Check(rule["rule"], rule["title"], "fail", f"{show(small.value)} > {show(large.value)} ✗", used)
