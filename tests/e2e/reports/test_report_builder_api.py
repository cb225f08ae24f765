"""/api/v1/reports on the tiny demo warehouse: auth (401/403), catalogue, run, export, saved
reports CRUD with ownership, schedule validation, schedule updates (PATCH: pause, resume,
change) and the recipient-domain allow-list. The warehouse is injected by overriding the
`get_report_source` dependency."""

from __future__ import annotations

import io
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes.reports import get_report_source
from tests import factories as f
from reports.builder import ReportSource
from tourstack.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]

SPEC = {"title": "Revenue by region", "metrics": ["revenue", "bookings"], "dimensions": ["booking__region"],
        "date_range": {"relative": "year_to_date"}, "comparison": "previous_year",
        "sort": ["-revenue"], "limit": 5, "chart": {"type": "bar"}}


@pytest.fixture
def keys(session):
    agency = f.make_agency(session, code="AAA")
    keys = {"agent": f.make_api_key(session, "agent", agency=agency)[0],
            "ops": f.make_api_key(session, "ops")[0],
            "finance": f.make_api_key(session, "finance")[0],
            "admin": f.make_api_key(session, "admin")[0]}
    session.commit()
    return keys


@contextmanager
def _client(db_url, tiny_warehouse, **settings):
    from tourstack.db.engine import make_engine, make_sessionmaker

    engine = make_engine(db_url)
    app = create_app(settings=Settings(database_url=db_url, **settings), sessionmaker=make_sessionmaker(engine))
    source = ReportSource("duckdb", tiny_warehouse.semantic_manifest, duckdb_path=tiny_warehouse.duckdb_path)
    app.dependency_overrides[get_report_source] = lambda: source
    with TestClient(app) as c:
        yield c
    engine.dispose()


@pytest.fixture
def client(db_url, tiny_warehouse):
    with _client(db_url, tiny_warehouse) as c:
        yield c


def h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_auth(client, keys):
    assert client.get("/api/v1/reports/metrics").status_code == 401
    for path in ("/api/v1/reports/metrics", "/api/v1/reports/saved"):
        r = client.get(path, headers=h(keys["agent"]))
        assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert client.post("/api/v1/reports/run", json=SPEC, headers=h(keys["agent"])).status_code == 403
    assert client.post("/api/v1/reports/saved", json={"name": "x", "spec": SPEC},
                       headers=h(keys["agent"])).status_code == 403
    assert client.get("/api/v1/reports/metrics", headers=h(keys["ops"])).status_code == 200


def test_catalogue(client, keys):
    metrics = client.get("/api/v1/reports/metrics", headers=h(keys["finance"])).json()
    assert {"name": "revenue", "label": "Revenue (base)", "type": "simple"}.items() <= metrics[
        [m["name"] for m in metrics].index("revenue")].items()
    dims = client.get("/api/v1/reports/dimensions?metrics=revenue,bookings", headers=h(keys["finance"])).json()
    assert {"name": "booking__country", "type": "categorical"}.items() <= next(
        d for d in dims if d["name"] == "booking__country").items()
    r = client.get("/api/v1/reports/dimensions?metrics=profit", headers=h(keys["finance"]))
    assert r.status_code == 422 and "profit" in r.json()["detail"]


def test_run_returns_typed_rows_with_comparison(client, keys):
    r = client.post("/api/v1/reports/run?as_of=2026-06-30", json=SPEC, headers=h(keys["finance"]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["period"] == {"start": "2026-01-01", "end": "2026-06-30"}
    assert body["previous_period"] == {"start": "2025-01-01", "end": "2025-06-30"}
    names = [c["name"] for c in body["columns"]]
    assert names[:3] == ["booking__region", "revenue", "bookings"] and "revenue_pct_change" in names
    assert len(body["rows"]) == 5
    revenue = [row[1] for row in body["rows"]]
    assert all(isinstance(v, str) for v in revenue)  # decimals as strings, never JSON floats
    from decimal import Decimal

    assert [Decimal(v) for v in revenue] == sorted((Decimal(v) for v in revenue), reverse=True)


@pytest.mark.parametrize("spec, detail", [
    ({**SPEC, "metrics": ["revenue", "profit"]}, "metrics[1]: unknown metric 'profit'"),
    ({**SPEC, "filters": [{"dimension": "booking__country", "value": "x" * 201}]}, "filters[0].value"),
    ({**SPEC, "filters": [{"dimension": "booking__booked_date", "op": ">=", "value": "June"}]}, "date"),
    ({**SPEC, "filters": [{"dimension": "booking__is_repeat_booking", "value": "maybe"}]}, "does not fit"),
    ({**SPEC, "dimensions": ["booking__region; drop table x"]}, "dimensions"),
    ({**SPEC, "grain": "hour"}, "grain"),
    (["not", "a", "mapping"], None),
])
def test_bad_specs_are_422_problems(client, keys, spec, detail):
    r = client.post("/api/v1/reports/run", json=spec, headers=h(keys["finance"]))
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    if detail:
        assert detail in r.json()["detail"]


@pytest.mark.parametrize("fmt, magic", [("csv", b"Booking region"), ("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_export_download(client, keys, fmt, magic):
    r = client.post(f"/api/v1/reports/export?format={fmt}&as_of=2026-06-30", json=SPEC, headers=h(keys["ops"]))
    assert r.status_code == 200 and r.content.startswith(magic)
    assert r.headers["content-disposition"] == f'attachment; filename="revenue-by-region-2026-06-30.{fmt}"'
    if fmt == "xlsx":
        from openpyxl import load_workbook

        assert len(load_workbook(io.BytesIO(r.content)).worksheets[0]._charts) == 1
    assert client.post("/api/v1/reports/export?format=docx", json=SPEC, headers=h(keys["ops"])).status_code == 422


def test_saved_reports_crud_and_ownership(client, keys):
    fin, ops, admin = h(keys["finance"]), h(keys["ops"]), h(keys["admin"])
    r = client.post("/api/v1/reports/saved", json={"name": "Regions", "spec": SPEC}, headers=fin)
    assert r.status_code == 201, r.text
    saved = r.json()
    assert saved["spec"]["title"] == "Revenue by region"
    assert client.post("/api/v1/reports/saved", json={"name": "Regions", "spec": SPEC}, headers=fin).status_code == 409
    bad = client.post("/api/v1/reports/saved", json={"name": "Bad", "spec": {**SPEC, "metrics": ["revenue", "profit"]}}, headers=fin)
    assert bad.status_code == 422 and "profit" in bad.json()["detail"]
    sid = saved["id"]
    assert [s["id"] for s in client.get("/api/v1/reports/saved", headers=fin).json()] == [sid]
    assert client.get("/api/v1/reports/saved", headers=ops).json() == []
    assert client.get(f"/api/v1/reports/saved/{sid}", headers=ops).status_code == 404
    assert client.get(f"/api/v1/reports/saved/{sid}", headers=admin).status_code == 200
    assert [s["id"] for s in client.get("/api/v1/reports/saved?all=true", headers=admin).json()] == [sid]
    r = client.put(f"/api/v1/reports/saved/{sid}", json={"name": "Regions YTD"}, headers=fin)
    assert r.status_code == 200 and r.json()["name"] == "Regions YTD"
    run = client.post(f"/api/v1/reports/saved/{sid}/run?as_of=2026-06-30", headers=fin)
    assert run.status_code == 200 and len(run.json()["rows"]) == 5
    assert client.post(f"/api/v1/reports/saved/{sid}/run", headers=ops).status_code == 404
    pdf = client.post(f"/api/v1/reports/saved/{sid}/export?format=pdf&as_of=2026-06-30", headers=fin)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.delete(f"/api/v1/reports/saved/{sid}", headers=ops).status_code == 404
    assert client.delete(f"/api/v1/reports/saved/{sid}", headers=admin).status_code == 204
    assert client.get(f"/api/v1/reports/saved/{sid}", headers=fin).status_code == 404


@pytest.mark.parametrize("changes, status, detail", [
    ({"cron": "every monday"}, 422, "cron"),
    ({"timezone": "Europe/Atlantis"}, 422, "timezone"),
    ({"recipients": ["nobody"]}, 422, "not an e-mail address"),
    ({"format": "docx"}, 422, None),
    ({"saved_report_id": 999}, 404, "no saved report 999"),
])
def test_schedule_validation(client, keys, changes, status, detail):
    fin = h(keys["finance"])
    sid = client.post("/api/v1/reports/saved", json={"name": "S", "spec": SPEC}, headers=fin).json()["id"]
    body = {"saved_report_id": sid, "cron": "0 7 * * 1", "timezone": "Asia/Kolkata",
            "recipients": ["ceo@example.com"], "format": "pdf"} | changes
    r = client.post("/api/v1/reports/schedules", json=body, headers=fin)
    assert r.status_code == status, r.text
    if detail:
        assert detail in r.json()["detail"]


def test_schedules_crud(client, keys):
    fin, ops = h(keys["finance"]), h(keys["ops"])
    sid = client.post("/api/v1/reports/saved", json={"name": "S", "spec": SPEC}, headers=fin).json()["id"]
    body = {"saved_report_id": sid, "cron": "0 7 * * 1", "timezone": "Asia/Kolkata",
            "recipients": ["ceo@example.com"], "format": "xlsx"}
    r = client.post("/api/v1/reports/schedules", json=body, headers=fin)
    assert r.status_code == 201, r.text
    schedule = r.json()
    assert schedule["next_run_at"].endswith(("01:30:00Z", "01:30:00+00:00")) and schedule["active"] is True
    assert client.post("/api/v1/reports/schedules", json=body, headers=ops).status_code == 404  # not ops' report
    assert [s["id"] for s in client.get(f"/api/v1/reports/schedules?saved_report_id={sid}", headers=fin).json()] == [schedule["id"]]
    assert client.get("/api/v1/reports/schedules", headers=ops).json() == []
    assert client.get(f"/api/v1/reports/schedules/{schedule['id']}", headers=ops).status_code == 404
    assert client.delete(f"/api/v1/reports/schedules/{schedule['id']}", headers=fin).status_code == 204
    assert client.get("/api/v1/reports/schedules", headers=fin).json() == []


def test_quoted_filter_values_are_data_not_sql(client, keys):
    """A value that would break out of a SQL literal is compared as text: no match, no error."""
    spec = {**SPEC, "filters": [{"dimension": "agency__agency_name", "op": "in",
                                 "value": ["x' or '1'='1", "O'Brien Travels"]}]}
    r = client.post("/api/v1/reports/run?as_of=2026-06-30", json=spec, headers=h(keys["finance"]))
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == [] and "O'Brien Travels" in r.json()["filters_text"]


def _schedule(client, headers, **changes):
    sid = client.post("/api/v1/reports/saved", json={"name": "S", "spec": SPEC}, headers=headers).json()["id"]
    body = {"saved_report_id": sid, "cron": "0 7 * * 1", "timezone": "Asia/Kolkata",
            "recipients": ["ceo@example.com"], "format": "xlsx"} | changes
    r = client.post("/api/v1/reports/schedules", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_schedule_patch_pauses_resumes_and_changes(client, keys):
    fin, ops, admin, agent = h(keys["finance"]), h(keys["ops"]), h(keys["admin"]), h(keys["agent"])
    schedule = _schedule(client, fin)
    url = f"/api/v1/reports/schedules/{schedule['id']}"
    r = client.patch(url, json={"active": False}, headers=fin)
    assert r.status_code == 200 and r.json()["active"] is False
    assert r.json()["cron"] == "0 7 * * 1" and r.json()["recipients"] == ["ceo@example.com"]
    assert client.get(url, headers=fin).json()["active"] is False
    r = client.patch(url, json={"active": True, "cron": "30 6 * * *", "timezone": "UTC",
                                "recipients": ["cfo@example.com"], "format": "csv"}, headers=fin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["active"], body["cron"], body["timezone"], body["recipients"], body["format"]) == \
        (True, "30 6 * * *", "UTC", ["cfo@example.com"], "csv")
    assert body["next_run_at"].endswith(("06:30:00Z", "06:30:00+00:00"))
    # owner-scoped like the rest: another staff key does not see it, an agent may not manage
    assert client.patch(url, json={"active": False}, headers=ops).status_code == 404
    assert client.patch(url, json={"active": False}, headers=agent).status_code == 403
    assert client.patch("/api/v1/reports/schedules/999999", json={"active": False}, headers=fin).status_code == 404
    assert client.patch(url, json={"format": "pdf"}, headers=admin).status_code == 200


@pytest.mark.parametrize("changes, detail", [
    ({"cron": "every monday"}, "cron"), ({"timezone": "Europe/Atlantis"}, "timezone"),
    ({"recipients": ["nobody"]}, "not an e-mail address"), ({"recipients": []}, None),
    ({"format": "docx"}, None), ({"saved_report_id": 1}, None), ({"active": "maybe"}, None),
])
def test_schedule_patch_validation(client, keys, changes, detail):
    fin = h(keys["finance"])
    schedule = _schedule(client, fin)
    r = client.patch(f"/api/v1/reports/schedules/{schedule['id']}", json=changes, headers=fin)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    if detail:
        assert detail in r.json()["detail"]
    assert client.get(f"/api/v1/reports/schedules/{schedule['id']}", headers=fin).json() == schedule


def test_recipient_domain_allow_list(db_url, tiny_warehouse, keys):
    with _client(db_url, tiny_warehouse, report_recipient_domains=["example.com"]) as client:
        fin = h(keys["finance"])
        sid = client.post("/api/v1/reports/saved", json={"name": "S", "spec": SPEC}, headers=fin).json()["id"]
        body = {"saved_report_id": sid, "cron": "0 7 * * 1", "recipients": ["ceo@example.com", "x@evil.test"]}
        r = client.post("/api/v1/reports/schedules", json=body, headers=fin)
        assert r.status_code == 422 and "x@evil.test" in r.json()["detail"]
        r = client.post("/api/v1/reports/schedules", json=body | {"recipients": ["ceo@example.com"]}, headers=fin)
        assert r.status_code == 201
        r = client.patch(f"/api/v1/reports/schedules/{r.json()['id']}", json={"recipients": ["x@evil.test"]},
                         headers=fin)
        assert r.status_code == 422 and "allowed domains (example.com)" in r.json()["detail"]
