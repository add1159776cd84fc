"""A reading command (``zwgk serve`` among them) on an archive written by an older zwgk: its schema
is brought up where the archive can be written, and read as it is (said once) where it cannot."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from storage.db import alembic_config, schema_behind
from storage.readonly import read_only_engine
from zwgk.reading import open_archive


def _old_archive(folder) -> str:
    url = f"sqlite:///{folder / 'zwgk.sqlite'}"
    command.upgrade(alembic_config(url), "0007")  # an archive as the previous version left it
    return url


def _item_columns(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("item")}
    finally:
        engine.dispose()


def test_an_archive_behind_is_upgraded_before_reading_and_one_up_to_date_is_left(tmp_path, capsys) -> None:
    url = _old_archive(tmp_path)
    engine = read_only_engine(url)
    assert schema_behind(engine) == ("0007", schema_behind(engine)[1])  # type: ignore[index]
    engine.dispose()
    assert "fetch_note" not in _item_columns(url)

    open_archive(str(tmp_path), None).dispose()

    assert "upgraded the archive's schema from 0007" in capsys.readouterr().err
    engine = read_only_engine(url)
    assert schema_behind(engine) is None
    engine.dispose()
    assert "fetch_note" in _item_columns(url)
    open_archive(str(tmp_path), None).dispose()  # up to date: nothing said, nothing done
    assert capsys.readouterr().err == ""
