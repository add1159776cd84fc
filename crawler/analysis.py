"""Detail pages analysed off the crawl's own process: extraction and the integrity scan.

Reading a detail page (one decode, one lxml parse, the hijack scan, every field) is most of the
CPU a crawl spends on our side of Scrapy, and it is a pure function of the page's bytes. With
``ZWGK_ANALYSIS_PROCESSES`` = N > 0 (the default is 1) it runs in N worker processes while the
crawler process goes on fetching, routing and storing: a 2-core machine uses both cores. With 0 it
runs inline, in the crawler process: the same function, the same records.

The workers are children of the reactor (``reactor.spawnProcess``), fed and read through their
stdin and stdout pipes as the reactor's own connections: no thread, no lock, a few tens of
microseconds a page. Each message is a 4-byte length and a pickle (both ends are this program).

A worker that dies (a page that crashes libxml2, the OOM killer) fails the pages it held: each is
tried once more in a new worker, then recorded as an ``error`` Detail with the reason, and the
crawl goes on. A worker that hangs (a page that sends a parser into a loop) is killed once the page
it is reading has taken ``ZWGK_ANALYSIS_DEADLINE`` seconds: that page is recorded as an ``error``
Detail saying so (its ``fetch_note``), not tried again, and the pages queued behind it go to a new
worker. Shutdown waits for no worker longer than that deadline.

Test hook (tests only): with ``ZWGK_TEST_ANALYSIS_HANG`` set in a worker's environment, a page whose
URL contains its value makes that worker hang.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import struct
import sys
import time
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from twisted.internet import defer, protocol
from twisted.python.failure import Failure

from crawler import settings as defaults
from crawler.extract.detail import ScanScope, analyse_detail
from crawler.items import Detail, Fetched
from storage.warc import PackedExchange, pack_exchange, reason_phrase

logger = logging.getLogger(__name__)

# A page is given up after killing this many workers (while it was the one being read), or after
# this many tries in all (workers dying for other reasons).
ATTEMPTS = 2
MAX_TRIES = 5
# a frame: the pickle's length and CRC-32, then the pickle
_HEAD = struct.Struct(">II")
# the test hook of the module doc
TEST_HANG_ENV = "ZWGK_TEST_ANALYSIS_HANG"


def default_deadline() -> float:
    """``ZWGK_ANALYSIS_DEADLINE`` from the environment, else the setting's default."""
    return float(os.environ.get("ZWGK_ANALYSIS_DEADLINE") or defaults.ZWGK_ANALYSIS_DEADLINE)


@dataclass(frozen=True)
class PageJob:
    """One detail page to analyse: everything :func:`analyse_detail` needs, all picklable, and the
    exchange to pack as WARC records (``fetched``, its body left out: it is ``body``)."""

    url: str
    body: bytes
    content_type: str | None
    site: str
    http_status: int
    scan: ScanScope | None
    fetched: Fetched | None = None


@dataclass
class Analysis:
    """What a worker sends back: the page's Detail, its integrity signals (None: not scanned) and
    its WARC records ready to append (None: not packed)."""

    detail: Detail
    signals: list[dict[str, Any]] | None = None
    packed: PackedExchange | None = None


def run_job(job: PageJob) -> Analysis:
    """The work itself, the same inline and in a worker."""
    detail, signals = analyse_detail(job.url, job.body, job.content_type, job.site, job.http_status, job.scan)
    packed = None
    if job.fetched is not None:
        f = job.fetched
        packed = pack_exchange(
            f.url,
            datetime.fromisoformat(f.fetched_at),
            f.status,
            reason_phrase(f.status),
            f.response_headers,
            job.body,
            f.request_headers,
            f.method,
        )
    return Analysis(detail, signals, packed)


def _failed(job: PageJob, note: str) -> Analysis:
    return Analysis(Detail(job.site, job.url, job.http_status, fetch_status="error", note=note))


class WorkerDied(Exception):
    """The worker process holding a page ended before answering.

    ``suspect``: the page was the one the worker was reading (answers come in order, so it is the
    oldest unanswered), not one merely queued behind it.
    """

    def __init__(self, why: str, suspect: bool = False, overdue: float | None = None) -> None:
        super().__init__(why)
        self.suspect = suspect
        # the deadline (s) the page passed, when the worker was killed for it
        self.overdue = overdue

    @property
    def role(self) -> str:
        return "the page it was reading" if self.suspect else "queued behind another page"


class WorkerFailed(Exception):
    """The worker answered with an exception instead of a result (a bug: analysis never raises)."""


class PageAnalyser:
    """Runs :func:`run_job` inline (``processes=0``) or in worker processes started on first use."""

    def __init__(
        self, processes: int, command: list[str] | None = None, deadline: float | None = None
    ) -> None:
        self.processes = max(0, processes)
        # what runs a worker: this Python on this module (tests substitute one that dies)
        self.command = command or [sys.executable, "-m", "crawler.analysis"]
        # seconds a page may take in a worker before the worker is killed (0: no limit)
        self.deadline = default_deadline() if deadline is None else deadline
        self._workers: list[_WorkerProtocol] = []
        self._dead: list[_WorkerProtocol] = []  # ended; reaped at close
        self._watchdog: Any = None
        self.started = 0

    async def analyse(self, job: PageJob) -> Analysis:
        """The page's Detail and integrity signals; awaitable from a Scrapy callback (any reactor).

        Never raises: a page that cannot be analysed comes back as an ``error`` Detail.
        """
        if self.processes == 0:
            try:
                return run_job(job)
            except Exception as exc:  # analysis never raises by contract; a bug must not lose the page
                logger.exception("analysing %s failed", job.url)
                return _failed(job, f"page analysis failed: {type(exc).__name__}: {exc}")
        deaths = tries = 0
        while deaths < ATTEMPTS and tries < MAX_TRIES:
            tries += 1
            try:
                result: Analysis = await self._worker().submit(job)
                return result
            except WorkerDied as exc:
                if exc.overdue is not None:
                    logger.warning("page analysis of %s passed its deadline; its worker was killed", job.url)
                    return _failed(job, f"page analysis passed its deadline of {exc.overdue:g} s")
                # Only the page a worker was reading when it died is suspect; pages queued behind
                # it are sent again without counting it against them.
                deaths += exc.suspect
                logger.warning("page analysis worker died on %s (%s): %s", job.url, exc.role, exc)
            except WorkerFailed as exc:
                logger.error("page analysis failed on %s: %s", job.url, exc)
                return _failed(job, f"page analysis failed: {exc}")
            except OSError as exc:  # the worker could not even start (fork failed: out of memory)
                logger.error("cannot start a page analysis worker: %s", exc)
                return _failed(job, f"no page analysis worker: {exc}")
        return _failed(job, f"the page's analysis ended its worker process {deaths} times")

    def close(self, timeout: float = 10.0) -> defer.Deferred[None]:
        """End the workers (they exit when their stdin closes) and reap them, so that their CPU
        time counts in this process's (``time zwgk crawl`` tells the whole cost). The Deferred
        fires when they are gone; a worker still running after ``timeout`` s (or the deadline,
        when shorter) is killed."""
        from twisted.internet import reactor

        if self.deadline > 0:
            timeout = min(timeout, self.deadline)
        if self._watchdog is not None and self._watchdog.running:
            self._watchdog.stop()
        workers, self._workers = self._workers + self._dead, []
        self._dead = []
        for worker in workers:
            worker.close()
        ended = defer.DeferredList([worker.ended for worker in workers], consumeErrors=True)
        clock: Any = reactor

        def kill_all() -> None:
            for worker in workers:
                worker.kill()

        killer: Any = clock.callLater(timeout, kill_all)

        def reap(_: object) -> None:
            if killer.active():
                killer.cancel()
            for worker in workers:
                worker.reap()

        return ended.addBoth(reap)

    def _worker(self) -> _WorkerProtocol:
        self._dead.extend(w for w in self._workers if not w.alive)
        self._workers = [w for w in self._workers if w.alive]
        if len(self._workers) < self.processes:
            self._workers.append(self._spawn())
        return min(self._workers, key=lambda w: len(w.pending))

    def _check_deadlines(self) -> None:
        """Kill each worker whose current page has taken longer than the deadline."""
        now = time.monotonic()
        for worker in self._workers:
            if worker.alive and worker.pending and now - worker.head_since > self.deadline:
                worker.overdue(self.deadline)

    def _spawn(self) -> _WorkerProtocol:
        from twisted.internet import reactor, task

        if self.deadline > 0 and self._watchdog is None:
            self._watchdog = task.LoopingCall(self._check_deadlines)
            self._watchdog.start(min(1.0, self.deadline / 4), now=False)
        worker = _WorkerProtocol()
        spawn: Any = reactor.spawnProcess  # type: ignore[attr-defined]
        spawn(worker, self.command[0], self.command, env=dict(os.environ), childFDs={0: "w", 1: "r", 2: 2})
        self.started += 1
        return worker


class _WorkerProtocol(protocol.ProcessProtocol):
    """One worker process: jobs written to its stdin, answers read from its stdout, in order."""

    def __init__(self) -> None:
        self.pending: dict[int, defer.Deferred[Analysis]] = {}
        self.ended: defer.Deferred[None] = defer.Deferred()
        self.alive = True
        self._next = 0
        self._buffer = bytearray()
        # since when the oldest pending page has been the one the worker reads
        self.head_since = time.monotonic()
        self._overdue: float | None = None

    def submit(self, job: PageJob) -> defer.Deferred[Analysis]:
        if not self.alive or self.transport is None:
            return defer.fail(WorkerDied("worker not running"))
        self._next += 1
        if not self.pending:
            self.head_since = time.monotonic()
        deferred: defer.Deferred[Analysis] = defer.Deferred()
        self.pending[self._next] = deferred
        transport: Any = self.transport
        transport.write(_frame((self._next, job)))
        return deferred

    def outReceived(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= _HEAD.size:
            size, crc = _HEAD.unpack_from(self._buffer)
            if len(self._buffer) < _HEAD.size + size:
                return
            message = bytes(self._buffer[_HEAD.size : _HEAD.size + size])
            del self._buffer[: _HEAD.size + size]
            if zlib.crc32(message) != crc:
                self._broken(f"an answer of {size} bytes failed its CRC")
                return
            job_id, ok, value = pickle.loads(message)
            deferred = self.pending.pop(job_id, None)
            self.head_since = time.monotonic()
            if deferred is None:
                continue
            if ok:
                deferred.callback(value)
            else:
                deferred.errback(Failure(WorkerFailed(value)))

    def childConnectionLost(self, childFD: int) -> None:
        # The answers' pipe closed: the worker is gone (exited or killed), whatever its status.
        if childFD == 1:
            self._lost("its output closed")

    def processEnded(self, reason: Failure) -> None:
        self._lost(reason.getErrorMessage())

    def close(self) -> None:
        self.alive = False
        transport: Any = self.transport
        if transport is not None:
            transport.closeStdin()

    def kill(self) -> None:
        pid = getattr(self.transport, "pid", None)
        if pid is not None:
            logger.warning("page analysis worker %d did not exit; killing it", pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def overdue(self, deadline: float) -> None:
        """The page being read passed the deadline: kill the worker; that page is failed for it."""
        self._overdue = deadline
        self.kill()
        self._lost(f"killed after {deadline:g} s on one page")

    def reap(self) -> None:
        """Collect the exit status of the process (ended: its output closed), if nobody did."""
        pid = getattr(self.transport, "pid", None)
        if pid is None:
            return  # already reaped (by Twisted's SIGCHLD handler, when it has one)
        deadline = time.monotonic() + 2.0
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(pid, os.WNOHANG) == (0, 0) and time.monotonic() < deadline:
                time.sleep(0.005)  # its output closed: it is exiting now

    def _broken(self, why: str) -> None:
        """An answer that cannot be read: this worker is done for; its pages go to another."""
        logger.error("page analysis worker: %s; ending it", why)
        self.kill()
        self._lost(why)

    def _lost(self, why: str) -> None:
        self.alive = False
        pending, self.pending = self.pending, {}
        oldest = min(pending, default=None)
        for job_id, deferred in pending.items():
            suspect = job_id == oldest
            overdue = self._overdue if suspect else None
            deferred.errback(Failure(WorkerDied(why, suspect=suspect, overdue=overdue)))
        if not self.ended.called:
            self.ended.callback(None)


def _frame(value: Any) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEAD.pack(len(data), zlib.crc32(data)) + data


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    """``size`` bytes, reading as often as it takes; None at the end of the stream."""
    parts, missing = [], size
    while missing:
        part = stream.read(missing)
        if not part:
            return None
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _write_all(stream: BinaryIO, data: bytes) -> None:
    """All of ``data``, writing as often as it takes (a pipe takes part of a write when full)."""
    view = memoryview(data)
    while view:
        written = stream.write(view)
        view = view[written if written is not None else 0 :]


def serve(jobs: BinaryIO, answers: BinaryIO) -> None:
    """A worker's loop: read a job, answer it, until the crawler closes ``jobs``.

    Give it unbuffered streams (``buffering=0``) over pipes: it does its own framing and loops.
    """
    while True:
        head = _read_exactly(jobs, _HEAD.size)
        if head is None:
            return
        size, crc = _HEAD.unpack(head)
        message = _read_exactly(jobs, size)
        if message is None:
            return
        if zlib.crc32(message) != crc:
            logger.error("a job of %d bytes failed its CRC; this worker stops", size)
            sys.exit(17)
        job_id, job = pickle.loads(message)
        _test_hang(job)
        answer: tuple[int, bool, Analysis | str]
        try:
            answer = (job_id, True, run_job(job))
        except Exception as exc:  # analysis never raises by contract; say what broke it if it did
            logger.exception("analysing %s failed", getattr(job, "url", "?"))
            answer = (job_id, False, f"{type(exc).__name__}: {exc}")
        _write_all(answers, _frame(answer))


def _test_hang(job: PageJob) -> None:
    """The test hook of the module doc: hang (never answer) on a page whose URL has the marker."""
    marker = os.environ.get(TEST_HANG_ENV)
    if marker and marker in getattr(job, "url", ""):
        while True:
            time.sleep(3600)


def main() -> None:
    # Run as ``python -m crawler.analysis``: answers must be built by the importable module, not by
    # ``__main__``, or the crawler could not unpickle them.
    from crawler import analysis

    # The pipes, unbuffered: a stopped or traced worker (SIGSTOP, py-spy) sees partial writes,
    # which corrupted answers written through sys.stdout.buffer (measured: CRC failures).
    jobs = os.fdopen(os.dup(0), "rb", buffering=0)
    answers = os.fdopen(os.dup(1), "wb", buffering=0)
    # Ctrl-C or a service stop signals the whole process group: the crawler shuts down gracefully
    # and closes our input when it no longer needs us; dying at once would fail the pages we hold.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.dup2(2, 1)  # nothing but answers may reach the answers' pipe: fd 1 is stderr now
    sys.stdout = sys.stderr
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        analysis.serve(jobs, answers)
    except (KeyboardInterrupt, BrokenPipeError):
        # a crawler stopped at once (a second Ctrl-C) no longer reads: nothing to report
        os._exit(0)


if __name__ == "__main__":
    main()
