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
    assert main(["report", "check", *files, "--format", "json"]) == 0
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
    assert main(["report", "check", str(PINGTAN / "04_pingtan-zone_2019.txt")]) == 0
    out = capsys.readouterr().out
    assert "报告核对" in out and "✗ 2  ?" in out  # the caption counts the two failed checks


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
