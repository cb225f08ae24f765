"""Real-time indexing: every change to an indexed row leaves an outbox message in its own
transaction; a worker re-reads the row and updates the live index.

Capture: `track_changes(sessions)` listens on a sessionmaker's flushes. After each flush it
notes which indexed documents the flushed rows belong to (a site, an itinerary or one of its
days or items, a supplier, a booking, an agent); before the transaction ends, one outbox
message per document and transaction is written (the shared outbox of tourstack.messaging,
channel "search", recipient the index), so the message commits or rolls back with the change.
Writers need not remember to call anything.

Delivery: `SearchIndexTransport(sessions, service)` is the search channel's transport, so the
one outbox dispatcher (retries, back-off, dead letters, replay) carries changes to the index as
it carries messages to people: the document is read again from the database as it now stands
(so messages can arrive late or twice and the index still ends up right) and upserted, or
removed when the row is gone or soft-deleted. Changes that touch other documents indirectly (an agency renamed,
a customer's name, the bookings counted for popularity) reach search at the nightly re-index.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from tourstack.db.models import Agent, Booking, Destination, Itinerary, ItineraryDay, ItineraryItem, OutboxMessage, Site, Supplier
from tourstack.messaging.outbox import enqueue
from tourstack.messaging.transports import OutboundMessage
from tourstack.search.documents import BUILDERS

CHANNEL = "search"
EVENT = "search.document"
_PENDING = "search_changes"  # session.info: {(index, id)} flushed in this transaction
_TXN = "search_changes_txn"
_DIRECT = {Site: "sites", Destination: "destinations", Itinerary: "itineraries", Supplier: "suppliers",
           Booking: "bookings", Agent: "agents"}


def _document_of(session: Session, obj: object) -> tuple[str, int] | None:
    for model, index in _DIRECT.items():
        if isinstance(obj, model):
            return index, obj.id  # type: ignore[attr-defined]
    if isinstance(obj, ItineraryDay):
        return "itineraries", obj.itinerary_id
    if isinstance(obj, ItineraryItem):
        with session.no_autoflush:
            day = session.get(ItineraryDay, obj.itinerary_day_id)
        return ("itineraries", day.itinerary_id) if day is not None else None
    return None


def _after_flush(session: Session, _context) -> None:
    pending: set[tuple[str, int]] = session.info.setdefault(_PENDING, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, OutboxMessage):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        found = _document_of(session, obj)
        if found is not None and found[1] is not None:
            pending.add(found)


def _before_commit(session: Session) -> None:
    """Turn the noted documents into outbox rows; the commit's flush writes them with the rest."""
    session.flush()  # rows changed since the last flush are noted too
    pending: set[tuple[str, int]] = session.info.pop(_PENDING, set())
    if not pending:
        return
    txn = session.info.setdefault(_TXN, uuid.uuid4().hex)
    for index, doc_id in sorted(pending):
        enqueue(session, event_type=EVENT, event_key=f"{index}/{doc_id}/{txn}", channel=CHANNEL,
                recipient=index, payload={"index": index, "id": int(doc_id)})


def _after_end(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_TXN, None)


def track_changes(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """Write a search outbox message for every indexed row its sessions change; idempotent."""
    if not event.contains(sessions, "after_flush", _after_flush):
        event.listen(sessions, "after_flush", _after_flush)
        event.listen(sessions, "before_commit", _before_commit)
        event.listen(sessions, "after_commit", _after_end)
        event.listen(sessions, "after_rollback", _after_end)
    return sessions


class SearchIndexTransport:
    """The outbox transport of the search channel: applies one document's change to the live
    index of `service` (a tourstack.search.SearchService), reading the document from `sessions`."""

    def __init__(self, sessions: sessionmaker[Session], service) -> None:
        self.sessions = sessions
        self.service = service

    def send(self, message: OutboundMessage) -> str:
        index, doc_id = message.payload["index"], int(message.payload["id"])
        with self.sessions() as session:
            docs = list(BUILDERS[index](session, self.service.config.ranking, dt.datetime.now(dt.UTC), ids=[doc_id]))
        if docs:
            self.service.index_documents(index, docs)
            return f"indexed {index}/{doc_id}"
        self.service.remove_documents(index, [doc_id])
        return f"removed {index}/{doc_id}"
