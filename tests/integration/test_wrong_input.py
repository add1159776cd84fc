"""Wrong input to a reading command is a clear error (exit 2), never a confident answer (issue 14)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from helpers import run_zwgk
from sqlalchemy import create_engine, make_url, text

from storage import repository as repo
from storage import rollup
from storage.db import database_url, open_database
from storage.models import Site
from storage.testing import postgres_schema
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
    "command",
    [["counts"], ["compare", "--years", "2018", "2019"], ["health", "--as-of", "2018-12-31"], ["findings"]],
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


@pytest.mark.parametrize(
    "command",
    [
        ["show", "http://127.0.0.1:1/a.html"],
        ["show", "http://127.0.0.1:1/a.html", "--raw", "out.html"],
        ["diff", "http://127.0.0.1:1/a.html"],
        ["audit", "findings"],
        ["report", "read", "http://127.0.0.1:1/report.html"],
        ["serve", "--port", "0"],
    ],
)
def test_no_archive_at_data_is_an_error_for_every_reading_command(tmp_path, command):
    folder = tmp_path / "nothing-here"
    result = run_zwgk(*command, "--data", str(folder))
    assert result.returncode == 2, result.stderr
    assert f"no archive at {folder / 'zwgk.sqlite'}" in result.stderr
    assert not folder.exists()  # no empty archive, no folder created


def test_a_database_without_an_archive_is_an_error_naming_it(capsys):
    with postgres_schema() as url:
        assert main(["audit", "findings", "--db", url]) == 2
        assert main(["audit", "counts", "--db", url]) == 2
        err = capsys.readouterr().err
        assert err.count("no archive in postgresql") == 2 and "holds no zwgk tables" in err
        engine = create_engine(make_url(url))
        with engine.connect() as connection:  # nothing was created there
            assert not connection.execute(text("SELECT to_regclass('alembic_version')")).scalar()
        engine.dispose()


def _archive_of_years(folder, listings: dict[str, list[date]]) -> None:
    """Sites (slug → the dates of their items), one column each, built through the repository."""
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    db = open_database(database_url(folder))
    with db.session() as s:
        for slug, dates in listings.items():
            site = repo.ensure_site(s, slug, slug, f"http://{slug}/", "trs")
            column = repo.ensure_column(s, site, "公开", f"http://{slug}/c/", "trs", None, None, "exact", t0)
            for n, on in enumerate(dates):
                url = f"http://{slug}/{n}"
                repo.record_listing(s, site, column, url, "t", on, 0, False, None, None, "column", "1", t0)
                repo.record_detail(s, site, url, {"kind": "article", "published_on": on}, t0)
    db.dispose()


@pytest.mark.parametrize("rolled_up", [False, True])
def test_a_year_outside_the_archives_years_is_refused_listing_them(tmp_path, capsys, rolled_up):
    _archive_of_years(tmp_path, {"hs": [date(2016, 3, 1), date(2018, 5, 1)], "qs": [date(2021, 1, 1)]})
    if rolled_up:
        db = open_database(database_url(tmp_path))
        assert rollup.refresh(db) is not None
        db.dispose()
    data = ["--data", str(tmp_path)]
    for argv in (
        ["audit", "counts", "--year", "2015", "--site", "hs"],
        ["audit", "counts", "--year", "2021", "--site", "hs"],
        ["audit", "compare", "--years", "2018", "2021", "--site", "hs"],
        ["audit", "reconcile", "--year", "2019", "--site", "qs"],
    ):
        assert main([*argv, *data]) == 2, argv
        err = capsys.readouterr().err
        assert "holds no items of" in err, (argv, err)
        assert ("its years: 2016, 2018" if "hs" in argv else "its years: 2021") in err, (argv, err)
    # a year inside the span is an answer, a gap a real 0; every site together spans 2016..2021
    assert main(["audit", "counts", "--year", "2017", "--site", "hs", "--format", "json", *data]) == 0
    assert main(["audit", "counts", "--year", "2019", "--format", "json", *data]) == 0
    assert main(["audit", "counts", "--year", "2022", *data]) == 2
    assert "its years: 2016, 2018, 2021" in capsys.readouterr().err
