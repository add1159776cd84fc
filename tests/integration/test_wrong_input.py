"""Wrong input to a reading command is a clear error (exit 2), never a confident answer (issue 14)."""

from __future__ import annotations

import pytest
from helpers import run_zwgk

from storage.db import database_url, open_database
from storage.models import Site
from zwgk.cli import main


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


@pytest.mark.parametrize(
    "command", [["counts"], ["compare", "--years", "2018", "2019"], ["health", "--as-of", "2018-12-31"]]
)
def test_an_unknown_site_lists_the_known_ones(tmp_path, command, capsys):
    db = open_database(database_url(tmp_path))
    with db.session() as s:
        s.add(Site(slug="qingshi", name="青石县人民政府", base_url="http://127.0.0.1:1/"))
        s.commit()
    db.dispose()
    assert main(["audit", *command, "--data", str(tmp_path), "--site", "nosuch"]) == 2
    err = capsys.readouterr().err
    assert "no site 'nosuch'" in err and "qingshi" in err
