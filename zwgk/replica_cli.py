"""``zwgk replica serve|truth|export|profile``: the bundled replica portal from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

import replica
from replica.export import export_spec

DEFAULT_SPEC = "qingshi"


def serve(args: argparse.Namespace) -> int:
    """Serve the replica until Ctrl-C."""
    site = replica.build_site(replica.load_spec(args.spec))
    try:
        server = replica.ReplicaServer(site, host=args.host, port=args.port)
    except OSError as exc:
        raise ValueError(
            f"cannot serve the replica on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from exc
    print(f"replica {args.spec} serving at {server.base_url} (Ctrl-C to stop)", flush=True)
    server.serve_forever()
    return 0


def truth(args: argparse.Namespace) -> int:
    """Print the replica's ground truth as JSON."""
    site = replica.build_site(replica.load_spec(args.spec))
    json.dump(replica.truth(site), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def export(args: argparse.Namespace) -> int:
    """Write every page of the replica to a folder."""
    written = export_spec(args.spec, Path(args.folder), state=args.state, pager_links=args.pager_links)
    print(f"exported replica {args.spec} to {written.folder}: {written.files} files, {written.bytes} bytes")
    return 0


def profile(args: argparse.Namespace) -> int:
    """Print a site profile for the replica served at BASE_URL."""
    site = replica.build_site(replica.load_spec(args.spec))
    sys.stdout.write(
        yaml.safe_dump(replica.profile(site, args.base_url), allow_unicode=True, sort_keys=False)
    )
    return 0


def _add_spec_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--spec",
        default=DEFAULT_SPEC,
        help=f"replica spec: {', '.join(replica.available_specs())} (default {DEFAULT_SPEC})",
    )


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``replica`` and its subcommands."""
    parser = sub.add_parser("replica", help="the bundled replica portal")
    rsub = parser.add_subparsers(dest="replica_command", required=True)
    serve_parser = rsub.add_parser("serve", help="serve the replica on 127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8418, help="port to listen on (default 8418)")
    serve_parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    _add_spec_option(serve_parser)
    serve_parser.set_defaults(handler=serve)
    truth_parser = rsub.add_parser("truth", help="print the replica's ground truth as JSON")
    _add_spec_option(truth_parser)
    truth_parser.set_defaults(handler=truth)
    export_parser = rsub.add_parser(
        "export", help="write every page of the replica to a folder (for nginx, wget)"
    )
    export_parser.add_argument("folder", help="the folder to write (created if missing)")
    _add_spec_option(export_parser)
    export_parser.add_argument("--state", type=int, default=0, help="a later state of the spec (default 0)")
    export_parser.add_argument(
        "--pager-links", action="store_true", help="add plain 下一页 links for tools that run no script"
    )
    export_parser.set_defaults(handler=export)
    profile_parser = rsub.add_parser(
        "profile", help="print a site profile for the replica served at BASE_URL"
    )
    profile_parser.add_argument("base_url", help="where the replica is served, e.g. http://127.0.0.1:8418/")
    _add_spec_option(profile_parser)
    profile_parser.set_defaults(handler=profile)
