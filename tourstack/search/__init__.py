"""Search over sites, itineraries, suppliers, bookings and agents (issue 14).

One `SearchService` over one `SearchBackend` protocol with two adapters: tantivy (embedded,
the default; the index lives under var/) and Typesense (a server). Analysis, synonyms, boosts,
typo rules and ranking weights come from `search.yaml` beside this module.
"""

from tourstack.search.backend import Document, RawResult, SearchBackend
from tourstack.search.config import SearchConfig, default_config, load_config
from tourstack.search.errors import (
    InvalidSearch, InvalidSearchCursor, SearchError, SearchUnavailable, UnknownIndex,
)
from tourstack.search.query import SearchRequest
from tourstack.search.service import Hit, SearchResult, SearchService, Suggestion

__all__ = [
    "Document", "Hit", "InvalidSearch", "InvalidSearchCursor", "RawResult", "SearchBackend",
    "SearchConfig", "SearchError", "SearchRequest", "SearchResult", "SearchService",
    "SearchUnavailable", "Suggestion", "UnknownIndex", "default_config", "load_config",
]
