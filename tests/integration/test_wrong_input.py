"""Wrong input to a reading command is a clear error (exit 2), never a confident answer (issue 14)."""

from __future__ import annotations

import pytest
from helpers import run_zwgk


@pytest.mark.parametrize(
    "command", [["counts"], ["health", "--as-of", "2018-12-31"], ["compare", "--years", "2018"]]
)
def test_no_archive_at_data_is_an_error_naming_the_path(tmp_path, command):
    folder = tmp_path / "nothing-here"
    result = run_zwgk("audit", *command, "--data", str(folder))
    assert result.returncode == 2, result.stderr
    assert "no archive at" in result.stderr and str(folder) in result.stderr
    assert not folder.exists() or not any(folder.iterdir())  # no empty archive was created


def test_year_outside_the_range_is_refused(tmp_path):
    result = run_zwgk("audit", "counts", "--year", "1800", "--data", str(tmp_path))
    assert result.returncode == 2
    assert "1990.." in result.stderr
