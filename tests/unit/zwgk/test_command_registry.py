"""The ``zwgk`` command registry: every command the old ``build_parser`` had still parses with the
same options, each command module registers a handler, and every option says what it is for."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

import pytest

import replica
from zwgk import cli

# Every option of the parser before the registry (zwgk/cli.py's build_parser): option strings →
# (dest, default, nargs, required, choices, const, type name).
OLD_PARSER: dict[str, dict[str, tuple[Any, ...]]] = {
    "demo": {
        "--port": ("port", 8418, None, False, None, None, "int"),
        "--data": ("data", None, None, False, None, None, None),
        "--spec": ("spec", "qingshi", None, False, None, None, None),
    },
    "discover": {
        "url": ("url", None, None, True, None, None, None),
        "-o/--output": ("output", None, None, False, None, None, None),
        "--site": ("site", None, None, False, None, None, None),
        "-v/--verbose": ("verbose", False, 0, False, None, True, None),
    },
    "crawl": {
        "target": ("target", None, "+", True, None, None, None),
        "--data": ("data", None, None, False, None, None, None),
        "--db": ("db", None, None, False, None, None, None),
        "--redis": ("redis", None, None, False, None, None, None),
        "--redis-prefix": ("redis_prefix", "zwgk", None, False, None, None, None),
        "--workers": ("workers", None, None, False, None, None, "int"),
        "--site": ("site", None, None, False, None, None, None),
        "--json": ("json", False, 0, False, None, True, None),
        "--incremental": ("mode", "full", 0, False, None, "incremental", None),
        "--sweep": ("mode", "full", 0, False, None, "sweep", None),
        "--revalidate-fraction": ("revalidate_fraction", 1.0, None, False, None, None, "float"),
        "-v/--verbose": ("verbose", False, 0, False, None, True, None),
        "-s/--set": ("set", [], None, False, None, None, None),
    },
    "worker": {
        "--redis": ("redis", None, None, True, None, None, None),
        "--redis-prefix": ("redis_prefix", "zwgk", None, False, None, None, None),
        "--db": ("db", None, None, False, None, None, None),
        "--data": ("data", None, None, False, None, None, None),
        "--idle-exit": ("idle_exit", 10.0, None, False, None, None, "float"),
        "--wait": ("wait", 0.0, None, False, None, None, "float"),
        "--json": ("json", False, 0, False, None, True, None),
        "-v/--verbose": ("verbose", False, 0, False, None, True, None),
        "-s/--set": ("set", [], None, False, None, None, None),
    },
    "schedule": {
        "target": ("target", None, None, True, None, None, None),
        "--at": ("at", None, None, True, None, None, None),
        "--site": ("site", None, None, False, None, None, None),
        "--data": ("data", None, None, False, None, None, None),
        "--sweep-day": ("sweep_day", 0, None, False, None, None, "int"),
        "--revalidate-fraction": ("revalidate_fraction", 0.25, None, False, None, None, "float"),
        "--install": ("install", False, 0, False, None, True, None),
    },
    "replica serve": {
        "--port": ("port", 8418, None, False, None, None, "int"),
        "--host": ("host", "127.0.0.1", None, False, None, None, None),
        "--spec": ("spec", "qingshi", None, False, None, None, None),
    },
    "replica truth": {
        "--spec": ("spec", "qingshi", None, False, None, None, None),
    },
    "replica export": {
        "folder": ("folder", None, None, True, None, None, None),
        "--spec": ("spec", "qingshi", None, False, None, None, None),
        "--state": ("state", 0, None, False, None, None, "int"),
        "--pager-links": ("pager_links", False, 0, False, None, True, None),
    },
    "replica profile": {
        "base_url": ("base_url", None, None, True, None, None, None),
        "--spec": ("spec", "qingshi", None, False, None, None, None),
    },
    "audit counts": {
        "--data": ("data", None, None, False, None, None, None),
        "--db": ("db", None, None, False, None, None, None),
        "--site": ("site", None, None, False, None, None, None),
        "--year": ("year", None, None, False, None, None, "year"),
        "--by": ("by", "column", None, False, ("column", "taxonomy"), None, None),
        "--format": ("format", "table", None, False, ("table", "json", "csv"), None, None),
        "--online-only": ("online_only", False, 0, False, None, True, None),
    },
    "audit compare": {
        "--data": ("data", None, None, False, None, None, None),
        "--db": ("db", None, None, False, None, None, None),
        "--site": ("site", None, None, False, None, None, None),
        "--years": ("years", None, "+", True, None, None, "year"),
        "--by": ("by", "column", None, False, ("column", "taxonomy", "kind"), None, None),
        "--format": ("format", "table", None, False, ("table", "json", "csv", "xlsx"), None, None),
        "-o/--output": ("output", None, None, False, None, None, None),
    },
    "audit reconcile": {
        "--data": ("data", None, None, False, None, None, None),
        "--db": ("db", None, None, False, None, None, None),
        # issue 15: without --report the year's report is read from the archive (--from page|pdf|docx)
        "--report": ("report", None, None, False, None, None, None),
        "--from": ("source", None, None, False, ("page", "pdf", "docx"), None, None),
        "--year": ("year", None, None, True, None, None, "year"),
        "--site": ("site", None, None, False, None, None, None),
        "--format": ("format", "table", None, False, ("table", "json", "csv", "xlsx"), None, None),
        "-o/--output": ("output", None, None, False, None, None, None),
    },
    "audit health": {
        "--data": ("data", None, None, False, None, None, None),
        "--db": ("db", None, None, False, None, None, None),
        "--site": ("site", None, None, False, None, None, None),
        "--as-of": ("as_of", None, None, True, None, None, "fromisoformat"),
        "--format": ("format", "table", None, False, ("table", "json", "csv", "xlsx"), None, None),
        "-o/--output": ("output", None, None, False, None, None, None),
    },
    "show": {
        "url": ("url", None, None, True, None, None, None),
        "--at": ("at", None, None, False, None, None, None),
        "--raw": ("raw", None, None, False, None, None, None),
        "--headers": ("headers", False, 0, False, None, True, None),
        "--list": ("list", False, 0, False, None, True, None),
        "--data": ("data", None, None, False, None, None, None),
        "--db": ("db", None, None, False, None, None, None),
    },
    "diff": {
        "url": ("url", None, None, True, None, None, None),
        "--from": ("from_version", None, None, False, None, None, "int"),
        "--to": ("to_version", None, None, False, None, None, "int"),
        "--data": ("data", None, None, False, None, None, None),
        "--db": ("db", None, None, False, None, None, None),
    },
    "serve": {
        "--data": ("data", None, None, False, None, None, None),
        "--db": ("db", None, None, False, None, None, None),
        "--warc": ("warc", None, None, False, None, None, None),
        "--host": ("host", "127.0.0.1", None, False, None, None, None),
        "--port": ("port", 8470, None, False, None, None, "int"),
    },
    "report read": {
        "source": ("source", None, None, True, None, None, None),
        "--format": ("format", "table", None, False, ("table", "json", "xlsx"), None, None),
        "-o/--output": ("output", None, None, False, None, None, None),
        "--data": ("data", None, None, False, None, None, None),  # issue 15: an archived URL is read
        "--db": ("db", None, None, False, None, None, None),
    },
    "report check": {
        "source": ("source", None, "+", True, None, None, None),
        "--format": ("format", "table", None, False, ("table", "json", "xlsx"), None, None),
        "-o/--output": ("output", None, None, False, None, None, None),
        "--data": ("data", None, None, False, None, None, None),
        "--db": ("db", None, None, False, None, None, None),
    },
}


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every (sub)command's name and parser, depth first."""
    if path:
        yield " ".join(path), parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _commands(child, (*path, name))


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {
        "/".join(action.option_strings) or action.dest: action
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
    }


def _shape(action: argparse.Action) -> tuple[Any, ...]:
    choices = tuple(action.choices) if action.choices else None
    return (
        action.dest,
        action.default,
        action.nargs,
        action.required,
        choices,
        action.const,
        getattr(action.type, "__name__", None),
    )


PARSER = cli.build_parser()
COMMANDS = dict(_commands(PARSER))
LEAVES = {
    name: parser
    for name, parser in COMMANDS.items()
    if not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)
}


def test_every_old_command_is_still_there():
    assert set(OLD_PARSER) <= set(LEAVES)


@pytest.mark.parametrize("command", sorted(OLD_PARSER))
def test_each_command_keeps_its_options(command):
    """Every option the old parser had keeps its shape; options added since are allowed (they
    are held to the help-text rule below)."""
    options = _options(COMMANDS[command])
    kept = {name: _shape(options[name]) for name in OLD_PARSER[command] if name in options}
    assert kept == OLD_PARSER[command]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_and_option_has_help(command):
    parser = COMMANDS[command]
    missing = [name for name, action in _options(parser).items() if not (action.help or "").strip()]
    assert missing == [], f"zwgk {command}: options without help: {missing}"
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            silent = [a.dest for a in action._choices_actions if not (a.help or "").strip()]
            assert silent == [], f"zwgk {command}: subcommands without help: {silent}"


def test_every_top_level_command_has_help():
    [sub] = [a for a in PARSER._actions if isinstance(a, argparse._SubParsersAction)]
    assert sorted(a.dest for a in sub._choices_actions if a.help) == sorted(sub.choices)


@pytest.mark.parametrize("command", sorted(LEAVES))
def test_every_command_dispatches_to_a_handler(command):
    parser = LEAVES[command]
    handler = parser.get_default("handler")
    assert callable(handler), f"zwgk {command} registers no handler"


@pytest.mark.parametrize(
    ("argv", "handler", "expected"),
    [
        (
            ["audit", "counts", "--site", "qingshi", "--year", "2018", "--by", "taxonomy"],
            "counts",
            {"year": 2018},
        ),
        (
            ["audit", "compare", "--years", "2017", "2018", "--format", "csv"],
            "compare",
            {"years": [2017, 2018]},
        ),
        (["audit", "reconcile", "--report", "r.txt", "--year", "2018"], "reconcile", {"report": ["r.txt"]}),
        (["audit", "health", "--as-of", "2019-01-15"], "health", {"format": "table"}),
        (["crawl", "p.yaml", "--incremental", "-s", "A=1"], "crawl", {"mode": "incremental", "set": ["A=1"]}),
        (["crawl", "http://x/", "--sweep", "--revalidate-fraction", "0.5"], "crawl", {"mode": "sweep"}),
        (["crawl", "p.yaml"], "crawl", {"mode": "full", "target": ["p.yaml"]}),
        (["worker", "--redis", "redis://h/0", "--idle-exit", "3"], "worker", {"idle_exit": 3.0}),
        (["schedule", "p.yaml", "--at", "02:30"], "schedule_crawls", {"sweep_day": 0}),
        (["demo", "--port", "9000"], "demo", {"port": 9000, "spec": "qingshi"}),
        (["discover", "http://x/", "-v"], "discover", {"verbose": True}),
        (["replica", "export", "out", "--state", "1"], "export", {"folder": "out", "state": 1}),
        (["replica", "serve", "--spec", "tiny"], "serve", {"spec": "tiny", "port": 8418}),
        (["replica", "truth"], "truth", {"spec": "qingshi"}),
        (["replica", "profile", "http://127.0.0.1:1/"], "profile", {"base_url": "http://127.0.0.1:1/"}),
        (["show", "http://x/a.html", "--list"], "show", {"list": True}),
        (["diff", "http://x/a.html", "--from", "1", "--to", "2"], "diff", {"from_version": 1}),
        (["serve", "--db", "sqlite://"], "run", {"db": "sqlite://", "port": 8470}),
        (["report", "check", "a.txt", "b.txt"], "run", {"source": ["a.txt", "b.txt"]}),
    ],
)
def test_old_command_lines_parse_to_their_handler(argv, handler, expected):
    args = cli.build_parser().parse_args(argv)
    assert args.handler.__name__ == handler
    assert {key: getattr(args, key) for key in expected} == expected


def test_serve_takes_data_or_db_not_both():
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["serve", "--data", "d", "--db", "sqlite://"])


def test_replica_spec_help_names_every_bundled_spec():
    for command in ("replica serve", "replica truth", "replica export", "replica profile"):
        text = COMMANDS[command].format_help()
        assert all(name in text for name in replica.available_specs()), command


def test_the_audit_counts_options_issue_14_names_have_help():
    options = _options(COMMANDS["audit counts"])
    for name in ("--site", "--year", "--by", "--format"):
        assert len(options[name].help or "") > 10, name
