"""``--year``/``--years`` refuse years no portal can have published in (issue 14): exit 2, with the range."""

from __future__ import annotations

import datetime

import pytest

from zwgk import cli


@pytest.mark.parametrize("bad", ["1800", "0", "-1", "99999", "2018x"])
@pytest.mark.parametrize(
    "argv",
    [
        ["audit", "counts", "--year"],
        ["audit", "reconcile", "--report", "r.txt", "--year"],
        ["audit", "compare", "--years", "2018"],
    ],
)
def test_a_year_outside_the_range_is_refused(argv, bad, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.build_parser().parse_args([*argv, bad])
    assert exit_.value.code == 2
    assert f"1990..{datetime.date.today().year + 1}" in capsys.readouterr().err


def test_a_year_in_the_range_parses():
    args = cli.build_parser().parse_args(["audit", "counts", "--year", "2018"])
    assert args.year == 2018
