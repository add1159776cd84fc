"""bench/run.py reads bench/audit_million.py's timings: the two must agree on the format."""

from __future__ import annotations

import subprocess

from bench.run import AUDIT_QUERY, _parse_audit

OUTPUT = """\
migrate                                     0.015 s wall    0.014 s cpu
-- live (no rollup)
counts --by column (all years)              0.099 s wall    0.098 s cpu
compare 2017 2018 2019 --by taxonomy        0.619 s wall    0.617 s cpu
rollup refresh                              2.622 s wall    2.619 s cpu
-- from the rollup
counts --by column (all years)              0.010 s wall    0.010 s cpu
"""


def test_live_and_rollup_timings_are_read_apart() -> None:
    timings = _parse_audit(subprocess.CompletedProcess([], 0, OUTPUT, ""))
    assert timings[AUDIT_QUERY] == 0.099
    assert timings[f"rollup: {AUDIT_QUERY}"] == 0.010
    assert timings["compare 2017 2018 2019 --by taxonomy"] == 0.619
    assert timings["rollup refresh"] == 2.622
