"""The ``zwgk`` command: parses arguments and calls into the packages; no logic of its own.

Exit codes: 0 done; 1 unexpected error (a record could not be stored, a callback failed);
2 bad input (arguments, profile, database URL); 3 the portal could not be reached;
4 another run of the same site is active; 5 the crawl finished but some columns were blocked or
failed; 6 the crawl finished but a monitor flagged it (a column shrank, nothing found).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

from rich.console import Console

from crawler.profile import ProfileError
from storage.db import DatabaseError
from zwgk import archive_cli, audit_cli, crawl_cli, replica_cli, report_cli, web_cli

EXIT_BAD_INPUT = 2
# The modules that add the subcommands, in the order ``zwgk --help`` lists them. Each has an
# ``add_parser(subparsers)`` that registers its commands with ``set_defaults(handler=...)``.
COMMANDS = (crawl_cli, replica_cli, audit_cli, archive_cli, web_cli, report_cli)


def build_parser() -> argparse.ArgumentParser:
    """The ``zwgk`` parser: each module of ``COMMANDS`` adds its own subcommands."""
    parser = argparse.ArgumentParser(prog="zwgk", description="Crawl, archive and audit 政务公开 columns.")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def quiet_third_party_warnings() -> None:
    """No deprecation warnings of Scrapy, Twisted or other libraries on the operator's console:
    they are news for zwgk's developers (the test suite shows them), not for who runs a crawl."""
    for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
        warnings.filterwarnings("ignore", category=category)
    # Scrapy's own ScrapyDeprecationWarning derives from Warning, not DeprecationWarning
    warnings.filterwarnings("ignore", message=".*(deprecated|Deprecated|deprecation).*")
    warnings.filterwarnings("ignore", module=r"(scrapy|twisted)(\.|$)")


def main(argv: Sequence[str] | None = None) -> int:
    quiet_third_party_warnings()
    args = build_parser().parse_args(argv)
    console = Console(stderr=True)
    try:
        return int(args.handler(args))
    except (ProfileError, DatabaseError, ValueError) as exc:
        print(f"zwgk: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        console.print("zwgk: interrupted")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
