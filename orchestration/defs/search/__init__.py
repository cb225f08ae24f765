"""Search definitions: the nightly full re-index (changes between re-indexes reach the live
indexes through the outbox, delivered by orchestration/defs/messaging)."""

from orchestration.defs.search.assets import nightly_search_reindex, recommendations, search_indexes, search_reindex_job

__all__ = ["nightly_search_reindex", "recommendations", "search_indexes", "search_reindex_job"]
