"""The one interface both engines implement, and the shapes that cross it.

Why so small: the engine-independent work (analysis, validation, cursors, highlighting,
scoping rules) happens around the backend, so an adapter only translates a `Plan` into its
engine's query and back, and builds a fresh index for a full re-index, swapped in atomically.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from tourstack.search.analysis import terms_text
from tourstack.search.config import AGENCY, ID, NAME_SORT, SIGNAL, TERMS_SUFFIX, IndexSpec
from tourstack.search.query import Plan

# Documents are flat dicts: "id" (str), the index's text, facet and number fields, "agency_id"
# (0 for shared or unscoped documents), "rank_signal" (0..100) and "name_sort".
Document = dict[str, Any]


@dataclass(frozen=True)
class RawResult:
    documents: list[tuple[Document, float]]  # stored documents (without the __terms fields), best first
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class SearchBackend(Protocol):
    name: str

    def replace_index(self, spec: IndexSpec, documents: Iterable[Document], synonyms: tuple[tuple[str, ...], ...]) -> str:
        """Build a new index from `documents`, then swap it in; return where it lives.

        Searches keep being answered from the old index until the swap."""

    def run(self, plan: Plan) -> RawResult:
        """Execute a compiled plan; raise SearchUnavailable when the engine cannot answer."""

    def upsert(self, spec: IndexSpec, documents: Iterable[Document]) -> int:
        """Add or replace documents (by id) in the live index; return how many."""

    def delete(self, spec: IndexSpec, ids: Iterable[str]) -> None:
        """Remove documents by id from the live index; unknown ids are no error."""


def prepare(spec: IndexSpec, document: Document, language: str) -> Document:
    """A document with the defaults every backend relies on and its analysed text fields."""
    doc = dict(document)
    doc[ID] = str(doc[ID])
    doc[AGENCY] = int(doc.get(AGENCY) or 0)
    doc[SIGNAL] = int(doc.get(SIGNAL) or 0)
    doc[NAME_SORT] = str(doc.get(NAME_SORT) or doc.get(spec.title) or "").lower()
    for name in spec.text:
        doc[name] = "" if doc.get(name) is None else str(doc[name])
        doc[name + TERMS_SUFFIX] = terms_text(doc[name], language)
    for name in spec.facets:
        doc[name] = "" if doc.get(name) is None else str(doc[name])
    for name in spec.numbers:
        doc[name] = int(doc.get(name) or 0)
    return doc


def stored(doc: Document) -> Document:
    return {key: value for key, value in doc.items() if not key.endswith(TERMS_SUFFIX)}
