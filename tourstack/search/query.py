"""What a search asks for, checked and compiled into a plan both backends execute the same way.

Why compile here: every rule a caller could break (empty or huge queries, unknown facets and
sorts, filter values that could smuggle syntax into an engine's filter language, a cursor from
another query) is refused once, before an engine sees anything; engines receive analysed words
and typed filters, never the caller's query string, so no query-parser syntax can reach them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tourstack.search.analysis import analyse, synonym_map
from tourstack.search.config import IndexSpec, SearchConfig, SortSpec
from tourstack.search.errors import InvalidSearch, InvalidSearchCursor, UnknownIndex

MAX_LIMIT = 100
MAX_DEPTH = 1000  # offset + limit: deeper pages are refused, not served slowly
MAX_FILTER_CHARS = 100
# Filter values are plain labels; backticks, backslashes and control characters never are,
# and refusing them keeps a value from ever being read as Typesense filter syntax.
_BAD_FILTER_CHARS = re.compile(r"[`\\\x00-\x1f\x7f]")


@dataclass(frozen=True)
class SearchRequest:
    index: str
    q: str
    filters: Mapping[str, str] = field(default_factory=dict)
    facets: Sequence[str] | None = None  # None: every facet of the index
    sort: str = "relevance"
    limit: int = 20
    cursor: str | None = None
    agency_id: int | None = None  # the caller's agency for scoped indexes; None = staff


@dataclass(frozen=True)
class WordQuery:
    """One query word: its analysed form first, then its synonyms; all alternatives."""

    terms: tuple[str, ...]
    distance: int  # typo edits allowed on terms[0]
    prefix: bool = False  # autocomplete: the word may be the start of an indexed word


@dataclass(frozen=True)
class Plan:
    index: IndexSpec
    words: tuple[WordQuery, ...]
    fields: dict[str, int]  # searched text field -> boost
    filters: tuple[tuple[str, str], ...]
    agency_id: int | None
    facets: tuple[str, ...]
    sort: SortSpec | None  # None: relevance
    offset: int
    limit: int
    fingerprint: str
    # Every word must match; when none matches all of them, the service asks again with
    # match_all=False (any word, best first), as engines relax a query with no exact answer.
    match_all: bool = True


def parse_words(q: str, config: SearchConfig, *, prefix_last: bool = False) -> tuple[WordQuery, ...]:
    if not q or not q.strip():
        raise InvalidSearch("q must not be empty")
    if len(q) > config.max_query_chars:
        raise InvalidSearch(f"q is at most {config.max_query_chars} characters")
    terms = analyse(q, config.language)
    if not terms:
        raise InvalidSearch("q has no searchable words (letters or digits)")
    if len(terms) > config.max_query_words:
        raise InvalidSearch(f"q is at most {config.max_query_words} words")
    synonyms = synonym_map(config.synonyms, config.language)
    words = []
    for position, term in enumerate(terms):
        words.append(WordQuery(
            terms=synonyms.get(term, (term,)), distance=config.typo_distance(term),
            prefix=prefix_last and position == len(terms) - 1,
        ))
    return tuple(words)


_IDENTIFIER = re.compile(r"[0-9a-z]{4,20}")
_SEPARATORS = re.compile(r"[\s\-_./#]+")


def _as_identifier(q: str, spec: IndexSpec) -> str:
    """On an index of identifiers, a query that is one identifier typed with spaces, dashes,
    other case or look-alike letters becomes that identifier; any other query is left as is."""
    prefix = spec.identifier_prefix
    if not spec.identifier_confusables or not prefix:
        return q
    compact = _SEPARATORS.sub("", q.strip().lower())
    if not compact.startswith(prefix) or not _IDENTIFIER.fullmatch(compact):
        return q
    tail = "".join(spec.identifier_confusables.get(c, c) for c in compact[len(prefix):])
    return prefix + tail if any(c.isdigit() for c in tail) else q


def _spec(config: SearchConfig, index: str) -> IndexSpec:
    try:
        return config.index(index)
    except KeyError:
        raise UnknownIndex(f"no search index {index!r}; known: {', '.join(config.indexes)}") from None


def _filters(spec: IndexSpec, filters: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    checked = []
    for name, value in sorted(filters.items()):
        if name not in spec.facets:
            raise InvalidSearch(f"unknown filter {name!r} for {spec.name}; known: {', '.join(spec.facets)}")
        if not value or len(value) > MAX_FILTER_CHARS or _BAD_FILTER_CHARS.search(value):
            raise InvalidSearch(f"filter {name!r} takes a label of 1..{MAX_FILTER_CHARS} plain characters")
        checked.append((name, value))
    return tuple(checked)


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:20]


def encode_cursor(fingerprint: str, offset: int) -> str:
    raw = json.dumps({"v": 1, "q": fingerprint, "o": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, fingerprint: str, limit: int) -> int:
    """The offset a cursor stands for; refused unless it was issued for this very query."""
    if len(cursor) > 200:
        raise InvalidSearchCursor("malformed cursor")
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidSearchCursor("malformed cursor") from None
    if not isinstance(data, dict) or data.get("v") != 1 or not isinstance(data.get("o"), int):
        raise InvalidSearchCursor("malformed cursor")
    if data.get("q") != fingerprint:
        raise InvalidSearchCursor("the cursor belongs to another query; start again without it")
    # Cursors mark page boundaries: engines that page by number (Typesense) rely on it.
    if not 0 < data["o"] < MAX_DEPTH or data["o"] % limit:
        raise InvalidSearchCursor("malformed cursor")
    return data["o"]


def compile_request(request: SearchRequest, config: SearchConfig) -> Plan:
    spec = _spec(config, request.index)
    if not 1 <= request.limit <= MAX_LIMIT:
        raise InvalidSearch(f"limit is 1..{MAX_LIMIT}")
    # Search as you type: the last word may be the start of a word ("westm", "kashi vi").
    words = parse_words(_as_identifier(request.q, spec), config, prefix_last=True)
    filters = _filters(spec, request.filters)
    facets = tuple(spec.facets if request.facets is None else request.facets)
    unknown = [name for name in facets if name not in spec.facets]
    if unknown:
        raise InvalidSearch(f"unknown facet {unknown[0]!r} for {spec.name}; known: {', '.join(spec.facets)}")
    if request.sort not in spec.sort_names:
        raise InvalidSearch(f"unknown sort {request.sort!r} for {spec.name}; known: {', '.join(spec.sort_names)}")
    agency_id = request.agency_id if spec.scope != "none" else None
    fingerprint = _fingerprint(spec.name, words, filters, facets, request.sort, request.limit, agency_id)
    offset = 0 if request.cursor is None else decode_cursor(request.cursor, fingerprint, request.limit)
    return Plan(
        index=spec, words=words, fields=dict(spec.text), filters=filters, agency_id=agency_id,
        facets=facets, sort=spec.sorts.get(request.sort), offset=offset,
        limit=request.limit, fingerprint=fingerprint,
    )


def suggestion_plan(spec: IndexSpec, words: tuple[WordQuery, ...], agency_id: int | None, limit: int) -> Plan:
    """Autocomplete on one index: the title field only, the last word as a prefix, no facets."""
    return Plan(
        index=spec, words=words, fields={spec.title: 1}, filters=(),
        agency_id=agency_id if spec.scope != "none" else None, facets=(), sort=None,
        offset=0, limit=limit, fingerprint="",
    )
