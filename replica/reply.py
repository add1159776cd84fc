"""An HTTP answer of the replica (status, type, bytes, headers) and the clock its dates are told in.

The route table (``replica.routes``) and the planted faults (``replica.faults``) both answer with a
:class:`Reply`; this module imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

# The replica's clock: pages are dated in China Standard Time.
CST = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, Content-Type header, body bytes and any further headers."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def html_reply(text: str, charset: str = "utf-8", status: int = 200) -> Reply:
    """An HTML page encoded in ``charset`` (characters it lacks as character references)."""
    header = "GBK" if charset == "gbk" else "UTF-8"
    return Reply(status, f"text/html; charset={header}", text.encode(charset, errors="xmlcharrefreplace"))


def http_date(moment: datetime) -> str:
    """An HTTP date (GMT) for a replica time (naive, China Standard Time)."""
    return format_datetime(moment.replace(tzinfo=CST).astimezone(UTC), usegmt=True)
