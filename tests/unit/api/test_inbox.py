"""Inbound-mail tasks and staged rates over the API: staff only, a decision applies once (a
second is a 409), a task closes once, and an approval task closes only with its decision."""

from __future__ import annotations

from sqlalchemy import select

from tests import factories as f
from tests.unit.api.conftest import auth
from tests.unit.api.test_auth import assert_problem
from tests.unit.inbox.test_rate_sheets import HEADER, _sheet_mail
from tourstack.db.models import SupplierRate
from tourstack.inbox import process


def _ingest(session_factory, raw: bytes) -> int:
    with session_factory() as s:
        return process.ingest(s, raw, "file").message_id


def _sheet(session_factory) -> tuple[int, int]:
    with session_factory() as s:
        supplier = f.make_supplier(s, contact_email="reservations@lakeview.example")
        s.commit()
        supplier_id = supplier.id
    raw = _sheet_mail("reservations@lakeview.example", [HEADER, ["Lake Suite", "Peak", "01/10/2027", "31/03/2028",
                                                                 "Double", 11395]])
    return _ingest(session_factory, raw), supplier_id


def test_rates_diff_then_one_decision(client, world, session_factory):
    message_id, supplier_id = _sheet(session_factory)
    staff, agent = auth(world.keys["finance"]), auth(world.keys["agent_a"])
    assert_problem(client.get(f"/api/v1/inbox/messages/{message_id}/rates", headers=agent), 403)
    body = client.get(f"/api/v1/inbox/messages/{message_id}/rates", headers=staff).json()
    assert body["supplier_id"] == supplier_id
    assert [(r["service"], r["new_price"], r["change"], r["status"]) for r in body["items"]] == [
        ("Lake Suite (double)", "11395", "new", "pending")]
    tasks = client.get("/api/v1/inbox/tasks", headers=staff).json()["items"]
    (task,) = [t for t in tasks if t["kind"] == "approve_rates"]
    assert_problem(client.post(f"/api/v1/inbox/tasks/{task['id']}/resolve", json={"status": "done"}, headers=staff), 409)

    decided = client.post(f"/api/v1/inbox/messages/{message_id}/rates/decision", json={"approve": True}, headers=staff)
    assert decided.status_code == 200, decided.text
    assert decided.json()["items"][0]["status"] == "approved"
    again = client.post(f"/api/v1/inbox/messages/{message_id}/rates/decision", json={"approve": True}, headers=staff)
    assert_problem(again, 409)
    with session_factory() as s:
        assert [r.cost_minor for r in s.scalars(select(SupplierRate))] == [11_395_00]
    done = client.get("/api/v1/inbox/tasks", params={"status": "done"}, headers=staff).json()["items"]
    assert [t["kind"] for t in done] == ["approve_rates"]


def test_tasks_page_and_close_once(client, world, session_factory):
    for n in range(3):
        _ingest(session_factory, _sheet_mail(f"nobody{n}@example.test", [["no rates here"]]))
    staff = auth(world.keys["finance"])
    first = client.get("/api/v1/inbox/tasks", params={"limit": 2}, headers=staff).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = client.get("/api/v1/inbox/tasks", params={"limit": 2, "cursor": first["next_cursor"]}, headers=staff).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    task_id = rest["items"][0]["id"]
    closed = client.post(f"/api/v1/inbox/tasks/{task_id}/resolve", json={"status": "dismissed"}, headers=staff)
    assert closed.status_code == 200 and closed.json()["resolved_by"].startswith("api key")
    assert_problem(client.post(f"/api/v1/inbox/tasks/{task_id}/resolve", json={"status": "done"}, headers=staff), 409)
    assert_problem(client.post("/api/v1/inbox/tasks/999999/resolve", json={"status": "done"}, headers=staff), 404)
    assert_problem(client.get("/api/v1/inbox/tasks", params={"cursor": "garbage"}, headers=staff), 400)
    assert client.get("/api/v1/inbox/tasks").status_code == 401
