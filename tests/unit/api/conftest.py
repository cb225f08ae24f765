"""API test fixtures: the shared `session` / `db_url` fixtures (tests/conftest.py),
a small two-agency world, and a TestClient on an app bound to that database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from tests import factories as f
from tourstack.auth import revoke_key
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import Agency, Agent, Booking, QuoteRequest
from tourstack.settings import Settings


@pytest.fixture
def session_factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    yield make_sessionmaker(engine)
    engine.dispose()


@dataclass
class World:
    agency_a: Agency
    agency_b: Agency
    agent_a: Agent
    agent_b: Agent
    bookings_a: list[Booking]
    bookings_b: list[Booking]
    request_a: QuoteRequest
    request_b: QuoteRequest
    quote_a_id: int
    quote_b_id: int
    keys: dict[str, str]  # agent_a, agent_b, ops, finance, admin, revoked


@pytest.fixture
def world(session_factory) -> World:
    with session_factory() as s:
        dest = f.make_destination(s)
        agency_a, agency_b = f.make_agency(s, code="AAA"), f.make_agency(s, code="BBB")
        agent_a, agent_b = f.make_agent(s, agency_a), f.make_agent(s, agency_b)
        bookings_a = [f.make_booking(s, agent_a, destination=dest) for _ in range(5)]
        bookings_b = [f.make_booking(s, agent_b, destination=dest) for _ in range(3)]
        f.make_booking_item(s, bookings_a[0])
        request_a = f.make_quote_request(s, agent_a, destination=dest)
        request_b = f.make_quote_request(s, agent_b, destination=dest)
        quote_a = f.make_quote(s, f.make_quote_request(s, agent_a, destination=dest, status="quoted"))
        quote_b = f.make_quote(s, f.make_quote_request(s, agent_b, destination=dest, status="quoted"))
        ops_user = f.make_staff_user(s, role="ops")
        keys = {
            "agent_a": f.make_api_key(s, "agent", agency=agency_a, agent=agent_a)[0],
            "agent_b": f.make_api_key(s, "agent", agency=agency_b)[0],
            "ops": f.make_api_key(s, "ops", staff_user=ops_user)[0],
            "finance": f.make_api_key(s, "finance")[0],
            "admin": f.make_api_key(s, "admin")[0],
        }
        revoked_plain, revoked_row = f.make_api_key(s, "admin")
        revoke_key(s, revoked_row.id)
        keys["revoked"] = revoked_plain
        s.commit()
        return World(
            agency_a, agency_b, agent_a, agent_b, bookings_a, bookings_b, request_a, request_b,
            quote_a.id, quote_b.id, keys,
        )


@pytest.fixture
def app(db_url, session_factory):
    return create_app(settings=Settings(database_url=db_url), sessionmaker=session_factory)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
