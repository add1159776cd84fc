"""Reading a spreadsheet (.xls through xlrd, .xlsx through openpyxl): each sheet as its name and a
table of its cells as shown (whole numbers without ``.0``, dates as ISO dates), capped in size."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

import openpyxl
import xlrd

from documents.formats import formats
from documents.model import Block, DocumentError, Paragraph, Table, plain_cells


def read_xls(data: bytes, name: str) -> tuple[Block, ...]:
    """The sheets of an Excel 97–2003 workbook; raises DocumentError when xlrd cannot open it."""
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception as exc:  # xlrd raises many types (XLRDError, struct.error, IndexError…) on bad files
        raise DocumentError(name, f"not a readable XLS file ({type(exc).__name__}: {exc})") from None
    sheets: list[tuple[str, list[list[str]]]] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = (
                [_xls_value(sheet.cell(r, c), book.datemode) for c in range(min(sheet.ncols, _columns()))]
                for r in range(min(sheet.nrows, _rows()))
            )
            sheets.append((sheet.name, _trimmed(rows)))
    except Exception as exc:
        raise DocumentError(name, f"a damaged XLS sheet ({type(exc).__name__}: {exc})") from None
    finally:
        book.release_resources()
    return _blocks(sheets)


def read_xlsx(data: bytes, name: str) -> tuple[Block, ...]:
    """The sheets of an Excel 2007+ workbook; raises DocumentError when openpyxl cannot open it."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, lxml and openpyxl errors alike
        raise DocumentError(name, f"not a readable XLSX file ({type(exc).__name__}: {exc})") from None
    sheets: list[tuple[str, list[list[str]]]] = []
    try:
        for sheet in book.worksheets:
            rows = (
                [_shown(v) for v in row[: _columns()]]
                for row in sheet.iter_rows(max_row=_rows(), values_only=True)
            )
            sheets.append((sheet.title, _trimmed(rows)))
    except Exception as exc:
        raise DocumentError(name, f"a damaged XLSX sheet ({type(exc).__name__}: {exc})") from None
    finally:
        book.close()
    return _blocks(sheets)


def _rows() -> int:
    return int(formats()["max_sheet_rows"])


def _columns() -> int:
    return int(formats()["max_sheet_columns"])


def _xls_value(cell: Any, datemode: int) -> str:
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return _shown(xlrd.xldate_as_datetime(cell.value, datemode))
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return _shown(cell.value)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    return _shown(cell.value)


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return " ".join(str(value).split())


def _trimmed(rows: Iterable[list[str]]) -> list[list[str]]:
    """Rows without their trailing blank cells; trailing blank rows dropped."""
    out = [row[: max((i + 1 for i, v in enumerate(row) if v), default=0)] for row in rows]
    while out and not out[-1]:
        out.pop()
    return out


def _blocks(sheets: list[tuple[str, list[list[str]]]]) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for number, (title, rows) in enumerate(sheets, start=1):
        if not any(rows):
            continue
        where = f"sheet {number} ({title})"
        blocks.append(Paragraph(title, where))
        blocks.append(Table(plain_cells(rows), where))
    return tuple(blocks)
