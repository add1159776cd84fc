"""Response headers and the optional access token.

Archived pages are hostile (hijacked titles, scripts, hidden links). The dashboard itself runs no
script at all, so its policy allows none; an archived page is served only from ``/raw/…`` under a
``sandbox`` policy and is framed only by the dashboard's own capture page.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

from flask import Flask, Request, redirect, request
from werkzeug.wrappers import Response

TOKEN_ENV = "ZWGK_TOKEN"
COOKIE = "zwgk_token"
RAW_PREFIX = "/raw/"

PAGE_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; frame-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
RAW_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
)


def cookie_value(token: str) -> str:
    """What the cookie holds: a digest of the token, never the token itself."""
    return hmac.new(token.encode(), b"zwgk-web-cookie", hashlib.sha256).hexdigest()


def is_raw(req: Request) -> bool:
    return req.path.startswith(RAW_PREFIX)


def check_token(token: str) -> Response | None:
    """None when the request may proceed; else a 401, or a redirect that trades ``?token=`` for a cookie."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip().encode(), token.encode()):
        return None
    if hmac.compare_digest(request.cookies.get(COOKIE, "").encode(), cookie_value(token).encode()):
        return None
    given = request.args.get("token")
    if given is not None and hmac.compare_digest(given.encode(), token.encode()):
        if is_raw(request) or request.method != "GET":
            return None
        rest = [(k, v) for k, v in request.args.items(multi=True) if k != "token"]
        target = request.path + ("?" + urlencode(rest) if rest else "")
        response = redirect(target, code=303)
        response.set_cookie(COOKIE, cookie_value(token), httponly=True, samesite="Strict", path="/")
        return response
    return unauthorized()


def unauthorized() -> Response:
    body = "需要访问令牌（ZWGK_TOKEN）：请使用 Authorization: Bearer 令牌，或在网址后加 ?token=令牌。\n"
    response = Response(body, status=401, mimetype="text/plain")
    response.headers["WWW-Authenticate"] = 'Bearer realm="zwgk"'
    return response


def secure_headers(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if is_raw(request):
        response.headers["Content-Security-Policy"] = RAW_CSP
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers.pop("Set-Cookie", None)
        response.headers["Cache-Control"] = "no-store"
    else:
        response.headers["Content-Security-Policy"] = PAGE_CSP
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def install(app: Flask, token: str | None) -> None:
    """Require ``token`` on every request (when set) and add the headers to every response."""
    if token:

        @app.before_request
        def _require_token() -> Response | None:
            return check_token(token)

    app.after_request(secure_headers)
