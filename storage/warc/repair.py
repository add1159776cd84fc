"""Checking and repairing WARC files: torn tails cut, ``.open`` files finalised, indexes rebuilt."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader

from storage.warc.index import _write_cdxj, index_file
from storage.warc.records import _CHUNK, CDXJ_SUFFIX, TORN_SUFFIX, WarcError, _scan_members, final_name

logger = logging.getLogger(__name__)


@dataclass
class CheckResult:
    """What ``check_file``/``repair_file`` found: ``torn_at`` is where the last good record ends."""

    ok: bool
    records: int
    problems: list[str] = field(default_factory=list)
    torn_at: int | None = None
    actions: list[str] = field(default_factory=list)


def check_file(path: Path) -> CheckResult:
    """Check a WARC file: every record parses, digests verify, and no record is torn at the end.

    ``torn_at`` is the offset where the last complete record ends when the tail is cut short.
    """
    path = Path(path)
    scan = _scan_members(path)
    problems: list[str] = []
    if scan.problem:
        problems.append(scan.problem)
    if scan.torn_at is not None:
        problems.append(
            f"torn record at offset {scan.torn_at} ({scan.size - scan.torn_at} bytes to end of file)"
        )
    records = 0
    try:
        with open(path, "rb") as fh:
            iterator = ArchiveIterator(LimitReader(fh, scan.good_end), check_digests=True)
            for record in iterator:
                if records == 0 and record.rec_type != "warcinfo":
                    problems.append("first record is not warcinfo")
                while record.content_stream().read(_CHUNK):
                    pass
                records += 1
                if record.digest_checker.passed is False:
                    offset = iterator.get_record_offset()
                    problems += [f"offset {offset}: {p}" for p in record.digest_checker.problems]
    except Exception as exc:  # any parse failure is a finding, not a crash of the checker
        problems.append(f"record {records + 1} does not parse: {exc}")
    if records != len(scan.members):
        problems.append(f"{len(scan.members)} gzip members but {records} records")
    return CheckResult(not problems, records, problems, scan.torn_at)


def repair_file(path: Path) -> CheckResult:
    """Make a crashed file finished: cut a torn tail, finalise ``.open``, rebuild the CDXJ.

    The removed bytes are kept beside the file as ``….warc.gz.torn``. Damage other than a torn
    tail (a bad digest, a corrupt member in the middle) is reported and left as it is: it is evidence.
    Returns the check of the repaired file, with what was done in ``actions``. Only for files no
    writer holds open any more (after a crash): a live writer's ``.open`` file must be left alone.
    """
    path = Path(path)
    before = check_file(path)
    actions: list[str] = []
    final = path.with_name(final_name(path.name))
    if before.torn_at is not None:
        torn = _free_name(final.with_name(final.name + TORN_SUFFIX))
        with open(path, "r+b") as fh:
            fh.seek(before.torn_at)
            torn.write_bytes(fh.read())
            fh.truncate(before.torn_at)
            fh.flush()
            os.fsync(fh.fileno())
        actions.append(f"cut torn tail at offset {before.torn_at}; removed bytes kept in {torn.name}")
        logger.warning("repaired %s: torn tail at %d kept in %s", path.name, before.torn_at, torn.name)
    if path != final:
        if final.exists():
            raise WarcError(f"cannot finalise {path.name}: {final.name} already exists")
        os.replace(path, final)
        actions.append(f"finalised {path.name} as {final.name}")
    if final.stat().st_size == 0:
        final.unlink()
        actions.append(f"removed {final.name}: no complete record was left")
        return CheckResult(True, 0, [], None, actions)
    _write_cdxj(final, index_file(final))
    actions.append(f"rebuilt {final.name}{CDXJ_SUFFIX}")
    after = check_file(final)
    after.actions = actions
    return after


def _free_name(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{n}")
        n += 1
    return candidate
