"""A message end to end (tourstack.inbox.process): stored first, categorised, a confirmation
matched to our booking or a task opened, hostile attachments flagged and never opened, the same
message twice changing nothing, and a failing step losing nothing."""

from __future__ import annotations

import io
import json
import zipfile
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests import factories as f
from tourstack.db.models.inbox import InboxConfirmation, InboxMessage, InboxTask
from tourstack.inbox import process


def _mail(body: str, *, subject: str, attachments: list[tuple[str, str, bytes]] = ()) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Hotel Rambagh <reservations@rambagh.example>"
    msg["To"] = "reservations@tourstack.example"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{abs(hash((body, subject)))}@rambagh.example>"
    msg.set_content(body)
    for name, mime, data in attachments:
        main, sub = mime.split("/")
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return msg.as_bytes()


@pytest.fixture
def booking(session):
    agency = f.make_agency(session)
    customer = f.make_customer(session, agency, first_name="Pierre", last_name="Lefèvre")
    row = f.make_booking(session, f.make_agent(session, agency), customer=customer, travellers=2,
                         booking_ref="TB4K7X2QA")  # the demo's form: TB and seven of base 34
    session.commit()
    return row


def _confirmation(booking, *, guests: int = 2, name: str = "Pierre Lefevre", arrival: str = "02/10/2026") -> bytes:
    return _mail(f"Dear Team,\n\nWe are pleased to confirm the following reservation:\n\nGuest name: {name}\n"
                 f"Your ref: {booking.booking_ref}\nConfirmation No: RC-4410\nArrival: {arrival}\n"
                 f"Departure: 05/10/2026\nNo. of guests: {guests}\n",
                 subject=f"Confirmation RC-4410 / your ref {booking.booking_ref}")


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_matching_confirmation_is_recorded_and_needs_nobody(session, booking):
    outcome = process.ingest(session, _confirmation(booking), "file")
    assert outcome.category == "booking_confirmation" and outcome.tasks == []
    row = session.scalar(select(InboxConfirmation))
    assert (row.booking_id, row.supplier_reference, row.matched) == (booking.id, "RC-4410", True)
    assert session.get(InboxMessage, outcome.message_id).booking_id == booking.id


def test_a_different_guest_count_and_dates_open_one_task_with_a_reply(session, booking):
    outcome = process.ingest(session, _confirmation(booking, guests=3, arrival="28/09/2026"), "file")
    (task,) = session.scalars(select(InboxTask)).all()
    assert task.kind == "booking_mismatch" and task.booking_id == booking.id and task.priority == 1
    fields = {m["field"] for m in json.loads(task.detail)["mismatches"]}
    assert fields == {"guests", "start_date"}
    assert booking.booking_ref in task.suggested_reply and "RC-4410" in task.suggested_reply
    assert outcome.tasks[0]["kind"] == "booking_mismatch"
    assert session.scalar(select(InboxConfirmation.matched)) is False


def test_another_lead_guest_is_a_mismatch(session, booking):
    process.ingest(session, _confirmation(booking, name="Hannah Bauer"), "file")
    (task,) = session.scalars(select(InboxTask)).all()
    assert [m["field"] for m in json.loads(task.detail)["mismatches"]] == ["guest_name"]


def test_an_unknown_reference_opens_an_unmatched_task(session, booking):
    raw = _confirmation(booking).replace(booking.booking_ref.encode(), b"TB2222222")
    process.ingest(session, raw, "file")
    assert [t.kind for t in session.scalars(select(InboxTask))] == ["unmatched_booking"]


def test_a_supplier_cancellation_of_a_live_booking_needs_review(session, booking):
    raw = _mail(f"Dear Team,\nWe regret to inform you that booking {booking.booking_ref} is cancelled.\n"
                "Cancellation no: CX7781\n", subject=f"Cancellation {booking.booking_ref}")
    outcome = process.ingest(session, raw, "file")
    assert outcome.category == "cancellation"
    assert [t.kind for t in session.scalars(select(InboxTask))] == ["review_cancellation"]
    assert session.scalar(select(InboxConfirmation.supplier_reference)) == "CX7781"


def test_the_same_message_twice_changes_nothing(session, booking):
    raw = _confirmation(booking, guests=5)
    first = process.ingest(session, raw, "file")
    second = process.ingest(session, raw, "file")
    assert second.message_id == first.message_id and second.new is False
    assert [_count(session, m) for m in (InboxMessage, InboxConfirmation, InboxTask)] == [1, 1, 1]


def _zip(members: dict[str, bytes], level: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", level) as archive:
        for name, data in members.items():
            # A fixed timestamp keeps the bytes, and so the collection, the same on every xdist worker.
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data, compress_type=level)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "mime", "data", "flag"), [
    ("rates.zip", "application/zip", _zip({"a.txt": b"\0" * 60_000_000}), "zip_bomb"),
    ("rates.xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12", _zip({"xl/vbaProject.bin": b"x"}), "macro_enabled"),
    ("rates.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     _zip({"xl/vbaProject.bin": b"x", "xl/workbook.xml": b"<w/>"}), "macro_enabled"),
    ("rates.pdf", "application/pdf", b"%PDF-1.7\n1 0 obj<</Encrypt 2 0 R>>endobj\n", "encrypted_pdf"),
    ("big.pdf", "application/pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1), "attachment_too_large"),
    ("old.xls", "application/vnd.ms-excel", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "legacy_office"),
], ids=["zip_bomb", "xlsm", "xlsx_with_macros", "encrypted_pdf", "too_large_pdf", "legacy_xls"])
def test_hostile_attachments_are_flagged_and_not_read(session, name, mime, data, flag):
    raw = _mail("Please find our new tariff attached.", subject="Rate sheet 2027", attachments=[(name, mime, data)])
    outcome = process.ingest(session, raw, "file")
    assert f"{flag}:{name}" in outcome.flags
    assert session.get(InboxMessage, outcome.message_id).raw == raw  # kept whole


def test_garbage_is_stored_flagged_and_never_raises(session):
    outcome = process.ingest(session, b"\x00\xff not a mail \x00" * 50, "file")
    assert outcome.status in ("processed", "failed")
    assert _count(session, InboxMessage) == 1


def test_a_failing_step_keeps_the_message_and_opens_a_task(session, booking, monkeypatch):
    def broken(mail):
        raise RuntimeError("extractor bug")

    monkeypatch.setattr(process, "extract", broken)
    outcome = process.ingest(session, _confirmation(booking), "file")
    row = session.get(InboxMessage, outcome.message_id)
    assert row.status == "failed" and "extractor bug" in row.error
    assert [t.kind for t in session.scalars(select(InboxTask))] == ["unreadable_message"]
    monkeypatch.undo()  # fixed: processing it again now works, from the stored bytes
    again = process.ingest(session, row.raw, "file")
    assert again.category == "booking_confirmation"


def test_cli_ingest_json_and_tasks(tmp_path, db_url, session, booking):
    from cli.app import app

    eml = tmp_path / "confirmation.eml"
    eml.write_bytes(_confirmation(booking, guests=4))
    runner = CliRunner()
    result = runner.invoke(app, ["mail", "ingest", str(eml), "--json", "--database-url", db_url])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["extraction"]["booking_ref"] == booking.booking_ref and body["extraction"]["guests"] == 4
    assert body["tasks"][0]["kind"] == "booking_mismatch"
    listed = runner.invoke(app, ["mail", "tasks", "--json", "--database-url", db_url])
    (task,) = json.loads(listed.output)
    assert runner.invoke(app, ["mail", "done", str(task["id"]), "--by", "asha", "--database-url", db_url]).exit_code == 0
    assert runner.invoke(app, ["mail", "done", str(task["id"]), "--by", "asha", "--database-url", db_url]).exit_code == 2
    missing = runner.invoke(app, ["mail", "ingest", str(tmp_path / "nope.eml"), "--database-url", db_url])
    assert missing.exit_code == 2
