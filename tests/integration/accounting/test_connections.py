"""Connecting QuickBooks and Xero through their SDKs against the fakes, and keeping tokens fresh:
rotation persisted, refusals turned into visible states, and (on PostgreSQL) two workers that
need a refresh at once spending the refresh token only once."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tourstack.accounting import (
    InvalidState,
    NotConnected,
    access_token,
    begin_connect,
    connection_statuses,
    finish_connect,
)
from tourstack.db.base import utcnow
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.migrate import upgrade
from tourstack.db.models import AccountingConnection

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("accounting_fakes")]


def _state(url: str) -> str:
    return parse_qs(urlsplit(url).query)["state"][0]


@pytest.fixture
def sessions(db_url):
    engine = make_engine(db_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def _connect(sessions, app, fake, cipher, tenant_hint=None):
    with sessions() as session:
        url = begin_connect(session, app)
        session.commit()
        return finish_connect(session, app, cipher, state=_state(url), code=fake.auth.issue_code(),
                              tenant_hint=tenant_hint), url


def _row(sessions, provider) -> AccountingConnection:
    with sessions() as session:
        return session.scalars(select(AccountingConnection).where(AccountingConnection.provider == provider)).one()


def test_quickbooks_consent_stores_tokens_encrypted_and_shows_connected(sessions, quickbooks_app,
                                                                        fake_quickbooks, cipher):
    status, url = _connect(sessions, quickbooks_app, fake_quickbooks, cipher, tenant_hint="9130350")
    assert parse_qs(urlsplit(url).query)["client_id"] == [fake_quickbooks.auth.client_id]
    assert status.status == "connected" and status.tenant_id == "9130350"
    row = _row(sessions, "quickbooks")
    tokens = cipher.decrypt(row.token_ciphertext)
    assert tokens.access_token in fake_quickbooks.auth.access_tokens
    assert tokens.access_token not in row.token_ciphertext and row.pending_state_hash is None
    assert tokens.refresh_expires_at - tokens.access_expires_at > dt.timedelta(days=90)
    with sessions() as session:
        assert [s.status for s in connection_statuses(session)] == ["connected", "not_connected"]


def test_a_wrong_or_replayed_state_is_refused(sessions, quickbooks_app, fake_quickbooks, cipher):
    with sessions() as session:
        url = begin_connect(session, quickbooks_app)
        session.commit()
        with pytest.raises(InvalidState):
            finish_connect(session, quickbooks_app, cipher, state="forged", code=fake_quickbooks.auth.issue_code(),
                           tenant_hint="1")
        finish_connect(session, quickbooks_app, cipher, state=_state(url), code=fake_quickbooks.auth.issue_code(),
                       tenant_hint="1")
        with pytest.raises(InvalidState):  # the same callback again
            finish_connect(session, quickbooks_app, cipher, state=_state(url), code=fake_quickbooks.auth.issue_code(),
                           tenant_hint="1")


def test_a_consent_left_too_long_is_refused(sessions, quickbooks_app, fake_quickbooks, cipher):
    with sessions() as session:
        url = begin_connect(session, quickbooks_app, now=utcnow() - dt.timedelta(hours=1))
        session.commit()
        with pytest.raises(InvalidState):
            finish_connect(session, quickbooks_app, cipher, state=_state(url), code=fake_quickbooks.auth.issue_code(),
                           tenant_hint="1")


def test_refresh_before_expiry_persists_the_rotated_refresh_token(sessions, quickbooks_app, fake_quickbooks, cipher):
    _connect(sessions, quickbooks_app, fake_quickbooks, cipher, tenant_hint="42")
    first = cipher.decrypt(_row(sessions, "quickbooks").token_ciphertext)
    assert access_token(sessions, quickbooks_app, cipher).access_token == first.access_token  # not due yet
    due = first.access_expires_at - dt.timedelta(minutes=1)
    grant = access_token(sessions, quickbooks_app, cipher, now=due)
    stored = cipher.decrypt(_row(sessions, "quickbooks").token_ciphertext)
    assert grant.access_token == stored.access_token != first.access_token and grant.tenant_id == "42"
    assert stored.refresh_token != first.refresh_token and stored.refresh_token in fake_quickbooks.auth.refresh_tokens
    assert first.refresh_token not in fake_quickbooks.auth.refresh_tokens  # spent: only the stored one works
    assert _row(sessions, "quickbooks").refresh_count == 1


def test_a_401_forces_one_refresh_unless_another_worker_already_refreshed(sessions, quickbooks_app,
                                                                          fake_quickbooks, cipher):
    _connect(sessions, quickbooks_app, fake_quickbooks, cipher, tenant_hint="42")
    old = cipher.decrypt(_row(sessions, "quickbooks").token_ciphertext).access_token
    calls = fake_quickbooks.auth.refresh_calls
    renewed = access_token(sessions, quickbooks_app, cipher, rejected=old).access_token
    assert renewed != old and fake_quickbooks.auth.refresh_calls == calls + 1
    # a second worker that was also refused `old` gets the renewed token without a refresh
    assert access_token(sessions, quickbooks_app, cipher, rejected=old).access_token == renewed
    assert fake_quickbooks.auth.refresh_calls == calls + 1


def test_a_revoked_refresh_token_turns_the_connection_revoked(sessions, quickbooks_app, fake_quickbooks, cipher):
    _connect(sessions, quickbooks_app, fake_quickbooks, cipher, tenant_hint="42")
    fake_quickbooks.auth.revoke_all()
    with pytest.raises(NotConnected, match="reconnect"):
        access_token(sessions, quickbooks_app, cipher, now=utcnow() + dt.timedelta(hours=2))
    row = _row(sessions, "quickbooks")
    assert row.status == "revoked" and "400" in row.last_error
    with pytest.raises(NotConnected, match="revoked"):
        access_token(sessions, quickbooks_app, cipher)


def test_an_expired_refresh_token_turns_the_connection_expired(sessions, quickbooks_app, fake_quickbooks, cipher):
    _connect(sessions, quickbooks_app, fake_quickbooks, cipher, tenant_hint="42")
    calls = fake_quickbooks.auth.refresh_calls
    with pytest.raises(NotConnected, match="expired"):
        access_token(sessions, quickbooks_app, cipher, now=utcnow() + dt.timedelta(days=200))
    assert _row(sessions, "quickbooks").status == "expired" and fake_quickbooks.auth.refresh_calls == calls


def test_xero_consent_finds_the_tenant_and_refreshes_through_the_sdk(sessions, xero_app, fake_xero, cipher):
    status, url = _connect(sessions, xero_app, fake_xero, cipher)
    assert "offline_access" in parse_qs(urlsplit(url).query)["scope"][0]
    assert (status.status, status.tenant_id, status.tenant_name) == ("connected", fake_xero.tenant_id,
                                                                     fake_xero.tenant_name)
    first = cipher.decrypt(_row(sessions, "xero").token_ciphertext)
    assert first.access_expires_at - utcnow() <= dt.timedelta(minutes=30)
    grant = access_token(sessions, xero_app, cipher, now=first.access_expires_at)
    stored = cipher.decrypt(_row(sessions, "xero").token_ciphertext)
    assert grant.access_token == stored.access_token != first.access_token
    assert stored.refresh_token in fake_xero.auth.refresh_tokens and first.refresh_token not in fake_xero.auth.refresh_tokens


@pytest.mark.postgres
def test_two_workers_needing_a_refresh_at_once_spend_the_refresh_token_once(pg_url, quickbooks_app,
                                                                             fake_quickbooks, cipher):
    upgrade(pg_url)
    engine = make_engine(pg_url, pool_size=4)
    try:
        sessions = make_sessionmaker(engine)
        _connect(sessions, quickbooks_app, fake_quickbooks, cipher, tenant_hint="7")
        due = cipher.decrypt(_row(sessions, "quickbooks").token_ciphertext).access_expires_at
        calls, refused = fake_quickbooks.auth.refresh_calls, fake_quickbooks.auth.refused_refreshes
        fake_quickbooks.auth.refresh_delay = 0.3  # both workers arrive while the first refresh is in flight
        try:
            with ThreadPoolExecutor(3) as pool:
                grants = list(pool.map(lambda _: access_token(sessions, quickbooks_app, cipher, now=due), range(3)))
        finally:
            fake_quickbooks.auth.refresh_delay = 0.0
        assert len({g.access_token for g in grants}) == 1
        assert fake_quickbooks.auth.refresh_calls == calls + 1 and fake_quickbooks.auth.refused_refreshes == refused
        assert _row(sessions, "quickbooks").status == "connected"
    finally:
        engine.dispose()
