"""``zwgk demo``: serve the bundled replica, crawl it with a progress bar, print its 2018 figures
beside the annual report's, each with the definition the archive used."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import replica
from audit.definitions import rules_text
from audit.figures import Figure, report_figures
from crawler.items import Detail
from reports.units import measure_label, measure_of
from storage.db import database_url, open_database
from zwgk.commands import EXIT_ALREADY_RUNNING, crawl_site
from zwgk.runlock import AlreadyRunning
from zwgk.summary import columns_text, not_complete_lines

REPORT_YEAR = 2018
# What each figure counts, in one line; the rules every count follows are printed after them.
FIGURE_SCOPE = {
    "items_published": "全站不重复条目，发布日期在该年 / distinct items of the whole portal published in the year",
    "pictures": "其中图片类条目（列于图片类栏目，或页面以图片为主）/ of them, picture items (listed in a "
    "picture column such as 图片新闻, or a page mostly of photos)",
    "video_news": "其中视频类条目（列于视频类栏目，或页面带有视频）/ of them, video items (listed in a "
    "video column such as 视频新闻, or a page carrying a video)",
    "government_documents": "列于“政府文件”栏目的条目 / items listed in the 政府文件 column",
    "feature_column_cumulative": "政务公开重点工作专栏及其子栏目的不重复条目，截至该年12月31日（累计）"
    " / distinct items of the feature column and its sub-columns up to 31 December (cumulative)",
}

# The units the seed report writes after its media figures (图片96张, 视频新闻369条): what each counts
# (reports.units) decides which archived figure the report's number is set against.
FIGURE_UNITS = {"pictures": "张", "video_news": "条"}


def unit_line(figure: Figure, claimed: int | None) -> str | None:
    """For a media figure: the report's unit, the archived figure in that unit and its difference,
    and the figure by the other measure beside it; None for a figure with no other measure."""
    unit = FIGURE_UNITS.get(figure.key)
    if figure.other is None or figure.other_measure is None or unit is None or claimed is None:
        return None
    by_items = (figure.archived, measure_label("items"))
    by_files = (figure.other, figure.other_label)
    (used, used_label), (other, other_label) = (
        (by_files, by_items) if measure_of(unit) == figure.other_measure else (by_items, by_files)
    )
    return (
        f"{figure.label}：年报写“{claimed}{unit}”，单位“{unit}”→ {used_label}：存档 {used}，"
        f"差异 {used - claimed:+d}；另{other_label}：{other}"
    )


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

            # the same crawl as ``zwgk crawl``: run lock, WARC files, integrity scan, run record, rollup
            outcome, _ = crawl_site(
                server.base_url,
                data=data_dir,
                db_url=None,
                site=slug,
                console=console,
                on_record=advance,
                site_moved=True,  # the same replica portal, whatever port serves it this time
            )
    except AlreadyRunning as exc:
        console.print(f"zwgk: {exc}")
        return EXIT_ALREADY_RUNNING
    finally:
        server.stop()
    summary = outcome.summary()
    console.print(
        f"Crawl finished: {summary['pages']} pages, {summary['details_ok']} items fetched, "
        f"{summary['details_not_found']} not found, {columns_text(summary['columns'])}",
        highlight=False,
    )
    for line in not_complete_lines(summary["columns_not_complete"]):
        console.print(line, highlight=False)
    if outcome.fatal or outcome.interrupted:
        if outcome.fatal:
            console.print(f"[bold red]crawl failed:[/] {outcome.fatal}")
        else:
            console.print("[bold yellow]interrupted[/]: run the demo again to complete the archive")
        return outcome.exit_code
    db = open_database(db_url)
    with db.session() as session:
        figures = report_figures(session, slug, REPORT_YEAR)
    db.dispose()
    claims = truth.get("report_claims") or truth["report_2018"]
    table = Table(title=f"{truth['site']['name']} {REPORT_YEAR}年：年度报告所列 vs 存档", show_lines=False)
    for header in ("指标", "年报所列", "存档", "差异", "另一口径", "口径"):
        table.add_column(header, justify="right" if header in ("年报所列", "存档", "差异") else "left")
    for number, figure in enumerate(figures, 1):
        claimed = claims.get(figure.key)
        diff = "" if claimed is None else f"{figure.archived - claimed:+d}"
        other = "" if figure.other is None else f"{figure.other_label} {figure.other}"
        table.add_row(
            figure.label,
            "" if claimed is None else str(claimed),
            str(figure.archived),
            diff,
            other,
            f"[{number}]",
        )
    console.print(table)
    in_units = [u for u in (unit_line(f, claims.get(f.key)) for f in figures) if u]
    if in_units:
        console.print("单位 (each media figure in the unit the report writes; 存档 above counts items):")
        for text in in_units:
            console.print(f"  {text}", highlight=False)
    console.print("口径 (what each archived number counts):")
    for number, figure in enumerate(figures, 1):
        console.print(f"  [{number}] {FIGURE_SCOPE.get(figure.key, figure.definition)}", highlight=False)
    console.print("计数规则 (counting rules):")
    console.print(rules_text("zh"), highlight=False)
    console.print(rules_text("en"), highlight=False)
    console.print("Next: zwgk audit counts --year 2018   (per column; --by taxonomy, --format json|csv)")
    return outcome.exit_code
