"""Mailgun delivering one message several times at once stores it once, on real PostgreSQL: the
unique token and the unique digest decide, a losing copy answers as a duplicate (no error), and
the same token carrying different messages at once stores exactly one of them."""

from __future__ import annotations

import threading
import time
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.migrate import upgrade
from tourstack.db.models.inbox import InboxInboundToken, InboxMessage
from tourstack.inbox import mailgun

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.xdist_group("inbox_race")]
COPIES = 8


def _mime(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "hotel@rambagh.example", f"Confirmation RC-{n}"
    msg.set_content(f"Confirmation No: RC-{n}")
    return msg.as_bytes()


def _fire(sessions, deliveries: list[mailgun.Delivery]) -> list[str]:
    barrier, results = threading.Barrier(len(deliveries)), []

    def deliver(d: mailgun.Delivery) -> None:
        with sessions() as s:
            barrier.wait()
            try:
                results.append("stored" if mailgun.receive(s, d).new else "duplicate")
            except mailgun.InvalidDelivery:
                results.append("refused")
            except Exception as exc:  # anything else is the bug this test is for
                results.append(f"error {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=deliver, args=(d,)) for d in deliveries]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(results)


def test_parallel_copies_of_one_delivery_store_one_message(pg_url):
    upgrade(pg_url)
    engine = make_engine(pg_url)
    sessions = make_sessionmaker(engine)
    now = str(int(time.time()))
    try:
        same = mailgun.Delivery(now, "a" * 50, "unused-after-verify", _mime(1))
        assert _fire(sessions, [same] * COPIES) == ["duplicate"] * (COPIES - 1) + ["stored"]
        others = [mailgun.Delivery(now, "b" * 50, "unused", _mime(10 + n)) for n in range(COPIES)]
        assert _fire(sessions, others) == ["refused"] * (COPIES - 1) + ["stored"]
        with sessions() as s:
            assert s.scalar(select(func.count()).select_from(InboxMessage)) == 2
            assert s.scalar(select(func.count()).select_from(InboxInboundToken)) == 2
    finally:
        engine.dispose()
