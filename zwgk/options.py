"""Options several ``zwgk`` commands share, each written once with its help text.

A command module's ``add_parser`` calls these so that ``--data``, ``--site`` or ``--year`` mean the
same thing, and read the same in ``--help``, wherever they appear.
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Sequence

DATA_HELP = "data folder: SQLite file, WARC files, locks (default $ZWGK_DATA or ./zwgk-data)"
DB_HELP = "any SQLAlchemy database URL instead of the data folder's SQLite"
FIRST_YEAR = 1990  # no county portal published before this


def year(text: str) -> int:
    """An argparse ``type=``: a publication year from 1990 to next year, else a clear refusal (exit 2)."""
    last = datetime.date.today().year + 1
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year (YYYY, {FIRST_YEAR}..{last})") from None
    if not FIRST_YEAR <= value <= last:
        raise argparse.ArgumentTypeError(f"{value} is outside {FIRST_YEAR}..{last}")
    return value


def add_store_options(parser: argparse.ArgumentParser, *, exclusive: bool = False) -> None:
    """``--data DIR`` and ``--db URL``: where the archive is; ``exclusive`` when only one may be given."""
    target: argparse.ArgumentParser | argparse._MutuallyExclusiveGroup = (
        parser.add_mutually_exclusive_group() if exclusive else parser
    )
    target.add_argument("--data", metavar="DIR", help=DATA_HELP)
    target.add_argument("--db", metavar="URL", help=DB_HELP)


def add_site_option(parser: argparse.ArgumentParser, help: str | None = None) -> None:
    """``--site SLUG``: one site of the archive (or the slug a portal given by URL is stored under)."""
    parser.add_argument(
        "--site",
        metavar="SLUG",
        help=help or "only this site of the archive (default: every site; a slug as `zwgk crawl` stored it)",
    )


def add_year_option(
    parser: argparse.ArgumentParser, *, required: bool = False, help: str | None = None
) -> None:
    """``--year YYYY``: the year items were published in."""
    parser.add_argument(
        "--year",
        type=year,
        required=required,
        metavar="YYYY",
        help=help or "only items published in this year (default: every year)",
    )


def add_output_options(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """``--format`` (one of ``formats``, table first) and ``-o FILE``."""
    parser.add_argument(
        "--format",
        choices=formats,
        default=formats[0],
        help=f"output: {', '.join(formats)} (default {formats[0]})",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (required for xlsx)")


def add_scrapy_options(parser: argparse.ArgumentParser, *, settings: bool = True) -> None:
    """``-v`` (show Scrapy's log) and, unless ``settings`` is false, ``-s NAME=VALUE``."""
    parser.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    if settings:
        parser.add_argument(
            "-s",
            "--set",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a Scrapy setting (repeatable)",
        )


def add_redis_prefix_option(parser: argparse.ArgumentParser) -> None:
    """``--redis-prefix P``: the key prefix crawl queues and workers agree on."""
    parser.add_argument("--redis-prefix", default="zwgk", metavar="P", help="Redis key prefix (default zwgk)")


def add_wide_option(parser: argparse.ArgumentParser) -> None:
    """``--wide``: a table with full column paths, however wide the terminal."""
    parser.add_argument(
        "--wide",
        action="store_true",
        help="table: print full column paths and every column, wider than the terminal if need be "
        "(default: paths abbreviated from the left, …/公共资源配置/保障性住房, long 口径 as numbered notes "
        "below, URLs left out of tables too wide; JSON and CSV always hold them in full)",
    )
