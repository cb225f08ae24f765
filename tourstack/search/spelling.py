"""Did you mean: the spelling of the caller's query as the words of the documents it may see.

Why the engine finds the candidates: the words a correction may use are the words of the
documents the caller is allowed to see, and the engines already answer "which visible documents
hold a word within n edits of this one", with the agency scope inside the query. So each query
word is searched on its own (typo tolerance on, no prefix, the index's scope), and the words of
the returned documents are the candidate vocabulary: a correction can never name a word found
only in another agency's bookings, and a document indexed a second ago already counts. A
separate dictionary (SymSpell and the like) would have to be built per agency and kept in step
with real-time indexing.

Choosing: a word is left alone when a returned document holds it (or a synonym) exactly;
otherwise the closest candidate wins (optimal string alignment distance on the analysed words,
as the engines count typos), then the one more documents hold, then the alphabetically first.
Identifier fields (booking references, e-mails) are never used: one edit away is another record.
Corrections reach as far as the search's own typo rules in search.yaml (1 edit from 4 letters,
2 from 8); a word further from every indexed word gets no suggestion.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from tourstack.search.analysis import fold, stem
from tourstack.search.backend import SearchBackend
from tourstack.search.config import IndexSpec, SearchConfig
from tourstack.search.query import Plan, WordQuery, parse_words

# Documents read per query word and index: enough to hold the common spellings near a word.
CANDIDATE_DOCUMENTS = 25
# A word as people write it, apostrophes inside ("Humayun's"), as tourstack.search.highlight reads it.
_WORD = re.compile(r"[^\W_]+(?:['\u2019\u02bc][^\W_]+)*")


def _surface_words(text: str) -> list[tuple[str, str]]:
    """(the word lower-cased as written, its folded form) for each word of `text`; the folded
    form is what analysis stems (accents and apostrophes gone)."""
    out = []
    for match in _WORD.finditer(text):
        folded = "".join(re.findall(r"[a-z0-9]", fold(match.group())))
        if folded:
            out.append((match.group().lower(), folded))
    return out


@dataclass(frozen=True)
class Correction:
    """The corrected query (folded, lower-case), the same with the changed words in <mark>,
    and each change as (typed word, suggested word)."""

    text: str
    highlight: str
    changes: tuple[tuple[str, str], ...]


def _spelling_plan(spec: IndexSpec, word: WordQuery, agency_id: int | None) -> Plan:
    fields = {name: boost for name, boost in spec.text.items() if name not in spec.exact}
    return Plan(
        index=spec, words=(word,), fields=fields, filters=(),
        agency_id=agency_id if spec.scope != "none" else None, facets=(), sort=None,
        offset=0, limit=CANDIDATE_DOCUMENTS, fingerprint="",
    )


def _candidates(backend: SearchBackend, specs: Sequence[IndexSpec], word: WordQuery,
                agency_id: int | None, language: str) -> Counter[str] | None:
    """Visible words within the word's typo distance -> documents holding them; None when a
    visible document holds the word itself (or a synonym): nothing to correct."""
    found: Counter[str] = Counter()
    for spec in specs:
        plan = _spelling_plan(spec, word, agency_id)
        if not plan.fields:
            continue
        for doc, _score in backend.run(plan).documents:
            seen = set()
            for name in plan.fields:
                for surface, folded in _surface_words(str(doc.get(name) or "")):
                    term = stem(folded, language)
                    if term in word.terms:
                        return None
                    if OSA.distance(term, word.terms[0]) <= word.distance:
                        seen.add(surface)
            found.update(seen)
    return found


def correct(backend: SearchBackend, config: SearchConfig, q: str, indexes: Sequence[str],
            *, agency_id: int | None) -> Correction | None:
    """The query with each misspelt word replaced by the closest visible word; None if every
    word is known or has no close visible word."""
    typed = _surface_words(q)
    analysed = parse_words(q, config)  # checks q (empty, too long, too many words) as search does
    if len(typed) != len(analysed):  # a word the analysis split or dropped: leave the query alone
        return None
    specs = [config.indexes[name] for name in indexes]
    out, marked, changes = [], [], []
    for (token, folded), word in zip(typed, analysed, strict=True):
        best = None
        if word.distance and not folded.isdigit():
            counts = _candidates(backend, specs, word, agency_id, config.language)
            if counts:
                best = min(counts, key=lambda c: (OSA.distance(c, token), -counts[c], c))
        if best is None or best == token:
            out.append(token)
            marked.append(html.escape(token))
        else:
            out.append(best)
            marked.append(f"<mark>{html.escape(best)}</mark>")
            changes.append((token, best))
    if not changes:
        return None
    return Correction(text=" ".join(out), highlight=" ".join(marked), changes=tuple(changes))


__all__ = ["CANDIDATE_DOCUMENTS", "Correction", "correct"]
