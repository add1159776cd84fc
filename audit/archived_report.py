"""A year's annual report read straight from the archive, and reconciled.

``find_report`` takes the archive's candidates for the year (``storage.reads.reports``: a 年报
column, or a title naming the year's report), reads each candidate's archived page from the WARC and,
when the page is only a shell linking the report as a PDF or DOCX, the archived attachment. Nothing is
fetched from the network: an attachment the archive does not hold is said to be missing, by URL.
``reconcile_document`` reconciles a report of any format (page, PDF, DOCX, text) the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urljoin

from audit.reconcile import Reconciliation, reconcile_claims, reconcile_tables, reconcile_text
from documents import Document, DocumentError, read_document
from reports import Report, ReportError, report_from_document
from reports.table_two import table_report
from reports.website import is_statement_report, statement_claims
from storage import reads
from storage.reads import Session
from storage.reads.reports import ReportItem, report_items, statement_items
from storage.warc import WarcError, read_response

logger = logging.getLogger(__name__)

SOURCES = ("page", "pdf", "docx")
ATTACHMENT_TYPES = ("pdf", "docx", "doc", "wps")


@dataclass(frozen=True)
class Archived:
    """A payload as the archive holds it."""

    url: str
    body: bytes
    content_type: str | None


# Reads a URL's payload from the archive (None when the archive holds no good capture of it).
ArchiveReader = Callable[[str], Archived | None]


@dataclass(frozen=True)
class FoundReport:
    """The report for a year: the item it was found as, what was read (the page or an attachment), the
    report read, and the notes on candidates passed over (why each was not the report)."""

    item: ReportItem
    url: str
    via: str  # page | pdf | docx | …
    report: Report
    document: Document
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def kind(self) -> str:
        """``annual-report`` (政府信息公开工作年度报告) or ``website-statement`` (政府网站工作年度报表)."""
        return STATEMENT if is_statement_report(self.report) else ANNUAL_REPORT


ANNUAL_REPORT, STATEMENT = "annual-report", "website-statement"
KIND_NAMES = {ANNUAL_REPORT: "政府信息公开工作年度报告", STATEMENT: "政府网站工作年度报表"}


class ReportNotFound(LookupError):
    """No archived item could be read as the year's report; the message says what was tried."""


def warc_reader(session: Session, warc_dir: Path | None) -> ArchiveReader:
    """Reads the newest good (HTTP 200) capture of a URL from the WARC files in ``warc_dir``."""

    def read(url: str) -> Archived | None:
        if warc_dir is None:
            return None
        for found in reads.captures_of(session, [url]):
            if found.http_status != 200:
                continue
            try:
                archived = read_response(
                    warc_dir,
                    found.warc_file,
                    found.warc_offset,
                    resolver=lambda uri, when, digest: reads.capture_location(session, uri, when, digest),
                )
            except (WarcError, OSError) as exc:
                logger.warning("capture %s of %s unreadable: %s", found.id, url, exc)
                continue
            kind = next((v for k, v in archived.headers if k.lower() == "content-type"), found.content_type)
            return Archived(url, archived.body, kind)
        return None

    return read


def find_report(
    session: Session, site: str, year: int, read: ArchiveReader, source: str | None = None
) -> FoundReport:
    """The archived report of ``site`` for ``year``; ``source`` page, pdf or docx reads that form only
    (default: the page, or its attachment when the page is only a shell). Raises ReportNotFound."""
    candidates = report_items(session, site, year)
    if not candidates:
        raise ReportNotFound(
            f"the archive holds no report of {site} for {year}: no item in a 年报 column for {year} and "
            f"no title naming “{year}年…政府信息公开工作年度报告”"
        )
    found = _first_readable(candidates, year, read, source, ANNUAL_REPORT)
    if isinstance(found, FoundReport):
        return found
    raise ReportNotFound(f"no archived item reads as the report of {site} for {year}: " + "; ".join(found))


def find_statement(
    session: Session, site: str, year: int, read: ArchiveReader, source: str | None = None
) -> FoundReport:
    """The archived 政府网站工作年度报表 of ``site`` for ``year`` (its page, or ``source`` pdf or docx,
    read as ``find_report`` reads a report). Raises ReportNotFound."""
    candidates = statement_items(session, site, year)
    if not candidates:
        raise ReportNotFound(
            f"the archive holds no 政府网站工作年度报表 of {site} for {year}: no title naming "
            f"“网站工作年度报表” or “网站年度报表” with {year}, or with no year and published in {year + 1}"
        )
    found = _first_readable(candidates, year, read, source, STATEMENT)
    if isinstance(found, FoundReport):
        return found
    raise ReportNotFound(
        f"no archived item reads as the 政府网站工作年度报表 of {site} for {year}: " + "; ".join(found)
    )


def _first_readable(
    candidates: list[ReportItem], year: int, read: ArchiveReader, source: str | None, kind: str
) -> FoundReport | list[str]:
    """The first candidate read as ``kind``, or the notes saying why none was."""
    notes: list[str] = []
    for item in candidates:
        found = _read_candidate(item, year, read, source, notes, kind)
        if found is not None:
            url, via, (report, document) = found
            return FoundReport(item, url, via, with_issuer(report, item), document, tuple(notes))
    return notes


def _read_candidate(
    item: ReportItem, year: int, read: ArchiveReader, source: str | None, notes: list[str], wanted: str
) -> tuple[str, str, tuple[Report, Document]] | None:
    label = f"{item.title or item.url} ({item.url})"
    if source in (None, "page"):
        page = read(item.url)
        if page is None:
            notes.append(f"{label}: its page is not in the archive")
        else:
            read_as, why = _as_report(page, year, wanted)
            if read_as is not None:
                return item.url, "page", read_as
            notes.append(f"{label}: the page {why}")
        if source == "page":
            return None
    files = _attachments(item, source)
    if not files:
        notes.append(f"{label}: it links no {source or 'PDF or DOCX'} attachment")
    for url, kind in files:
        archived = read(url)
        if archived is None:
            notes.append(
                f"{label}: its attachment {url} is not in the archive (attachments are not archived yet; "
                "nothing is fetched from the network)"
            )
            continue
        read_as, why = _as_report(archived, year, wanted)
        if read_as is not None:
            return url, kind, read_as
        notes.append(f"{label}: its attachment {url} {why}")
    return None


def with_issuer(report: Report, item: ReportItem) -> Report:
    """The report, its issuer filled from the site when neither its title nor the page's 发布机构
    names one (the report of a site's own 年报 column is the site's report)."""
    if report.issuer is not None or not item.site_name:
        return report
    note = f"issuer: named neither by the report's title nor by a 发布机构; taken from the site ({item.site_name})"
    return replace(report, issuer=item.site_name, notes=(*report.notes, note))


def _attachments(item: ReportItem, source: str | None) -> list[tuple[str, str]]:
    out = []
    for file in item.attachments:
        url = urljoin(item.url, str(file.get("url") or ""))
        kind = url.rsplit("?", 1)[0].rsplit(".", 1)[-1].lower()
        if kind in ATTACHMENT_TYPES and (source is None or source == kind):
            out.append((url, kind))
    return sorted(out, key=lambda f: ATTACHMENT_TYPES.index(f[1]))


def _as_report(archived: Archived, year: int, kind: str) -> tuple[tuple[Report, Document] | None, str]:
    try:
        document = read_document(archived.body, archived.url, archived.content_type)
        report = report_from_document(document)
    except (DocumentError, ReportError) as exc:
        return None, f"does not read as a report ({getattr(exc, 'reason', exc)})"
    read_as = STATEMENT if is_statement_report(report) else ANNUAL_REPORT
    if read_as != kind:
        return None, f"is a {KIND_NAMES[read_as]}, not a {KIND_NAMES[kind]}"
    if report.year not in (None, year):
        return None, f"is the report for {report.year}, not for {year}"
    return (report, document), ""


def reconcile_document(
    session: Session,
    site: str,
    year: int,
    data: bytes,
    name: str,
    content_type: str | None = None,
    with_items: bool = True,
) -> list[Reconciliation]:
    """A report in any format (page, PDF, DOCX, text) against the archive. Raises DocumentError or
    ReportError when it cannot be read as a report."""
    document = read_document(data, name, content_type)
    return reconcile_read(session, site, year, document, report_from_document(document), with_items)


def reconcile_read(
    session: Session, site: str, year: int, document: Document, report: Report, with_items: bool = True
) -> list[Reconciliation]:
    """A report already read: its table 二 when it has the fixed tables, and the claims of its text
    (claims.yaml: the prose of a fixed-table report states counts too), as ``reconcile_reports``
    treats a fixed-table page and a free-text report."""
    if is_statement_report(report):  # a 政府网站工作年度报表: the counts of its form
        return reconcile_claims(session, site, year, statement_claims(report), with_items=with_items)
    prose = reconcile_text(session, site, year, document.text, with_items=with_items)
    table = table_report(report)
    if table is not None:
        return reconcile_tables(session, site, year, [table], with_items) + prose
    return prose


def found_record(found: FoundReport) -> dict[str, object]:
    """Where the report was found and what was read, JSON-ready."""
    return {
        "kind": found.kind,
        "name": KIND_NAMES[found.kind],
        "item": found.item.url,
        "title": found.item.title,
        "found_by": found.item.found_by,
        "column": found.item.column,
        "read": found.url,
        "via": found.via,
        "year": found.report.year,
        "issuer": found.report.issuer,
        "format": found.report.format,
        "notes": list(found.notes),
    }
