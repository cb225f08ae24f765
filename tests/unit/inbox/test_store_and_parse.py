"""Inbound mail is stored before it is read, and reading keeps only what the sender wrote."""

from __future__ import annotations

import json
from email.message import EmailMessage

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

import tourstack.db.models  # noqa: F401
from tourstack.db.base import Base
from tourstack.db.models.inbox import InboxMessage
from tourstack.inbox import latest, parse, record_parse, store_raw
from tourstack.ingest.run import operational_tables


@pytest.fixture(scope="module")
def engine():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _mail(body: str, *, subtype: str = "plain", charset: str = "utf-8", subject: str = "Confirmation TB4K7X2QA") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Hotel Alpenblick <info@alpenblick.example>"
    msg["To"] = "reservations@tourstack.example"
    msg["Subject"] = subject
    msg["Message-ID"] = "<abc@alpenblick.example>"
    msg.set_content(body, subtype=subtype, charset=charset)
    return msg.as_bytes()


def test_the_same_message_twice_is_one_stored_row(engine):
    raw = _mail("We confirm.")
    with Session(engine) as s:
        first, new = store_raw(s, raw, "imap")
        again, new_again = store_raw(s, raw, "smtp")
        s.commit()
        assert (new, new_again) == (True, False)
        assert again.id == first.id and first.raw == raw and first.status == "stored"
        assert s.scalar(select(func.count()).select_from(InboxMessage).where(InboxMessage.sha256 == first.sha256)) == 1


def test_an_unreadable_message_is_kept_and_flagged_failed(engine):
    raw = b"\x00\xff\xfe not a mail at all \x00" * 10
    with Session(engine) as s:
        row, _ = store_raw(s, raw, "file")
        s.commit()
        parsed = parse(raw)
        record_parse(row, parsed)
        s.commit()
        assert row.raw == raw
        assert "malformed_mime" in json.loads(row.flags) or row.status == "failed"


def test_unknown_source_is_refused(engine):
    with Session(engine) as s, pytest.raises(ValueError, match="unknown source"):
        store_raw(s, b"x", "carrier-pigeon")


def test_quoted_history_and_signature_are_removed():
    body = ("Dear Team,\n\nWe confirm the cancellation of TB4K7X2QA.\n\nBest regards,\nAnna\nHotel Alpenblick\n\n"
            "On Mon, 4 Jan 2027 at 10:00, Tourstack <reservations@tourstack.example> wrote:\n"
            "> Kindly confirm the following booking: TB4K7X2QA\n")
    parsed = parse(_mail(body))
    assert "cancellation of TB4K7X2QA" in parsed.text
    assert "Kindly confirm" not in parsed.text and "Anna" not in parsed.text
    assert "Kindly confirm" in parsed.body  # the whole body stays readable


def test_german_and_hinglish_sign_offs_are_cut():
    assert latest("Buchung bestätigt.\n\nMit freundlichen Grüßen\nKatrin Huber\nAlpen GmbH").text == "Buchung bestätigt."
    assert latest("Booking confirm ho gayi hai.\nRef TB4K7X2QA\n\nDhanyavaad,\nRakesh\n+91 98290").text == \
        "Booking confirm ho gayi hai.\nRef TB4K7X2QA"


def test_a_forward_keeps_the_forwarded_message():
    body = ("FYI, please update.\n\n---------- Forwarded message ---------\nFrom: Hotel <res@hotel.example>\n"
            "Date: Mon, 4 Jan 2027\nSubject: Confirmation\nTo: meera@tourstack.example\n\n"
            "We are pleased to confirm TB4K7X2QA.\n\nKind regards,\nRes team\n")
    parsed = parse(_mail(body))
    assert "forwarded" in parsed.flags and parsed.forwarded_from == "Hotel <res@hotel.example>"
    assert "pleased to confirm TB4K7X2QA" in parsed.text and "Res team" not in parsed.text


def test_html_only_mail_becomes_text_without_scripts():
    html = ("<html><body><p>Reservation confirmed</p><script>document.write('evil')</script>"
            "<table><tr><td>Confirmation number</td><td>CX998267</td></tr></table>"
            "<img src='https://track.example/open.gif'></body></html>")
    parsed = parse(_mail(html, subtype="html"))
    assert "html_only" in parsed.flags
    assert "Confirmation number" in parsed.text and "CX998267" in parsed.text and "evil" not in parsed.body


def test_a_body_in_another_charset_than_declared_is_flagged():
    raw = _mail("Bestätigung für Müller", charset="utf-8")
    head, _, body = raw.partition(b"\n\n")
    raw = head.replace(b"base64", b"8bit") + b"\n\n" + "Bestätigung für Müller".encode("cp1252")
    parsed = parse(raw)
    assert "charset_mismatch" in parsed.flags and "Best" in parsed.body


def test_broken_mime_boundaries_are_flagged_not_fatal():
    raw = (b"From: a@b.example\r\nSubject: rates\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n"
           b"Content-Type: text/plain\r\n\r\nhello\r\n--XX\r\nContent-Type: application/pdf\r\n"
           b"Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=x.pdf\r\n\r\n!!!\r\n")
    parsed = parse(raw)
    assert "malformed_mime" in parsed.flags and parsed.text == "hello"
    assert [a.filename for a in parsed.attachments] == ["x.pdf"]


def test_inbox_tables_stay_out_of_the_warehouse():
    names = {t.name for t in operational_tables()}
    assert not {n for n in names if n.startswith("inbox_")}
