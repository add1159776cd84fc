"""Re-basing a site that moved: every stored URL of its own pages follows, the subjects of its page
findings and the pages kept with its script hosts included; hosts, column paths and other sites'
rows stay as they are."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from storage import repository
from storage.db import open_database
from storage.findings import record_finding
from storage.models import Finding, Item, ScriptHost
from storage.rebase import rebase_site
from storage.scripthosts import record_script_hosts

T0 = datetime(2026, 1, 1, tzinfo=UTC)
OLD, NEW = "http://old.gov.cn", "https://www.new.gov.cn"


@pytest.fixture
def session(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'a.sqlite'}")
    with db.session() as s:
        yield s
    db.dispose()


def test_findings_and_script_host_pages_follow_the_site(session):
    site = repository.ensure_site(session, "s", "S", f"{OLD}/", None)
    other = repository.ensure_site(session, "o", "O", f"{OLD}/", None)
    repository.record_detail(session, site, f"{OLD}/a/1.html", {"kind": "article"}, T0)
    for kind, subject in (
        ("privacy_leak", f"{OLD}/a/1.html"),
        ("cloaking", f"{OLD}/#googlebot"),
        ("new_script_host", "js.cdn.example"),
        ("broken_link", "http://old.gov.cn.evil.example/x"),  # another host that merely starts alike
    ):
        record_finding(session, site, kind, subject, T0)
    record_finding(session, other, "privacy_leak", f"{OLD}/a/1.html", T0)
    record_script_hosts(session, site, {"js.cdn.example": ("outside", [f"{OLD}/", "http://x.example/"])}, T0)
    session.commit()

    assert rebase_site(session, "s", OLD, NEW) > 0
    session.commit()
    subjects = dict(
        session.execute(select(Finding.kind, Finding.subject).where(Finding.site_id == site)).all()
    )
    assert subjects == {
        "privacy_leak": f"{NEW}/a/1.html",
        "cloaking": f"{NEW}/#googlebot",
        "new_script_host": "js.cdn.example",
        "broken_link": "http://old.gov.cn.evil.example/x",
    }
    assert session.scalar(select(Finding.subject).where(Finding.site_id == other)) == f"{OLD}/a/1.html"
    assert session.scalar(select(ScriptHost.pages)) == [f"{NEW}/", "http://x.example/"]
    assert session.scalar(select(Item.url).where(Item.site_id == site)) == f"{NEW}/a/1.html"
