"""Invoices through the API: a finance maker and checker take a booking from draft to issued,
credit it and download it; agents see only their own agency's issued invoices; errors are
problem+json."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from pypdf import PdfReader

from tests import factories as f
from tests.unit.api.conftest import auth
from tourstack.invoicing import fiscal_year, fiscal_year_label

BASE = "/api/v1/invoices"


def _fy_label() -> str:
    return fiscal_year_label(fiscal_year(dt.datetime.now(dt.UTC).date()))


@pytest.fixture
def finance(session_factory, world) -> dict[str, str]:
    """Two finance people (maker and checker), each with a key bound to their staff user."""
    with session_factory() as s:
        keys = {
            "maker": f.make_api_key(s, "finance", staff_user=f.make_staff_user(s, role="finance"))[0],
            "checker": f.make_api_key(s, "finance", staff_user=f.make_staff_user(s, role="finance"))[0],
        }
        s.commit()
    return keys


def _issue(client, finance, booking_ref: str) -> dict:
    draft = client.post(BASE, json={"booking_ref": booking_ref}, headers=auth(finance["maker"]))
    assert draft.status_code == 201, draft.text
    iid = draft.json()["id"]
    assert client.post(f"{BASE}/{iid}/submit", headers=auth(finance["maker"])).status_code == 200
    assert client.post(f"{BASE}/{iid}/approve", headers=auth(finance["checker"])).status_code == 200
    issued = client.post(f"{BASE}/{iid}/issue", headers=auth(finance["checker"]))
    assert issued.status_code == 200, issued.text
    return issued.json()


def test_finance_end_to_end(client, world, finance):
    ref = world.bookings_a[0].booking_ref  # one item sold at 40000.00; agency in DL -> IGST 5 %
    maker, checker = auth(finance["maker"]), auth(finance["checker"])
    draft = client.post(BASE, json={"booking_ref": ref}, headers=maker)
    assert draft.status_code == 201 and draft.headers["Location"].endswith(str(draft.json()["id"]))
    body = draft.json()
    assert body["status"] == "draft" and body["invoice_number"] is None
    assert body["tax_regime"] == "inter_state"
    assert body["subtotal"] == {"amount": "40000.00", "currency": "INR"}
    assert body["igst"]["amount"] == "2000.00" and body["total"]["amount"] == "42000.00"
    iid = body["id"]

    assert client.post(f"{BASE}/{iid}/submit", headers=maker).json()["status"] == "pending_approval"
    same = client.post(f"{BASE}/{iid}/approve", headers=maker)
    assert same.status_code == 409
    assert same.headers["content-type"].startswith("application/problem+json")
    assert same.json()["type"] == "/problems/separation-of-duties"
    assert client.post(f"{BASE}/{iid}/approve", headers=checker).json()["status"] == "approved"
    issued = client.post(f"{BASE}/{iid}/issue", headers=checker).json()
    number = issued["invoice_number"]
    assert number == f"INV/{_fy_label()}/000001" and issued["status"] == "issued"
    assert [e["action"] for e in issued["events"]] == ["create", "submit", "approve", "issue"]
    assert issued["due_on"] is not None and issued["overdue"] is False

    pdf = client.get(f"{BASE}/{iid}/download", params={"format": "pdf"}, headers=checker)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert number in text and "42,000.00" not in text and "42000.00" in text
    assert "Rupees Forty-Two Thousand Only" in text.replace("\n", " ")
    assert "Page 1 of 1" in text  # the stylesheet's page footer: the CSS reached the renderer intact

    doc = client.get(f"{BASE}/{iid}/download", params={"format": "json"}, headers=checker).json()
    assert doc["invoice_number"] == number and doc["totals"]["total"] == "42000.00"
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"{BASE}/{iid}/download", params={"format": "csv"}, headers=checker).text)))
    assert rows[-1]["description"] == "TOTAL" and rows[-1]["total"] == "42000.00"
    assert sum(Decimal(r["igst"]) for r in rows[:-1]) == Decimal(rows[-1]["igst"])
    einv = client.get(f"{BASE}/{iid}/download", params={"format": "einvoice"}, headers=checker)
    irp = json.loads(einv.content)
    assert set(irp) >= {"Version", "TranDtls", "DocDtls", "SellerDtls", "BuyerDtls", "ItemList", "ValDtls"}
    assert irp["DocDtls"] == {"Typ": "INV", "No": number, "Dt": irp["DocDtls"]["Dt"]}
    assert irp["SellerDtls"]["Stcd"] == "08" and irp["BuyerDtls"]["Pos"] == "07"
    assert b'"TotInvVal":42000.00' in einv.content  # an exact JSON number

    credit = client.post(f"{BASE}/{iid}/credit-notes", headers=checker,
                         json={"amount": {"amount": "1000.00", "currency": "INR"}, "reason": "late pickup"})
    assert credit.status_code == 201, credit.text
    note = credit.json()
    assert note["kind"] == "credit_note" and note["invoice_number"] == f"CN/{_fy_label()}/000001"
    assert note["total"]["amount"] == "1050.00" and note["credited_invoice_id"] == iid
    too_much = client.post(f"{BASE}/{iid}/credit-notes", headers=checker,
                           json={"amount": {"amount": "39000.01", "currency": "INR"}})
    assert too_much.status_code == 409 and too_much.json()["type"] == "/problems/credit-limit-exceeded"
    detail = client.get(f"{BASE}/{iid}", headers=checker).json()
    assert detail["balance"]["credited"]["amount"] == "1050.00"
    assert detail["balance"]["outstanding"]["amount"] == "40950.00"
    assert detail["credit_note_ids"] == [note["id"]]
    cn_pdf = client.get(f"{BASE}/{note['id']}/download", headers=checker)
    assert note["invoice_number"] in "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(cn_pdf.content)).pages)


def test_agents_see_only_their_agencys_issued_invoices(client, world, finance):
    issued = _issue(client, finance, world.bookings_a[0].booking_ref)
    draft = client.post(BASE, json={"booking_ref": world.bookings_a[0].booking_ref},
                        headers=auth(finance["maker"])).json()
    agent_a, agent_b = auth(world.keys["agent_a"]), auth(world.keys["agent_b"])

    listed = client.get(BASE, headers=agent_a).json()
    assert [i["id"] for i in listed["items"]] == [issued["id"]]
    assert client.get(BASE, headers=agent_b).json()["items"] == []
    own = client.get(f"{BASE}/{issued['id']}", headers=agent_a).json()
    assert own["invoice_number"] == issued["invoice_number"] and own["events"] == []
    for key, iid in ((agent_a, draft["id"]), (agent_b, issued["id"])):
        missing = client.get(f"{BASE}/{iid}", headers=key)
        assert missing.status_code == 404
        assert client.get(f"{BASE}/{iid}/download", headers=key).status_code == 404
    pdf = client.get(f"{BASE}/{issued['id']}/download", headers=agent_a)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.post(BASE, json={"booking_ref": world.bookings_a[1].booking_ref},
                       headers=agent_a).status_code == 403
    assert client.post(f"{BASE}/{draft['id']}/submit", headers=agent_a).status_code == 403
    assert client.post(f"{BASE}/{draft['id']}/submit",
                       headers=auth(world.keys["ops"])).status_code == 403


def test_errors_are_problem_documents(client, world, finance):
    maker = auth(finance["maker"])
    draft = client.post(BASE, json={"booking_ref": world.bookings_a[0].booking_ref}, headers=maker).json()
    cases = [
        (client.post(f"{BASE}/{draft['id']}/issue", headers=maker), 409, "/problems/illegal-transition"),
        (client.post(f"{BASE}/{draft['id']}/credit-notes", json={}, headers=maker), 409,
         "/problems/illegal-transition"),
        (client.post(BASE, json={"booking_ref": "NOPE"}, headers=maker), 404, "/problems/not-found"),
        (client.post(f"{BASE}/99999/submit", headers=maker), 404, "/problems/not-found"),
        (client.post(BASE, headers=maker, json={"booking_ref": world.bookings_a[1].booking_ref,
                                                "lines": [{"description": "x", "quantity": 1,
                                                           "unit_price": "10.001"}]}),
         422, "/problems/invalid-invoice"),
        (client.post(BASE, headers=maker, json={"booking_ref": world.bookings_a[1].booking_ref,
                                                "lines": [{"description": "x", "quantity": 1,
                                                           "unit_price": 10.5}]}),
         422, "/problems/validation-error"),
        (client.post(BASE, json={"booking_ref": world.bookings_a[1].booking_ref}, headers=maker),
         422, "/problems/invalid-invoice"),  # a booking without items and no explicit lines
        (client.get(f"{BASE}/{draft['id']}/download", params={"format": "xml"}, headers=maker),
         422, "/problems/validation-error"),
        (client.get(f"{BASE}/{draft['id']}/download", params={"format": "einvoice"}, headers=maker),
         409, "/problems/not-issued"),
        (client.get(BASE, params={"cursor": "garbage"}, headers=maker), 400, "/problems/invalid-cursor"),
        (client.get(BASE), 401, "/problems/unauthorized"),
    ]
    for response, status, problem in cases:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"] == problem


def test_explicit_lines_void_and_pagination(client, world, finance):
    maker = auth(finance["maker"])
    ids = []
    for booking in world.bookings_b:
        created = client.post(BASE, headers=maker, json={
            "booking_ref": booking.booking_ref,
            "lines": [{"description": "Heritage walk", "quantity": 3, "unit_price": "1499.99"}],
        })
        assert created.status_code == 201, created.text
        assert created.json()["subtotal"]["amount"] == "4499.97"
        ids.append(created.json()["id"])
    voided = client.post(f"{BASE}/{ids[0]}/void", json={"reason": "duplicate"}, headers=maker).json()
    assert voided["status"] == "void" and voided["events"][-1]["note"] == "duplicate"
    first = client.get(BASE, params={"limit": 2}, headers=maker).json()
    rest = client.get(BASE, params={"limit": 2, "cursor": first["next_cursor"]}, headers=maker).json()
    assert [i["id"] for i in first["items"] + rest["items"]] == sorted(ids, reverse=True)
    assert rest["next_cursor"] is None
    drafts = client.get(BASE, params={"status": "draft"}, headers=maker).json()["items"]
    assert {i["id"] for i in drafts} == set(ids[1:])


def test_invoice_csv_defuses_formula_text_and_keeps_amounts_numbers(client, world, finance):
    """A line description comes from a person: the CSV never hands a spreadsheet a formula, and
    amounts stay plain numbers (RFC 4180, CRLF)."""
    maker = auth(finance["maker"])
    created = client.post(BASE, headers=maker, json={
        "booking_ref": world.bookings_b[0].booking_ref,
        "lines": [{"description": '=HYPERLINK("http://x","y")', "quantity": 1, "unit_price": "100.00"},
                  {"description": "-2 nights", "quantity": 2, "unit_price": "50.00"}],
    })
    assert created.status_code == 201, created.text
    raw = client.get(f"{BASE}/{created.json()['id']}/download", params={"format": "csv"}, headers=maker).text
    assert raw.count("\r\n") == 4  # header, two lines, total
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert [r["description"] for r in rows] == ["'=HYPERLINK(\"http://x\",\"y\")", "'-2 nights", "TOTAL"]
    assert [r["net_amount"] for r in rows] == ["100.00", "100.00", "200.00"]
