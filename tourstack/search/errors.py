"""Search refusals, in the shared families so the API answers them with its one handler."""

from __future__ import annotations

from tourstack.errors import Conflict, DomainError, Invalid, NotFound


class SearchError(DomainError):
    """Any refusal by search."""


class InvalidSearch(SearchError, Invalid):
    code = "invalid-search"
    title = "Invalid search"


class InvalidSearchCursor(SearchError, Invalid):
    code = "invalid-cursor"
    title = "Invalid cursor"


class UnknownIndex(SearchError, NotFound):
    code = "unknown-search-index"
    title = "Unknown search index"


class SearchUnavailable(SearchError, Conflict):
    """The engine cannot answer now (index not built yet, server down, engine fault)."""

    code = "search-unavailable"
    title = "Search unavailable"
