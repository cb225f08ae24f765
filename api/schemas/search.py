"""Search answers: hits with highlighted fragments, facet counts, an opaque next-page cursor."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tourstack.search import SearchResult, Suggestion
from tourstack.search.spelling import Correction


class FacetValue(BaseModel):
    value: str
    count: int


class SearchHit(BaseModel):
    id: str
    score: float = Field(description="engine relevance score; 0 when sorted by a field")
    document: dict[str, Any] = Field(description="the indexed record; money as *_minor with its currency")
    highlights: dict[str, str] = Field(
        description="field -> HTML-escaped fragment with the matched words in <mark>"
    )


class SearchPage(BaseModel):
    index: str
    total: int = Field(description="matching documents the caller may see")
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]] = Field(description="counts over the filtered matches")
    next_cursor: str | None = Field(description="pass as `cursor` with the same query for the next page")

    @classmethod
    def build(cls, result: SearchResult) -> SearchPage:
        return cls(
            index=result.index, total=result.total, next_cursor=result.next_cursor,
            hits=[SearchHit(id=h.id, score=h.score, document=h.document, highlights=h.highlights)
                  for h in result.hits],
            facets={
                name: [FacetValue(value=v, count=c) for v, c in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]
                for name, counts in result.facets.items()
            },
        )


class SuggestionItem(BaseModel):
    index: str
    id: str
    text: str
    highlight: str


class Completions(BaseModel):
    items: list[SuggestionItem] = Field(description="titles that start with what was typed, index by index")

    @classmethod
    def build(cls, suggestions: list[Suggestion]) -> Completions:
        return cls(items=[SuggestionItem(index=s.index, id=s.id, text=s.text, highlight=s.highlight)
                          for s in suggestions])


class DidYouMean(BaseModel):
    text: str = Field(description="the corrected query, lower-case, to search instead")
    highlight: str = Field(description="the same, HTML-escaped, with the changed words in <mark>")
    changes: list[tuple[str, str]] = Field(description="(typed word, suggested word) pairs")

    @classmethod
    def build(cls, correction: Correction) -> DidYouMean:
        return cls(text=correction.text, highlight=correction.highlight, changes=list(correction.changes))


class Suggestions(Completions):
    did_you_mean: DidYouMean | None = Field(
        description="the query spelt as the words of documents the caller may see; null when every word is known"
    )
