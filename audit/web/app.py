"""The auditors' dashboard: a read-only Flask application over the archive.

``create_app(db_url, warc_dir)`` builds it; ``zwgk serve`` runs it. Pages, exports (XLSX, CSV of
every table) and the JSON API (``/api/…``) all read through the same functions as the command line.
"""

from __future__ import annotations

import importlib
import os
from datetime import date
from pathlib import Path

from flask import Flask

from audit.health import load_settings
from audit.web import api, inspection, pages, report_view, security
from audit.web.cache import ResultCache
from audit.web.context import close_session
from audit.web.table_views import Params, site_counts, sites_view
from storage.readonly import ReadOnlyArchive
from storage.reads import list_sites
from taxonomy import default_taxonomy

HERE = Path(__file__).resolve().parent
# Large enough for a long annual report pasted as text; uploads are read, never stored.
MAX_UPLOAD_BYTES = 4 * 2**20


def create_app(
    db_url: str,
    warc_dir: Path | str | None = None,
    *,
    token: str | None = None,
    today: date | None = None,
) -> Flask:
    """The application over the archive at ``db_url``; archived pages are read from ``warc_dir``.

    ``token`` (default ``$ZWGK_TOKEN``) is then required on every request; ``today`` fixes the
    default as-of date (tests).
    """
    app = Flask(
        __name__,
        template_folder=str(HERE / "templates"),
        static_folder=str(HERE / "static"),
        static_url_path="/static",
    )
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD_BYTES
    app.config["ZWGK_ARCHIVE"] = ReadOnlyArchive(db_url)
    app.config["ZWGK_WARC_DIR"] = Path(warc_dir) if warc_dir else None
    app.config["ZWGK_TODAY"] = today
    app.config["ZWGK_CACHE"] = ResultCache()
    app.jinja_env.autoescape = True
    security.install(app, token if token is not None else os.environ.get(security.TOKEN_ENV) or None)

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(inspection.bp)
    app.register_blueprint(report_view.bp)
    _prepare(app)

    app.teardown_appcontext(close_session)
    return app


def _prepare(app: Flask) -> None:
    """Do now, once, what the first visitor would otherwise wait for: compile every template, read
    the taxonomy and the indicator settings, load the spreadsheet writer."""
    for name in app.jinja_env.list_templates(extensions=["html"]):
        app.jinja_env.get_template(name)
    default_taxonomy()
    load_settings()
    importlib.import_module("openpyxl")


def warm(app: Flask, token: str | None = None) -> None:
    """Ask the slow questions once (overview, each site, comparison, indicators) so auditors do not wait."""
    archive: ReadOnlyArchive = app.config["ZWGK_ARCHIVE"]
    with app.app_context(), archive.session() as s:
        as_of = app.config["ZWGK_TODAY"] or date.today()
        sites_view(s, Params(as_of=as_of))
        for site in list_sites(s):
            site_counts(s, site.slug)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for url in ("/compare", "/health", "/findings"):
        client.get(url, headers=headers)
