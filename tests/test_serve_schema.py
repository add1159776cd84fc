"""``zwgk serve`` on an archive written by an older zwgk: its schema is brought up before serving."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from storage.db import alembic_config, schema_behind
from storage.readonly import read_only_engine
from zwgk.web_cli import bring_schema_up


def test_an_archive_behind_is_upgraded_before_serving_and_one_up_to_date_is_left(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    config = alembic_config(url)
    command.upgrade(config, "0007")  # an archive as the previous version left it
    engine = read_only_engine(url)
    assert schema_behind(engine) == ("0007", schema_behind(engine)[1])  # type: ignore[index]
    assert "fetch_note" not in {c["name"] for c in inspect(create_engine(url)).get_columns("item")}

    bring_schema_up(engine, url)

    assert "upgrading it first" in capsys.readouterr().err
    assert schema_behind(read_only_engine(url)) is None
    assert "fetch_note" in {c["name"] for c in inspect(create_engine(url)).get_columns("item")}
    bring_schema_up(read_only_engine(url), url)  # up to date: nothing said, nothing done
    assert capsys.readouterr().err == ""
