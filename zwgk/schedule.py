"""``zwgk schedule``: the crontab lines for a site's nightly incremental run and weekly sweep."""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
from pathlib import Path

from storage.db import data_folder

_AT = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MARKER = "# zwgk:"


def crontab_lines(args: argparse.Namespace, slug: str) -> list[str]:
    match = _AT.match(args.at)
    if not match:
        raise ValueError(f"--at expects HH:MM, got {args.at!r}")
    if not 0 <= args.sweep_day <= 6:
        raise ValueError(f"--sweep-day must be 0-6, got {args.sweep_day}")
    hour, minute = int(match.group(1)), int(match.group(2))
    folder = data_folder(args.data)
    zwgk = Path(sys.executable).with_name("zwgk")
    target = (
        str(Path(args.target).resolve())
        if not args.target.startswith(("http://", "https://"))
        else args.target
    )
    base = [str(zwgk), "crawl", target, "--data", str(folder), "--json"]
    if args.site:
        base += ["--site", args.site]
    log = folder / "logs" / f"{slug}.log"
    nightly = shlex.join([*base, "--incremental"])
    sweep = shlex.join([*base, "--sweep", "--revalidate-fraction", str(args.revalidate_fraction)])
    days = ",".join(str(d) for d in range(7) if d != args.sweep_day)
    return [
        f"{minute} {hour} * * {days} mkdir -p {shlex.quote(str(log.parent))} && {nightly} >> {shlex.quote(str(log))} 2>&1 {MARKER}{slug}",
        f"{minute} {hour} * * {args.sweep_day} mkdir -p {shlex.quote(str(log.parent))} && {sweep} >> {shlex.quote(str(log))} 2>&1 {MARKER}{slug}",
    ]  # fmt: skip


def install(lines: list[str], slug: str) -> None:
    """Replace this site's lines in the user's crontab (found by their marker), keep all others."""
    current = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
    kept = (
        [line for line in current.stdout.splitlines() if not line.endswith(f"{MARKER}{slug}")]
        if current.returncode == 0
        else []
    )
    result = subprocess.run(
        ["crontab", "-"], input="\n".join([*kept, *lines]) + "\n", text=True, capture_output=True
    )
    if result.returncode != 0:
        raise ValueError(f"crontab refused the lines: {result.stderr.strip()}")
