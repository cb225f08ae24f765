"""tourstack.auth: key format, hashing, verification, revocation, roles."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from tests import factories as f
from tourstack.auth import (
    KeyIssueError,
    Permission,
    Principal,
    has_permission,
    issue_key,
    parse_key,
    revoke_key,
    verify_key,
)
from tourstack.db.engine import make_engine, make_sessionmaker


@pytest.fixture
def session(migrated_sqlite_url):
    engine = make_engine(migrated_sqlite_url)
    with make_sessionmaker(engine)() as s:
        yield s
    engine.dispose()


def test_issue_and_verify_agent_key(session):
    agency = f.make_agency(session)
    agent = f.make_agent(session, agency)
    plain, row = issue_key(session, "agent", "booking tool", agency_id=agency.id, agent_id=agent.id)
    assert plain.startswith(f"ts_{row.prefix}_") and len(plain) > 50
    assert parse_key(plain) == row.prefix
    assert row.key_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in (row.key_hash, row.prefix, row.name)
    principal = verify_key(session, plain)
    assert principal == Principal(key_id=row.id, role="agent", agency_id=agency.id,
                                  agent_id=agent.id, staff_user_id=None)
    assert principal.scope_agency_id == agency.id
    assert row.last_used_at is not None


def test_staff_principal_has_no_scope(session):
    plain, _ = issue_key(session, "finance", "reports")
    principal = verify_key(session, plain)
    assert principal is not None and principal.scope_agency_id is None


def test_prefixes_are_unique(session):
    prefixes = {issue_key(session, "ops", f"k{i}")[1].prefix for i in range(20)}
    assert len(prefixes) == 20


@pytest.mark.parametrize("bad", [None, "", "ts_", "ts_abc_def", "xx_0123456789ab_secret",
                                 "ts_0123456789ab_", "ts_ZZZZZZZZZZZZ_secret"])
def test_malformed_keys_rejected(session, bad):
    assert verify_key(session, bad) is None


def test_wrong_secret_and_revoked_rejected(session):
    plain, row = issue_key(session, "admin", "root")
    assert verify_key(session, plain + "x") is None
    assert verify_key(session, plain) is not None
    revoke_key(session, row.id)
    assert row.revoked_at is not None
    assert verify_key(session, plain) is None


def test_last_used_at_is_throttled(session):
    plain, row = issue_key(session, "ops", "tool")
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    verify_key(session, plain, now=t0)
    verify_key(session, plain, now=t0 + dt.timedelta(seconds=10))
    assert row.last_used_at == t0
    verify_key(session, plain, now=t0 + dt.timedelta(minutes=2))
    assert row.last_used_at == t0 + dt.timedelta(minutes=2)


def test_issue_rules(session):
    agency_a, agency_b = f.make_agency(session), f.make_agency(session)
    agent_b = f.make_agent(session, agency_b)
    with pytest.raises(KeyIssueError):
        issue_key(session, "superuser", "x")
    with pytest.raises(KeyIssueError):
        issue_key(session, "agent", "x")  # no agency
    with pytest.raises(KeyIssueError):
        issue_key(session, "agent", "x", agency_id=agency_a.id, agent_id=agent_b.id)
    with pytest.raises(KeyIssueError):
        issue_key(session, "ops", "x", agency_id=agency_a.id)
    with pytest.raises(KeyIssueError):
        issue_key(session, "ops", " ")


def test_malformed_agent_row_grants_nothing(session):
    plain, row = issue_key(session, "ops", "x")
    row.role = "agent"  # an agent key without an agency must not become a see-all key
    session.flush()
    assert verify_key(session, plain) is None


def test_role_permissions():
    assert has_permission("agent", Permission.QUOTES_CREATE)
    assert not has_permission("agent", Permission.COSTS_READ)
    assert not has_permission("finance", Permission.QUOTES_CREATE)
    assert has_permission("ops", "quotes:create")
    assert all(has_permission("admin", p) for p in Permission)
    assert not has_permission("nobody", Permission.BOOKINGS_READ)
    with pytest.raises(ValueError):
        Principal(key_id=1, role="agent")
