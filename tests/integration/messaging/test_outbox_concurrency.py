"""Parallel dispatchers and writers on real PostgreSQL (and the SQLite default): every message
leaves exactly once, pacing holds across dispatchers, and one event is one row however many
writers announce it at the same time. The database decides (SKIP LOCKED, locked rate slots, a
unique key), not the Python above it."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.migrate import upgrade
from tourstack.db.models import OutboxMessage
from tourstack.messaging import dispatch_due, enqueue, shipped_config

CONFIG = shipped_config()
WORKERS = 4
BACKENDS = [pytest.param("postgresql", marks=pytest.mark.postgres, id="postgresql"),
            pytest.param("sqlite", id="sqlite")]


@pytest.fixture(params=BACKENDS)
def sessions(request, tmp_path):
    url = (request.getfixturevalue("pg_url") if request.param == "postgresql"
           else f"sqlite:///{tmp_path / 'operational.db'}")
    upgrade(url)
    engine = make_engine(url, pool_size=WORKERS + 2) if request.param == "postgresql" else make_engine(url)
    yield make_sessionmaker(engine)
    engine.dispose()


class CountingTransport:
    def __init__(self) -> None:
        self.sends: Counter[int] = Counter()
        self.by_recipient: Counter[str] = Counter()
        self._lock = threading.Lock()

    def send(self, message):
        with self._lock:
            self.sends[message.id] += 1
            self.by_recipient[message.recipient] += 1
        return f"p-{message.id}"


def test_parallel_dispatchers_send_each_message_once_and_pace_each_channel(sessions):
    at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=10)  # one instant for every dispatcher
    transport = CountingTransport()
    channels = {"email": transport, "slack": transport}
    with sessions() as s:  # each Slack channel has sent before: its rate slot exists
        for desk in range(3):
            enqueue(s, event_type="booking.created", event_key="warm-up", channel="slack",
                    recipient=f"#desk{desk}", payload={})
        s.commit()
    assert dispatch_due(sessions, channels, CONFIG, clock=lambda: at - dt.timedelta(seconds=5)).sent == 3
    with sessions() as s:
        # Slack first, so the dispatchers' first claims race for the same three channels.
        for i in range(30):
            enqueue(s, event_type="booking.created", event_key=f"b{i}", channel="slack",
                    recipient=f"#desk{i % 3}", payload={"i": i})
        for i in range(240):
            enqueue(s, event_type="system.alert", event_key=f"e{i}", channel="email",
                    recipient=f"ops{i % 12}@example.com", payload={"i": i})
        s.commit()
    start = threading.Barrier(WORKERS)

    def worker() -> int:
        start.wait()
        total = 0
        while True:
            report = dispatch_due(sessions, channels, CONFIG, limit=2, clock=lambda: at)
            total += report.sent
            if report.claimed == 0 and report.deferred == 0:
                return total

    with ThreadPoolExecutor(WORKERS) as pool:
        sent = sum(pool.map(lambda _: worker(), range(WORKERS)))

    assert max(transport.sends.values()) == 1, "a message left twice"
    # Every e-mail left; Slack allows one message per channel in this instant, whoever sends it
    # (plus the warm-up message each channel sent five seconds before).
    assert sum(transport.by_recipient[f"ops{i}@example.com"] for i in range(12)) == 240
    assert [transport.by_recipient[f"#desk{i}"] for i in range(3)] == [2, 2, 2]
    assert sent == 243
    with sessions() as s:
        statuses = dict(s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    assert statuses == {"sent": 246, "pending": 27}


def test_one_event_announced_by_parallel_writers_is_one_message(sessions):
    start = threading.Barrier(8)

    def write(_: int) -> bool:
        with sessions() as s:
            start.wait()
            row = enqueue(s, event_type="payment.confirmed", event_key="PAY-1", channel="slack",
                          recipient="#finance", payload={})
            s.commit()
            return row is not None

    with ThreadPoolExecutor(8) as pool:
        created = list(pool.map(write, range(8)))
    assert created.count(True) == 1
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 1
