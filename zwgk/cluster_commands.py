"""The commands that crawl past one process: queue sites in Redis, run workers over the queue,
and start local workers for one machine's cores (``zwgk crawl --redis --workers N``, ``zwgk worker``).

The inspector's checks that follow a walk (the link check, the cloaking probes) run once per site
when ``zwgk crawl --redis`` has waited for its local workers: then the run is over. With
``--workers 0`` the command only queues, and nothing knows when workers elsewhere finish: those
checks wait for a crawl that waits (the checks during the walk run in every worker).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from rich.console import Console

from crawler.runner import EXIT_OK, EXIT_PARTIAL, project_settings
from storage.db import data_folder, database_url, open_database, sqlite_path
from zwgk.commands import (
    EXIT_ALREADY_RUNNING,
    check_cloaking,
    check_links,
    settings_overrides,
    tally_counts,
)
from zwgk.progress import CrawlProgress, combined_snapshot, parse_progress, progress_json


def _enqueue(args: argparse.Namespace) -> tuple[str, list[str], bool]:
    """Queue the targets of ``zwgk crawl --redis``: (run id, slugs, whether the store is SQLite)."""
    from crawler.cluster import connect, enqueue

    url = database_url(args.data, args.db)
    db = open_database(url)  # the schema exists before any worker writes
    sqlite = db.engine.dialect.name == "sqlite"
    db.dispose()
    client = connect(args.redis)
    run, slugs = enqueue(
        client,
        args.target,
        prefix=args.redis_prefix,
        mode=args.mode,
        revalidate_fraction=args.revalidate_fraction,
        site=args.site,
    )
    return run, slugs, sqlite


def enqueue_crawl(args: argparse.Namespace) -> int:
    """``zwgk crawl TARGET... --redis URL --workers 0``: queue the sites for workers and return."""
    run, slugs, _ = _enqueue(args)
    report = {"run": run, "sites": slugs, "redis": args.redis, "prefix": args.redis_prefix}
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        Console(stderr=True).print(f"queued {len(slugs)} site(s) in run {run}: {', '.join(slugs)}")
    return EXIT_OK


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least one."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


# Local workers exit once the queue has been idle this long (they all share one machine's view).
LOCAL_IDLE_EXIT = 2.0


def crawl_with_workers(args: argparse.Namespace) -> int:
    """``zwgk crawl TARGET... --redis URL [--workers N]``: queue the targets, start N local
    ``zwgk worker`` processes over the queue (default: the cores available), wait for them and
    print the run's summary. Workers on other machines may join the same run."""
    workers = available_cores() if args.workers is None else args.workers
    if workers <= 0:
        return enqueue_crawl(args)
    since = datetime.now(UTC)
    run, slugs, sqlite = _enqueue(args)
    console = Console(stderr=True, soft_wrap=True)
    if sqlite and workers > 1:
        console.print("zwgk: SQLite takes one worker; starting one (give --db postgresql://… for more)")
        workers = 1
    command = [sys.executable, "-m", "zwgk", "worker", "--redis", args.redis, "--redis-prefix",
               args.redis_prefix, "--idle-exit", str(LOCAL_IDLE_EXIT), "--json"]  # fmt: skip
    for flag, value in (("--db", args.db), ("--data", args.data)):
        if value:
            command += [flag, value]
    for pair in args.set:
        command += ["-s", pair]
    inspect = getattr(args, "inspect", True)
    if not inspect:
        command += ["-s", "ZWGK_INSPECT=False"]
    if args.verbose:
        command.append("-v")
    progress = CrawlProgress(console, live=console.is_terminal and not args.verbose)
    interval = progress.interval or _progress_interval(args.set)  # the workers report as often
    command += ["-s", f"ZWGK_PROGRESS_INTERVAL={interval}", "--progress-json"]
    started = time.monotonic()
    with progress:
        outputs = LocalWorkers(command, workers).wait(progress.update, interval)
    summaries: list[dict[str, Any]] = []
    codes = []
    for code, out in outputs:
        codes.append(code)
        try:
            summaries.append(json.loads(out))
        except ValueError:
            summaries.append({"worker": None, "pages": 0, "errors": 1, "note": "no summary"})
    elapsed = time.monotonic() - started - LOCAL_IDLE_EXIT
    report = {
        "run": run,
        "sites": slugs,
        "workers": workers,
        "pages": sum(int(s.get("pages") or 0) for s in summaries),
        "details_ok": sum(int(s.get("details_ok") or 0) for s in summaries),
        "list_pages": sum(int(s.get("list_pages") or 0) for s in summaries),
        "errors": sum(int(s.get("errors") or 0) for s in summaries),
        "seconds": round(max(elapsed, 0.0), 2),
        "worker_summaries": summaries,
    }
    code = max(codes, default=EXIT_OK)
    report["exit_code"] = code
    report["inspection"] = _checks_after(args, slugs, since) if inspect else None
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        console.print(
            f"run {run}: {workers} worker(s), sites {', '.join(slugs)}, pages {report['pages']}, "
            f"details {report['details_ok']}, errors {report['errors']}, {report['seconds']} s",
            highlight=False,
        )
    return code


def _progress_interval(pairs: list[str]) -> float:
    """``ZWGK_PROGRESS_INTERVAL`` as the command's ``-s`` pairs or the project's settings give it."""
    settings = project_settings()
    settings.setdict(settings_overrides(pairs), priority="cmdline")
    try:
        return settings.getfloat("ZWGK_PROGRESS_INTERVAL")
    except ValueError:
        raise ValueError("-s ZWGK_PROGRESS_INTERVAL expects a number of seconds") from None


class LocalWorkers:
    """The local ``zwgk worker --progress-json`` processes of one crawl: their progress lines read
    as they come, the rest of their output (the summary) kept for the end."""

    def __init__(self, command: list[str], count: int) -> None:
        self.processes = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(count)]
        self.latest: list[dict[str, Any] | None] = [None] * count
        self.outputs: list[list[str]] = [[] for _ in range(count)]
        self._readers = [
            threading.Thread(target=self._read, args=(index,), daemon=True) for index in range(count)
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, index: int) -> None:
        stream = self.processes[index].stdout
        assert stream is not None
        for line in stream:
            snapshot = parse_progress(line)
            if snapshot is None:
                self.outputs[index].append(line)
            else:
                self.latest[index] = snapshot

    def combined(self) -> dict[str, Any] | None:
        """The workers' latest snapshots summed, or None before any has reported."""
        reported = [snapshot for snapshot in self.latest if snapshot is not None]
        if not reported:
            return None
        combined = combined_snapshot(reported)
        combined["workers"] = len(self.processes)
        return combined

    def wait(self, report: Callable[[dict[str, Any]], None], every: float) -> list[tuple[int, str]]:
        """Wait for every worker, calling ``report`` with the combined counts every ``every``
        seconds; returns each worker's exit code and output (its progress lines left out)."""
        done = threading.Event()

        def tick() -> None:
            while not done.wait(every):
                combined = self.combined()
                if combined is not None:
                    report(combined)

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        try:
            codes = [process.wait() for process in self.processes]
            for reader in self._readers:
                reader.join()
        finally:
            done.set()
            ticker.join()
        return [(code, "".join(out)) for code, out in zip(codes, self.outputs, strict=True)]


def _checks_after(args: argparse.Namespace, slugs: list[str], since: datetime) -> dict[str, Any]:
    """The link check and the cloaking probes of every site the run crawled, once it is over:
    slug → their summaries (or the reason one failed) and the checks that ran out of budget."""
    url = database_url(args.data, args.db)
    warc = str(data_folder(args.data) / "warc")
    level = "INFO" if args.verbose else "WARNING"
    overrides = settings_overrides(args.set)
    checked: dict[str, Any] = {}
    for target, slug in zip(args.target, slugs, strict=True):
        links = check_links(target, url, slug, since, args.mode, level, overrides)
        cloaking = check_cloaking(target, url, slug, since, warc, level, overrides)
        over = [
            name
            for name, summary in (("links", links), ("cloaking", cloaking))
            if summary.get("out_of_budget")
        ]
        checked[slug] = {"links": links, "cloaking": cloaking, "out_of_budget": over}
    return checked


class SqliteTaken(RuntimeError):
    """Another worker already writes this SQLite file."""


def _sqlite_worker_lock(url: str) -> Any:
    """An exclusive lock beside the SQLite file: SQLite takes one worker, never two."""
    import fcntl

    path = sqlite_path(url)
    lock = path.with_name(path.name + ".worker.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    handle = lock.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise SqliteTaken(
            f"{path} is a SQLite database and already has a worker ({holder}); SQLite cannot be "
            "shared by several workers: run one worker, or give every worker --db postgresql://…"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}\n")
    handle.flush()
    return handle


def _print_progress_json(snapshot: dict[str, Any]) -> None:
    """``zwgk worker --progress-json``: the snapshot as one line on stdout, for the parent."""
    sys.stdout.write(progress_json(snapshot) + "\n")
    sys.stdout.flush()


def worker(args: argparse.Namespace) -> int:
    """``zwgk worker``: crawl the queued run with the other workers until it is done."""
    from crawler.cluster import run_worker

    url = database_url(args.data, args.db)
    db = open_database(url)
    sqlite = db.engine.dialect.name == "sqlite"
    db.dispose()
    console = Console(stderr=True, soft_wrap=True)
    lock = None
    if sqlite:
        try:
            lock = _sqlite_worker_lock(url)
        except SqliteTaken as exc:
            console.print(f"zwgk: error: {exc}", highlight=False)
            return EXIT_ALREADY_RUNNING
    folder = data_folder(args.data)
    progress = CrawlProgress(console, live=console.is_terminal and not args.verbose)
    report, interval = progress.update, progress.interval
    if args.progress_json:
        report, interval = _print_progress_json, None
    try:
        with progress if not args.progress_json else contextlib.nullcontext():
            summary = run_worker(
                args.redis,
                url,
                prefix=args.redis_prefix,
                warc_dir=str(folder / "warc"),
                idle_exit=args.idle_exit,
                wait_for_run=args.wait,
                log_level="INFO" if args.verbose else "WARNING",
                overrides=settings_overrides(args.set),
                on_progress=report,
                progress_interval=interval,
            )
        if summary.get("run"):
            db = open_database(url)
            try:
                tally_counts(db, console)
            finally:
                db.dispose()
    finally:
        if lock is not None:
            lock.close()
    if args.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        console.print(
            f"worker {summary.get('worker')}: run {summary['run']}, sites {', '.join(summary['sites']) or '-'}, "
            f"pages {summary['pages']}, {summary.get('seconds', 0)} s",
            highlight=False,
        )
    if summary.get("errors") or (summary["run"] and summary.get("finish_reason") != "finished"):
        return 1
    return EXIT_PARTIAL if summary.get("failed_sites") else EXIT_OK
