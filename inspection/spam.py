"""Gambling and pornography vocabulary (博彩 / 色情) in a piece of text, weighed the way an
inspector would: a brand is evidence, a phrase is evidence unless the text is enforcement news,
ambiguous words count only together and only where the caller allows them.

The vocabulary is data, in ``spam.yaml``; government words in their place (福利彩票, 国家体育总局,
澳门特别行政区) are removed before matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from inspection.data import DATA_DIR, load_rules, require

RULES_FILE = DATA_DIR / "spam.yaml"


@dataclass(frozen=True)
class Vocabulary:
    brands: tuple[str, ...]
    phrases: tuple[str, ...]
    weak: tuple[str, ...]
    weak_min: int
    enforcement: tuple[str, ...]
    benign: tuple[str, ...]
    title_noise: re.Pattern[str]


@dataclass(frozen=True)
class SpamTerms:
    """The vocabulary found in one text, by tier (after benign words were removed)."""

    brands: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    weak_min: int = 2

    @property
    def strong(self) -> tuple[str, ...]:
        """Brands and phrases: each one alone is evidence."""
        return self.brands + self.phrases

    def is_spam(self, *, weak_counts: bool = False) -> bool:
        """Whether the text is spam: a brand or phrase, or (where ``weak_counts``) at least
        ``weak_min`` different weak words."""
        return bool(self.strong) or (weak_counts and len(self.weak) >= self.weak_min)

    def evidence(self, *, weak_counts: bool = False) -> list[str]:
        """The terms that make the text spam (empty when it is not)."""
        if not self.is_spam(weak_counts=weak_counts):
            return []
        return [*self.strong, *(self.weak if weak_counts else ())]


@cache
def load_vocabulary(path: Path = RULES_FILE) -> Vocabulary:
    """The vocabulary of ``spam.yaml`` (cached per process)."""
    data = load_rules(path)

    def terms(key: str) -> tuple[str, ...]:
        return tuple(str(t).lower() for t in require(data, key, list, path))

    return Vocabulary(
        brands=terms("brands"),
        phrases=terms("phrases"),
        weak=terms("weak"),
        weak_min=int(require(data, "weak_min", int, path)),
        enforcement=terms("enforcement"),
        # longest first, so that 中国福利彩票 goes before 福利彩票 leaves 中国 behind
        benign=tuple(sorted(terms("benign"), key=len, reverse=True)),
        title_noise=re.compile(str(require(data, "title_noise_regex", str, path))),
    )


def spam_terms(text: str, vocabulary: Vocabulary | None = None) -> SpamTerms:
    """The gambling and pornography vocabulary of ``text``, by tier."""
    vocab = vocabulary or load_vocabulary()
    lowered = (text or "").lower()
    for word in vocab.benign:
        lowered = lowered.replace(word, " ")
    brands = tuple(t for t in vocab.brands if t in lowered)
    if any(word in lowered for word in vocab.enforcement):
        return SpamTerms(brands=brands, weak_min=vocab.weak_min)
    return SpamTerms(
        brands=brands,
        phrases=tuple(t for t in vocab.phrases if t in lowered),
        weak=tuple(t for t in vocab.weak if t in lowered),
        weak_min=vocab.weak_min,
    )


def title_noise(text: str, vocabulary: Vocabulary | None = None) -> str | None:
    """The decorative noise (★✿ღ◈) an injected title carries, or None."""
    match = (vocabulary or load_vocabulary()).title_noise.search(text or "")
    return match.group(0) if match else None
