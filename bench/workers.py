"""Pages per second of the lone crawl and of 1, 2 and 3 ``zwgk worker`` processes, side by side.

    .venv/bin/python -m bench.workers [--spec qingshi] [--workers 1,2,3] [--repeat 3]
                                      [--server nginx|python] [--redis URL] [--pg URL]

The replica is exported to static files and served by a private nginx on loopback (``--server
python``: the replica's own Python server inside this process, as before), so serving costs little
CPU. Each round crawls it once with the single-process ``zwgk crawl`` (the lone crawl), then, for
each N, queues it with ``zwgk crawl --redis --workers 0`` and runs N workers; every row has a fresh
PostgreSQL schema. ``--repeat`` runs the rounds again and prints the medians of the ratios.

Besides pages/s each row says where the CPU went, in ms per page: the zwgk processes (crawl or
workers, with their page-analysis processes), the server (nginx, or this process when it serves),
the PostgreSQL backends of the row (found by ``application_name``), PostgreSQL's background
processes and Redis (both shared with anything else on the machine), and how busy the machine's
cores were (``/proc/stat``): "others" is the machine's CPU nobody of the row used.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def _zwgk(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "zwgk", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _children_cpu() -> float:
    """CPU seconds (user + system) of the ended child process trees waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` so far; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal
    return (total - idle) / TICK, total / TICK


def _pids(pattern: str) -> list[int]:
    done = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True, check=False)
    return [int(p) for p in done.stdout.split()]


class Meter:
    """CPU seconds spent by each party of one row while it runs."""

    def __init__(self, app: str, server_pids: list[int] | None, pg_admin: str) -> None:
        self.app, self.server_pids, self.pg_admin = app, server_pids, pg_admin
        self.backends: dict[int, float] = {}  # PostgreSQL backend pid → its CPU, last seen
        self.base: dict[int, float] = {}
        self.crawlers: dict[int, float] = {}  # zwgk crawl/worker pid → its own CPU (no children), last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _shared(self) -> dict[str, float]:
        redis_cpu = sum(proc_cpu(p) for p in _pids("^redis-server"))
        pg_background = sum(
            proc_cpu(p) for p in _pids("^postgres: .*(checkpointer|writer|walwriter|autovacuum)")
        )
        server = sum(proc_cpu(p) for p in self.server_pids) if self.server_pids is not None else _self_cpu()
        busy, total = machine_busy()
        return {"zwgk": _children_cpu(), "server": server, "redis": redis_cpu, "pg_background": pg_background,
                "machine": busy, "machine_total": total, "wall": time.monotonic()}  # fmt: skip

    def _sample(self) -> None:
        engine = create_engine(self.pg_admin, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                while not self._stop.is_set():
                    pids = connection.execute(
                        # a worker names its sessions APP:HASH (crawler/cluster/heartbeat.py)
                        text("SELECT pid FROM pg_stat_activity WHERE application_name = :a "
                             "OR application_name LIKE :a || ':%'"),
                        {"a": self.app},
                    ).scalars()  # fmt: skip
                    for pid in pids:
                        if pid not in self.base:
                            self.base[pid] = 0.0  # a new backend: all its CPU is this row's
                        self.backends[pid] = max(self.backends.get(pid, 0.0), proc_cpu(pid))
                    for pid in list(self.crawlers):
                        self.crawlers[pid] = max(self.crawlers[pid], proc_cpu(pid))
                    self._stop.wait(0.1)
        finally:
            engine.dispose()

    def watch(self, pids: list[int]) -> None:
        """The crawl's processes: their own CPU (without their page-analysis children) is sampled."""
        for pid in pids:
            self.crawlers[pid] = 0.0

    def __enter__(self) -> Meter:
        self.start = self._shared()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.end = self._shared()

    def cpu(self) -> dict[str, float]:
        out = {key: self.end[key] - self.start[key] for key in self.start}
        out["pg_backends"] = sum(self.backends.values())
        out["crawler"] = sum(self.crawlers.values())
        out["analysis"] = max(0.0, out["zwgk"] - out["crawler"])
        return out


@contextmanager
def replica_server(spec: str, kind: str, folder: Path) -> Iterator[tuple[str, list[int] | None]]:
    """The replica served on loopback: its base URL and the pids whose CPU is the server's
    (None: this process, the Python replica server runs in a thread of it)."""
    import replica

    if kind == "python":
        with replica.ReplicaServer(replica.build_site(replica.load_spec(spec))) as server:
            yield server.base_url, None
        return
    from bench.nginx import Nginx
    from replica.export import export_spec

    folder.chmod(0o755)  # nginx's worker runs as nobody and must reach the exported site
    result = export_spec(spec, folder / "site")
    if result.skipped:
        raise RuntimeError(f"replica {spec} has pages a static server cannot answer: {result.skipped[:5]}")
    (folder / "nginx").mkdir()
    with Nginx(folder / "site", folder / "nginx") as server:
        assert server.process is not None
        master = server.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        yield server.base_url, [master, *(int(p) for p in children)]


def _named(url: str, app: str) -> str:
    return make_url(url).update_query_dict({"application_name": app}).render_as_string(hide_password=False)


def _row(label: str | int, pages: int, meter: Meter, idle_s: float = 0.0) -> dict[str, Any]:
    cpu = meter.cpu()
    wall = cpu.pop("wall") - idle_s
    machine_total = cpu.pop("machine_total")
    ours = cpu["zwgk"] + cpu["server"] + cpu["pg_backends"]
    others = cpu["machine"] - ours - cpu["redis"] - cpu["pg_background"]  # other sessions' work
    per_page = {f"{k}_ms_per_page": round(1000 * v / max(pages, 1), 2) for k, v in cpu.items()}
    return {
        "workers": label,
        "pages": pages,
        "seconds": round(wall, 2),
        "pages_per_s": round(pages / wall, 1),
        "cpu_ms_per_page": per_page["zwgk_ms_per_page"],
        **per_page,
        "machine_busy_cores": round(cpu["machine"] / (wall + idle_s), 2),
        "cores": round(machine_total / (wall + idle_s), 2),
        "others_ms_per_page": round(1000 * others / max(pages, 1), 2),
        "others_cores": round(others / (wall + idle_s), 2),
    }


def measure(base_url: str, server_pids: list[int] | None, workers: int, redis_url: str,
            pg: str | None) -> dict[str, Any]:  # fmt: skip
    from crawler.cluster import Keys, connect, current_run, drop_keys
    from storage.testing import postgres_schema

    client = connect(redis_url)
    prefix = f"zwgkbench{uuid.uuid4().hex[:8]}"
    app = f"zwgkbench-{uuid.uuid4().hex[:8]}"
    with postgres_schema(pg) as url, tempfile.TemporaryDirectory() as tmp:
        common = ["--redis", redis_url, "--redis-prefix", prefix, "--db", _named(url, app)]
        queued = _zwgk("crawl", base_url, *common, "--workers", "0", "--json")
        _, err = queued.communicate()
        if queued.returncode != 0:
            raise RuntimeError(f"queuing failed: {err[-2000:]}")
        run = current_run(client, prefix)
        with Meter(app, server_pids, url) as meter:
            procs = [
                _zwgk("worker", *common, "--data", f"{tmp}/w{n}", "--idle-exit", "1", "--json")
                for n in range(workers)
            ]
            meter.watch([p.pid for p in procs])
            outs = [p.communicate() for p in procs]
        summaries = []
        for process, (out, err) in zip(procs, outs, strict=True):
            if process.returncode not in (0, 5, 6) or not out.strip():
                raise RuntimeError(f"a worker exited {process.returncode}: {_errors(err)}")
            summaries.append(json.loads(out))
        pages = sum(int(s["pages"]) for s in summaries)
        # the idle wait before exiting (--idle-exit 1) is not crawling
        row = _row(workers, pages, meter, idle_s=1.0)
        warc = sum(p.stat().st_size for p in Path(tmp).glob("w*/warc/*.warc.gz"))
        row.update(_sizes(url, pages, warc))
        keys = Keys(prefix, str(run))
        fingerprints = client.scard(keys.dupefilter)
        df_bytes = client.memory_usage(keys.dupefilter) or 0
        # everything the run keeps in Redis: dupefilter, walk state, page memos, profiles
        run_bytes = sum(int(client.memory_usage(key) or 0) for key in client.scan_iter(match=f"{prefix}:*"))
        row["dupefilter_bytes_per_fingerprint"] = round(int(df_bytes) / max(1, int(fingerprints)), 1)
        row["redis_bytes_per_page"] = round(run_bytes / max(pages, 1))
        drop_keys(client, prefix)
    return row


def _errors(stderr: str) -> str:
    """The error lines of a process's log, each cut to 400 characters (SQL parameters are long)."""
    lines = [line[:400] for line in stderr.splitlines() if "Error" in line or "ERROR" in line]
    return "\n".join(lines[-20:]) or stderr[-2000:]


def _sizes(url: str, pages: int, warc: int) -> dict[str, int]:
    engine = create_engine(url)
    schema = url.rsplit("search_path%3D", 1)[-1]
    with engine.connect() as connection:
        db_bytes = connection.execute(
            text("SELECT coalesce(sum(pg_total_relation_size(c.oid)),0) FROM pg_class c "
                 "JOIN pg_namespace n ON n.oid=c.relnamespace WHERE n.nspname=:s AND c.relkind='r'"),
            {"s": schema},
        ).scalar_one()  # fmt: skip
        capture_bytes = connection.execute(
            text("SELECT pg_total_relation_size(:t)"), {"t": f"{schema}.capture"}
        ).scalar_one()
        captures = connection.execute(text(f'SELECT count(*) FROM "{schema}".capture')).scalar_one()
    engine.dispose()
    return {
        "warc_bytes_per_page": round(warc / max(pages, 1)),
        "db_bytes_per_page": round(int(db_bytes) / max(pages, 1)),
        "capture_bytes_per_row": round(int(capture_bytes) / max(1, int(captures))),
    }


def measure_lone(base_url: str, server_pids: list[int] | None, pg: str | None) -> dict[str, Any]:
    """The single-process crawl of the same replica: the rate a worker is compared with."""
    from storage.testing import postgres_schema

    app = f"zwgkbench-{uuid.uuid4().hex[:8]}"
    with postgres_schema(pg) as url, tempfile.TemporaryDirectory() as tmp:
        with Meter(app, server_pids, url) as meter:
            process = _zwgk("crawl", base_url, "--db", _named(url, app), "--data", tmp, "--json")
            meter.watch([process.pid])
            out, err = process.communicate()
        if not out.strip():
            raise RuntimeError(f"the lone crawl failed: {err[-2000:]}")
        return _row("lone", int(json.loads(out)["pages"]), meter)


COLUMNS = ("zwgk", "crawler", "analysis", "server", "pg_backends", "pg_background", "redis", "others")


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'workers':>8} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'busy cores':>10}  "
          + " ".join(f"{c:>13}" for c in COLUMNS) + "   (CPU ms per page)")  # fmt: skip
    for row in rows:
        cpu = " ".join(f"{row[f'{c}_ms_per_page']:>13}" for c in COLUMNS)
        print(f"{row['workers']:>8} {row['pages']:>6} {row['seconds']:>8} {row['pages_per_s']:>8} "
              f"{row['machine_busy_cores']:>10}  {cpu}")  # fmt: skip


def ratios(rows: list[dict[str, Any]]) -> dict[str, float]:
    rate = {row["workers"]: row["pages_per_s"] for row in rows}
    out: dict[str, float] = {}
    if "lone" in rate and 1 in rate:
        out["1/lone"] = rate[1] / rate["lone"]
    for n in (2, 3):
        if n in rate and 1 in rate:
            out[f"{n}/1"] = rate[n] / rate[1]
    return {k: round(v, 2) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default="qingshi")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--pg", default=None, help="PostgreSQL URL (default: storage.testing's)")
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of lone + each N, one after the other")
    parser.add_argument("--server", choices=("nginx", "python"), default="nginx")
    parser.add_argument("--json", action="store_true", help="also print every row as JSON")
    args = parser.parse_args()
    rounds: list[list[dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="zwgk-bench-workers-") as folder:
        with replica_server(args.spec, args.server, Path(folder)) as (base_url, server_pids):
            for index in range(args.repeat):
                load = os.getloadavg()
                rows = [measure_lone(base_url, server_pids, args.pg)]
                rows += [measure(base_url, server_pids, int(n), args.redis, args.pg)
                         for n in args.workers.split(",")]  # fmt: skip
                rounds.append(rows)
                print(f"\nround {index + 1} of {args.repeat} ({args.server} serving {args.spec}; "
                      f"load average {load[0]:.2f} at its start, {os.getloadavg()[0]:.2f} at its end, "
                      f"{os.cpu_count()} cores)")  # fmt: skip
                print_table(rows)
                print("ratios:", ", ".join(f"{k} {v:.2f}" for k, v in ratios(rows).items()), flush=True)
                if args.json:
                    print(json.dumps(rows, indent=2))
    by_round = [ratios(rows) for rows in rounds]
    print(f"\nmedians over {len(rounds)} rounds:")
    for key in by_round[0]:
        values = [r[key] for r in by_round if key in r]
        target = {"1/lone": " (target 0.80)", "2/1": " (target 1.60)"}.get(key, "")
        print(
            f"  {key}: {statistics.median(values):.2f}{target}  (rounds: {', '.join(f'{v:.2f}' for v in values)})"
        )
    for label in [row["workers"] for row in rounds[0]]:
        same = [row for rows in rounds for row in rows if row["workers"] == label]
        print(f"  {label!s:>5}: {statistics.median(r['pages_per_s'] for r in same):.1f} pages/s, "
              f"{statistics.median(r['zwgk_ms_per_page'] for r in same):.2f} zwgk CPU ms/page, "
              f"{statistics.median(r['machine_busy_cores'] for r in same):.2f} cores busy")  # fmt: skip

    ceiling([row for rows in rounds for row in rows if row["workers"] == 1])


def ceiling(ones: list[dict[str, Any]]) -> None:
    """What the machine allows, from one worker's CPU per page: its crawler process is one thread
    (at most one core), everything of the row together shares the cores."""
    if not ones:
        return
    crawler = statistics.median(r["crawler_ms_per_page"] for r in ones)
    total = statistics.median(
        sum(r[f"{c}_ms_per_page"] for c in ("zwgk", "server", "pg_backends", "pg_background", "redis"))
        for r in ones
    )
    cores = os.cpu_count() or 1
    others = statistics.median(r["others_cores"] for r in ones)
    print(f"\none worker: {crawler:.2f} ms CPU a page in its crawler process (one core: at most "
          f"{1000 / crawler:.0f} pages/s), {total:.2f} ms for the whole row (crawler, analysis, server, "
          f"PostgreSQL, Redis): {cores} cores to the row alone allow at most {cores * 1000 / total:.0f} "
          f"pages/s, so N workers / one worker <= {min(cores, cores * crawler / total):.2f} here; "
          f"other sessions used {others:.2f} of the {cores} cores during the one-worker rows")  # fmt: skip


if __name__ == "__main__":
    main()
