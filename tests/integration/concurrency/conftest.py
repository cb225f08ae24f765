"""The real API over HTTP (uvicorn in a thread) on a real operational database, once per module
and backend: PostgreSQL (a throwaway database) and SQLite (a WAL file, the embedded default).

Every test builds its own rows (a fresh payment, invoice, supplier...) on the shared database,
so tests stay independent while the migration and the server start once per module. Gateways
are in-process (tests/fakes/memory_gateway.py) and count what they were asked to do, so a test
can tell a refund or a capture made twice at the gateway from one recorded twice.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import psycopg
import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from tests import factories as f
from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.memory_gateway import MemoryGateway
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.migrate import upgrade
from tourstack.payments import BankAccount, GatewayConfig, build_runtime
from tourstack.payments.bank_transfer import BankTransferGateway
from tourstack.settings import Settings

# Parallel requests per race: enough to overlap on two cores, few enough to stay in seconds.
N = 10
# Refunds above this (INR) wait for a second person's approval.
APPROVAL_THRESHOLD_MINOR = 10_000_00

BACKENDS = [pytest.param("postgresql", marks=pytest.mark.postgres, id="postgresql"),
            pytest.param("sqlite", id="sqlite")]


class CountingGateway(MemoryGateway):
    """A MemoryGateway that counts captures per payment reference, under a lock (the server
    calls it from several threads)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.captures: dict[str, int] = {}
        self._lock = threading.Lock()

    def capture(self, payment_reference, amount_minor, currency, details):
        with self._lock:
            self.captures[payment_reference] = self.captures.get(payment_reference, 0) + 1
        return super().capture(payment_reference, amount_minor, currency, details)

    def refund(self, payment, amount_minor, idempotency_key, reason):
        with self._lock:
            return super().refund(payment, amount_minor, idempotency_key, reason)


@dataclass
class Stack:
    backend: str
    url: str
    factory: sessionmaker[Session]
    base_url: str
    keys: dict[str, str]  # finance_a, finance_b: two people (maker and checker)
    staff_ids: dict[str, int]
    gateways: dict


def _create_pg_database(admin_url: str) -> tuple[str, str]:
    name = f"ts_race_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    return name, f"{base}/{name}"


def _drop_pg_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _keys(factory: sessionmaker[Session]) -> tuple[dict[str, str], dict[str, int]]:
    with factory() as s:
        people = {who: f.make_staff_user(s, role="finance") for who in ("finance_a", "finance_b")}
        keys = {who: f.make_api_key(s, "finance", staff_user=person)[0] for who, person in people.items()}
        s.commit()
        return keys, {who: person.id for who, person in people.items()}


@pytest.fixture(scope="module", params=BACKENDS)
def stack(request, tmp_path_factory) -> Iterator[Stack]:
    backend = request.param
    dropped = None
    if backend == "postgresql":
        admin_url = request.getfixturevalue("pg_admin_url")
        dropped, url = _create_pg_database(admin_url)
        upgrade(url)
        engine = make_engine(url, pool_size=N + 2, max_overflow=N)
    else:
        target = tmp_path_factory.mktemp("race") / "operational.db"
        shutil.copyfile(request.getfixturevalue("migrated_template"), target)
        url = f"sqlite:///{target}"
        engine = make_engine(url, pool_size=N + 2, max_overflow=N)
    factory = make_sessionmaker(engine)
    keys, staff_ids = _keys(factory)
    gateways = {"razorpay": CountingGateway("razorpay"), "stripe": CountingGateway("stripe"),
                "paypal": CountingGateway("paypal"),
                "bank_transfer": BankTransferGateway(BankAccount("Tourstack", "50200012345678"))}
    app = create_app(settings=Settings(database_url=url), sessionmaker=factory)
    app.state.payments = build_runtime(
        GatewayConfig(refund_approval_thresholds={"INR": APPROVAL_THRESHOLD_MINOR}), gateways=gateways)
    try:
        with ThreadedServer(app) as server:
            yield Stack(backend, url, factory, server.url, keys, staff_ids, gateways)
    finally:
        engine.dispose()
        if dropped:
            _drop_pg_database(request.getfixturevalue("pg_admin_url"), dropped)


def race(stack: Stack, requests: list[tuple[str, str, str, dict | None]]) -> list[httpx.Response]:
    """Send every (method, path, key name, JSON body) at once from its own thread: all threads
    wait on one barrier, then fire. Returns the responses in the order given."""
    barrier = threading.Barrier(len(requests))
    responses: list[httpx.Response | BaseException | None] = [None] * len(requests)

    def send(i: int, method: str, path: str, key: str, body: dict | None) -> None:
        headers = {"Authorization": f"Bearer {stack.keys[key]}"}
        if method == "POST" and path.endswith("/payments"):
            headers["Idempotency-Key"] = f"race-{uuid.uuid4().hex}"
        with httpx.Client(base_url=stack.base_url, timeout=60) as client:
            barrier.wait(timeout=30)
            try:
                responses[i] = client.request(method, path, json=body, headers=headers)
            except BaseException as exc:  # noqa: BLE001 - reported below
                responses[i] = exc

    threads = [threading.Thread(target=send, args=(i, *req)) for i, req in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    failed = [r for r in responses if not isinstance(r, httpx.Response)]
    assert not failed, f"requests did not complete: {failed}"
    return responses  # type: ignore[return-value]


def call(stack: Stack, method: str, path: str, key: str, body: dict | None = None) -> httpx.Response:
    """One request on its own, to set a race up."""
    with httpx.Client(base_url=stack.base_url, timeout=60) as client:
        return client.request(method, path, json=body, headers={"Authorization": f"Bearer {stack.keys[key]}"})


def statuses(responses: list[httpx.Response]) -> list[int]:
    return sorted(r.status_code for r in responses)


def tally(responses: list[httpx.Response]) -> str:
    """'201 x1, 409 x9': what the race answered, for assertion messages."""
    counts = Counter(r.status_code for r in responses)
    return ", ".join(f"{code} x{n}" for code, n in sorted(counts.items()))


def expect(responses: list[httpx.Response], wins: int, win: int = 201, lose: int = 409) -> None:
    """`wins` successes with status `win`, every other request refused with `lose` as a
    problem document."""
    assert statuses(responses) == sorted([win] * wins + [lose] * (len(responses) - wins)), tally(responses)
    refused_cleanly(responses, lose)


def refused_cleanly(responses: list[httpx.Response], status: int = 409) -> None:
    """Every refusal is a problem document with the expected status, never a 500."""
    for r in responses:
        if r.status_code >= 300:
            assert r.status_code == status, f"{r.status_code}: {r.text}"
            assert r.headers["content-type"].startswith("application/problem+json"), r.text


def same(n: int, request: tuple[str, str, str, dict | None]) -> list[tuple[str, str, str, dict | None]]:
    return [request] * n


def alternating(n: int, make: Callable[[int], tuple[str, str, str, dict | None]]):
    return [make(i) for i in range(n)]
