"""The benchmark of bench/run: zwgk against what a user would pick instead, side by side in one run.

    .venv/bin/python -m bench.run [--keep DIR] [--skip-naive] [--audit-items N] [--profile]
                                  [--redis URL] [--workers N]

Exports the replica spec ``bench`` (40 TRS columns × 250 items: 10,000 detail pages) to static files,
serves them with a private nginx on 127.0.0.1, then crawls that same site with (a) ``wget -r``,
(b) a plain Scrapy ``CrawlSpider`` (bench/naive_spider.py) and (c) ``zwgk crawl`` with everything on
(single-process, and with ``--redis --workers 2``: two local workers over one queue, into a
throwaway PostgreSQL schema; skipped with a note when Redis or PostgreSQL does not answer),
and prints wall time, CPU seconds (user+sys of each process tree, from ``wait4``), CPU ms per page and
peak RSS of each, the ratios c/a and b/c against their targets, the requests of an incremental run
with nothing changed, WARC bytes per page and the audit count query over a million items.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.nginx import Nginx

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SPEC = "bench"
TIME = "/usr/bin/time"
TARGET_C_OVER_A = 5.0
TARGET_B_OVER_C = 5.0
TARGET_PEAK_MB = 400.0
AUDIT_SCRIPT = ROOT / "bench" / "audit_million.py"
AUDIT_QUERY = "counts --by column (all years)"
# bench/audit_million.py prints "LABEL   0.099 s wall   0.098 s cpu", under "-- live (no rollup)"
# and "-- from the rollup" headings; the first timing of a label is the live one.
_TIMED_LINE = re.compile(r"^(?P<label>.+?)\s+(?P<seconds>\d+\.\d+) s(?: wall\b.*)?$")


@dataclass
class Measure:
    """One process tree's run: what it cost and what it did."""

    label: str
    command: list[str]
    exit_code: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_mb: float = 0.0
    requests: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    pages: int | None = None  # the tool's own count, where it reports one
    stdout: str = ""

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu_s / self.requests if self.requests else float("nan")


def measure(
    label: str,
    command: Sequence[str],
    server: Nginx | None,
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    log: Path | None = None,
) -> Measure:
    """Run ``command`` to its end; its wall time, CPU and peak RSS (``wait4``) and the nginx requests it made."""
    before = len(server.requests()) if server else 0
    result = Measure(label, list(command))
    # ru_maxrss survives exec: a child forked from this (large) driver would report the driver's
    # size. /usr/bin/time is small, so the size it reports for its child is the command's own.
    rss_file = Path(tempfile.mkstemp(prefix="zwgk-bench-rss-")[1])
    if os.access(TIME, os.X_OK):
        command = [TIME, "-f", "%M", "-o", str(rss_file), *command]
    stderr = log.open("wb") if log else subprocess.DEVNULL
    process: subprocess.Popen[bytes] | None = None
    try:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr
        )
        assert process.stdout is not None
        out = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        result.wall_s = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        try:
            result.peak_mb = int(rss_file.read_text().split()[-1]) / 1024  # kilobytes
        except (ValueError, IndexError):
            result.peak_mb = usage.ru_maxrss / 1024  # an upper bound: includes the driver at fork
    finally:
        rss_file.unlink(missing_ok=True)
        if log:
            stderr.close()  # type: ignore[union-attr]
        if process is not None and process.returncode is None:
            process.kill()  # interrupted: the command must not outlive the benchmark
            process.wait()
    result.exit_code = process.returncode
    result.cpu_s = usage.ru_utime + usage.ru_stime
    result.stdout = out.decode("utf-8", errors="replace")
    if server:
        lines = server.requests()[before:]
        result.requests = len(lines)
        for line in lines:
            code = line.split(" ", 1)[0]
            result.statuses[code] = result.statuses.get(code, 0) + 1
    return result


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def zwgk_concurrency() -> int:
    """zwgk's CONCURRENT_REQUESTS_PER_DOMAIN on a loopback target."""
    from crawler.runner import crawl_settings

    return crawl_settings(["127.0.0.1"], "sqlite://").getint("CONCURRENT_REQUESTS_PER_DOMAIN")


def export(work: Path) -> tuple[Path, dict[str, Any], float]:
    from replica.export import export_spec

    started = time.perf_counter()
    result = export_spec(SPEC, work / "site", attachments=True, pager_links=True)
    return result.folder, result.as_dict(), time.perf_counter() - started


def run_wget(server: Nginx, work: Path) -> Measure:
    target = work / "wget"
    command = ["wget", "-r", "-l", "inf", "--no-parent", "-q", "-P", str(target), server.base_url]
    result = measure("(a) wget -r", command, server)
    result.pages = sum(1 for p in target.rglob("*") if p.is_file())
    # wget exits 8 when a page answered 404 (the replica's deliberate 404 item): not a failure here.
    return result


def run_naive(server: Nginx, work: Path) -> Measure:
    out = work / "naive.jsonl"
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    command = [
        str(VENV_BIN / "scrapy"),
        "runspider",
        str(ROOT / "bench" / "naive_spider.py"),
        "-a",
        f"start_url={server.base_url}",
        "-o",
        f"{out}:jsonlines",
        "-s",
        "ROBOTSTXT_OBEY=False",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        f"CONCURRENT_REQUESTS_PER_DOMAIN={zwgk_concurrency()}",
    ]
    # Run outside the project so Scrapy finds no scrapy.cfg: the user's defaults, not zwgk's settings.
    scratch = work / "naive-cwd"
    scratch.mkdir(exist_ok=True)
    result = measure("(b) Scrapy CrawlSpider", command, server, cwd=scratch, env=env, log=work / "naive.log")
    result.pages = sum(1 for _ in out.open(encoding="utf-8")) if out.exists() else 0
    return result


def run_zwgk(server: Nginx, data: Path, label: str, *extra: str, prefix: Sequence[str] = ()) -> Measure:
    command = [
        *prefix,
        str(VENV_BIN / "zwgk"),
        "crawl",
        server.base_url,
        "--site",
        SPEC,
        "--data",
        str(data),
        "--json",
        *extra,
    ]
    result = measure(label, command, server, log=data.parent / f"{data.name}-{len(extra)}.log")
    try:
        summary = json.loads(result.stdout)
        result.pages = int(summary.get("pages") or 0)
    except (ValueError, TypeError):
        result.pages = None
    return result


def run_zwgk_workers(server: Nginx, work: Path, redis_url: str, workers: int) -> Measure | str:
    """``zwgk crawl --redis URL --workers N`` into a throwaway PostgreSQL schema; a note when
    Redis or PostgreSQL does not answer."""
    import uuid

    from crawler.cluster import connect, drop_keys
    from storage.testing import postgres_schema

    try:
        client = connect(redis_url)
    except ValueError as exc:
        return f"not measured: {exc}"
    prefix = f"zwgkbench{uuid.uuid4().hex[:8]}"
    try:
        with postgres_schema() as url:
            extra = ("--redis", redis_url, "--redis-prefix", prefix, "--workers", str(workers), "--db", url)
            return run_zwgk(server, work / "data-workers", f"(c) zwgk crawl --workers {workers}", *extra)
    except Exception as exc:  # PostgreSQL unreachable: say so, measure the rest
        return f"not measured: {type(exc).__name__}: {exc}"
    finally:
        drop_keys(client, prefix)


def run_audit(items: int, work: Path) -> dict[str, Any]:
    """The audit count query over ``items`` items on SQLite and PostgreSQL, via bench/audit_million.py."""
    if not AUDIT_SCRIPT.exists():
        return {"sqlite": "not measured", "postgresql": "not measured"}
    out: dict[str, Any] = {}
    for backend in ("sqlite", "postgresql"):
        try:
            out[backend] = _audit_once(backend, items, work)
        except Exception as exc:  # a missing server is reported, not fatal to the benchmark
            out[backend] = f"not measured ({exc})"
    return out


def _audit_once(backend: str, items: int, work: Path) -> dict[str, float]:
    command = [sys.executable, str(AUDIT_SCRIPT), "--items", str(items)]
    if backend == "sqlite":
        folder = work / "audit-sqlite"
        folder.mkdir(exist_ok=True)
        return _parse_audit(subprocess.run([*command, "--keep", str(folder)], **_CAPTURE))
    from storage.testing import postgres_schema

    with postgres_schema() as url:
        return _parse_audit(subprocess.run([*command, "--db", url], **_CAPTURE))


_CAPTURE: dict[str, Any] = {"capture_output": True, "text": True, "check": False, "cwd": ROOT}


def _parse_audit(done: subprocess.CompletedProcess[str]) -> dict[str, float]:
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed")
    timings: dict[str, float] = {}
    section = ""
    for line in done.stdout.splitlines():
        if line.startswith("-- from the rollup"):
            section = "rollup: "
        match = _TIMED_LINE.match(line.strip())
        if match:
            timings[section + match["label"].strip()] = float(match["seconds"])
    return timings


def _fmt(value: float, digits: int = 1) -> str:
    return "-" if value != value else f"{value:,.{digits}f}"


def table(rows: list[Measure]) -> str:
    head = f"{'run':<30} {'wall s':>8} {'CPU s':>8} {'requests':>9} {'CPU ms/page':>12} {'peak MB':>8} {'exit':>5}"
    lines = [head, "-" * len(head)]
    for m in rows:
        lines.append(
            f"{m.label:<30} {_fmt(m.wall_s):>8} {_fmt(m.cpu_s):>8} {m.requests:>9,} "
            f"{_fmt(m.cpu_ms_per_page, 2):>12} {_fmt(m.peak_mb):>8} {m.exit_code:>5}"
        )
    return "\n".join(lines)


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--keep", metavar="DIR", help="work in DIR and keep it (default: a temp folder, removed)"
    )
    parser.add_argument("--skip-naive", action="store_true", help="leave out the CrawlSpider (about 3-4 min)")
    parser.add_argument(
        "--audit-items", type=int, default=1_000_000, help="items for the audit query (0: skip)"
    )
    parser.add_argument("--profile", action="store_true", help="also profile a zwgk crawl with py-spy")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="Redis for the workers' row")
    parser.add_argument("--workers", type=int, default=2, help="local workers of that row (0: skip it)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    # A SIGTERM unwinds like Ctrl-C, so the private nginx is stopped and the temp folder removed.
    signal.signal(signal.SIGTERM, _terminate)
    if shutil.which("wget") is None:
        print("bench/run: wget is not installed (apt-get install -y wget)", file=sys.stderr)
        return 2
    work = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="zwgk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    work.chmod(0o755)  # nginx's worker runs as nobody and must reach the exported site
    try:
        return _run(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _run(args: argparse.Namespace, work: Path) -> int:
    for old in (
        "site",
        "wget",
        "data",
        "data-inline",
        "data-workers",
        "data-profile",
        "nginx",
        "naive.jsonl",
    ):
        path = work / old
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.2f} on {os.cpu_count()} cores", flush=True)
    if load > 0.5:
        print(
            "  note: other work is running; wall times (and so the wall ratios) are inflated by it,"
            " CPU seconds are not",
            flush=True,
        )
    site, exported, export_s = export(work)
    pages = exported["pages"]
    print(
        f"replica spec {SPEC}: exported {exported['files']:,} files ({exported['bytes'] / 2**20:.1f} MiB: "
        f"{pages.get('detail', 0):,} detail, {pages.get('list', 0):,} list pages, home) in {export_s:.1f} s",
        flush=True,
    )
    (work / "nginx").mkdir()
    rows: list[Measure] = []
    with Nginx(site, work / "nginx") as server:
        print(f"nginx serving at {server.base_url}", flush=True)
        wget = run_wget(server, work)
        rows.append(wget)
        print(f"  {wget.label}: {wget.wall_s:.1f} s", flush=True)
        naive = None
        if not args.skip_naive:
            naive = run_naive(server, work)
            rows.append(naive)
            print(f"  {naive.label}: {naive.wall_s:.1f} s", flush=True)
        data = work / "data"
        full = run_zwgk(server, data, "(c) zwgk crawl (full)")
        rows.append(full)
        print(f"  {full.label}: {full.wall_s:.1f} s", flush=True)
        # The same crawl with detail pages read in the crawler process itself: what the worker buys.
        inline = run_zwgk(
            server, work / "data-inline", "(c) with analysis inline", "-s", "ZWGK_ANALYSIS_PROCESSES=0"
        )
        rows.append(inline)
        print(f"  {inline.label}: {inline.wall_s:.1f} s", flush=True)
        incremental = run_zwgk(server, data, "zwgk crawl --incremental", "--incremental")
        rows.append(incremental)
        print(f"  {incremental.label}: {incremental.wall_s:.1f} s", flush=True)
        spread: Measure | str = "not measured (--workers 0)"
        if args.workers > 0:
            spread = run_zwgk_workers(server, work, args.redis, args.workers)
            if isinstance(spread, Measure):
                rows.append(spread)
                print(f"  {spread.label}: {spread.wall_s:.1f} s", flush=True)
            else:
                print(f"  zwgk crawl --workers {args.workers}: {spread}", flush=True)
        profile_report = None
        if args.profile:
            from bench.cpu_breakdown import profile_crawl

            profile_report = profile_crawl(server, work / "data-profile", work / "profile.raw")
    print(f"load average at the end of the crawls: {os.getloadavg()[0]:.2f}", flush=True)
    warc_bytes = folder_bytes(data / "warc") if (data / "warc").is_dir() else 0
    audit = run_audit(args.audit_items, work) if args.audit_items > 0 else None

    print()
    print(table(rows))
    print()
    for m in rows:
        statuses = ", ".join(f"{code}: {n:,}" for code, n in sorted(m.statuses.items()))
        own = f"; its own page count {m.pages:,}" if m.pages is not None else ""
        print(f"{m.label:<30} nginx answered {statuses}{own}")
    print()
    c_over_a = full.wall_s / wget.wall_s if wget.wall_s else float("nan")
    print(
        f"c/a wall time   {c_over_a:6.1f}   target <= {TARGET_C_OVER_A:g}: {verdict(c_over_a <= TARGET_C_OVER_A)}"
    )
    print(f"c/a CPU time    {full.cpu_s / wget.cpu_s if wget.cpu_s else float('nan'):6.1f}")
    if isinstance(spread, Measure) and wget.wall_s:
        spread_over_a = spread.wall_s / wget.wall_s
        print(
            f"c{args.workers}/a wall time  {spread_over_a:6.1f}   ({spread.label}; target <= {TARGET_C_OVER_A:g}: "
            f"{verdict(spread_over_a <= TARGET_C_OVER_A)}; CPU {spread.cpu_s / wget.cpu_s if wget.cpu_s else float('nan'):.1f})"
        )
    else:
        print(f"c{args.workers}/a            {spread}")
    if naive is not None:
        b_over_c = naive.wall_s / full.wall_s if full.wall_s else float("nan")
        print(
            f"b/c wall time   {b_over_c:6.1f}   target >= {TARGET_B_OVER_C:g}: {verdict(b_over_c >= TARGET_B_OVER_C)}"
        )
        print(f"b/c CPU time    {naive.cpu_s / full.cpu_s if full.cpu_s else float('nan'):6.1f}")
    else:
        print("b/c             not measured (--skip-naive)")
    print(
        f"(c) against (c) with analysis inline: wall {full.wall_s / inline.wall_s:.2f}, "
        f"CPU {full.cpu_s / inline.cpu_s:.2f} (CPU counts the worker process too)"
        if inline.wall_s and inline.cpu_s
        else "(c) with analysis inline: not measured"
    )
    print(
        f"peak RSS of (c) {full.peak_mb:6.0f} MB  target < {TARGET_PEAK_MB:g} MB: "
        f"{verdict(full.peak_mb < TARGET_PEAK_MB)}"
    )
    print(
        f"incremental run, nothing changed: {incremental.requests:,} requests against {full.requests:,} "
        f"of the full crawl ({100 * incremental.requests / max(full.requests, 1):.1f} %)"
    )
    print(
        f"WARC bytes per page: {warc_bytes / max(full.requests, 1):,.0f} "
        f"({warc_bytes / 2**20:.1f} MiB for {full.requests:,} pages; HTML served {exported['bytes'] / max(exported['files'], 1):,.0f} B/page)"
    )
    if audit is None:
        print("audit count query over 1,000,000 items: not measured (--audit-items 0)")
    else:
        for backend, result in audit.items():
            if isinstance(result, dict) and AUDIT_QUERY in result:
                print(
                    f"audit '{AUDIT_QUERY}' over {args.audit_items:,} items on {backend}: "
                    f"{result[AUDIT_QUERY]:.3f} s"
                    + "".join(
                        f"; {label} {seconds:.3f} s"
                        for label, seconds in result.items()
                        if label != AUDIT_QUERY and not label.startswith("build")
                    )
                )
            else:
                print(f"audit count query over {args.audit_items:,} items on {backend}: {result}")
    if profile_report:
        print()
        print(profile_report)
    measured = [full, inline, incremental, *([spread] if isinstance(spread, Measure) else [])]
    failed = [m for m in measured if m.exit_code not in (0, 5, 6)]
    for m in failed:
        print(f"bench/run: {m.label} exited {m.exit_code}", file=sys.stderr)
    if args.keep:
        print(f"\nkept {work}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
