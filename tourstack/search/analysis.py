"""Text analysis, done once in Python for documents and queries alike, for both backends.

Why here and not in each engine: Typesense 0.24 has no stemmer and tantivy's simple tokenizer
splits "Bahá'í" into "baha" and "i"; analysing in one place means "forts" finds "fort" and
"bahai" finds "Bahá'í" on either backend, and the behaviour tests hold for both. The engines
then index the analysed words (a `<field>__terms` field) and do what they are good at on
them: exact, fuzzy (typo) and prefix matching, scoring, filters and facet counts.

Steps: Unicode NFKD and drop combining marks (ASCII folding: "Bahá'í" -> "Baha'i"), drop
apostrophes so possessives and transliterations stay one word ("Humayun's" -> "humayuns"),
lower-case, split on anything not a letter or digit, Snowball-stem each word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u02b9`\u00b4]")
_WORD = re.compile(r"[a-z0-9]+")
# Letters NFKD does not decompose to ASCII.
_EXTRA_FOLDS = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i"})


def fold(text: str) -> str:
    """Lower-case ASCII: accents removed, apostrophes dropped."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_EXTRA_FOLDS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _APOSTROPHES.sub("", text)


def words(text: str) -> list[str]:
    """The folded words of `text`, unstemmed (prefixes for autocomplete are matched on these)."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=8)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


def stem(word: str, language: str = "english") -> str:
    return _stemmer(language).stemWord(word)


def analyse(text: str | None, language: str = "english") -> list[str]:
    """The words an engine indexes for `text`: folded, then stemmed."""
    if not text:
        return []
    stemmer = _stemmer(language)
    return [stemmer.stemWord(word) for word in words(text)]


def terms_text(text: str | None, language: str = "english") -> str:
    """`analyse` joined by spaces: what goes into a `<field>__terms` field."""
    return " ".join(analyse(text, language))


def synonym_map(groups: Iterable[Iterable[str]], language: str = "english") -> dict[str, tuple[str, ...]]:
    """Analysed word -> every analysed member of its groups (itself first)."""
    expansions: dict[str, list[str]] = {}
    for group in groups:
        members = [term for word in group for term in analyse(word, language)]
        for member in members:
            known = expansions.setdefault(member, [member])
            known.extend(m for m in members if m not in known)
    return {word: tuple(members) for word, members in expansions.items()}
