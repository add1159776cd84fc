"""zwgk as its users run it: installed (not editable) into a fresh virtual environment, started
from an empty folder with a bare environment, the way cron and systemd start it.

The package is copied out of the checkout and installed with ``pip install --no-deps`` into a new
venv whose only view of the checkout's venv is a ``.pth`` line for the dependencies (no network,
no editable finder: the ``.pth`` files of that folder are not processed). Every command then runs
with ``env -i PATH=… HOME=…`` from an empty temporary folder.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What a source distribution of zwgk leaves out: the checkout's own tooling and generated data.
NOT_SHIPPED = (
    ".venv",
    ".git",
    "__pycache__",
    "*.egg-info",
    "build",
    "zwgk-data",
    "tests",
    "bench",
    ".*_cache",
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``zwgk`` command of a non-editable install in a fresh venv."""
    root = tmp_path_factory.mktemp("installed")
    source = root / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SHIPPED))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the dependencies (scrapy, sqlalchemy, …) from this venv; zwgk itself only from the install
    Path(purelib, "zwgk-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--no-build-isolation", "--no-index", str(source)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    shutil.rmtree(source)  # nothing can be read from the copy any more
    where = subprocess.run(
        [str(python), "-c", "import crawler, zwgk; print(crawler.__file__); print(zwgk.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=root,
    ).stdout.split()
    assert all(path.startswith(purelib) for path in where), where
    return venv / "bin" / "zwgk"


def bare(zwgk: Path, folder: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``zwgk ARGS`` from ``folder`` with only PATH and HOME set, as cron does."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder)}
    return subprocess.run(
        ["env", "-i", *(f"{k}={v}" for k, v in env.items()), str(zwgk), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=folder,
    )


def column_counts(zwgk: Path, folder: Path, data: Path, site: str) -> dict[tuple[str, int], int]:
    result = bare(zwgk, folder, "audit", "counts", "--data", str(data), "--site", site, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    return {(r["column"], r["year"]): r["items"] for r in rows if r["items"] and r["year"] is not None}


def truth_counts(truth: dict) -> dict[tuple[str, int], int]:
    return {
        (column["path"], int(year)): n
        for column in truth["columns"]
        for year, n in column["items"].items()
        if n
    }


def test_installed_crawl_from_an_empty_folder_with_a_bare_environment(
    installed, tiny_server, tiny_truth, tmp_path
):
    folder = tmp_path / "cron"
    folder.mkdir()
    data = tmp_path / "data"
    result = bare(
        installed, folder, "crawl", tiny_server.base_url, "--site", "tiny", "--data", str(data), "--json"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout)
    assert summary["details_error"] == 0 and summary["error"] is None
    assert column_counts(installed, folder, data, "tiny") == truth_counts(tiny_truth)
    assert list((data / "warc").glob("*.warc.gz")), "the crawl wrote no WARC file"
    assert list(folder.iterdir()) == [], "the command wrote into its working folder"


README = ROOT / "README.md"


def readme_exec_start() -> list[str]:
    """The ``ExecStart`` of the README's nightly systemd unit, split as systemd splits it."""
    found = re.search(r"# zwgk-county\.service.*?^ExecStart=(.+?)$", README.read_text("utf-8"), re.S | re.M)
    assert found, "README.md has no zwgk-county.service with an ExecStart line"
    return shlex.split(found.group(1))


def test_the_readme_systemd_unit_and_cron_line_run_as_written(installed, tiny_server, tiny_truth, tmp_path):
    """The README's unit (no WorkingDirectory, no Environment) and the crontab line ``zwgk schedule``
    prints, each run by a bare ``sh`` from an empty folder with only PATH and HOME: both archive the
    whole replica and exit with a status the unit counts as success."""
    folder = tmp_path / "cron"
    folder.mkdir()
    data = tmp_path / "data"
    unit = readme_exec_start()
    assert (
        unit[:2] == ["/opt/zwgk/.venv/bin/zwgk", "crawl"]
        and "WorkingDirectory"
        not in README.read_text("utf-8").split("# zwgk-county.service")[1].split("# zwgk-county.timer")[0]
    )
    success = re.search(r"^SuccessExitStatus=(.+)$", README.read_text("utf-8"), re.M)
    allowed = {0, *(int(n) for n in success.group(1).split())} if success else {0}
    # the unit as written, with this test's install, portal and data folder in place of the README's
    command = [str(installed), "crawl", tiny_server.base_url, "--site", "tiny", *unit[3:]]
    command[command.index("/var/lib/zwgk")] = str(data)
    result = bare_shell(shlex.join(command), folder)
    assert result.returncode in allowed, result.stdout + result.stderr
    assert json.loads(result.stdout)["error"] is None
    assert column_counts(installed, folder, data, "tiny") == truth_counts(tiny_truth)

    printed = bare(installed, folder, "schedule", tiny_server.base_url, "--site", "tiny", "--data", str(data),
                   "--at", "02:30")  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    nightly = printed.stdout.splitlines()[0]
    fields = nightly.split(" ", 5)
    assert fields[:2] == ["30", "2"], nightly
    cron = bare_shell(fields[5], folder)  # cron hands the rest of the line to sh, the marker a comment
    assert cron.returncode == 0, cron.stdout + cron.stderr
    log = data / "logs" / "tiny.log"
    assert '"error": null' in log.read_text(encoding="utf-8"), log.read_text(encoding="utf-8")[-2000:]
    assert column_counts(installed, folder, data, "tiny") == truth_counts(tiny_truth)
    assert [p.name for p in folder.iterdir()] == [], "the commands wrote into their working folder"


def bare_shell(line: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """``line`` run by ``sh -c`` with only PATH and HOME set, from ``folder``, as cron runs it."""
    return subprocess.run(
        ["env", "-i", "PATH=/usr/bin:/bin", f"HOME={folder}", "/bin/sh", "-c", line],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=folder,
    )


def test_installed_demo_is_the_whole_product(installed, tiny_truth, tmp_path):
    folder = tmp_path / "cron"
    folder.mkdir()
    data = tmp_path / "data"
    port = _free_port()
    result = bare(installed, folder, "demo", "--spec", "tiny", "--port", str(port), "--data", str(data))
    assert result.returncode == 0, result.stdout + result.stderr
    rows = re.findall(r"│\s*(\d+)\s*│\s*(\d+)\s*│\s*([+-]\d+)\s*│", result.stdout)
    claimed = sorted(tiny_truth["report_2018"].values())
    assert sorted(int(row[0]) for row in rows) == claimed, result.stdout
    assert all(row[0] == row[1] and row[2] == "+0" for row in rows), result.stdout
    assert column_counts(installed, folder, data, "tiny") == truth_counts(tiny_truth)

    hijacked = f"http://127.0.0.1:{port}{tiny_truth['special']['hijacked'][0]}"
    shown = bare(installed, folder, "show", hijacked, "--data", str(data))
    assert shown.returncode == 0, shown.stderr
    assert "开云手机官网入口" in shown.stdout  # the archived page as served, spam included

    web_port = _free_port()
    serve = subprocess.Popen(
        ["env", "-i", "PATH=/usr/bin:/bin", f"HOME={folder}", str(installed), "serve", "--data", str(data),
         "--port", str(web_port)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        findings = json.loads(_get(f"http://127.0.0.1:{web_port}/api/findings?site=tiny", serve))
    finally:
        serve.terminate()
        serve.wait(timeout=10)
    hijacks = [f for f in findings["rows"] if f["subject"].endswith(tiny_truth["special"]["hijacked"][0])]
    assert hijacks, findings


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, process: subprocess.Popen[str], attempts: int = 100) -> str:
    import time

    for _ in range(attempts):
        if process.poll() is not None:
            raise AssertionError(f"zwgk serve exited: {process.stderr.read() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"no answer from {url}")
