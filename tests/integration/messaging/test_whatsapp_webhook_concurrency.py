"""One inbound WhatsApp message delivered by Meta to several workers at the same moment is stored
once, on real PostgreSQL: the unique (provider, provider_message_id) decides, not Python. A STOP
delivered that way opts out once and drops the queued marketing once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from tests.fakes import whatsapp as meta
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.migrate import upgrade
from tourstack.db.models import OutboxMessage, WhatsAppContact, WhatsAppMessage
from tourstack.messaging import enqueue
from tourstack.messaging.whatsapp.consent import record_opt_in
from tourstack.messaging.whatsapp.webhooks import process_meta

pytestmark = pytest.mark.postgres
WORKERS = 8


@pytest.fixture
def sessions(pg_url):
    upgrade(pg_url)
    engine = make_engine(pg_url, pool_size=WORKERS + 2)
    yield make_sessionmaker(engine)
    engine.dispose()


def deliver_in_parallel(sessions, payload) -> list:
    start = threading.Barrier(WORKERS)

    def worker(_):
        with sessions() as session:
            start.wait()
            outcome = process_meta(session, payload)
            session.commit()
            return outcome

    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(worker, range(WORKERS)))


def test_parallel_redeliveries_of_one_inbound_message_store_it_once(sessions):
    outcomes = deliver_in_parallel(sessions, meta.inbound("wamid.PAR1", "919812345678", "Is breakfast included?"))
    assert sum(o.stored for o in outcomes) == 1 and sum(o.duplicates for o in outcomes) == WORKERS - 1
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(WhatsAppMessage)) == 1
        assert session.scalar(select(func.count()).select_from(WhatsAppContact)) == 1


def test_a_parallel_stop_opts_out_once(sessions):
    with sessions() as session:
        record_opt_in(session, "+919812345678", source="booking_form")
        enqueue(session, event_type="marketing.offer", event_key="offer-1", channel="whatsapp",
                recipient="+919812345678", payload={"facts": {}})
        session.commit()
    outcomes = deliver_in_parallel(sessions, meta.inbound("wamid.PAR2", "919812345678", "stop"))
    assert sum(o.opted_out for o in outcomes) == 1
    with sessions() as session:
        (row,) = session.scalars(select(OutboxMessage)).all()
        assert row.status == "dead" and row.reason.startswith("skipped: the recipient opted out")
        assert not session.scalars(select(WhatsAppContact)).one().opted_in
