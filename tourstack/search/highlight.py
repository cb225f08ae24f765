"""Highlighted fragments: the words of a stored field that the query matched, marked.

Written here rather than taken from the engines so that both backends mark the same words:
a word is marked when its analysed form equals a query term or synonym, lies within the
query word's typo distance, or (autocomplete) starts with the typed prefix. The rest of the
text is HTML-escaped, so a fragment is safe to insert into a page as it is.
"""

from __future__ import annotations

import html
import re

from rapidfuzz.distance import Levenshtein

from tourstack.search.analysis import fold, stem
from tourstack.search.query import WordQuery

MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"
FRAGMENT_CHARS = 160
# A word as people write it: letters and digits, with apostrophes inside ("Humayun's").
_WORD = re.compile(r"[^\W_]+(?:['\u2019\u02bc][^\W_]+)*")


def _matches(term: str, words: tuple[WordQuery, ...], fuzzy: bool) -> bool:
    for word in words:
        for position, candidate in enumerate(word.terms):
            if term == candidate or (word.prefix and term.startswith(candidate)):
                return True
            if fuzzy and position == 0 and word.distance and Levenshtein.distance(term, candidate) <= word.distance:
                return True
    return False


def highlight(
    text: str, words: tuple[WordQuery, ...], language: str = "english", *, fuzzy: bool = True
) -> str | None:
    """`text` with matched words in <mark>, cut to a fragment around the first; None if none."""
    spans = []
    for match in _WORD.finditer(text):
        term = stem("".join(re.findall(r"[a-z0-9]", fold(match.group()))), language)
        if term and _matches(term, words, fuzzy):
            spans.append((match.start(), match.end()))
    if not spans:
        return None
    start = 0
    end = len(text)
    if len(text) > FRAGMENT_CHARS:
        start = max(0, spans[0][0] - FRAGMENT_CHARS // 4)
        end = min(len(text), start + FRAGMENT_CHARS)
    parts, cursor = [], start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        parts.append(html.escape(text[cursor:span_start]))
        parts.append(MARK_OPEN + html.escape(text[span_start:span_end]) + MARK_CLOSE)
        cursor = span_end
    parts.append(html.escape(text[cursor:end]))
    fragment = "".join(parts)
    return ("…" if start > 0 else "") + fragment + ("…" if end < len(text) else "")
