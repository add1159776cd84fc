"""``zwgk serve``: the auditors' web dashboard over the archive, read-only, on 127.0.0.1 by default."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from typing import Any

from storage.db import DatabaseError, data_folder, database_url
from zwgk.options import add_store_options
from zwgk.reading import open_archive

logger = logging.getLogger(__name__)


def _warm(app: Any) -> None:
    from audit.web.app import warm
    from audit.web.security import TOKEN_ENV

    try:
        warm(app, os.environ.get(TOKEN_ENV))
    except Exception:  # a failed warm-up only means the first visitor waits
        logger.exception("warming the dashboard's answers failed")


def main(argv: list[str] | None = None) -> int:
    """``python -m zwgk.web_cli serve …``: the same command before it is wired into ``zwgk``."""
    parser = argparse.ArgumentParser(prog="zwgk")
    add_parser(parser.add_subparsers(dest="command", required=True))
    try:
        return run(parser.parse_args(argv))
    except (ValueError, DatabaseError) as exc:
        print(f"zwgk: error: {exc}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    from werkzeug.serving import make_server

    from audit.web import create_app
    from audit.web.security import TOKEN_ENV

    warc = args.warc or str(data_folder(args.data) / "warc")
    url = database_url(args.data, args.db)
    # No archive there is an error naming it; one written by an older zwgk is upgraded where it
    # can be written (migrations only add), else served as it is, said on stderr.
    open_archive(args.data, args.db).dispose()
    app = create_app(url, warc)
    if args.host not in ("127.0.0.1", "localhost", "::1") and not os.environ.get(TOKEN_ENV):
        print(
            f"zwgk: warning: serving on {args.host} without {TOKEN_ENV}: anyone who can reach it can read it",
            file=sys.stderr,
        )
    try:
        server = make_server(args.host, args.port, app, threaded=True)
    except OSError as exc:
        raise ValueError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}") from exc
    print(f"zwgk dashboard at http://{args.host}:{server.port}/ (Ctrl-C to stop)", flush=True)
    # Counting a large archive takes seconds; do it once now rather than on an auditor's first click.
    threading.Thread(target=_warm, args=(app,), name="zwgk-warm", daemon=True).start()
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``serve``."""
    serve = sub.add_parser("serve", help="the web dashboard for auditors (read-only)")
    add_store_options(serve, exclusive=True)
    serve.add_argument("--warc", metavar="DIR", help="WARC folder (default DATA/warc)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    serve.add_argument("--port", type=int, default=8470, help="port (default 8470)")
    serve.set_defaults(handler=run)


if __name__ == "__main__":
    raise SystemExit(main())
