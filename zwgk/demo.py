"""``zwgk demo``: serve the bundled replica, crawl it with a progress bar, print its 2018 figures
beside the annual report's, each with the definition the archive used."""

from __future__ import annotations

import logging
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import replica
from audit.figures import report_figures
from crawler.items import Detail
from crawler.runner import run_crawl
from storage.db import database_url, open_database

logger = logging.getLogger(__name__)

REPORT_YEAR = 2018


def run_demo(port: int, data_dir: str | None, spec_name: str = "qingshi") -> int:
    console = Console()
    site = replica.build_site(replica.load_spec(spec_name))
    truth = replica.truth(site)
    db_url = database_url(data_dir, None)
    open_database(db_url).dispose()
    try:
        server = replica.ReplicaServer(site, port=port)
    except OSError as exc:
        raise ValueError(
            f"cannot serve the replica on 127.0.0.1:{port} ({exc.strerror}); try --port N"
        ) from exc
    server.start()
    slug = truth["site"]["slug"]
    console.print(f"Replica portal [bold]{truth['site']['name']}[/] serving at {server.base_url}")
    console.print(f"Archive: {db_url}")
    expected = sum(truth["totals"]["items_by_year"].values())
    try:
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("crawling detail pages", total=expected)

            def advance(record: Any) -> None:
                if isinstance(record, Detail):
                    progress.advance(task)

            outcome = run_crawl(server.base_url, db_url, slug=slug, on_record=advance)
    finally:
        server.stop()
    summary = outcome.summary()
    console.print(
        f"Crawl finished: {summary['pages']} pages, {summary['details_ok']} items fetched, "
        f"{summary['details_not_found']} not found, columns {summary['columns']}"
    )
    if outcome.fatal:
        console.print(f"[bold red]crawl failed:[/] {outcome.fatal}")
        return outcome.exit_code
    db = open_database(db_url)
    with db.session() as session:
        figures = report_figures(session, slug, REPORT_YEAR)
    db.dispose()
    claims = truth.get("report_claims") or truth["report_2018"]
    table = Table(title=f"{truth['site']['name']} {REPORT_YEAR}年 — 年度报告所列 vs 存档", show_lines=True)
    for header in ("指标", "年报所列", "存档", "差异", "口径 (definition)"):
        table.add_column(header, overflow="fold")
    for figure in figures:
        claimed = claims.get(figure.key)
        diff = "" if claimed is None else f"{figure.archived - claimed:+d}"
        table.add_row(
            figure.label,
            "" if claimed is None else str(claimed),
            str(figure.archived),
            diff,
            figure.definition,
        )
    console.print(table)
    console.print("Next: zwgk audit counts --year 2018   (per column; --by taxonomy, --format json|csv)")
    return outcome.exit_code
