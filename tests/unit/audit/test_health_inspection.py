"""The inspection indicators that need no archive: 即将超期 warnings ahead of each window, and the
rules of the new indicators written out from indicators.yaml."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from audit.health import Inputs, due_soon_columns, load_settings, rule_wording, stale_columns
from storage.reads import ColumnState
from taxonomy import default_taxonomy

AS_OF = date(2019, 3, 20)


def _column(code: str, newest: date | None, items: int = 3) -> ColumnState:
    return ColumnState("s", 1, code, f"http://h/{code}/", "ok", code, None, items, newest)


def _inputs(*columns: ColumnState) -> Inputs:
    return Inputs(None, None, AS_OF, list(columns), default_taxonomy(), load_settings())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("age_days", "warned", "stale"),
    [(3, False, False), (9, False, False), (10, True, False), (14, True, False), (15, False, True)],
)
def test_a_dynamic_column_is_warned_from_ten_days_and_stale_after_fourteen(age_days, warned, stale):
    inputs = _inputs(_column("JRGZ", AS_OF - timedelta(days=age_days)))
    due = due_soon_columns(inputs)
    assert (due.count == 1) is warned
    assert not due.fails  # a warning never fails the site
    assert (stale_columns(inputs).count == 1) is stale
    if warned:
        assert due.evidence[0]["days_left"] == 14 - age_days


def test_a_column_with_only_undated_items_is_not_updated_and_not_warned():
    inputs = _inputs(_column("JRGZ", None))
    assert stale_columns(inputs).count == 1
    assert due_soon_columns(inputs).count == 0


def test_a_policy_column_is_warned_in_its_sixth_month():
    inputs = _inputs(_column("ZFWJ", date(2018, 10, 1)))
    [evidence] = due_soon_columns(inputs).evidence
    assert evidence["due"] == date(2019, 4, 1)


def test_the_new_rules_name_their_windows_and_thresholds():
    settings = load_settings()
    assert "10天" in rule_wording("due_soon_columns", settings)
    assert settings["thresholds"]["wording_errors"] == 1
    assert "privacy_leaks" in settings["indicators"] and "dead_links" in settings["indicators"]
