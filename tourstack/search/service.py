"""Search as the API, Dagster and the CLI call it: validate, plan, run on a backend, present.

Scoping lives in the plan (an `agency_id` filter the backend applies inside its query), so hits,
totals, facet counts and suggestions are all computed on the caller's documents only; nothing
is filtered out afterwards.
"""

from __future__ import annotations

import dataclasses

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tourstack.search.backend import Document, SearchBackend, prepare, stored
from tourstack.search.config import ID, SearchConfig, default_config
from tourstack.search.highlight import highlight
from tourstack.search.spelling import Correction, correct
from tourstack.search.query import (
    MAX_DEPTH, MAX_LIMIT, SearchRequest, compile_request, encode_cursor, parse_words, suggestion_plan,
)
from tourstack.search.errors import InvalidSearch, UnknownIndex

MAX_SUGGESTIONS = 20


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    document: Document
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    index: str
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]]
    next_cursor: str | None


@dataclass(frozen=True)
class Suggestion:
    index: str
    id: str
    text: str
    highlight: str


class SearchService:
    def __init__(self, backend: SearchBackend, config: SearchConfig | None = None) -> None:
        self.backend = backend
        self.config = config or default_config()

    def search(self, request: SearchRequest) -> SearchResult:
        plan = compile_request(request, self.config)
        raw = self.backend.run(plan)
        # No document has every word: any word, best first. Not on indexes of identifiers
        # (bookings by ref, agents by e-mail), where a part of a reference is another document.
        if raw.total == 0 and len(plan.words) > 1 and not plan.index.exact:
            plan = dataclasses.replace(plan, match_all=False)
            raw = self.backend.run(plan)
        hits = []
        for doc, score in raw.documents:
            marks = {}
            for name in plan.fields:
                fragment = highlight(str(doc.get(name) or ""), plan.words, self.config.language,
                                     fuzzy=name not in plan.index.exact)
                if fragment is not None:
                    marks[name] = fragment
            hits.append(Hit(id=str(doc[ID]), score=score, document=doc, highlights=marks))
        end = plan.offset + len(hits)
        more = len(hits) == plan.limit and end < raw.total and end + plan.limit <= MAX_DEPTH
        return SearchResult(
            index=plan.index.name, hits=hits, total=raw.total, facets=raw.facets,
            next_cursor=encode_cursor(plan.fingerprint, end) if more else None,
        )

    def suggest(
        self, q: str, indexes: Sequence[str], *, agency_id: int | None, limit: int = 10
    ) -> list[Suggestion]:
        """Autocomplete over `indexes` (the caller may see each), interleaved index by index."""
        if not 1 <= limit <= MAX_SUGGESTIONS:
            raise InvalidSearch(f"limit is 1..{MAX_SUGGESTIONS}")
        words = parse_words(q, self.config, prefix_last=True)
        per_index: list[list[Suggestion]] = []
        for name in indexes:
            spec = self.config.indexes.get(name)
            if spec is None:
                raise UnknownIndex(f"no search index {name!r}")
            raw = self.backend.run(suggestion_plan(spec, words, agency_id, limit))
            found = []
            for doc, _score in raw.documents:
                text = str(doc.get(spec.title) or "")
                found.append(Suggestion(
                    index=name, id=str(doc[ID]), text=text,
                    highlight=highlight(text, words, self.config.language,
                                        fuzzy=spec.title not in spec.exact) or text,
                ))
            per_index.append(found)
        merged: list[Suggestion] = []
        for row in range(limit):
            merged.extend(found[row] for found in per_index if row < len(found))
        return merged[:limit]

    def did_you_mean(self, q: str, indexes: Sequence[str], *, agency_id: int | None) -> Correction | None:
        """The query spelt as the words of the documents the caller may see in `indexes`."""
        for name in indexes:
            self._spec(name)
        return correct(self.backend, self.config, q, indexes, agency_id=agency_id)

    def index_documents(self, index: str, documents: Iterable[Document]) -> int:
        """Add or replace documents in the live index (a change since the last full build)."""
        spec = self._spec(index)
        return self.backend.upsert(spec, (prepare(spec, doc, self.config.language) for doc in documents))

    def remove_documents(self, index: str, ids: Iterable[str | int]) -> None:
        self.backend.delete(self._spec(index), [str(i) for i in ids])

    def _spec(self, index: str):
        spec = self.config.indexes.get(index)
        if spec is None:
            raise UnknownIndex(f"no search index {index!r}")
        return spec

    def reindex(self, documents: Mapping[str, Iterable[Document]]) -> dict[str, str]:
        """Full re-index of each named index (a new build swapped in); index -> location."""
        locations = {}
        for name, docs in documents.items():
            spec = self.config.indexes.get(name)
            if spec is None:
                raise UnknownIndex(f"no search index {name!r}")
            prepared = (prepare(spec, doc, self.config.language) for doc in docs)
            locations[name] = self.backend.replace_index(spec, prepared, self.config.synonyms)
        return locations


__all__ = ["Correction", "Hit", "MAX_LIMIT", "SearchResult", "SearchService", "Suggestion", "stored"]
