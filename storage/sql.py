"""SQL expressions the archive's reads share, rendered for SQLite and for PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, and_, case, cast, extract, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.functions import FunctionElement


class YearOf(FunctionElement[int]):
    """The year of a date column as an integer."""

    type = Integer()
    inherit_cache = True
    name = "year_of"


@compiles(YearOf)
def _year_of_default(element: YearOf, compiler: SQLCompiler, **kw: Any) -> str:
    (value,) = element.clauses
    return compiler.process(cast(extract("year", value), Integer), **kw)


@compiles(YearOf, "sqlite")
def _year_of_sqlite(element: YearOf, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps a DATE as 'YYYY-MM-DD' text: its first four characters are the year, and cutting
    # them is several times cheaper than STRFTIME over a million rows.
    (value,) = element.clauses
    return f"CAST(substr({compiler.process(value, **kw)}, 1, 4) AS INTEGER)"


def year_of(value: Any) -> Any:
    """``value``'s year, as an integer expression."""
    return YearOf(value)


def escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards and its escape character escaped (ESCAPE ``\\``): matched literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def earlier(current: Any, new: Any) -> Any:
    """The earlier of two nullable values, in SQL (MIN/LEAST differ between dialects)."""
    if not isinstance(new, ClauseElement):
        new = literal(new, type_=current.type)
    return case(
        (current.is_(None), new),
        (and_(new.is_not(None), new < current), new),
        else_=current,
    )


def later(current: Any, new: Any) -> Any:
    """The later of two nullable values, in SQL."""
    if not isinstance(new, ClauseElement):
        new = literal(new, type_=current.type)
    return case(
        (current.is_(None), new),
        (and_(new.is_not(None), new > current), new),
        else_=current,
    )
