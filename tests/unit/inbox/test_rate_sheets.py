"""Rate sheets as suppliers send them (docs/inbound-email.md), built here: a French CSV with
decimal commas, a wide XLSX with a column per occupancy, a long XLSX, a PDF table drawn by a real
renderer, a table typed in the body; and the staging, diff and approval of what was read."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from tests import factories as f
from tourstack.db.models import SupplierRate
from tourstack.db.models.inbox import InboxStagedRate, InboxTask
from tourstack.inbox import process
from tourstack.inbox.parse import Attachment, ParsedMail
from tourstack.inbox.rate_sheets import amount, extract
from tourstack.inbox.rate_staging import RateApprovalError, decide

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(rates) -> set[tuple]:
    return {(r.item, r.season, r.valid_from.isoformat(), r.valid_to.isoformat(), r.currency, r.price, r.unit,
             r.occupancy) for r in rates}


@pytest.mark.parametrize(("written", "value"), [
    ("9,140", "9140"), ("9 140", "9140"), ("186,50", "186.50"), ("9.140,50", "9140.50"), ("1,234.5", "1234.5"),
    ("12", "12"), ("0", None), ("11395.555", "11395.555"), ("9.140", "9140"), ("1,5", "1.5"),
])
def test_amounts_as_written(written, value):
    assert amount(written) == (Decimal(value) if value else None)


def test_french_csv_with_decimal_commas_and_units():
    sheet = ("Prestation;Saison;Du;Au;Unité;Devise;Prix\n"
             "Guide journée;Haute saison;01/10/2027;31 mars 2028;par jour;EUR;186,50\n"
             "Transfert aéroport;Basse saison;1 avril 2027;30/06/2027;par transfert;EUR;140,00\n").encode("cp1252")
    mail = ParsedMail(subject="Tarifs 2027-28", text="Ci-joint nos tarifs.",
                      attachments=[Attachment("tarifs.csv", "text/csv", sheet)])
    assert _rows(extract(mail)) == {
        ("Guide journée", "peak", "2027-10-01", "2028-03-31", "EUR", Decimal("186.50"), "per_day", None),
        ("Transfert aéroport", "low", "2027-04-01", "2027-06-30", "EUR", Decimal("140.00"), "per_trip", None),
    }


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_wide_xlsx_a_column_per_occupancy_currency_above_the_table():
    data = _xlsx([["Hotel Lakeview - rates 2027-28"], ["Currency: INR | net, taxes extra"], [],
                  ["Room Category", "Season", "Valid From", "Valid To", "Single", "Double"],
                  ["Lake Suite", "Peak", dt.datetime(2027, 10, 1), "31/03/2028", 9130, 11395],
                  ["Lake Suite", "Off season", "01-Apr-2027", "30 Jun 2027", 6560.5, 8205],
                  ["Notes: extra bed 30% of the double rate"]])
    mail = ParsedMail(subject="Revised tariff", attachments=[Attachment("t.xlsx", XLSX, data)])
    assert _rows(extract(mail)) == {
        ("Lake Suite", "peak", "2027-10-01", "2028-03-31", "INR", Decimal("9130"), "per_night", "single"),
        ("Lake Suite", "peak", "2027-10-01", "2028-03-31", "INR", Decimal("11395"), "per_night", "double"),
        ("Lake Suite", "low", "2027-04-01", "2027-06-30", "INR", Decimal("6560.5"), "per_night", "single"),
        ("Lake Suite", "low", "2027-04-01", "2027-06-30", "INR", Decimal("8205"), "per_night", "double"),
    }


def test_long_german_xlsx_with_an_occupancy_column():
    data = _xlsx([["Währung: CHF"], ["Zimmerkategorie", "Saison", "Gültig ab", "Gültig bis", "Belegung", "Preis"],
                  ["Junior Suite", "Hauptsaison", "2027-10-01", "2028-03-31", "DZ", 226.5],
                  ["Junior Suite", "Nebensaison", "1. April 2027", "30.06.2027", "EZ", 180]])
    mail = ParsedMail(subject="Preise", attachments=[Attachment("preise.xlsx", XLSX, data)])
    assert _rows(extract(mail)) == {
        ("Junior Suite", "peak", "2027-10-01", "2028-03-31", "CHF", Decimal("226.5"), "per_night", "double"),
        ("Junior Suite", "low", "2027-04-01", "2027-06-30", "CHF", Decimal("180"), "per_night", "single"),
    }


def test_a_pdf_table_drawn_by_a_renderer():
    from weasyprint import HTML

    html = ("<h1>Desert Camp - rates 2027-28 (USD)</h1><table><tr><th>Tent</th><th>Season</th><th>From</th>"
            "<th>To</th><th>Single</th><th>Double</th></tr>"
            "<tr><td>Luxury Tent</td><td>Peak</td><td>01/10/2027</td><td>31/03/2028</td><td>210.00</td><td>260.00</td></tr>"
            "</table>")
    mail = ParsedMail(subject="Rates", attachments=[Attachment("rates.pdf", "application/pdf", HTML(string=html).write_pdf())])
    assert _rows(extract(mail)) == {
        ("Luxury Tent", "peak", "2027-10-01", "2028-03-31", "USD", Decimal("210.00"), "per_night", "single"),
        ("Luxury Tent", "peak", "2027-10-01", "2028-03-31", "USD", Decimal("260.00"), "per_night", "double"),
    }


def test_a_table_typed_in_the_body():
    text = ("Sir, naye rates neeche hain (INR, per vehicle):\n\n"
            "Vehicle        | Season | From       | To         | Rate\n"
            "Innova Crysta  | Peak   | 01/10/2027 | 31/03/2028 | 4,200\n"
            "Tempo Traveller| Low    | 01/04/2027 | 30/06/2027 | 5,100\n")
    rates = extract(ParsedMail(subject="Naye rates", text=text))
    assert _rows(rates) == {
        ("Innova Crysta", "peak", "2027-10-01", "2028-03-31", "INR", Decimal("4200"), "per_trip", None),
        ("Tempo Traveller", "low", "2027-04-01", "2027-06-30", "INR", Decimal("5100"), "per_trip", None),
    }


def test_no_currency_no_rates_rather_than_a_guess():
    text = "Room | Season | From | To | Rate\nSuite | Peak | 01/10/2027 | 31/03/2028 | 4,200\n"
    assert extract(ParsedMail(subject="rates", text=text)) == []


def _sheet_mail(sender: str, rows: list[list]) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "rates@tourstack.example", "Rate sheet 2027-28"
    msg.set_content("Please find our new rates attached.")
    msg.add_attachment(_xlsx(rows), maintype="application", subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       filename="rates.xlsx")
    return msg.as_bytes()


HEADER = ["Room Type", "Season", "From", "To", "Occupancy", "Rate (INR)"]


@pytest.fixture
def supplier(session):
    row = f.make_supplier(session, contact_email="reservations@lakeview.example")
    session.commit()
    return row


def test_staged_beside_the_live_rate_then_applied_once(session, supplier):
    live = SupplierRate(supplier_id=supplier.id, service_name="Lake Suite (double)", unit="per_night",
                        cost_minor=10_000_00, currency="INR", valid_from=dt.date(2027, 10, 1),
                        valid_to=dt.date(2028, 3, 31), season="peak")
    session.add(live)
    session.commit()
    raw = _sheet_mail("Lakeview <reservations@lakeview.example>", [
        HEADER, ["Lake Suite", "Peak", "01/10/2027", "31/03/2028", "Double", 11395],
        ["Lake Suite", "Peak", "01/10/2027", "31/03/2028", "Single", 9130]])
    outcome = process.ingest(session, raw, "file")
    assert outcome.category == "rate_sheet"
    (task,) = session.scalars(select(InboxTask).where(InboxTask.kind == "approve_rates")).all()
    detail = json.loads(task.detail)
    assert detail["counts"] == {"new": 1, "changed": 1, "unchanged": 0}
    changed = next(d for d in detail["diffs"] if d["change"] == "changed")
    assert (changed["old_price"], changed["new_price"]) == ("10000.00", "11395")
    assert session.get(SupplierRate, live.id).deleted_at is None  # nothing live changes before approval

    decide(session, outcome.message_id, by="asha", approve=True)
    assert session.get(SupplierRate, live.id).deleted_at is not None
    applied = session.scalars(select(SupplierRate).where(SupplierRate.deleted_at.is_(None))).all()
    assert sorted((r.service_name, r.cost_minor) for r in applied) == [("Lake Suite (double)", 11_395_00),
                                                                        ("Lake Suite (single)", 9_130_00)]
    assert session.get(InboxTask, task.id).status == "done"
    with pytest.raises(RateApprovalError, match="no pending"):
        decide(session, outcome.message_id, by="ravi", approve=True)


def test_an_unknown_sender_needs_a_named_supplier_and_excess_precision_is_refused(session, supplier):
    raw = _sheet_mail("someone@elsewhere.example", [
        HEADER, ["Lake Suite", "Peak", "01/10/2027", "31/03/2028", "Double", 11395.555]])
    outcome = process.ingest(session, raw, "file")
    with pytest.raises(RateApprovalError, match="not a known supplier"):
        decide(session, outcome.message_id, by="asha", approve=True)
    session.rollback()
    with pytest.raises(RateApprovalError, match="more decimals"):
        decide(session, outcome.message_id, by="asha", approve=True, supplier_id=supplier.id)
    session.rollback()
    assert session.scalars(select(InboxStagedRate.status)).all() == ["pending"]
    decide(session, outcome.message_id, by="asha", approve=False)
    assert session.scalars(select(InboxStagedRate.status)).all() == ["rejected"]
    assert session.scalars(select(SupplierRate)).all() == []


def test_a_sheet_with_no_readable_rates_opens_a_task(session, supplier):
    raw = _sheet_mail("reservations@lakeview.example", [["Our rates are the same as last year."]])
    process.ingest(session, raw, "file")
    assert [t.kind for t in session.scalars(select(InboxTask))] == ["unreadable_message"]
