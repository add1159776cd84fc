"""The finding every detector returns, and the record it becomes for ``storage.findings``."""

from __future__ import annotations

import pytest

from inspection.data import RulesError, load_rules, require
from inspection.finding import FINDING_KINDS, Finding, worst_severity


def test_a_page_finding_is_keyed_by_its_url_and_records_where_it_was_seen():
    finding = Finding(
        "privacy_leak", "warning", "http://h/a.pdf", {"counts": {"mobile": 2}}, where="attachment"
    )
    assert finding.subject == "http://h/a.pdf"
    assert finding.as_record() == {
        "kind": "privacy_leak",
        "subject": "http://h/a.pdf",
        "severity": "warning",
        "evidence": {"where": "attachment", "url": "http://h/a.pdf", "counts": {"mobile": 2}},
    }


def test_a_site_level_finding_is_keyed_by_its_target():
    finding = Finding("new_script_host", "info", "http://h/", {"pages": ["http://h/"]}, "site", "cdn.example")
    assert finding.subject == "cdn.example"
    assert finding.as_record()["evidence"]["target"] == "cdn.example"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"severity": "fatal"}, "unknown severity"), ({"where": "nowhere"}, "unknown location")],
)
def test_bad_values_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Finding(**{"kind": "cloaking", "severity": "veto", "url": "u", **kwargs})


def test_the_kinds_are_the_ones_the_detectors_return():
    assert set(FINDING_KINDS) == {
        "broken_link",
        "privacy_leak",
        "wording_error",
        "cloaking",
        "new_script_host",
    }


def test_worst_severity():
    assert worst_severity(["info", "veto", "warning"]) == "veto"
    assert worst_severity([], default="warning") == "warning"


def test_rule_files_are_checked(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1\n", encoding="utf-8")
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(bad)
    with pytest.raises(RulesError, match="missing key 'b'"):
        require({"a": 1}, "b", int, bad)
    with pytest.raises(RulesError, match="should be a list"):
        require({"a": 1}, "a", list, bad)
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "absent.yaml")


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown finding kind 'dead_link'"):
        Finding("dead_link", "warning", "u")
