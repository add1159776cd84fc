"""``zwgk show`` and ``zwgk diff``: the archived page as it was served, and what changed between versions."""

from __future__ import annotations

import argparse
import difflib
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

from audit.versions import version_lines
from crawler.extract import decode_body
from pipelines.normalise import canonical_url
from storage import reads
from storage.db import data_folder
from storage.models import PROBE_PAGE_KIND
from storage.warc import read_response
from zwgk.options import add_store_options
from zwgk.reading import open_archive


def _role(page_kind: str) -> str:
    """``crawl`` for the crawl's own capture; ``probe`` for a cloaking probe's (the page as one
    visitor saw it: the finding and the WARC request record say which)."""
    return "probe" if page_kind == PROBE_PAGE_KIND else "crawl"


def show(args: argparse.Namespace) -> int:
    db = open_archive(args.data, args.db)
    url = canonical_url(args.url)
    try:
        with db.session() as session:
            until = datetime.combine(_date(args.at), time.max, tzinfo=UTC) if args.at else None
            captures = reads.captures_of(session, {url, args.url}, until, probes=args.list)
            if not captures:
                raise ValueError(
                    f"no capture of {args.url}" + (f" on or before {args.at}" if args.at else "")
                )
            if args.list:
                for capture in captures:
                    print(
                        f"{capture.fetched_at.isoformat(timespec='seconds')}  HTTP {capture.http_status}  "
                        f"{capture.record_type:8}  {_role(capture.page_kind):5}  {capture.payload_digest}  "
                        f"{capture.warc_file}@{capture.warc_offset}"
                    )
                return 0
            confirming = captures[0]
            capture = reads.payload_capture(session, confirming)  # a 304: the page it confirmed
            archived = read_response(
                data_folder(args.data) / "warc",
                capture.warc_file,
                capture.warc_offset,
                resolver=lambda uri, when, digest: reads.capture_location(session, uri, when, digest),
            )
    finally:
        db.dispose()
    if capture is not confirming or archived.refers_to is not None:
        since = capture.fetched_at if capture is not confirming else None
        print(
            f"zwgk: {archived.url} unchanged"
            + (f" since {since.isoformat(timespec='seconds')}" if since else "")
            + f", confirmed {confirming.fetched_at.isoformat(timespec='seconds')}"
            + f" (HTTP {confirming.http_status}, {confirming.record_type})",
            file=sys.stderr,
        )
    if args.raw:
        try:
            Path(args.raw).write_bytes(archived.body)
        except OSError as exc:
            raise ValueError(f"cannot write {args.raw}: {exc.strerror or exc}") from exc
        print(
            f"wrote {len(archived.body)} bytes of {archived.url} captured {archived.date.isoformat()} to {args.raw}"
        )
        return 0
    if args.headers:
        print(f"HTTP {archived.status}")
        for name, value in archived.headers:
            print(f"{name}: {value}")
        print()
    content_type = next((v for k, v in archived.headers if k.lower() == "content-type"), None)
    text, _ = decode_body(archived.body, content_type)
    sys.stdout.write(text)
    return 0


def diff(args: argparse.Namespace) -> int:
    db = open_archive(args.data, args.db)
    url = canonical_url(args.url)
    with db.session() as session:
        versions = reads.versions_of(session, {url, args.url})
    db.dispose()
    if not versions:
        raise ValueError(f"no version of {args.url} in the archive")
    by_number = {v.version_no: v for v in versions}
    to_no = args.to_version or versions[-1].version_no
    from_no = args.from_version or max((n for n in by_number if n < to_no), default=to_no)
    if from_no not in by_number or to_no not in by_number:
        raise ValueError(f"{args.url} has versions {sorted(by_number)}; asked for {from_no} and {to_no}")
    old, new = by_number[from_no], by_number[to_no]
    if old is new:
        print(
            f"{args.url} has only version {to_no} (captured {new.captured_at.isoformat(timespec='seconds')})"
        )
        return 0
    lines = difflib.unified_diff(
        version_lines(old),
        version_lines(new),
        fromfile=f"v{old.version_no} {old.captured_at.isoformat(timespec='seconds')}",
        tofile=f"v{new.version_no} {new.captured_at.isoformat(timespec='seconds')}",
        lineterm="",
    )
    print("\n".join(lines))
    return 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--at expects a date like 2018-12-31, got {text!r}") from None


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``show`` and ``diff``."""
    parser = sub.add_parser("show", help="print (or --raw write) an archived page exactly as it was served")
    parser.add_argument("url", help="the page's address as it was crawled")
    parser.add_argument(
        "--at", metavar="DATE", help="the capture in force on this date (YYYY-MM-DD); default latest"
    )
    parser.add_argument("--raw", metavar="FILE", help="write the archived payload bytes to FILE")
    parser.add_argument("--headers", action="store_true", help="print the archived HTTP headers too")
    parser.add_argument(
        "--list",
        action="store_true",
        help="list the captures of URL instead: the crawl's and the cloaking probes' (role probe)",
    )
    add_store_options(parser)
    parser.set_defaults(handler=show)
    parser = sub.add_parser("diff", help="what changed between two versions of an item")
    parser.add_argument("url", help="the item's address as it was crawled")
    parser.add_argument(
        "--from", dest="from_version", type=int, help="version number (default: the one before --to)"
    )
    parser.add_argument("--to", dest="to_version", type=int, help="version number (default: the latest)")
    add_store_options(parser)
    parser.set_defaults(handler=diff)
