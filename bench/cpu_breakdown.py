"""Where the CPU of a zwgk crawl goes: py-spy samples, summed per component and per function.

    .venv/bin/python -m bench.cpu_breakdown PROFILE.raw      # summarise a ``py-spy record -f raw`` file

``bench/run --profile`` records a full crawl of the benchmark site (``py-spy record --subprocesses
-r 100 -f raw``: the crawler and its page-analysis worker, whose samples are marked ``worker:``)
and prints this summary. Each sample is charged to the innermost frame of zwgk's own code on its
stack (so lxml under ``crawler/extract`` counts as extraction, SQLAlchemy under ``storage`` as the
store), or, when no zwgk frame is on the stack, to the library running (Scrapy, Twisted, …).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

VENV_BIN = Path(sys.executable).parent
_FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")

# zwgk's own code: a path fragment → the component it belongs to. A pipeline on the stack takes
# the whole sample (pipelines.store with SQLAlchemy under it, pipelines.archive with the WARC writer,
# pipelines.hijack with its hijack scan); otherwise the innermost zwgk module does.
PIPELINES = (
    ("pipelines/validate", "pipelines.validate"),
    ("pipelines/normalise", "pipelines.normalise"),
    ("pipelines/classify", "pipelines.classify (taxonomy)"),
    ("pipelines/hijack", "pipelines.hijack (hijack scan)"),
    ("pipelines/archive", "pipelines.archive (WARC)"),
    ("pipelines/store", "pipelines.store (database)"),
)
PROJECT = (
    ("crawler/extract/", "spider: crawler.extract (detail pages)"),
    ("crawler/adapters/", "spider: crawler.adapters (list pages)"),
    ("crawler/discovery", "spider: crawler.discovery"),
    ("crawler/spiders/", "spider: routing, bookkeeping"),
    ("crawler/items", "spider: routing, bookkeeping"),
    ("storage/", "storage (outside pipelines)"),
    ("taxonomy/", "taxonomy"),
)
# Frames on every stack (the command, the runner starting the reactor): never a component.
ENTRY = (
    "zwgk/cli.py",
    "zwgk/commands.py",
    "zwgk/cluster_commands.py",
    "zwgk/__main__.py",
    "crawler/runner.py",
)
# Libraries, for samples with no zwgk frame on the stack.
LIBRARIES = (
    ("scrapy/core/downloader", "Scrapy downloader"),
    ("scrapy/core/scraper", "Scrapy scraper"),
    ("scrapy/core/engine", "Scrapy engine"),
    ("scrapy/core/scheduler", "Scrapy scheduler"),
    ("scrapy/", "Scrapy (other)"),
    ("twisted/", "Twisted (reactor, HTTP)"),
    ("sqlalchemy/", "SQLAlchemy"),
    ("warcio/", "warcio"),
    ("lxml/", "lxml"),
    ("parsel/", "parsel"),
    ("importlib", "imports (start-up)"),
)


def parse_stack(line: str) -> tuple[list[tuple[str, str]], int] | None:
    """One line of py-spy's raw format: ``frame;frame;…;frame COUNT`` (outermost first)."""
    stack, _, count = line.rstrip("\n").rpartition(" ")
    if not stack or not count.isdigit():
        return None
    frames = []
    for raw in stack.split(";"):
        match = _FRAME.match(raw.strip())
        frames.append((match["function"], match["file"]) if match else (raw.strip(), ""))
    return frames, int(count)


def _own(file: str) -> bool:
    return "site-packages" not in file and "/lib/python" not in file and not file.startswith("<")


# The page-analysis worker process (crawler/analysis.py, sampled with --subprocesses).
WORKER = (
    ("crawler/extract/", "worker: crawler.extract (extraction + integrity scan)"),
    ("storage/warc", "worker: WARC packing (digest, gzip)"),
)


def component(frames: Sequence[tuple[str, str]]) -> str:
    if any(function == "serve" and file.endswith("crawler/analysis.py") for function, file in frames):
        for _, file in reversed(frames):
            for fragment, name in WORKER:
                if fragment in file:
                    return name
        return "worker: reading jobs, answering (pickle, pipes)"
    for _, file in frames:
        if _own(file):
            for fragment, name in PIPELINES:
                if fragment in file:
                    return name
    for _, file in reversed(frames):
        if _own(file) and not any(entry in file for entry in ENTRY):
            for fragment, name in PROJECT:
                if fragment in file:
                    return name
    for _, file in reversed(frames):
        for fragment, name in LIBRARIES:
            if fragment in file:
                return name
    return "Python / other"


def _idle(frames: Sequence[tuple[str, str]]) -> bool:
    """A thread-pool worker waiting for work: py-spy may count it active, it spends no CPU."""
    return (
        bool(frames)
        and frames[-1][0] in ("Condition.wait", "Condition._acquire_restore")
        and any("_threadworker" in file for _, file in frames)
    )


def _short(function: str, file: str) -> str:
    for marker in ("site-packages/", "/main/", "/lib/python3.11/"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{function} ({file})"


def summarise_lines(lines: Iterable[str]) -> tuple[int, Counter[str], Counter[str], Counter[str]]:
    """Total samples; samples per component; self samples per function; inclusive samples per function."""
    total = 0
    components: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for line in lines:
        parsed = parse_stack(line)
        if parsed is None:
            continue
        frames, count = parsed
        if _idle(frames):
            continue
        total += count
        components[component(frames)] += count
        if frames:
            leaves[_short(*frames[-1])] += count
        for name in {_short(*frame) for frame in frames}:
            inclusive[name] += count
    return total, components, leaves, inclusive


def report(raw: Path, top: int = 15) -> str:
    with raw.open(encoding="utf-8", errors="replace") as handle:
        total, components, leaves, inclusive = summarise_lines(handle)
    if not total:
        return f"profile {raw}: no samples"
    out = [f"profile of a full zwgk crawl: {total:,} samples (py-spy, 100 Hz, CPU-active threads)", ""]
    out.append("share  component")
    out.extend(f"{100 * n / total:5.1f}  {name}" for name, n in components.most_common())
    out.append("")
    out.append(f"self   top {top} functions (where the CPU is spent)")
    out.extend(f"{100 * n / total:5.1f}  {name}" for name, n in leaves.most_common(top))
    out.append("")
    out.append(f"total  top {top} zwgk functions, inclusive")
    own = [(name, n) for name, n in inclusive.most_common() if _is_project(name)]
    out.extend(f"{100 * n / total:5.1f}  {name}" for name, n in own[:top])
    return "\n".join(out)


def _is_project(name: str) -> bool:
    return any(f"({fragment}" in name for fragment, _ in (*PIPELINES, *PROJECT))


def profile_crawl(server: Any, data: Path, raw: Path) -> str:
    """Record a full crawl of ``server``'s site into ``data`` with py-spy and summarise it."""
    command = [
        str(VENV_BIN / "py-spy"),
        "record",
        "--subprocesses",
        "-r",
        "100",
        "-f",
        "raw",
        "-o",
        str(raw),
        "--",
        str(VENV_BIN / "zwgk"),
        "crawl",
        server.base_url,
        "--site",
        "bench",
        "--data",
        str(data),
        "--json",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if not raw.exists():
        return f"profile: py-spy failed ({done.returncode}): {done.stderr.strip()[-500:]}"
    return report(raw)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.cpu_breakdown", description=__doc__.splitlines()[0]
    )
    parser.add_argument("raw", type=Path, help="a py-spy record -f raw file")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    print(report(args.raw, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
