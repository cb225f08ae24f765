"""Supplier dues and payouts over HTTP: finance proposes, another finance user approves and
marks paid; ops reads; agents get 403; every error is problem+json."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories as f
from tests.unit.api.conftest import auth

PAYOUTS = "/api/v1/supplier-payouts"
PERIOD = {"period_start": "2026-05-01", "period_end": "2026-05-31"}


@pytest.fixture
def settlement(session_factory, world):
    """A hotel (INR, 30 days) and a guide (EUR, 0 days) owed for May, and a second finance key."""
    with session_factory() as s:
        booking = f.make_booking(s, world.agent_a)
        hotel = f.make_supplier(s, currency="INR", payment_terms_days=30)
        guide = f.make_supplier(s, currency="EUR", payment_terms_days=0, kind="guide")
        for supplier, day, cost in ((hotel, dt.date(2026, 4, 10), 45_000_50),
                                    (hotel, dt.date(2026, 4, 12), 5_000_25),
                                    (guide, dt.date(2026, 5, 20), 320_00)):
            f.make_booking_item(s, booking, supplier=supplier, service_date=day, cost_minor=cost)
        checker_key = f.make_api_key(s, "finance", staff_user=f.make_staff_user(s, role="finance"))[0]
        s.commit()
        return {"hotel": hotel.id, "guide": guide.id, "checker": checker_key}


def _problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    if slug:
        assert body["type"] == f"/problems/{slug}"
    return body


def test_finance_proposes_another_approves_and_marks_paid(client, world, settlement):
    finance = auth(world.keys["finance"])
    r = client.post(f"{PAYOUTS}/proposals", json=PERIOD, headers=finance)
    assert r.status_code == 201, r.text
    payouts = {p["supplier_id"]: p for p in r.json()["payouts"]}
    hotel = payouts[settlement["hotel"]]
    assert hotel["amount"] == {"amount": "50000.75", "currency": "INR"}
    assert payouts[settlement["guide"]]["amount"] == {"amount": "320.00", "currency": "EUR"}
    assert hotel["status"] == "pending_approval"

    again = client.post(f"{PAYOUTS}/proposals", json=PERIOD, headers=finance)
    assert (again.status_code, again.json()) == (200, {"payouts": []})

    _problem(client.post(f"{PAYOUTS}/{hotel['id']}/approve", headers=finance), 409, "separation-of-duties")
    checker = auth(settlement["checker"])
    r = client.post(f"{PAYOUTS}/{hotel['id']}/approve", headers=checker)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert r.json()["approved_by_staff_id"] is not None

    today = dt.datetime.now(dt.UTC).date().isoformat()
    r = client.post(f"{PAYOUTS}/{hotel['id']}/mark-paid", headers=finance,
                    json={"reference": "UTR-42", "paid_on": today})
    assert r.status_code == 200, r.text
    detail = r.json()
    assert (detail["status"], detail["reference"], detail["paid_on"]) == ("paid", "UTR-42", today)
    assert [e["action"] for e in detail["events"]] == ["propose", "approve", "mark_paid"]
    assert sorted(i["amount"]["amount"] for i in detail["items"]) == ["45000.50", "5000.25"]

    _problem(client.post(f"{PAYOUTS}/{hotel['id']}/mark-paid", headers=finance,
                         json={"reference": "UTR-43", "paid_on": today}), 409, "illegal-transition")

    dues = client.get(f"/api/v1/suppliers/{settlement['hotel']}/dues?as_of=2026-06-30", headers=finance)
    assert dues.status_code == 200 and dues.json()["dues"] == []


def test_dues_endpoint(client, world, settlement):
    r = client.get(f"/api/v1/suppliers/{settlement['hotel']}/dues", params={"as_of": "2026-05-15"},
                   headers=auth(world.keys["ops"]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["payment_terms_days"] == 30
    assert [(d["due_on"], d["overdue"], d["outstanding"]["amount"]) for d in body["dues"]] == [
        ("2026-05-10", True, "45000.50"), ("2026-05-12", True, "5000.25")]
    assert body["outstanding"] == [{"amount": "50000.75", "currency": "INR"}]
    assert body["overdue"] == [{"amount": "50000.75", "currency": "INR"}]
    _problem(client.get("/api/v1/suppliers/999999/dues", headers=auth(world.keys["ops"])), 404, "not-found")
    _problem(client.get(f"/api/v1/suppliers/{settlement['hotel']}/dues", params={"as_of": "soon"},
                        headers=auth(world.keys["ops"])), 422, "validation-error")


def test_list_filters_and_cursor_pagination(client, world, settlement):
    finance = auth(world.keys["finance"])
    created = client.post(f"{PAYOUTS}/proposals", json=PERIOD, headers=finance).json()["payouts"]
    client.post(f"{PAYOUTS}/{created[0]['id']}/reject", headers=finance, json={"reason": "duplicate invoice"})
    ops = auth(world.keys["ops"])
    first = client.get(PAYOUTS, params={"limit": 1}, headers=ops).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = client.get(PAYOUTS, params={"limit": 1, "cursor": first["next_cursor"]}, headers=ops).json()
    assert second["items"][0]["id"] < first["items"][0]["id"]
    rejected = client.get(PAYOUTS, params={"status": "rejected"}, headers=ops).json()["items"]
    assert [p["id"] for p in rejected] == [created[0]["id"]]
    by_supplier = client.get(PAYOUTS, params={"supplier_id": settlement["guide"]}, headers=ops).json()
    assert {p["supplier_id"] for p in by_supplier["items"]} == {settlement["guide"]}
    one = client.get(f"{PAYOUTS}/{created[0]['id']}", headers=ops).json()
    assert one["events"][-1]["note"] == "duplicate invoice" and not any(i["live"] for i in one["items"])
    _problem(client.get(PAYOUTS, params={"cursor": "garbage"}, headers=ops), 400, "invalid-cursor")
    _problem(client.get(f"{PAYOUTS}/999999", headers=ops), 404, "not-found")


def test_roles(client, world, settlement):
    agent = auth(world.keys["agent_a"])
    for method, url in [("get", PAYOUTS), ("get", f"{PAYOUTS}/1"),
                        ("get", f"/api/v1/suppliers/{settlement['hotel']}/dues"),
                        ("post", f"{PAYOUTS}/1/approve")]:
        _problem(getattr(client, method)(url, headers=agent), 403, "forbidden")
    _problem(client.post(f"{PAYOUTS}/proposals", json=PERIOD, headers=agent), 403, "forbidden")
    ops = auth(world.keys["ops"])
    assert client.get(PAYOUTS, headers=ops).status_code == 200
    _problem(client.post(f"{PAYOUTS}/proposals", json=PERIOD, headers=ops), 403, "forbidden")
    _problem(client.get(PAYOUTS), 401, "unauthorized")
    admin = auth(world.keys["admin"])
    assert client.post(f"{PAYOUTS}/proposals", json=PERIOD, headers=admin).status_code == 201


def test_invalid_input_is_problem_json(client, world, settlement):
    finance = auth(world.keys["finance"])
    backwards = {"period_start": "2026-05-31", "period_end": "2026-05-01"}
    _problem(client.post(f"{PAYOUTS}/proposals", headers=finance, json=backwards), 422, "validation-error")
    _problem(client.post(f"{PAYOUTS}/proposals", headers=finance,
                         json={**PERIOD, "supplier_id": 999999}), 404, "not-found")
    payout = client.post(f"{PAYOUTS}/proposals", json=PERIOD, headers=finance).json()["payouts"][0]
    client.post(f"{PAYOUTS}/{payout['id']}/approve", headers=auth(settlement["checker"]))
    future = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)).isoformat()
    _problem(client.post(f"{PAYOUTS}/{payout['id']}/mark-paid", headers=finance,
                         json={"reference": "UTR-1", "paid_on": future}), 422, "invalid-settlement")
    _problem(client.post(f"{PAYOUTS}/{payout['id']}/mark-paid", headers=finance,
                         json={"paid_on": future}), 422, "validation-error")
    _problem(client.post(f"{PAYOUTS}/999999/approve", headers=finance), 404, "not-found")
