"""The dashboard speaks Chinese: every internal English value a table may hold (walk and fetch
states, update classes, severities, link classes) has its word in audit/web/labels.yaml, and a
table cell holding one shows the word."""

from __future__ import annotations

import pytest

from audit.export import View
from audit.labels import LABELS, VALUE_ZH, zh
from audit.web import create_app
from inspection.finding import SEVERITIES
from inspection.links import KINDS, SCOPES
from storage import repository as repo
from storage.db import open_database
from storage.models import COLUMN_STATUSES, FETCH_STATUSES
from taxonomy import default_taxonomy


def test_every_internal_value_has_a_chinese_word():
    classes = {node.update_class for node in default_taxonomy()}
    values = {*SEVERITIES, *SCOPES, *KINDS, *classes, *COLUMN_STATUSES, *FETCH_STATUSES}
    assert sorted(values - set(VALUE_ZH)) == []
    assert set(COLUMN_STATUSES) | set(FETCH_STATUSES) <= set(LABELS["status"])
    assert all(not word.isascii() or word.isdigit() for words in LABELS.values() for word in words.values())


def test_zh_leaves_other_cells_alone():
    assert zh("veto") == "单项否决" and zh("dynamic") == "动态要闻类"
    assert zh("政务公开/财政信息") == "政务公开/财政信息" and zh(3) == 3


@pytest.fixture()
def app(tmp_path):
    url = f"sqlite:///{tmp_path / 'zwgk.sqlite'}"
    db = open_database(url)
    with db.session() as s:
        repo.ensure_site(s, "tiny", "青石县", "http://127.0.0.1/", "trs")
        s.commit()
    db.dispose()
    return create_app(url)


def test_a_dashboard_table_shows_the_words(app):
    view = View(
        "证据", ("栏目", "更新类别", "严重程度", "链接范围"), [("今日关注", "dynamic", "veto", "outside")]
    )
    with app.test_request_context():
        template = app.jinja_env.from_string('{% from "macros.html" import view_table %}{{ view_table(v) }}')
        html = template.render(v=view)
    assert "<td>动态要闻类</td>" in html and "<td>单项否决</td>" in html and "<td>外部网站</td>" in html
    assert "dynamic" not in html and "veto" not in html
