"""``zwgk report read|check``: exit codes and messages for bad input, the JSON shape, XLSX output."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from openpyxl import load_workbook

from zwgk.cli import main

logger = logging.getLogger(__name__)

PINGTAN = Path(__file__).resolve().parents[2] / "fixtures" / "reports" / "pingtan"


def test_read_prints_the_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "read", str(PINGTAN / "07_pingtan-zone_2021.txt"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"year", "issuer", "format", "figures", "checks"} <= set(data)
    assert (data["year"], data["format"]) == (2021, "2021-table")
    figure = next(
        f
        for f in data["figures"]
        if f["table"] == "二" and f["row"] == "行政规范性文件" and f["column"] == "现行有效件数"
    )
    assert {"table", "row", "column", "label", "value", "unit", "approximate", "source"} <= set(figure)
    assert (figure["value"], figure["unit"], figure["source"]["where"]) == (665, "件", "line 14, cell 4")
    check = data["checks"][0]
    assert {"rule", "verdict", "arithmetic", "figures"} <= set(check) and check["figures"][0]["source"]


def test_check_several_years_and_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    files = [
        str(PINGTAN / n)
        for n in ("02_pingtan-zone_2017.txt", "04_pingtan-zone_2019.txt", "07_pingtan-zone_2021.txt")
    ]
    assert main(["report", "check", *files, "--format", "json"]) == 8  # the 2019 report's two
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["fail"] == 2
    assert [r["year"] for r in data["reports"]] == [2017, 2019, 2021]
    assert all(c["verdict"] == "cannot" and c["reason"] for c in data["cross_year"])


def test_xlsx_output(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    assert (
        main(
            ["report", "read", str(PINGTAN / "04_pingtan-zone_2019.txt"), "--format", "xlsx", "-o", str(out)]
        )
        == 0
    )
    assert load_workbook(out).sheetnames == ["报告数字", "报告核对", "读取说明"]


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "check", str(PINGTAN / "04_pingtan-zone_2019.txt")]) == 8
    out = capsys.readouterr().out
    assert "报告核对" in out and "✗ 2  ?" in out  # the caption counts the two failed checks


# The inconsistencies of each report as truth.json's hand reading lists them (its anomalies 0 and 1 of
# the 2019 report: categories summing to 2533 under 2599, prose 68 against table 89; the 2021 report's
# anomalies are notes and checks that pass; test_shared_reports classifies every anomaly).
INCONSISTENCIES = {"04_pingtan-zone_2019.txt": 2, "07_pingtan-zone_2021.txt": 0}


@pytest.mark.parametrize(
    ("name", "fmt"),
    [(n, f) for n in INCONSISTENCIES for f in ("json", "table", "xlsx")],
)
def test_check_exits_8_when_a_check_fails_else_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, fmt: str
) -> None:
    """An auditor's script reads the verdict from the exit code: 8 when the report contradicts itself
    (the 2019 report: two inconsistencies read by hand), 0 when every check passes or cannot be made
    (the 2021 report: none; three of its checks cannot be made); the output is written either way."""
    out = tmp_path / f"checks.{fmt}"
    code = main(["report", "check", str(PINGTAN / name), "--format", fmt, "-o", str(out)])
    assert out.exists() and out.stat().st_size > 0
    expected = 8 if INCONSISTENCIES[name] else 0
    assert code == expected, capsys.readouterr().err
    if fmt == "json":
        summary = json.loads(out.read_text(encoding="utf-8"))["summary"]
        assert summary["fail"] == INCONSISTENCIES[name]
        assert (summary["fail"] > 0) == (code == 8)


def test_read_exits_0_whatever_its_checks_say() -> None:
    assert main(["report", "read", str(PINGTAN / "04_pingtan-zone_2019.txt"), "--format", "json"]) == 0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.txt", "missing.txt: no such file"),
        (lambda d: d, "is a directory, not a report file"),
        (
            lambda d: (d / "bad.txt").write_bytes(b"\x81\x30\xff\xff") and d / "bad.txt",
            "bad.txt: unreadable encoding",
        ),
        (lambda d: (d / "empty.txt").write_bytes(b"") == 0 and d / "empty.txt", "empty.txt: empty file"),
        (
            lambda d: (d / "blank.txt").write_text("与年报无关的一句话。\n") and d / "blank.txt",
            "blank.txt: no figure found",
        ),
    ],
)
def test_bad_input_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make, message: str
) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    assert main(["report", "read", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zwgk: error: ") and message in err


def test_xlsx_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "read", str(PINGTAN / "04_pingtan-zone_2019.txt"), "--format", "xlsx"]) == 2
    assert "-o FILE" in capsys.readouterr().err
