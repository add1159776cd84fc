"""Detail pages read in worker processes (crawler/analysis.py): same records as inline, and a
worker that dies costs a page an error record, never the crawl."""

from __future__ import annotations

import gzip
import io
import json
import pickle
import subprocess
import sys
import textwrap
import zlib
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path

from helpers import ROOT, run_zwgk
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from crawler.analysis import Analysis, PageJob, _frame, run_job, serve
from crawler.extract import extract_detail
from crawler.extract.detail import ScanScope
from crawler.extract.integrity import scan_page
from crawler.items import Fetched
from storage.db import database_url, open_database
from storage.models import Capture, Finding, Item
from storage.warc import payload_digest

HIJACKED = """<html><head><meta charset="utf-8"><title>澳门葡京娱乐-在线博彩</title>
<meta name="SiteName" content="青石县人民政府"></head><body>
<h1>关于开展安全生产检查的通知</h1>
<table><tr><td>索引号：</td><td>11530000-01-2019-0001</td><td>文号：</td><td>青政发〔2019〕3号</td></tr>
<tr><td>发布日期：</td><td>2019-03-05</td></tr></table>
<div class="TRS_Editor"><p>各乡镇人民政府：现将有关事项通知如下。</p></div>
<div style="display:none"><a href="http://bc.example.com/">博彩 百家乐</a></div>
<script>if (document.referrer.indexOf("baidu") > 0) { window.location = "http://x.example.com"; }</script>
</body></html>""".encode()


def _job(body: bytes, with_exchange: bool = True) -> PageJob:
    url = "http://127.0.0.1:8000/zwgk/201903/t20190305_1.html"
    fetched = Fetched(
        site="qingshi",
        url=url,
        page_kind="detail",
        status=200,
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=b"",
        request_headers=[("User-Agent", "zwgk-test")],
        fetched_at=datetime(2026, 11, 27, 3, 0, tzinfo=UTC).isoformat(),
    )
    scan = ScanScope("青石县人民政府", frozenset({"127.0.0.1"}))
    return PageJob(
        url, body, "text/html; charset=utf-8", "qingshi", 200, scan, fetched if with_exchange else None
    )


def test_one_parse_gives_what_the_extractor_and_the_scan_give_apart() -> None:
    job = _job(HIJACKED)
    analysis = run_job(job)
    assert analysis.detail == extract_detail(job.url, HIJACKED, job.content_type, "qingshi", 200)
    alone = scan_page(HIJACKED.decode(), job.url, "青石县人民政府", {"127.0.0.1"})
    assert analysis.signals == [asdict(signal) for signal in alone]
    assert {s["kind"] for s in analysis.signals} == {"hijacked", "hidden_link", "spam", "cloaking"}
    assert analysis.detail.index_no == "11530000-01-2019-0001"
    assert "通知如下" in analysis.detail.body_text and "百家乐" not in analysis.detail.body_text


def test_the_worker_packs_warc_records_that_read_back() -> None:
    analysis = run_job(_job(HIJACKED))
    packed = analysis.packed
    assert packed is not None and packed.record_type == "response"
    assert packed.digest == payload_digest(HIJACKED)
    records = [
        (r.rec_type, dict(r.rec_headers.headers), r.content_stream().read())
        for r in ArchiveIterator(io.BytesIO(packed.response + packed.request))
    ]
    assert [kind for kind, _, _ in records] == ["response", "request"]
    (_, response, payload), (_, request, _) = records
    assert response["WARC-Target-URI"] == _job(HIJACKED).url
    assert payload == HIJACKED
    assert request["WARC-Concurrent-To"] == response["WARC-Record-ID"]
    assert gzip.decompress(packed.response).startswith(b"WARC/1.1")
    assert run_job(_job(HIJACKED, with_exchange=False)).packed is None


def test_a_page_that_is_not_html_is_extracted_but_not_scanned() -> None:
    job = replace(_job(b"%PDF-1.4 binary"), content_type="application/pdf")
    assert run_job(job).signals is None


def test_serve_answers_every_job_in_order_and_stops_at_the_end_of_its_input() -> None:
    jobs = [
        _job(HIJACKED),
        replace(_job(b"<html><title>t</title></html>"), url="http://127.0.0.1:8000/b.html"),
    ]
    stream = io.BytesIO(b"".join(_frame((n, job)) for n, job in enumerate(jobs, 1)) + b"\x00\x00")
    answers = io.BytesIO()
    serve(stream, answers)  # the two stray bytes at the end: a torn frame, not an error
    import pickle
    import struct

    data, got = answers.getvalue(), []
    while data:
        size, crc = struct.unpack(">II", data[:8])
        assert zlib.crc32(data[8 : 8 + size]) == crc
        got.append(pickle.loads(data[8 : 8 + size]))
        data = data[8 + size :]
    assert [(n, ok) for n, ok, _ in got] == [(1, True), (2, True)]
    assert isinstance(got[0][2], Analysis) and got[1][2].detail.url == jobs[1].url


# A crawler-side analyser under a real reactor, in its own process (a reactor runs once per process).
_ANALYSER_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from twisted.internet import defer, reactor
    from crawler.analysis import PageAnalyser, PageJob

    job = PageJob("http://127.0.0.1/a.html", "<html><title>标题</title><h1>通知</h1></html>".encode(),
                  "text/html; charset=utf-8", "s", 200, None)
    dying = PageAnalyser(1, command=[sys.executable, "-c", "import sys; sys.stdin.buffer.read(4); sys.exit(3)"])
    working = PageAnalyser(2)
    out = {}

    async def main():
        died = await dying.analyse(job)
        out["died"] = [died.detail.fetch_status, died.detail.note, dying.started]
        answers = [await working.analyse(job) for _ in range(3)]
        out["ok"] = [a.detail.title for a in answers]
        out["started"] = working.started
        await working.close()

    def finish(result):
        print(json.dumps(out, ensure_ascii=False))
        reactor.stop()

    reactor.callWhenRunning(lambda: defer.Deferred.fromCoroutine(main()).addBoth(finish))
    reactor.run()
    """
)


def test_a_dying_worker_costs_the_page_an_error_record_and_a_working_one_answers() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _ANALYSER_SCRIPT], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    status, note, started = out["died"]
    assert status == "error" and "ended its worker process 2 times" in note
    assert started == 2  # the page was tried in a second worker before it was given up
    assert out["ok"] == ["通知"] * 3
    assert out["started"] >= 1


def _archive(data: Path) -> tuple[list[tuple], list[tuple], list[tuple]]:
    db = open_database(database_url(data, None))
    with db.session() as session:
        items = session.execute(
            select(
                Item.url, Item.title, Item.index_no, Item.doc_no, Item.published_on, Item.kind,
                Item.fetch_status, Item.body_text, Item.attachments,
            ).order_by(Item.url)
        ).all()  # fmt: skip
        findings = session.execute(select(Finding.kind, Finding.subject).order_by(Finding.subject)).all()
        captures = session.execute(
            select(Capture.url, Capture.http_status, Capture.page_kind).order_by(Capture.url)
        ).all()
    db.dispose()
    return [tuple(r) for r in items], [tuple(r) for r in findings], [tuple(r) for r in captures]


def test_a_crawl_with_workers_archives_what_an_inline_crawl_archives(tiny_server, tmp_path) -> None:
    archives = []
    for processes in ("0", "2"):
        data = tmp_path / processes
        result = run_zwgk(
            "crawl", tiny_server.base_url, "--site", "tiny", "--data", str(data), "--json",
            "-s", f"ZWGK_ANALYSIS_PROCESSES={processes}",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
        archives.append(_archive(data))
    inline, workers = archives
    assert len(inline[0]) > 20 and inline[1], "the tiny replica has items and a hijacked page"
    assert workers == inline


def test_a_worker_stopped_and_continued_while_its_pipe_is_full_answers_intact(tmp_path) -> None:
    """SIGSTOP/SIGCONT (or a profiler attaching) while the worker writes into a full pipe makes
    write() return part-way; answers must still arrive whole (they did not through sys.stdout)."""
    import os
    import signal
    import struct
    import threading
    import time

    worker = subprocess.Popen(
        [sys.executable, "-m", "crawler.analysis"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT
    )
    body = ("<html><title>标题</title><body>" + "<p>正文内容，" * 6000 + "</body></html>").encode()
    jobs = [replace(_job(body), url=f"http://127.0.0.1:8000/{n}.html") for n in range(40)]

    def feed() -> None:
        assert worker.stdin is not None
        for number, job in enumerate(jobs, 1):
            worker.stdin.write(_frame((number, job)))
        worker.stdin.close()

    done = threading.Event()

    def stop_and_continue() -> None:
        while not done.is_set() and worker.poll() is None:
            worker.send_signal(signal.SIGSTOP)
            time.sleep(0.01)
            worker.send_signal(signal.SIGCONT)
            time.sleep(0.01)

    threading.Thread(target=feed, daemon=True).start()
    threading.Thread(target=stop_and_continue, daemon=True).start()
    answers, out = [], worker.stdout
    assert out is not None
    try:
        while True:
            time.sleep(0.02)  # a slow reader: the pipe stays full, the worker writes part-way
            head = out.read(8)
            if len(head) < 8:
                break
            size, crc = struct.unpack(">II", head)
            message = out.read(size)
            assert zlib.crc32(message) == crc, f"answer {len(answers) + 1} arrived corrupted"
            answers.append(pickle.loads(message))
    finally:
        done.set()
        os.kill(worker.pid, signal.SIGCONT)
        worker.wait(timeout=30)
    assert [number for number, ok, _ in answers] == list(range(1, 41))
    assert all(ok and analysis.detail.title == "标题" for _, ok, analysis in answers)


_POISON_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from twisted.internet import defer, reactor
    from crawler.analysis import PageAnalyser, PageJob

    # a worker that dies on any page whose URL says poison, and reads the others
    dying_on_poison = (
        "import os, crawler.analysis as a; real = a.run_job; "
        "a.run_job = lambda job: os._exit(9) if 'poison' in job.url else real(job); a.main()"
    )
    analyser = PageAnalyser(1, command=[sys.executable, "-c", dying_on_poison])
    names = ["a", "poison", "b", "c", "d"]
    jobs = [PageJob(f"http://127.0.0.1/{n}.html", f"<html><h1>{n}</h1></html>".encode(),
                    "text/html", "s", 200, None) for n in names]

    async def main():
        results = await defer.gatherResults(
            [defer.Deferred.fromCoroutine(analyser.analyse(job)) for job in jobs])
        await analyser.close()
        return {n: [r.detail.fetch_status, r.detail.title] for n, r in zip(names, results)}

    def finish(result):
        print(json.dumps({"results": result, "started": analyser.started}))
        reactor.stop()

    reactor.callWhenRunning(lambda: defer.Deferred.fromCoroutine(main()).addBoth(finish))
    reactor.run()
    """
)


def test_a_page_that_kills_its_worker_fails_alone_not_the_pages_queued_behind_it() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _POISON_SCRIPT], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["results"] == {
        "a": ["ok", "a"],
        "poison": ["error", ""],
        "b": ["ok", "b"],
        "c": ["ok", "c"],
        "d": ["ok", "d"],
    }
    assert out["started"] == 3  # the first worker, and one more per death of the poison page
