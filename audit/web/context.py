"""What every part of the dashboard shares in a request: the read-only session and today's date.

A leaf module: pages, the API and the parameters import it, and it imports none of them.
"""

from __future__ import annotations

from datetime import date

from flask import current_app, g

from storage.reads import Session

SESSION_KEY = "zwgk_session"


def session() -> Session:
    """The request's read-only session (opened on first use, rolled back at the end)."""
    if SESSION_KEY not in g:
        setattr(g, SESSION_KEY, current_app.config["ZWGK_ARCHIVE"].open_session())
    found: Session = getattr(g, SESSION_KEY)
    return found


def today() -> date:
    """The default as-of date: the app's fixed day (tests), else today."""
    fixed: date | None = current_app.config["ZWGK_TODAY"]
    return fixed or date.today()


def close_session(_exc: BaseException | None) -> None:
    """Roll back and close the request's session, if one was opened (a teardown handler)."""
    found = g.pop(SESSION_KEY, None)
    if found is not None:
        found.rollback()
        found.close()
