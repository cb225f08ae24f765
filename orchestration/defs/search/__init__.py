"""Search definitions: the full re-index of every search index and its nightly schedule."""

from orchestration.defs.search.assets import nightly_search_reindex, search_indexes, search_reindex_job

__all__ = ["nightly_search_reindex", "search_indexes", "search_reindex_job"]
