"""Real-time indexing: the search outbox drained every minute.

Changes to indexed rows leave outbox messages in their own transaction
(tourstack.search.changes.track_changes, installed on the API's sessions); this job delivers
them to the live index with retries and backoff (tourstack.messaging.drain). A job of one op,
not an asset: it materialises nothing new, it carries changes into what `search_indexes` built.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from dagster import OpExecutionContext, job, op

from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.scheduling import scheduled_job
from orchestration.defs.services import SearchResource


@op(description="Deliver due search outbox messages to the live search indexes.")
def drain_search_outbox(context: OpExecutionContext, operational_db: OperationalDatabase, search: SearchResource) -> None:
    from tourstack.db.engine import make_sessionmaker
    from tourstack.messaging import drain
    from tourstack.search import SearchService
    from tourstack.search.changes import CONSUMER, deliver_changes

    service = SearchService(search.backend())
    with operational_db.engine() as engine:
        sessions = make_sessionmaker(engine)
        total = 0
        while True:  # until nothing is due (each round takes one batch)
            summary = drain(sessions, CONSUMER, deliver_changes(sessions, service))
            total += summary.delivered
            if summary.failed or summary.dead:
                context.log.warning(f"search outbox: {summary.failed} to retry, {summary.dead} dead-lettered")
            if summary.delivered + summary.failed + summary.dead == 0 or summary.failed or summary.dead:
                break
    context.log.info(f"search outbox: {total} changes indexed")


@job(description="Carry committed changes to the live search indexes (the search outbox).")
def search_outbox_job() -> None:
    drain_search_outbox()


search_outbox_schedule = scheduled_job("search_outbox_job", job=search_outbox_job, cron="* * * * *")
