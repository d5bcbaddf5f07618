"""Text normalisation for full-text search with Russian and English morphology.

SQLite's FTS5 has no Russian stemmer, so documents and queries are reduced to
Snowball stems here before they reach it: "родителями" and "родители" both
become "родител". PostgreSQL uses its own ``russian`` and ``english``
configurations instead.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import Stemmer

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]")
MIN_TOKEN_LENGTH = 2


@functools.cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def tokens(text: str) -> list[str]:
    """Split text into lower-case words, with «ё» folded to «е»."""
    folded = unicodedata.normalize("NFC", text).lower().replace("ё", "е")
    return [word for word in _WORD.findall(folded) if len(word) >= MIN_TOKEN_LENGTH]


def stem(word: str) -> str:
    language = "russian" if _CYRILLIC.search(word) else "english"
    return _stemmer(language).stemWord(word)


def stems(text: str) -> list[str]:
    """Return the Snowball stems of every word, in order, for indexing."""
    return [stem(word) for word in tokens(text)]


def query_stems(text: str) -> list[str]:
    """Return the distinct stems of a query, in order of first appearance."""
    return list(dict.fromkeys(stems(text)))
