"""Locust scenarios of the load test (`python -m bench.load` runs them headless).

The mix is what the product's users do: travel agents browse their bookings and the destination
catalogue (most of the traffic, and the reads the response cache serves), staff work the finance
lists, and agents price quote requests (writes, which raise the cached tables' versions, so reads
after them miss once). The fixture file (`LOAD_FIXTURES`, JSON written by bench/load.py) holds the
API keys and ids each user draws from: an agent only ever asks for its own agency's bookings.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading

from locust import HttpUser, between, task

# Think time between a user's requests, seconds (LOAD_THINK_S, mean): 10 s makes 1,000 users
# about 100 requests a second, the sustained load.
THINK = float(os.environ.get("LOAD_THINK_S", "10"))

FIXTURES = json.loads(open(os.environ["LOAD_FIXTURES"]).read()) if os.environ.get("LOAD_FIXTURES") else {}
_requests = iter(FIXTURES.get("quote_requests", []))
_lock = threading.Lock()
_agent_cycle = itertools.cycle(FIXTURES.get("agents", []) or [None])


def _next_request() -> dict | None:
    with _lock:
        return next(_requests, None)


class Agent(HttpUser):
    weight = 7
    wait_time = between(THINK / 2, THINK * 1.5)

    def on_start(self) -> None:
        self.me = next(_agent_cycle)
        self.client.headers["X-API-Key"] = self.me["key"]

    @task(4)
    def bookings(self) -> None:
        self.client.get("/api/v1/bookings?limit=20", name="/api/v1/bookings")

    @task(3)
    def one_booking(self) -> None:
        ref = random.choice(self.me["bookings"])
        self.client.get(f"/api/v1/bookings/{ref}", name="/api/v1/bookings/{ref}")

    @task(2)
    def destinations(self) -> None:
        self.client.get("/api/v1/destinations", name="/api/v1/destinations")

    @task(1)
    def popular(self) -> None:
        self.client.get("/api/v1/destinations/popular", name="/api/v1/destinations/popular")

    @task(1)
    def quotes(self) -> None:
        self.client.get("/api/v1/quotes?limit=20", name="/api/v1/quotes")


class Staff(HttpUser):
    weight = 2
    wait_time = between(THINK / 2, THINK * 1.5)

    def on_start(self) -> None:
        self.client.headers["X-API-Key"] = FIXTURES["staff_key"]

    @task(3)
    def invoices(self) -> None:
        self.client.get("/api/v1/invoices?limit=20", name="/api/v1/invoices")

    @task(2)
    def payments(self) -> None:
        self.client.get("/api/v1/payments?limit=20", name="/api/v1/payments")

    @task(2)
    def exceptions(self) -> None:
        self.client.get("/api/v1/reconciliation/exceptions?limit=50", name="/api/v1/reconciliation/exceptions")

    @task(1)
    def outbox(self) -> None:
        self.client.get("/api/v1/outbox/summary", name="/api/v1/outbox/summary")

    @task(1)
    def payouts(self) -> None:
        self.client.get("/api/v1/supplier-payouts?limit=20", name="/api/v1/supplier-payouts")


class Pricer(HttpUser):
    """Ops pricing open quote requests: each request is priced once; when none is left the user
    reads the quote list instead of inventing writes the product would refuse."""

    weight = 1
    wait_time = between(THINK / 2, THINK * 1.5)

    def on_start(self) -> None:
        self.client.headers["X-API-Key"] = FIXTURES["ops_key"]

    @task
    def price(self) -> None:
        request = _next_request()
        if request is None:
            self.client.get("/api/v1/quotes?limit=20", name="/api/v1/quotes")
            return
        body = {"quote_request_id": request["id"], "total": {"amount": request["total"], "currency": request["currency"]},
                "cost": {"amount": request["cost"], "currency": request["currency"]},
                "valid_until": request["valid_until"]}
        self.client.post("/api/v1/quotes", json=body, name="POST /api/v1/quotes")


class Floor(HttpUser):
    """The floor of the same run: the same users and think time on `/health/live`, which touches
    neither the database nor Redis, through the same nginx and uvicorn processes. What the mix
    costs above this is the application's; what this costs is the machine's and the stack's."""

    weight = 1
    wait_time = between(THINK / 2, THINK * 1.5)

    @task
    def live(self) -> None:
        self.client.get("/health/live", name="/health/live")


class PdfSpike(HttpUser):
    """The spike phase: itinerary PDFs at once. bench/load.py names the classes of each phase, so
    this one never joins the mixed runs."""

    weight = 1
    wait_time = between(0, 0)

    def on_start(self) -> None:
        self.client.headers["X-API-Key"] = FIXTURES["ops_key"]

    @task
    def pdf(self) -> None:
        itinerary = random.choice(FIXTURES["itineraries"])
        self.client.get(f"/api/v1/itineraries/{itinerary}.pdf", name="/api/v1/itineraries/{id}.pdf", timeout=120)
