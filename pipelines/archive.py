"""Write every fetched exchange to WARC: the evidence an auditor shows, exactly as served.

An exchange whose payload equals the last full capture of the same URL becomes a ``revisit``
record (identical-payload-digest) instead of a second copy. The record's file and offset are put
on the ``Fetched`` record for the store pipeline to keep in the ``capture`` table.
"""

from __future__ import annotations

import logging
import os
import re
import socket
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.clock import clock_from_settings
from crawler.items import CrawlTarget, Fetched
from storage.db import database_url, open_database
from storage.frontier import last_payloads
from storage.warc import OPEN_SUFFIX, WarcWriter, payload_digest, reason_phrase, repair_file

logger = logging.getLogger(__name__)


def _writer_is_gone(name: str) -> bool:
    """Whether the writer of a ``.open`` file (named …-{host}-{pid}-{serial}.warc.gz.open) is dead.

    Files of other hosts sharing the folder are left alone: their writers may be alive.
    """
    worker = name.rsplit("-", 1)[0]
    host = re.sub(r"[^A-Za-z0-9._-]+", "_", socket.gethostname())
    match = re.search(rf"-{re.escape(host)}-(\d+)$", worker)
    if match is None:
        return False
    pid = int(match.group(1))
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def repair_abandoned(folder: Path) -> list[Path]:
    """Finish the WARC files left ``.open`` by a writer that died (kill -9): cut a torn last record
    (kept beside as ``.torn``), rename, index. Returns the files repaired."""
    repaired = []
    for path in sorted(folder.glob(f"*{OPEN_SUFFIX}")):
        if _writer_is_gone(path.name[: -len(OPEN_SUFFIX)].removesuffix(".warc.gz")):
            result = repair_file(path)
            logger.warning("repaired abandoned WARC %s: %s", path.name, "; ".join(result.actions) or "ok")
            repaired.append(path)
    return repaired


class ArchivePipeline:
    def __init__(self, crawler: Crawler, folder: Path, max_bytes: int, db_url: str) -> None:
        self.crawler = crawler
        self.distributed = crawler.settings.getbool("ZWGK_DISTRIBUTED", False)
        self.clock = clock_from_settings(crawler.settings)
        self.folder = folder
        self.max_bytes = max_bytes
        self.db_url = db_url
        self.writer: WarcWriter | None = None
        self.last_by_site: dict[str, dict[str, tuple[str, datetime]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        folder = crawler.settings.get("ZWGK_WARC_DIR")
        if not folder:
            raise NotConfigured("ZWGK_WARC_DIR is not set: no WARC evidence is written")
        db_url = crawler.settings.get("ZWGK_DB_URL") or database_url()
        return cls(crawler, Path(folder), crawler.settings.getint("ZWGK_WARC_MAX_BYTES"), db_url)

    def open_spider(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        repair_abandoned(self.folder)

    def _begin(self, target: CrawlTarget) -> None:
        """A site's crawl begins: its last captures are loaded; the first site opens the writer."""
        self._last_of(target.site)
        if self.writer is None:
            operator = "zwgk worker" if self.distributed else f"zwgk crawl of {target.site}"
            self.writer = WarcWriter(self.folder, operator=operator)

    def _last_of(self, slug: str) -> dict[str, tuple[str, datetime]]:
        """The last full capture's payload digest of every URL of ``slug`` (loaded once per site)."""
        last = self.last_by_site.get(slug)
        if last is None:
            db = open_database(self.db_url)
            with db.session() as session:
                last = self.last_by_site[slug] = last_payloads(session, slug)
            db.dispose()
        return last

    def process_item(self, item: Any) -> Any:
        if isinstance(item, CrawlTarget):
            self._begin(item)
        if not isinstance(item, Fetched):
            return item
        assert self.writer is not None, "a Fetched record before its site's CrawlTarget"
        fetched_at = datetime.fromisoformat(item.fetched_at) if item.fetched_at else self.clock.now()
        packed, item.packed = item.packed, None  # prepared by a page-analysis worker, if any
        digest = packed.digest if packed is not None else payload_digest(item.body)
        last = self._last_of(item.site)
        previous = last.get(item.url)
        revisit = previous if item.status == 200 and previous is not None and previous[0] == digest else None
        if packed is not None and revisit is None:
            location = self.writer.append(item.url, fetched_at, item.status, packed)
        else:
            location = self._write(item, fetched_at, revisit)
        item.warc_file, item.warc_offset, item.warc_length = location.file, location.offset, location.length
        item.payload_digest, item.record_type = location.payload_digest, location.record_type
        item.changed = revisit is None
        if revisit is None and item.status == 200:
            last[item.url] = (digest, fetched_at)
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"zwgk/warc_{location.record_type}")
        return item

    def _write(self, item: Fetched, fetched_at: datetime, revisit: tuple[str, datetime] | None) -> Any:
        assert self.writer is not None
        return self.writer.write_exchange(
            item.url,
            fetched_at,
            item.status,
            reason_phrase(item.status),
            item.response_headers,
            item.body,
            item.request_headers,
            method=item.method,
            revisit_of=(item.url, revisit[1]) if revisit else None,
        )

    def close_spider(self) -> None:
        if self.writer is not None:
            self.writer.close()
