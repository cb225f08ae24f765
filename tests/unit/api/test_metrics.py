"""/metrics: outside the schema, RED per route template, pool and outbox gauges, optional token."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from api.route_templates import UNMATCHED, RouteTemplates
from tests import factories as f
from tests.unit.api.conftest import auth
from tourstack.messaging.outbox import enqueue
from tourstack.settings import Settings


def test_templates_prefer_the_most_literal_match():
    templates = RouteTemplates(["/api/v1/search/{index}", "/api/v1/search/autocomplete",
                                "/api/v1/itineraries/{itinerary_id}", "/api/v1/itineraries/{itinerary_id}.pdf"])
    assert templates.label("/api/v1/search/autocomplete") == "/api/v1/search/autocomplete"
    assert templates.label("/api/v1/search/sites") == "/api/v1/search/{index}"
    assert templates.label("/api/v1/itineraries/7.pdf") == "/api/v1/itineraries/{itinerary_id}.pdf"
    assert templates.label("/api/v1/itineraries/7") == "/api/v1/itineraries/{itinerary_id}"
    assert templates.label("/nope/7") == UNMATCHED


def test_metrics_are_not_in_the_schema_and_label_by_template(app, client, world):
    assert "/metrics" not in app.openapi()["paths"]
    for booking in world.bookings_a[:3]:
        assert client.get(f"/api/v1/bookings/{booking.booking_ref}", headers=auth(world.keys["ops"])).status_code == 200
    client.get("/api/v1/bookings/unknown-ref", headers=auth(world.keys["ops"]))
    client.get("/no/such/path/123")
    text = client.get("/metrics").text
    assert ('tourstack_http_requests_total{method="GET",route="/api/v1/bookings/{booking_ref}",status="200"} 3.0'
            in text)
    assert 'route="/api/v1/bookings/{booking_ref}",status="404"} 1.0' in text
    assert world.bookings_a[0].booking_ref not in text  # never a raw path
    assert 'route="<unmatched>",status="404"' in text
    assert "tourstack_http_request_duration_seconds_bucket" in text
    assert "tourstack_db_pool_checked_out" in text or "tourstack_db_pool_size" in text
    assert "tourstack_db_pool_wait_seconds_count" in text
    statements = [line for line in text.splitlines() if line.startswith("tourstack_db_query_duration_seconds_count")]
    assert statements and float(statements[0].split()[-1]) >= 4  # at least one per booking read


def test_outbox_backlog_is_read_at_scrape_time(client, session_factory, world):
    with session_factory() as s:
        for n in range(3):
            enqueue(s, event_type="test.event", event_key=f"k{n}", channel="email", recipient="a@example.com",
                    payload={"n": n})
        s.commit()
    text = client.get("/metrics").text
    assert 'tourstack_outbox_backlog{channel="email",status="pending"} 3.0' in text


def test_a_metrics_token_is_required_when_configured(db_url, session_factory):
    settings = Settings(database_url=db_url, metrics_token="scrape-secret")
    with TestClient(create_app(settings=settings, sessionmaker=session_factory)) as client:
        refused = client.get("/metrics")
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert ok.status_code == 200 and "tourstack_http_requests_total" in ok.text
        assert "scrape-secret" not in ok.text


def test_dashboards_freshness_is_exposed_when_the_pipeline_wrote_pages(db_url, session_factory, tmp_path):
    (tmp_path / "executive.html").write_text("<html></html>")
    settings = Settings(database_url=db_url, dashboards_dir=tmp_path)
    with TestClient(create_app(settings=settings, sessionmaker=session_factory)) as client:
        text = client.get("/metrics").text
    assert 'tourstack_pipeline_last_success_timestamp_seconds{asset="dashboards"}' in text
