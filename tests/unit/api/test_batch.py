"""POST /api/v1/batch: several reads in one request, each authorised as the caller only."""

from __future__ import annotations

from tests.unit.api.conftest import auth


def _batch(client, key, *paths):
    return client.post("/api/v1/batch", headers=auth(key),
                       json={"requests": [{"id": str(n), "path": p} for n, p in enumerate(paths)]})


def test_reads_come_back_in_order_with_their_status(client, world):
    ref = world.bookings_a[0].booking_ref
    response = _batch(client, world.keys["agent_a"], "/api/v1/bookings?limit=2", f"/api/v1/bookings/{ref}",
                      f"/api/v1/quotes/{world.quote_a_id}")
    assert response.status_code == 200, response.text
    answers = response.json()["responses"]
    assert [a["id"] for a in answers] == ["0", "1", "2"]
    assert [a["status"] for a in answers] == [200, 200, 200]
    assert len(answers[0]["body"]["items"]) == 2 and answers[1]["body"]["booking_ref"] == ref
    alone = client.get("/api/v1/bookings?limit=2", headers=auth(world.keys["agent_a"])).json()
    assert answers[0]["body"] == alone


def test_no_sub_request_gets_more_than_the_caller_could(client, world):
    other_ref = world.bookings_b[0].booking_ref
    answers = _batch(client, world.keys["agent_a"], f"/api/v1/bookings/{other_ref}", "/api/v1/bookings",
                     "/api/v1/supplier-payouts", f"/api/v1/quotes/{world.quote_b_id}",
                     "/api/v1/outbox/messages").json()["responses"]
    assert answers[0]["status"] == 404  # another agency's booking, as if it did not exist
    assert {b["booking_ref"] for b in answers[1]["body"]["items"]} == {b.booking_ref for b in world.bookings_a}
    assert answers[2]["status"] == 403 and answers[4]["status"] == 403  # staff-only reads
    assert answers[3]["status"] == 404
    assert answers[2]["body"]["type"].endswith("/forbidden")
    # Staff see what their role may read.
    staff = _batch(client, world.keys["ops"], "/api/v1/supplier-payouts", f"/api/v1/bookings/{other_ref}")
    assert [a["status"] for a in staff.json()["responses"]] == [200, 200]


def test_a_batch_needs_a_valid_key(client, world):
    body = {"requests": [{"path": "/api/v1/bookings"}]}
    assert client.post("/api/v1/batch", json=body).status_code == 401
    assert client.post("/api/v1/batch", json=body, headers=auth(world.keys["revoked"])).status_code == 401


def test_only_plain_get_paths_below_the_api_and_no_nesting(client, world):
    key = world.keys["admin"]
    answers = _batch(client, key, "/api/v1/batch", "/api/v1/../health", "/api/v1//bookings").json()["responses"]
    assert [a["status"] for a in answers] == [400, 400, 400]
    for path in ("/health", "http://elsewhere/api/v1/bookings", "api/v1/bookings", "/api/v1/book ings",
                 "/api/v1/bookings\x00", "/api/v1/bookings/é"):
        assert _batch(client, key, path).status_code == 422
    too_many = {"requests": [{"path": "/api/v1/bookings"}] * 21}
    assert client.post("/api/v1/batch", json=too_many, headers=auth(key)).status_code == 422
    assert client.post("/api/v1/batch", json={"requests": []}, headers=auth(key)).status_code == 422
