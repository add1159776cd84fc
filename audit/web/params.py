"""Request parameters, validated: anything out of shape is a 400, an unknown site a 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, request
from werkzeug.datastructures import MultiDict

from audit.compare import COMPARE_BY
from audit.web.cache import memo
from audit.web.context import session, today
from audit.web.table_views import SEARCH_FIELDS, Params
from storage import reads
from storage.findings import FINDING_KINDS

MAX_PAGE = 10_000
MAX_QUERY = 200
MAX_YEARS = 10


def _int(value: str, name: str, low: int, high: int) -> int:
    if not value.isdigit() or len(value) > 6:
        abort(400, f"参数 {name} 应为整数")
    number = int(value)
    if not low <= number <= high:
        abort(400, f"参数 {name} 超出范围 {low}–{high}")
    return number


def _year(value: str, name: str = "year") -> int:
    return _int(value.strip(), name, 1990, 2100)


def site_slug(value: str | None) -> str | None:
    """A slug the archive holds, else 404; None or empty means every site."""
    if not value:
        return None
    if len(value) > 64 or reads.site_id(session(), value) is None:
        abort(404, "没有这个站点")
    return value


def parse(args: MultiDict[str, str] | None = None, **fixed: Any) -> Params:
    """Params from the query string (or ``args``), plus values fixed by the route."""
    args = request.args if args is None else args
    values: dict[str, Any] = {"as_of": today()}
    if "site" in args:
        values["site"] = site_slug(args.get("site"))
    if args.get("year"):
        values["year"] = _year(args["year"])
    raw_years = [y for v in args.getlist("years") for y in v.replace("，", ",").split(",") if y.strip()]
    if raw_years:
        if len(raw_years) > MAX_YEARS:
            abort(400, f"最多比较 {MAX_YEARS} 个年份")
        values["years"] = tuple(sorted({_year(y, "years") for y in raw_years}))
    if "by" in args:
        if args["by"] not in COMPARE_BY:
            abort(400, "参数 by 应为 column、taxonomy 或 kind")
        values["by"] = args["by"]
    if args.get("as_of"):
        try:
            values["as_of"] = date.fromisoformat(args["as_of"])
        except ValueError:
            abort(400, "参数 as_of 应为 YYYY-MM-DD")
    if args.get("kind"):
        if args["kind"] not in FINDING_KINDS:
            abort(400, "未知的问题类型")
        values["kind"] = args["kind"]
    if "page" in args:
        values["page"] = _int(args["page"], "page", 1, MAX_PAGE)
    if "q" in args:
        q = args["q"].strip()
        if len(q) > MAX_QUERY:
            abort(400, f"搜索词最多 {MAX_QUERY} 个字符")
        values["q"] = q
    if args.get("field"):
        if args["field"] not in SEARCH_FIELDS:
            abort(400, "参数 field 应为 title、index_no 或 doc_no")
        values["search_field"] = args["field"]
    _check_years([values["year"]] if "year" in values else list(values.get("years", ())), values.get("site"))
    values.update(fixed)
    return Params(**values)


def _check_years(years: list[int], site: str | None) -> None:
    """404 for a year outside the years the archive (or the site) holds items for, naming them: a
    year it never saw would otherwise read as a column of zeros."""
    if not years:
        return
    held = memo(session(), ("item_years", site), lambda: reads.item_years(session(), site))
    outside = [y for y in years if not held or not held[0] <= y <= held[-1]]
    if not outside:
        return
    if not held:
        abort(404, "档案中还没有有日期的条目：请先抓取")
    abort(404, f"档案中没有 {'、'.join(map(str, outside))} 年的条目；已有年份：{'、'.join(map(str, held))}")


def default_years(site: str | None) -> tuple[int, ...]:
    """The last three years the archive has items for (the current year's three when empty)."""
    newest = memo(session(), ("newest", site), lambda: reads.newest_counted_on(session(), site))
    last = (newest or today()).year
    return (last - 2, last - 1, last)
