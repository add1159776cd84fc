"""What a WAF answers instead of a blocked column's pages: 加速乐-style JS cookie challenges."""

from __future__ import annotations

import hashlib


def token(seed: int, path: str) -> str:
    return hashlib.sha1(f"{seed}:{path}".encode()).hexdigest()


def challenge(status: int, seed: int, path: str) -> str:
    """The body of a 412/521 answer: a script that sets ``__jsl_clearance_s`` and reloads the page."""
    tok = token(seed, path)
    stamp = f"{1550000000 + int(tok[:6], 16) % 9999999}.{int(tok[6:9], 16) % 1000:03d}"
    if status == 521:
        # 加速乐's first answer: the clearance cookie assembled from fragments.
        script = (
            f"document.cookie=('_')+('_jsl_clearance_s')+('=')+('{stamp}')+('|0|')+('{tok[:20]}')"
            f"+('{tok[20:32]}')+(';max-age=3600;path=/');location.href=location.pathname+location.search"
        )
    else:
        script = (
            f"document.cookie=('_')+('_jsl_clearance_s')+('=')+('{stamp}|0|{tok[:32]}')"
            "+(';max-age=3600;path=/');location.href=location.pathname+location.search"
        )
    return f"<html><body><script>{script}</script></body></html>"


def set_cookie(seed: int) -> str:
    """The site-wide visitor cookie 加速乐 hands out with its challenge."""
    return f"__jsluid_s={token(seed, 'jsluid')[:32]}; max-age=31536000; path=/; HttpOnly"
