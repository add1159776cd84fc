"""Search by title, 索引号 and 文号 through the trigram index gives exactly what the LIKE scan gave.

On SQLite (FTS5 trigram over a copy kept by triggers) and PostgreSQL (pg_trgm GIN), on hand-made
items with every awkward character and on a crawled replica, for queries of one character and up;
and an archive migrated from before the index gets it filled.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from helpers import run_zwgk
from sqlalchemy import MetaData, create_engine, delete, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from storage import reads
from storage import repository as repo
from storage.db import Database, alembic_config, open_database
from storage.models import Item, ItemColumn, Site
from storage.search import MIN_INDEXED, SEARCH_FIELDS, search_statement

logger = logging.getLogger(__name__)

T0 = datetime(2018, 6, 1, 8, 0, tzinfo=UTC)
# Titles no tokenizer would like: Chinese without spaces, wildcards, quotes, backslashes, padding,
# one- and two-character titles (which have no trigram), case that only ASCII folds.
TITLES = [
    "关于印发黑山县2018年政府信息公开工作要点的通知",
    "黑山县人民政府办公室关于做好2019年春节期间安全生产工作的通知",
    "Annual REPORT on Open Government Information",
    "annual report 2018",
    "100%完成年度目标",
    "a_b 测试下划线",
    "50% off_sale",
    'He said "hello" to 县长',
    "it's 县里的事",
    '""',
    "C:\\path\\file 路径",
    "  空格  标题 ",
    "县",
    "公开",
    "a",
    "ab",
    "ÄRGER mit Umlaut",
    "ärger klein",
    "第一句。第二句",
    "％全角百分号＿全角下划线",
]
INDEX_NOS = ["11210726/2018-00047", "11210726/2019-00001", "11210726-2018-10%", "A_B/2020", None]
DOC_NOS = ["黑政办发〔2018〕47号", "黑政发〔2019〕1号", "黑政办〔2018〕5号", "无", None]
QUERIES = [
    "黑山县",
    "黑山",
    "黑",
    "通知",
    "2018",
    "〔2018〕",
    "47号",
    "%",
    "%完成",
    "_",
    "a_b",
    "_sale",
    "％",
    '"',
    '"hello"',
    '""',
    "'",
    "it's",
    "\\",
    "\\path",
    "C:\\path",
    "report",
    "REPORT",
    "Report 2018",
    "ärger",
    "ÄRGER",
    "rger",
    "  空格",
    "空格  标题",
    " ",
    "县",
    "公开",
    "ab",
    "a",
    "第二句",
    "没有这样的标题",
    "11210726/",
    "2018-00047",
    "-10%",
    "A_B",
    "〔2018〕47",
    "黑政办发文件1",
]


def like_search(session: Session, q: str, field: str, site: str | None = None) -> list[int]:
    """The search as it was before the index: a LIKE over the items, wildcards escaped, by id."""
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    if field == "title":
        where = or_(Item.title.like(pattern, escape="\\"), Item.list_title.like(pattern, escape="\\"))
    else:
        where = getattr(Item, field).like(pattern, escape="\\")
    stmt = select(Item.id).join(Site, Site.id == Item.site_id).where(where)
    if site:
        stmt = stmt.where(Site.slug == site)
    return list(session.scalars(stmt.order_by(Item.id)))


def indexed_search(session: Session, q: str, field: str, site: str | None = None) -> tuple[list[int], str]:
    stmt, method = search_statement(session, [Item.id], q, field, site)
    return list(session.scalars(stmt)), method


def assert_same(session: Session, queries: list[str], sites: list[str | None]) -> dict[str, int]:
    """Every query, field and site gives the LIKE's items; returns how often each method ran."""
    methods: dict[str, int] = {}
    for q in queries:
        for field in SEARCH_FIELDS:
            for site in sites:
                found, method = indexed_search(session, q, field, site)
                assert found == like_search(session, q, field, site), (q, field, site, method)
                assert method == ("index" if len(q) >= MIN_INDEXED else "scan"), (q, method)
                methods[method] = methods.get(method, 0) + 1
    return methods


def build_items(db: Database) -> dict[str, int]:
    """Two sites, the awkward titles, 120 similar ones (more than two pages), then edits."""
    ids: dict[str, int] = {}
    with db.session() as s:
        for slug in ("alpha", "beta"):
            site = repo.ensure_site(s, slug, f"{slug}县", f"http://{slug}.example/", "trs")
            column = repo.ensure_column(
                s, site, "政府信息公开/政府文件", f"http://{slug}.example/zfwj/", "trs", None, None, None, T0
            )
            for n, title in enumerate(TITLES + [f"黑政办发文件{k}" for k in range(120)]):
                url = f"http://{slug}.example/zfwj/{n}.html"
                # Odd items have no own title yet: only the title their listing gave.
                list_title = title if n % 2 else f"列表标题{n}"
                item = repo.record_listing(
                    s, site, column, url, list_title, date(2018, 1, 1), n, False, None, None, None, None, T0
                )
                if n % 2 == 0:
                    fields = {
                        "title": title,
                        "index_no": INDEX_NOS[n % len(INDEX_NOS)],
                        "doc_no": DOC_NOS[n % len(DOC_NOS)],
                        "published_on": date(2018, 2, 1),
                        "content_hash": f"h{n}",
                    }
                    repo.record_detail(s, site, url, fields, T0)
                ids[f"{slug}/{n}"] = item
        # An edit changes what the index must find; a refetch with the same title changes nothing.
        edited = {"title": "新标题已改写XYZ", "content_hash": "h-edit", "published_on": date(2018, 2, 1)}
        repo.record_detail(s, 1, "http://alpha.example/zfwj/0.html", edited, T0 + timedelta(days=1))
    return ids


QUERIES_AFTER_EDIT = ["新标题", "已改写XYZ", "xyz", "关于印发黑山县"]


def test_indexed_search_equals_the_like_scan(db: Database) -> None:
    build_items(db)
    with db.session() as s:
        methods = assert_same(s, QUERIES + QUERIES_AFTER_EDIT, [None, "alpha", "beta"])
        # The edit is found under its new title only (alpha), the old title still under beta.
        assert len(indexed_search(s, "关于印发黑山县", "title")[0]) == 1
        assert indexed_search(s, "新标题已改写", "title")[0] == like_search(s, "新标题已改写", "title")
    assert methods["index"] and methods["scan"]


def test_search_pages_follow_the_like_order(db: Database) -> None:
    build_items(db)
    with db.session() as s:
        everything = like_search(s, "黑政办发文件", "title")
        assert len(everything) == 240
        pages = [reads.search_items(s, "黑政办发文件", "title", None, page) for page in (1, 2, 5, 6)]
        assert [r.id for r in pages[0].rows] == everything[:50] and pages[0].has_next
        assert [r.id for r in pages[1].rows] == everything[50:100]
        assert [r.id for r in pages[2].rows] == everything[200:240] and not pages[2].has_next
        assert pages[3].rows == [] and not pages[3].has_next
        assert pages[0].method == "index"
        short = reads.search_items(s, "文件", "title", "beta", 2)
        assert [r.id for r in short.rows] == like_search(s, "文件", "title", "beta")[50:100]
        assert short.method == "scan"


def test_the_index_follows_every_write(db: Database) -> None:
    ids = build_items(db)
    with db.session() as s:
        # Writes the crawler never makes, but the index must follow: an item inserted directly and
        # given a new id, a cleared title, a deleted item.
        lone = s.execute(
            insert(Item)
            .values(
                site_id=2, url="http://beta.example/lone", title="孤立条目ABC", first_seen=T0, last_seen=T0
            )
            .returning(Item.id)
        ).scalar_one()
        s.execute(update(Item).where(Item.id == lone).values(id=99_999))
        s.execute(update(Item).where(Item.id == ids["beta/2"]).values(title=None, list_title="改名之后"))
        s.execute(delete(ItemColumn).where(ItemColumn.item_id == ids["beta/3"]))
        s.execute(delete(Item).where(Item.id == ids["beta/3"]))
    with db.session() as s:
        assert_same(s, QUERIES + ["改名之后", "列表标题", "孤立条目"], [None, "beta"])
        assert indexed_search(s, "孤立条目", "title")[0] == [99_999]
        if s.get_bind().dialect.name == "sqlite":
            assert_index_consistent(s)


def assert_index_consistent(session: Session) -> None:
    """SQLite: the copy equals the items, and the FTS index its content (FTS5's own check)."""
    copy = session.execute(
        text("SELECT id, title, list_title, index_no, doc_no FROM item_search_text ORDER BY id")
    ).all()
    items = session.execute(
        select(Item.id, Item.title, Item.list_title, Item.index_no, Item.doc_no).order_by(Item.id)
    ).all()
    assert [tuple(r) for r in copy] == [tuple(r) for r in items]
    session.execute(text("INSERT INTO item_search (item_search, rank) VALUES ('integrity-check', 1)"))


def test_crawled_archive_search_equals_the_like_scan(tiny_server, db_url: str, tmp_path) -> None:
    crawled = run_zwgk(
        "crawl", tiny_server.base_url, "--site", "tiny", "--db", db_url, "--data", str(tmp_path), "--json"
    )
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    db = open_database(db_url)
    try:
        with db.session() as s:
            texts = [
                t
                for row in s.execute(
                    select(Item.title, Item.list_title, Item.index_no, Item.doc_no).order_by(Item.url)
                )
                for t in row
                if t
            ]
            assert len(texts) > 50
            rng = random.Random(6)
            queries = QUERIES[:]
            for _ in range(60):  # pieces of what the archive holds, one to six characters long
                source = rng.choice(texts)
                start = rng.randrange(len(source))
                queries.append(source[start : start + rng.randint(1, 6)])
            methods = assert_same(s, list(dict.fromkeys(q for q in queries if q)), [None, "tiny"])
            assert methods["index"] > 100 and methods["scan"] > 10
            if s.get_bind().dialect.name == "sqlite":
                assert_index_consistent(s)
    finally:
        db.dispose()


def test_an_archive_from_before_the_index_gets_it_filled(db_url: str, tmp_path) -> None:
    (tmp_path / "data").mkdir(exist_ok=True)  # where the SQLite URL points; open_database would make it
    config = alembic_config(db_url)
    command.upgrade(config, "0005")
    engine = create_engine(db_url)
    # written as an archive of that schema holds it: today's writers know columns it does not have yet
    old = MetaData()
    old.reflect(engine)
    with Session(engine) as s:
        site = s.execute(
            insert(old.tables["site"]).values(
                slug="old", name="旧县", base_url="http://old.example/", cms="trs", created_at=T0
            )
        ).inserted_primary_key[0]
        column = s.execute(
            insert(old.tables["column"]).values(
                site_id=site, path="通知公告", name="通知公告", url="http://old.example/tzgg/", cms="trs",
                status="ok", first_seen=T0, last_seen=T0,
            )
        ).inserted_primary_key[0]  # fmt: skip
        for n, title in enumerate(TITLES):
            item = s.execute(
                insert(old.tables["item"]).values(
                    site_id=site, url=f"http://old.example/tzgg/{n}.html", title=title, list_title=title,
                    doc_no=DOC_NOS[n % 5], list_date=date(2018, 1, 1), kind="article", fetch_status="ok",
                    foreign=False, first_seen=T0, last_seen=T0,
                )
            ).inserted_primary_key[0]  # fmt: skip
            s.execute(
                insert(old.tables["item_column"]).values(
                    item_id=item, column_id=column, first_seen=T0, last_seen=T0
                )
            )
        s.commit()
        before = {q: like_search(s, q, "title") for q in QUERIES}
    engine.dispose()
    db = open_database(db_url)  # migrates to head
    try:
        with db.session() as s:
            assert s.execute(text("SELECT version_num FROM alembic_version")).scalar_one() >= "0007"
            assert {q: indexed_search(s, q, "title")[0] for q in QUERIES} == before
            assert_same(s, QUERIES, [None])
            if s.get_bind().dialect.name == "sqlite":
                assert s.execute(text("SELECT count(*) FROM item_search_text")).scalar_one() == len(TITLES)
                assert_index_consistent(s)
            else:
                # Whether the planner uses it is its own business (a tiny table is scanned; and an index
                # built over updated rows waits for older transactions anywhere on the server).
                found = s.execute(
                    text(
                        "SELECT indexdef, indisvalid FROM pg_indexes JOIN pg_index "
                        "ON indexrelid = to_regclass(indexname) WHERE indexname = 'ix_item_search_trgm' "
                        "AND schemaname = current_schema()"
                    )
                ).one()
                assert found.indisvalid
                for name in ("title", "list_title", "index_no", "doc_no"):
                    assert f"{name} public.gin_trgm_ops" in found.indexdef, found.indexdef
            assert s.scalar(select(func.count()).select_from(Item)) == len(TITLES)
    finally:
        db.dispose()


def test_the_dashboard_says_when_a_search_scans(db: Database, tmp_path) -> None:
    from audit.web import create_app

    build_items(db)
    url = db.engine.url.render_as_string(hide_password=False)
    db.dispose()
    app = create_app(url, None, token="")
    client = app.test_client()
    short = client.get("/api/search?q=黑")
    assert short.status_code == 200 and short.get_json()["method"] == "scan"
    assert client.get("/api/search?q=黑政办").get_json()["method"] == "index"
    page = client.get("/search?q=县").get_data(as_text=True)
    assert "逐条查找" in page
    assert "逐条查找" not in client.get("/search?q=黑山县").get_data(as_text=True)
    body = json.loads(client.get("/api/search?q=10%25&field=index_no").get_data(as_text=True))
    assert body["rows"] and {r["index_no"] for r in body["rows"]} == {"11210726-2018-10%"}
    app.config["ZWGK_ARCHIVE"].dispose()


def test_unknown_field_and_empty_query_are_refused(db: Database) -> None:
    with db.session() as s:
        with pytest.raises(ValueError, match="unknown search field"):
            search_statement(s, [Item.id], "黑山", "body_text")
        with pytest.raises(ValueError, match="nothing to search"):
            search_statement(s, [Item.id], "", "title")
