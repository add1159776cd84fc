"""What a nightly incremental run costs on the replica: requests of a full crawl, of an incremental
run with no change, and of one after K new items appeared (the replica's later state).

    .venv/bin/python -m bench.incremental [--spec qingshi]

Prints the three request counts side by side with the number of list columns, measured in one run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import replica

ROOT = Path(__file__).resolve().parent.parent


def crawl(url: str, data: Path, slug: str, *extra: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "zwgk", "crawl", url, "--site", slug, "--data", str(data), "--json", *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode not in (0, 5):
        raise SystemExit(f"crawl failed ({result.returncode}): {result.stderr[-2000:]}")
    return json.loads(result.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spec", default="tiny", help="a replica spec with a later state (tiny, mixed)")
    args = parser.parse_args(argv)
    spec = replica.load_spec(args.spec)
    before, after = replica.build_site(spec), replica.build_site(spec, state=1)
    truth = replica.truth(after)
    columns = len([c for c in replica.truth(before)["columns"] if not c.get("blocked")])
    new = len(truth["changes"]["new"])
    with tempfile.TemporaryDirectory() as folder, replica.ReplicaServer(before) as server:
        data = Path(folder)
        crawl(server.base_url, data, args.spec)
        full = server.request_count
        crawl(server.base_url, data, args.spec, "--incremental")
        unchanged = server.request_count - full
        server.set_site(after)
        mark = server.request_count
        crawl(server.base_url, data, args.spec, "--incremental")
        changed = server.request_count - mark
    print(f"replica {args.spec}: {columns} list columns, {new} new items in the later state")
    print(f"{'run':<34}{'requests':>10}")
    print(f"{'full crawl':<34}{full:>10}")
    print(f"{'incremental, no change':<34}{unchanged:>10}   (columns + {unchanged - columns})")
    print(
        f"{'incremental, K new items':<34}{changed:>10}   (no-change run + {changed - unchanged}, K = {new})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
