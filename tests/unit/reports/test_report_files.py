"""Report files given by path: UTF-8, GB18030/GBK and declared encodings read alike; a missing path,
a directory, an unreadable encoding and an empty report each refused with the file named; the
report's own year against the year asked for."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from reports import ReportError, ReportFileError, read_report_file, title_year, year_mismatch

logger = logging.getLogger(__name__)

SHARED = Path(__file__).resolve().parents[2] / "fixtures" / "reports" / "pingtan" / "07_pingtan-zone_2021.txt"


def _figures(path: Path) -> list[tuple[str | None, str | None, object]]:
    return [(f.table, f.key, f.value) for f in read_report_file(path).figures]


@pytest.mark.parametrize("encoding", ["gbk", "gb2312", "gb18030"])
def test_a_chinese_legacy_encoding_reads_like_the_utf8_original(tmp_path: Path, encoding: str) -> None:
    # GB2312 lacks 〇 (in 二〇二二年); the figures do not depend on it
    text = SHARED.read_text(encoding="utf-8").replace("〇", "零")
    original = tmp_path / "report-utf8.txt"
    original.write_text(text, encoding="utf-8")
    copy = tmp_path / f"report-{encoding}.txt"
    copy.write_bytes(text.encode(encoding))
    assert _figures(copy) == _figures(original) and len(_figures(copy)) > 100
    assert read_report_file(copy).year == 2021


def test_an_html_report_is_read_as_its_meta_charset_declares(tmp_path: Path) -> None:
    body = "".join(f"<p>{line}</p>" for line in SHARED.read_text(encoding="utf-8").splitlines())
    page = f"<html><head><meta charset='big5'></head><body>{body}</body></html>"
    path = tmp_path / "report.html"
    path.write_bytes(page.encode("big5", errors="ignore"))
    assert read_report_file(path).year == 2021


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p / "missing.txt", "no such file"),
        (lambda p: p, "is a directory, not a report file"),
    ],
)
def test_missing_paths_and_directories_are_named(tmp_path: Path, make: object, reason: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(ReportFileError) as caught:
        read_report_file(path)
    assert str(caught.value) == f"{path}: {reason}"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty; an empty report is refused"),
        (b"  \r\n\t \n", "the file is empty; an empty report is refused"),
        (b"<html><body> </body></html>", "empty report is refused"),
        ("平潭综合实验区2021年度政府信息公开工作年度报告\n内容待补充。\n".encode(), "no figure found"),
        (b"\x81\x30\xff\xfe\xfd", "unreadable encoding"),
    ],
)
def test_empty_and_unreadable_reports_are_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "report.html"
    path.write_bytes(content)
    with pytest.raises(ReportFileError) as caught:
        read_report_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and reason in message
    assert isinstance(caught.value, ReportError)  # commands that catch ReportError print it too


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("平潭综合实验区2021年度政府信息公开工作年度报告\n正文", 2021),
        ("  青石县人民政府2018年政府信息公开工作年度报告", 2018),
        ("某县2019 年 度政务公开工作年度报告", 2019),
        ("标题\n某局关于2020年政府信息公开工作年度报告", 2020),
        ("2021年工作总结", None),
        ("", None),
    ],
)
def test_the_title_names_the_reports_own_year(text: str, year: int | None) -> None:
    assert title_year(text) == year


def test_a_year_that_differs_from_the_reports_own_is_said() -> None:
    report = read_report_file(SHARED)
    assert year_mismatch(report, 2021) is None
    assert year_mismatch(report, 2019) == f"{SHARED} is the report for 2021, not for 2019"
