"""Real-time indexing: changes leave outbox messages in their transaction; draining applies them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests import factories as f
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import OutboxMessage, Site
from tourstack.messaging import RetryPolicy, drain
from tourstack.search import SearchRequest, SearchService
from tourstack.search.changes import CONSUMER, deliver_changes, track_changes
from tourstack.search.tantivy_backend import TantivyBackend


@pytest.fixture
def sessions(db_url):
    engine = make_engine(db_url)
    yield track_changes(make_sessionmaker(engine))
    engine.dispose()


@pytest.fixture
def service(tmp_path):
    svc = SearchService(TantivyBackend(tmp_path / "search"))
    svc.reindex({"sites": [], "bookings": [], "itineraries": []})
    return svc


def _site(dest_id: int, name: str) -> Site:
    return Site(destination_id=dest_id, name=name, category="fort", latitude=26.9, longitude=75.8,
                typical_duration_minutes=60, price_minor=1000, price_currency="INR", price_level=1,
                best_season="winter", popularity=50, description="")


def _messages(sessions) -> list[OutboxMessage]:
    with sessions() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _found(service, q: str, index: str = "sites", **kw) -> list[str]:
    return [h.id for h in service.search(SearchRequest(index=index, q=q, **kw)).hits]


def test_a_committed_change_is_indexed_by_draining(sessions, service):
    with sessions() as s:
        dest = f.make_destination(s)
        site = _site(dest.id, "Nahargarh Fort")
        s.add(site)
        s.commit()
        site_id = site.id
    (message,) = _messages(sessions)
    assert message.payload == {"index": "sites", "id": site_id} and message.status == "pending"
    assert _found(service, "nahargarh") == []
    assert drain(sessions, CONSUMER, deliver_changes(sessions, service)).delivered == 1
    assert _found(service, "nahargarh") == [str(site_id)]
    assert _messages(sessions)[0].status == "delivered"

    with sessions() as s:
        s.get(Site, site_id).name = "Tiger Fort"
        s.commit()
    drain(sessions, CONSUMER, deliver_changes(sessions, service))
    assert _found(service, "nahargarh") == [] and _found(service, "tiger") == [str(site_id)]

    with sessions() as s:
        s.get(Site, site_id).deleted_at = dt.datetime.now(dt.UTC)
        s.commit()
    drain(sessions, CONSUMER, deliver_changes(sessions, service))
    assert _found(service, "tiger") == []


def test_a_rolled_back_change_leaves_no_message(sessions):
    with sessions() as s:
        dest = f.make_destination(s)
        s.commit()
    with sessions() as s:
        s.add(_site(dest.id, "Jaigarh Fort"))
        s.flush()
        s.rollback()
    assert _messages(sessions) == []


def test_one_message_per_document_and_transaction(sessions):
    with sessions() as s:
        dest = f.make_destination(s)
        site = _site(dest.id, "Jaigarh Fort")
        s.add(site)
        s.flush()
        site.name = "Jaigarh Qila"
        s.flush()
        site.popularity = 60
        s.commit()
    assert len(_messages(sessions)) == 1


def test_a_booking_change_is_indexed_in_its_agency(sessions, service):
    with sessions() as s:
        agency = f.make_agency(s)
        booking = f.make_booking(s, f.make_agent(s, agency), booking_ref="BKLIVE0001")
        s.commit()
        agency_id = agency.id
    drain(sessions, CONSUMER, deliver_changes(sessions, service))
    assert _found(service, "BKLIVE0001", index="bookings", agency_id=agency_id) == [str(booking.id)]
    assert _found(service, "BKLIVE0001", index="bookings", agency_id=agency_id + 1000) == []


def test_failures_back_off_then_dead_letter(sessions, service):
    with sessions() as s:
        s.add(_site(f.make_destination(s).id, "Jaigarh Fort"))
        s.commit()
    policy = RetryPolicy(base_seconds=10, factor=2, max_attempts=3)

    def broken(message):
        raise RuntimeError("index offline")

    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=1)  # the message is due
    assert drain(sessions, CONSUMER, broken, now=start, policy=policy).failed == 1
    (message,) = _messages(sessions)
    assert message.attempts == 1 and message.next_attempt_at == start + dt.timedelta(seconds=10)
    assert "index offline" in message.last_error
    # Not due yet: nothing is tried.
    assert drain(sessions, CONSUMER, broken, now=start + dt.timedelta(seconds=5), policy=policy).failed == 0
    assert drain(sessions, CONSUMER, broken, now=start + dt.timedelta(seconds=10), policy=policy).failed == 1
    assert _messages(sessions)[0].next_attempt_at == start + dt.timedelta(seconds=30)
    assert drain(sessions, CONSUMER, broken, now=start + dt.timedelta(seconds=30), policy=policy).dead == 1
    assert _messages(sessions)[0].status == "dead"
    # A dead message is not retried.
    later = start + dt.timedelta(days=1)
    assert drain(sessions, CONSUMER, deliver_changes(sessions, service), now=later, policy=policy).delivered == 0
