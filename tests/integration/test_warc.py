"""The WARC evidence store: records as served, rotation, CDXJ, revisits, torn files and repair."""

from __future__ import annotations

import io
import json
import logging
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from storage.warc import (
    REVISIT_PROFILE,
    WarcError,
    WarcLocation,
    WarcWriter,
    check_file,
    index_file,
    payload_digest,
    read_response,
    repair_file,
    surt,
)

logger = logging.getLogger(__name__)

WARCIO = Path(sys.executable).with_name("warcio")
T0 = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
REQUEST_HEADERS = [("User-Agent", "zwgk/0.1 (+audit)"), ("Accept", "text/html,*/*")]
UTF8_PAGE = "<html><meta charset=utf-8><h1>政务公开 · 重点工作</h1></html>".encode()
GBK_PAGE = "<html><meta charset=gbk><h1>政府信息公开年度报告</h1></html>".encode("gbk")
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def warcio_cli(command: str, files: list[Path]) -> subprocess.CompletedProcess[str]:
    """Run warcio's own command line on ``files``."""
    return subprocess.run(
        [str(WARCIO), command, *map(str, files)], capture_output=True, text=True, timeout=60, check=False
    )


def write_three(writer: WarcWriter) -> list[WarcLocation]:
    return [
        writer.write_exchange(
            "http://www.xian.gov.cn/zwgk/a.html",
            T0,
            200,
            "OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Server", "nginx")],
            UTF8_PAGE,
            REQUEST_HEADERS,
        ),
        writer.write_exchange(
            "http://www.xian.gov.cn/zwgk/b.jsp?id=7&cat=2",
            T0 + timedelta(seconds=1),
            200,
            "OK",
            [("Content-Type", "text/html; charset=GBK")],
            GBK_PAGE,
            REQUEST_HEADERS,
        ),
        writer.write_exchange(
            "http://www.xian.gov.cn/files/report.pdf",
            T0 + timedelta(seconds=2),
            200,
            "OK",
            [
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", "attachment; filename=年度报告.pdf"),
            ],
            PDF,
            REQUEST_HEADERS,
            method="GET",
        ),
    ]


def records_of(path: Path) -> list[tuple[str, int]]:
    """(type, offset) of every record, read by warcio."""
    out = []
    with open(path, "rb") as fh:
        iterator = ArchiveIterator(fh)
        for record in iterator:
            rec_type = record.rec_type
            iterator.read_to_end(record)
            out.append((rec_type, iterator.get_record_offset()))
    return out


def test_exchanges_read_back_exactly_as_served(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, worker="w1", operator="county audit team") as writer:
        locations = write_three(writer)
    bodies = [UTF8_PAGE, GBK_PAGE, PDF]
    for location, body in zip(locations, bodies, strict=True):
        assert location.record_type == "response"
        assert location.payload_digest == payload_digest(body) == WarcWriter.payload_digest(body)
        got = read_response(tmp_path, location.file, location.offset)
        assert got.body == body
        assert got.status == 200
        assert got.record_type == "response"
    pdf = read_response(tmp_path, locations[2].file, locations[2].offset)
    assert pdf.headers == [
        ("Content-Type", "application/pdf"),
        ("Content-Disposition", "attachment; filename=年度报告.pdf"),
    ]
    assert pdf.url == "http://www.xian.gov.cn/files/report.pdf"
    assert pdf.date == T0 + timedelta(seconds=2)
    gbk = read_response(tmp_path, locations[1].file, locations[1].offset)
    assert gbk.body.decode("gbk").endswith("政府信息公开年度报告</h1></html>")


def test_file_layout_warcinfo_request_and_cdxj(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, prefix="xian", worker="host-1", operator="county audit team") as writer:
        locations = write_three(writer)
        assert writer.current_file == locations[0].file
        assert (tmp_path / (locations[0].file + ".open")).exists()
        assert not (tmp_path / locations[0].file).exists()
    name = locations[0].file
    assert name.startswith("xian-") and name.endswith("-host-1-00000.warc.gz")
    assert len(name.split("-")[1]) == 14
    assert sorted(p.name for p in tmp_path.iterdir()) == [name, name + ".cdxj"]

    path = tmp_path / name
    assert records_of(path) == [
        ("warcinfo", 0),
        ("response", locations[0].offset),
        ("request", records_of(path)[2][1]),
        ("response", locations[1].offset),
        ("request", records_of(path)[4][1]),
        ("response", locations[2].offset),
        ("request", records_of(path)[6][1]),
    ]
    with open(path, "rb") as fh:
        records = iter(ArchiveIterator(fh))
        info = next(records)
        fields = info.content_stream().read().decode()
        assert "software: zwgk" in fields and "operator: county audit team" in fields
        assert info.rec_headers.get_header("WARC-Filename") == name
        response = next(records)
        response_id = response.rec_headers.get_header("WARC-Record-ID")
        response.content_stream().read()
        request = next(records)
        assert request.rec_headers.get_header("WARC-Concurrent-To") == response_id
        assert request.http_headers.protocol == "GET"
        assert request.http_headers.get_header("Host") == "www.xian.gov.cn"
        assert request.http_headers.get_header("User-Agent") == "zwgk/0.1 (+audit)"

    cdxj = (tmp_path / (name + ".cdxj")).read_text(encoding="utf-8").splitlines()
    assert cdxj == sorted(cdxj) == index_file(path)
    assert len(cdxj) == 3
    by_url = {json.loads(line.split(" ", 2)[2])["url"]: line for line in cdxj}
    key, stamp, blob = by_url["http://www.xian.gov.cn/zwgk/b.jsp?id=7&cat=2"].split(" ", 2)
    assert key == "cn,gov,xian)/zwgk/b.jsp?cat=2&id=7"
    assert stamp == "20260301083016"
    assert json.loads(blob) == {
        "url": "http://www.xian.gov.cn/zwgk/b.jsp?id=7&cat=2",
        "mime": "text/html",
        "status": "200",
        "digest": locations[1].payload_digest,
        "length": str(locations[1].length),
        "offset": str(locations[1].offset),
        "filename": name,
    }

    assert warcio_cli("check", [path]).returncode == 0
    index = warcio_cli("index", [path])
    assert index.returncode == 0
    assert f'"offset": "{locations[2].offset}", "warc-type": "response"' in index.stdout


def test_recorded_offsets_and_lengths_cover_exactly_one_record(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, worker="w1") as writer:
        locations = write_three(writer)
    data = (tmp_path / locations[0].file).read_bytes()
    for location in locations:
        chunk = data[location.offset : location.offset + location.length]
        records = list(ArchiveIterator(io.BytesIO(chunk)))
        assert [r.rec_type for r in records] == ["response"]


def test_rotation_by_size_finishes_several_files(tmp_path: Path) -> None:
    locations = []
    with WarcWriter(tmp_path, worker="w1", max_bytes=2_500) as writer:
        for i in range(12):
            locations.append(
                writer.write_exchange(
                    f"http://www.xian.gov.cn/files/{i}.pdf",
                    T0 + timedelta(minutes=i),
                    200,
                    "OK",
                    [("Content-Type", "application/pdf")],
                    PDF + str(i).encode(),
                    REQUEST_HEADERS,
                )
            )
    warcs = sorted(tmp_path.glob("*.warc.gz"))
    assert len(warcs) >= 3
    assert not list(tmp_path.glob("*.open"))
    assert {loc.file for loc in locations} == {w.name for w in warcs}
    assert [w.name.rsplit("-", 1)[1] for w in warcs] == [f"{n:05d}.warc.gz" for n in range(len(warcs))]
    total = 0
    for warc in warcs:
        kinds = [kind for kind, _ in records_of(warc)]
        assert kinds[0] == "warcinfo" and kinds.count("warcinfo") == 1
        lines = warc.with_name(warc.name + ".cdxj").read_text(encoding="utf-8").splitlines()
        assert lines == index_file(warc)
        total += len(lines)
    assert total == 12
    for i, location in enumerate(locations):
        assert read_response(tmp_path, location.file, location.offset).body == PDF + str(i).encode()
    assert warcio_cli("check", warcs).returncode == 0
    assert warcio_cli("index", warcs).returncode == 0


def test_two_writers_in_one_folder_never_share_a_file(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, worker="same") as first, WarcWriter(tmp_path, worker="same") as second:
        a = first.write_exchange("http://e.cn/a", T0, 200, "OK", [], b"a", [])
        b = second.write_exchange("http://e.cn/b", T0, 200, "OK", [], b"b", [])
    assert a.file != b.file
    assert read_response(tmp_path, b.file, b.offset).body == b"b"


def test_revisit_refers_to_the_original_and_reads_its_body(tmp_path: Path) -> None:
    url = "http://www.xian.gov.cn/zwgk/a.html"
    headers = [("Content-Type", "text/html; charset=utf-8")]
    with WarcWriter(tmp_path, worker="w1", max_bytes=1) as writer:  # every exchange in its own file
        original = writer.write_exchange(url, T0, 200, "OK", headers, UTF8_PAGE, REQUEST_HEADERS)
        later = T0 + timedelta(days=1)
        served = [("Content-Type", "text/html; charset=utf-8"), ("Date", "Mon, 02 Mar 2026 08:30:15 GMT")]
        revisit = writer.write_exchange(
            url, later, 200, "OK", served, UTF8_PAGE, REQUEST_HEADERS, revisit_of=(url, T0)
        )
    assert revisit.record_type == "revisit"
    assert revisit.payload_digest == original.payload_digest
    assert revisit.file != original.file

    with open(tmp_path / revisit.file, "rb") as fh:
        fh.seek(revisit.offset)
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_type == "revisit"
        assert record.rec_headers.get_header("WARC-Profile") == REVISIT_PROFILE
        assert record.rec_headers.get_header("WARC-Refers-To-Target-URI") == url
        assert record.rec_headers.get_header("WARC-Refers-To-Date") == "2026-03-01T08:30:15.123456Z"
        assert record.content_stream().read() == b""  # headers only

    got = read_response(tmp_path, revisit.file, revisit.offset)
    assert got.record_type == "revisit"
    assert got.body == UTF8_PAGE
    assert got.date == later
    assert got.headers == served
    assert got.refers_to == (url, T0)

    calls = []

    def resolver(uri: str, date: datetime, digest: str) -> tuple[str, int]:
        calls.append((uri, date, digest))
        return original.file, original.offset

    assert read_response(tmp_path, revisit.file, revisit.offset, resolver=resolver).body == UTF8_PAGE
    assert calls == [(url, T0, original.payload_digest)]

    cdxj = (tmp_path / (revisit.file + ".cdxj")).read_text(encoding="utf-8")
    assert '"mime": "warc/revisit"' in cdxj
    assert warcio_cli("check", sorted(tmp_path.glob("*.warc.gz"))).returncode == 0


def test_revisit_without_its_original_is_an_error(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, worker="w1") as writer:
        lost = writer.write_exchange(
            "http://e.cn/a", T0, 200, "OK", [], b"x", [], revisit_of=("http://e.cn/a", T0 - timedelta(days=9))
        )
    with pytest.raises(WarcError, match="not found"):
        read_response(tmp_path, lost.file, lost.offset)
    with pytest.raises(WarcError, match="request record|not a response"):
        read_response(tmp_path, lost.file, lost.offset + lost.length)


def test_open_file_is_readable_and_revisits_resolve_into_it(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, worker="w1")
    first = writer.write_exchange("http://e.cn/a", T0, 200, "OK", [], b"same", [])
    again = writer.write_exchange(
        "http://e.cn/a", T0 + timedelta(hours=1), 200, "OK", [], b"same", [], revisit_of=("http://e.cn/a", T0)
    )
    assert (tmp_path / (first.file + ".open")).exists()
    assert read_response(tmp_path, first.file, first.offset).body == b"same"
    assert read_response(tmp_path, again.file, again.offset).body == b"same"
    writer.close()
    assert read_response(tmp_path, again.file, again.offset).body == b"same"


def test_naive_times_are_refused(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as writer, pytest.raises(ValueError, match="naive"):
        writer.write_exchange("http://e.cn/", datetime(2026, 1, 1), 200, "OK", [], b"", [])


def test_header_injection_is_refused(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as writer, pytest.raises(ValueError, match="line break"):
        writer.write_exchange("http://e.cn/", T0, 200, "OK", [("X", "a\r\nB: c")], b"", [])


def crashed_open_file(folder: Path) -> tuple[Path, list[WarcLocation]]:
    """An ``.open`` file as a killed process leaves it (the writer is never closed)."""
    writer = WarcWriter(folder / "live", worker="w1")
    locations = write_three(writer)
    live = folder / "live" / (locations[0].file + ".open")
    crashed = folder / live.name
    shutil.copy(live, crashed)
    writer.close()
    return crashed, locations


def test_torn_tail_is_detected_and_repaired(tmp_path: Path) -> None:
    crashed, locations = crashed_open_file(tmp_path)
    finished = crashed.with_name(locations[0].file)
    crashed.rename(finished)
    last_request = records_of(finished)[-1][1]
    size = finished.stat().st_size
    with open(finished, "r+b") as fh:
        fh.truncate(size - 40)
    torn_bytes = finished.read_bytes()[last_request:]

    found = check_file(finished)
    assert not found.ok
    assert found.torn_at == last_request
    assert found.records == 6
    assert any("torn" in p for p in found.problems)

    repaired = repair_file(finished)
    assert repaired.ok, repaired.problems
    assert repaired.records == 6
    assert finished.stat().st_size == last_request
    assert finished.with_name(finished.name + ".torn").read_bytes() == torn_bytes
    for location, body in zip(locations, [UTF8_PAGE, GBK_PAGE, PDF], strict=True):
        assert read_response(tmp_path, location.file, location.offset).body == body
    assert finished.with_name(finished.name + ".cdxj").read_text(encoding="utf-8").count("\n") == 3
    assert warcio_cli("check", [finished]).returncode == 0
    assert warcio_cli("index", [finished]).returncode == 0


def test_record_torn_inside_its_payload(tmp_path: Path) -> None:
    crashed, locations = crashed_open_file(tmp_path)
    pdf = locations[2]
    with open(crashed, "r+b") as fh:
        fh.truncate(pdf.offset + pdf.length // 2)
    found = check_file(crashed)
    assert found.torn_at == pdf.offset and found.records == 5
    repaired = repair_file(crashed)
    assert repaired.ok and repaired.records == 5
    assert not crashed.exists()
    assert (
        index_file(crashed.with_name(pdf.file)) == (tmp_path / (pdf.file + ".cdxj")).read_text().splitlines()
    )
    assert len(index_file(tmp_path / pdf.file)) == 2


def test_leftover_open_file_is_finalised(tmp_path: Path) -> None:
    crashed, locations = crashed_open_file(tmp_path)
    assert check_file(crashed).ok
    result = repair_file(crashed)
    assert result.ok and result.records == 7
    assert any("finalised" in action for action in result.actions)
    final = tmp_path / locations[0].file
    assert final.exists() and not crashed.exists()
    assert not final.with_name(final.name + ".torn").exists()
    assert (tmp_path / (final.name + ".cdxj")).read_text(encoding="utf-8").splitlines() == index_file(final)
    assert read_response(tmp_path, locations[1].file, locations[1].offset).body == GBK_PAGE
    assert warcio_cli("check", [final]).returncode == 0


def test_damage_in_the_middle_is_reported_not_cut(tmp_path: Path) -> None:
    crashed, locations = crashed_open_file(tmp_path)
    data = bytearray(crashed.read_bytes())
    middle = locations[1].offset + locations[1].length // 2
    data[middle] ^= 0xFF
    crashed.write_bytes(bytes(data))
    found = check_file(crashed)
    assert not found.ok and found.torn_at is None
    result = repair_file(crashed)
    assert not result.ok
    assert (tmp_path / locations[0].file).stat().st_size == len(data)  # nothing removed


def test_surt() -> None:
    assert surt("http://www.Example.gov.cn:80/a/b.html?z=1&a=2") == "cn,gov,example)/a/b.html?a=2&z=1"
    assert surt("https://xxgk.example.gov.cn:8443/") == "cn,gov,example,xxgk:8443)/"
    assert surt("http://example.gov.cn") == "cn,gov,example)/"


def test_failed_write_leaves_a_torn_tail_and_moves_on(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, worker="w1")
    first = writer.write_exchange("http://e.cn/a", T0, 200, "OK", [], b"kept", [])
    real = writer._fh
    assert real is not None

    class DiskFull:
        def write(self, data: bytes) -> int:
            assert real is not None
            real.write(data[:10])  # inside the first gzip member, whatever the sizes
            raise OSError(28, "No space left on device")

        def close(self) -> None:
            assert real is not None
            real.close()

    writer._fh = DiskFull()  # type: ignore[assignment]
    with pytest.raises(OSError):
        writer.write_exchange("http://e.cn/b", T0, 200, "OK", [], b"lost", [])
    later = writer.write_exchange("http://e.cn/c", T0, 200, "OK", [], b"next", [])
    writer.close()
    assert later.file != first.file
    broken = tmp_path / (first.file + ".open")
    assert check_file(broken).torn_at is not None
    assert repair_file(broken).ok
    assert read_response(tmp_path, first.file, first.offset).body == b"kept"
    assert warcio_cli("check", sorted(tmp_path.glob("*.warc.gz"))).returncode == 0
