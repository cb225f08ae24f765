"""The search indexes, rebuilt in full from the operational database.

Each index is built anew (tantivy: a new directory, then the `current` link is replaced;
Typesense: a new collection, then the alias is moved) so searches are answered without a gap
while it runs. Nightly at 02:30 Asia/Kolkata, after the day's bookings are in and before the
morning; `tourstack demo` runs it once. Which engine is configured by TOURSTACK_SEARCH_BACKEND
through the `search` resource.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from dagster import AssetExecutionContext, AssetSelection, MaterializeResult, MetadataValue, asset
from sqlalchemy.orm import Session

from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.scheduling import scheduled_job
from orchestration.defs.services import SearchResource


@asset(
    group_name="search",
    kinds={"sqlalchemy", "python"},
    description="Full re-index of the sites, itineraries, suppliers, bookings and agents search "
                "indexes from the operational database, each swapped in when complete.",
)
def search_indexes(
    context: AssetExecutionContext, operational_db: OperationalDatabase, search: SearchResource
) -> MaterializeResult:
    from tourstack.search import SearchService
    from tourstack.search.documents import rebuild_from_database

    backend = search.backend()
    service = SearchService(backend)
    with operational_db.engine() as engine, Session(engine) as session:
        locations = rebuild_from_database(session, service)
    for name, where in locations.items():
        context.log.info(f"search index {name}: {where}")
    return MaterializeResult(metadata={
        "backend": backend.name,
        "locations": MetadataValue.json(locations),
    })




@asset(
    group_name="search",
    kinds={"sqlalchemy", "python"},
    description="Recommendations over catalogue sites (also booked, per-agency lists) trained from the "
                "bookings and saved as one snapshot the API serves (tourstack.recommend).",
)
def recommendations(
    context: AssetExecutionContext, operational_db: OperationalDatabase, search: SearchResource
) -> MaterializeResult:
    from tourstack.recommend import save_snapshot, train_snapshot

    with operational_db.engine() as engine, Session(engine) as session:
        snapshot = train_snapshot(session)
    where = save_snapshot(snapshot, search.recommendations_path())
    context.log.info(f"recommendations from {snapshot.bookings} bookings: {where}")
    return MaterializeResult(metadata={
        "bookings": snapshot.bookings, "agencies": len(snapshot.agencies),
        "sites_with_neighbours": len(snapshot.neighbours), "path": str(where),
    })


nightly_search_reindex = scheduled_job(
    "search_reindex_job",
    selection=AssetSelection.assets(search_indexes, recommendations),
    description="Rebuild every search index and the recommendations from the operational database.",
    cron="30 2 * * *", timezone="Asia/Kolkata", schedule_name="nightly_search_reindex",
)
search_reindex_job = nightly_search_reindex.job
