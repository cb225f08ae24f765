"""The SMTP receiver is a real server: smtplib delivers a supplier's confirmation, it is stored
and processed before the 250, other mailboxes are refused, and a too-large message is refused."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

import tourstack.db.models  # noqa: F401
from tests.fakes.smtp import free_port
from tourstack.db.base import Base
from tourstack.db.models.inbox import InboxMessage
from tourstack.inbox import smtp_receiver

pytestmark = [pytest.mark.integration]
INBOX = "suppliers@tourstack.example"


@pytest.fixture
def server(tmp_path, monkeypatch):
    engine = create_engine(f"sqlite:///{tmp_path / 'inbox.db'}")
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine)
    port = free_port()
    controller, handler = smtp_receiver.receiver(sessions, {INBOX}, port=port)
    controller.start()
    yield port, sessions, handler
    controller.stop()
    engine.dispose()


def _confirmation() -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "hotel@rambagh.example", INBOX, "Confirmation TB4K7X2QA"
    msg.set_content("We confirm. Confirmation No: RC-99\nArrival: 02/10/2026\nDeparture: 05/10/2026")
    return msg


def test_a_delivered_message_is_stored_before_the_reply(server):
    port, sessions, handler = server
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        refused = client.send_message(_confirmation())
    assert refused == {}
    with sessions() as s:
        (row,) = s.scalars(select(InboxMessage)).all()
        assert (row.source, row.category, row.status) == ("smtp", "booking_confirmation", "processed")
    assert handler.stored == [row.id]


def test_other_mailboxes_are_refused_and_nothing_is_stored(server):
    port, sessions, _ = server
    msg = _confirmation()
    msg.replace_header("To", "ceo@tourstack.example")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client, pytest.raises(smtplib.SMTPRecipientsRefused):
        client.send_message(msg, to_addrs=["ceo@tourstack.example"])
    with sessions() as s:
        assert s.scalars(select(InboxMessage)).all() == []


def test_a_message_over_the_limit_is_refused(server, monkeypatch):
    port, sessions, _ = server
    msg = _confirmation()
    msg.add_attachment(b"\0" * (smtp_receiver.MAX_MESSAGE_BYTES + 1024), maintype="application",
                       subtype="octet-stream", filename="huge.bin")
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client, pytest.raises(
            (smtplib.SMTPDataError, smtplib.SMTPSenderRefused, smtplib.SMTPServerDisconnected)):
        client.send_message(msg)
    with sessions() as s:
        assert s.scalars(select(InboxMessage)).all() == []


def test_a_failure_to_store_answers_451_so_the_sender_retries(server, monkeypatch):
    port, _, handler = server

    def broken(raw):
        raise RuntimeError("database down")

    monkeypatch.setattr(handler, "_store", broken)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client, pytest.raises(smtplib.SMTPDataError) as caught:
        client.send_message(_confirmation())
    assert caught.value.smtp_code == 451
