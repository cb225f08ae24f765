"""Real-time indexing: changes leave outbox messages in their transaction; the outbox dispatcher
applies them to the live index through the search channel's transport."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from tests import factories as f
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import OutboxMessage, Site
from tourstack.messaging import dispatch_due, shipped_config
from tourstack.search import SearchRequest, SearchService
from tourstack.search.changes import SearchIndexTransport, track_changes
from tourstack.search.tantivy_backend import TantivyBackend


@pytest.fixture
def sessions(db_url):
    engine = make_engine(db_url)
    yield track_changes(make_sessionmaker(engine))
    engine.dispose()


@pytest.fixture
def service(tmp_path):
    svc = SearchService(TantivyBackend(tmp_path / "search"))
    svc.reindex({"sites": [], "destinations": [], "bookings": [], "itineraries": []})
    return svc


def _site(dest_id: int, name: str) -> Site:
    return Site(destination_id=dest_id, name=name, category="fort", latitude=26.9, longitude=75.8,
                typical_duration_minutes=60, price_minor=1000, price_currency="INR", price_level=1,
                best_season="winter", popularity=50, description="")


def _messages(sessions, index: str = "sites") -> list[OutboxMessage]:
    """The outbox messages for one index (making a destination leaves one for its own index)."""
    with sessions() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.recipient == index).order_by(OutboxMessage.id)))


def _deliver(sessions, service, **kw):
    return dispatch_due(sessions, {"search": SearchIndexTransport(sessions, service)}, shipped_config(), **kw)


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
    assert json.loads(message.payload) == {"index": "sites", "id": site_id} and message.status == "pending"
    assert (message.channel, message.recipient) == ("search", "sites")
    assert _found(service, "nahargarh") == []
    assert _deliver(sessions, service).sent == 2  # the site and its new destination
    assert _found(service, "nahargarh") == [str(site_id)]
    assert _messages(sessions)[0].status == "sent"

    with sessions() as s:
        s.get(Site, site_id).name = "Tiger Fort"
        s.commit()
    _deliver(sessions, service)
    assert _found(service, "nahargarh") == [] and _found(service, "tiger") == [str(site_id)]

    with sessions() as s:
        s.get(Site, site_id).deleted_at = dt.datetime.now(dt.UTC)
        s.commit()
    _deliver(sessions, service)
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
    _deliver(sessions, service)
    assert _found(service, "BKLIVE0001", index="bookings", agency_id=agency_id) == [str(booking.id)]
    assert _found(service, "BKLIVE0001", index="bookings", agency_id=agency_id + 1000) == []


def test_an_index_that_is_down_is_retried_then_dead_lettered(sessions, service):
    with sessions() as s:
        dest_id = f.make_destination(s).id
        s.commit()
    assert _deliver(sessions, service).sent == 1  # the destination's own document
    with sessions() as s:
        s.add(_site(dest_id, "Jaigarh Fort"))
        s.commit()

    class Down:
        def send(self, message):
            raise RuntimeError("index offline")

    policy = shipped_config().channels["search"]
    at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    for attempt in range(1, policy.max_attempts + 1):
        report = dispatch_due(sessions, {"search": Down()}, shipped_config(), clock=lambda: at)
        assert report.claimed == 1
        (message,) = _messages(sessions)
        at = message.next_attempt_at
    assert message.status == "dead" and message.attempts == policy.max_attempts
    assert message.reason == "RuntimeError: transport error"
    assert _deliver(sessions, service, clock=lambda: at + dt.timedelta(days=1)).claimed == 0  # dead stays dead
