"""What ``zwgk crawl`` says on a console that is not a terminal: a progress line per interval,
every blocked or failed column by name with its reason, and no third-party warnings."""

from __future__ import annotations

import yaml
from helpers import run_zwgk

import replica


def test_a_piped_crawl_logs_progress_and_names_its_failed_columns(tmp_path):
    spec = yaml.safe_load((replica.spec.SPEC_DIR / "tiny.yaml").read_text(encoding="utf-8"))
    spec["columns"].append({"name": "部门工作", "abbr": "bmgz", "blocked": 412, "counts": {2018: 2}})
    site = replica.build_site(replica.spec.parse_spec(spec, "tiny+blocked"))
    with replica.ReplicaServer(site) as server:
        profile = yaml.safe_load(run_zwgk("replica", "profile", server.base_url, "--spec", "tiny").stdout)
        profile["columns"].append(
            {"path": "部门工作", "url": server.base_url + "bmgz/index.html", "cms": "trs"}
        )
        profile["columns"].append(
            {"path": "已撤销栏目", "url": server.base_url + "nosuch/index.html", "cms": "trs"}
        )
        profile_file = tmp_path / "tiny.yaml"
        profile_file.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
        done = run_zwgk(
            "crawl",
            str(profile_file),
            "--data",
            str(tmp_path),
            "-s",
            "ZWGK_PROGRESS_INTERVAL=0.2",
            "--no-inspect",
        )
    err = done.stderr
    assert done.returncode == 5, err[-2000:]
    progress = [line for line in err.splitlines() if " progress: pages " in line]
    assert progress and all("items" in line and "columns" in line and "elapsed" in line for line in progress)
    blocked = next(line for line in err.splitlines() if "部门工作" in line)
    failed = next(line for line in err.splitlines() if "已撤销栏目" in line)
    for line, head in ((blocked, "column blocked: 部门工作: "), (failed, "column failed: 已撤销栏目: ")):
        assert line.startswith(head) and line[len(head) :].strip() not in ("", "no reason given"), line
    assert "Warning" not in err and "{" not in err  # no deprecation warnings, no Python dicts
