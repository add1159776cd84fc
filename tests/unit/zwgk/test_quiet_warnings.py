"""``zwgk`` shows the operator no third-party deprecation warnings (Scrapy's derive from Warning)."""

from __future__ import annotations

import warnings

from zwgk.cli import quiet_third_party_warnings


class ScrapyLikeDeprecation(Warning):
    """Like scrapy.exceptions.ScrapyDeprecationWarning: not a DeprecationWarning subclass."""


def test_library_deprecation_warnings_are_not_shown():
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        quiet_third_party_warnings()
        warnings.warn("x is deprecated, use y", DeprecationWarning, stacklevel=1)
        warnings.warn("Module scrapy.x is deprecated", ScrapyLikeDeprecation, stacklevel=1)
        warnings.warn_explicit(
            "old twisted API", UserWarning, "twisted/internet/x.py", 1, module="twisted.internet.x"
        )
        warnings.warn("a page was skipped", UserWarning, stacklevel=1)  # zwgk's own news still shows
    assert [str(w.message) for w in shown] == ["a page was skipped"]
