"""Search definitions: the nightly full re-index and the minute-by-minute outbox drain."""

from orchestration.defs.search.assets import nightly_search_reindex, search_indexes, search_reindex_job
from orchestration.defs.search.changes import search_outbox_job, search_outbox_schedule

__all__ = [
    "nightly_search_reindex", "search_indexes", "search_outbox_job", "search_outbox_schedule", "search_reindex_job",
]
