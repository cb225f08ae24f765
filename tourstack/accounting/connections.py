"""Connecting a company, keeping its tokens fresh, and saying how each connection stands.

The refresh is the dangerous step: both providers rotate refresh tokens, so the answer to a
refresh is the only copy of the next one. Two workers refreshing at once would each spend the
same refresh token; the loser's answer is an invalid_grant, or worse, the winner's new token is
overwritten by a dead one. So `access_token` reads the connection row under `SELECT ... FOR
UPDATE` (SQLite: `BEGIN IMMEDIATE`, tourstack.db.locking), refreshes only if the token is still
about to expire once the lock is held (the other worker may just have refreshed it), and writes
the rotated tokens in the same transaction before the lock is released.

A refresh token the provider refuses turns the connection `revoked`; one past its own expiry
turns it `expired`. Both stay visible (`connection_statuses`) until a person reconnects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tourstack.accounting.errors import InvalidState, NotConnected, TokenRejected, UnknownProvider
from tourstack.accounting.oauth import OAuthApp
from tourstack.accounting.tokens import TokenCipher
from tourstack.db.base import utcnow
from tourstack.db.locking import hold_write_lock
from tourstack.db.models.accounting import PROVIDERS, AccountingConnection

CONSENT_WINDOW = dt.timedelta(minutes=15)  # how long a printed consent URL stays usable
REFRESH_MARGIN = dt.timedelta(minutes=5)  # refresh this long before the access token expires


@dataclass(frozen=True)
class AccessGrant:
    """What an API call needs: a live access token and the company (realmId / tenantId)."""

    provider: str
    tenant_id: str
    access_token: str

    def __repr__(self) -> str:
        return f"AccessGrant(provider={self.provider!r}, tenant_id={self.tenant_id!r})"


@dataclass(frozen=True)
class ConnectionStatus:
    provider: str
    status: str  # not_connected, pending, connected, expired, revoked
    tenant_id: str | None = None
    tenant_name: str | None = None
    access_expires_at: dt.datetime | None = None
    refresh_expires_at: dt.datetime | None = None
    connected_at: dt.datetime | None = None
    last_refreshed_at: dt.datetime | None = None
    refresh_count: int = 0
    last_error: str | None = None

    @property
    def usable(self) -> bool:
        return self.status == "connected"


def check_provider(provider: str) -> str:
    if provider not in PROVIDERS:
        raise UnknownProvider(f"unknown accounting provider {provider!r}; known: {', '.join(PROVIDERS)}")
    return provider


def _state_hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def _locked_row(session: Session, provider: str) -> AccountingConnection | None:
    hold_write_lock(session)
    query = select(AccountingConnection).where(AccountingConnection.provider == provider).with_for_update()
    return session.execute(query).scalar_one_or_none()


def begin_connect(session: Session, app: OAuthApp, now: dt.datetime | None = None) -> str:
    """Start a consent: remember a fresh `state` (its hash only) and return the consent URL.

    A company already connected stays usable until the new consent finishes. The caller commits."""
    now = now or utcnow()
    row = _locked_row(session, check_provider(app.provider))
    if row is None:
        row = AccountingConnection(provider=app.provider, status="pending", refresh_count=0)
        session.add(row)
    state = secrets.token_urlsafe(32)
    row.pending_state_hash = _state_hash(state)
    row.pending_state_expires_at = now + CONSENT_WINDOW
    session.flush()
    return app.authorization_url(state)


def finish_connect(session: Session, app: OAuthApp, cipher: TokenCipher, *, state: str, code: str,
                   tenant_hint: str | None = None, now: dt.datetime | None = None) -> ConnectionStatus:
    """The callback: the `state` must be the one `begin_connect` handed out, unexpired, and is
    then spent (a replayed callback is refused). Stores the tokens encrypted; commits."""
    now = now or utcnow()
    row = _locked_row(session, check_provider(app.provider))
    expected = row.pending_state_hash if row else None
    if (not expected or not hmac.compare_digest(expected, _state_hash(state))
            or row.pending_state_expires_at is None or row.pending_state_expires_at < now):
        session.rollback()
        raise InvalidState("the consent's state does not match a consent in progress (or it expired); "
                           f"start again with `tourstack accounting connect {app.provider}`")
    row.pending_state_hash = row.pending_state_expires_at = None
    session.commit()  # the state is spent whatever the exchange answers
    grant = app.exchange(code, tenant_hint, now)
    row = _locked_row(session, app.provider)
    row.token_ciphertext = cipher.encrypt(grant.tokens)
    row.tenant_id, row.tenant_name = grant.tenant_id, grant.tenant_name
    row.access_expires_at, row.refresh_expires_at = grant.tokens.access_expires_at, grant.tokens.refresh_expires_at
    row.status, row.connected_at, row.last_error = "connected", now, None
    session.commit()
    return _status(row)


def access_token(sessions: sessionmaker[Session], app: OAuthApp, cipher: TokenCipher, *,
                 now: dt.datetime | None = None, rejected: str | None = None) -> AccessGrant:
    """A live access token, refreshed first when it expires within REFRESH_MARGIN.

    `rejected` is an access token the provider just answered 401 to: it is refreshed even if
    not yet due, unless another worker already replaced it (then the stored one is returned)."""
    now = now or utcnow()
    provider = check_provider(app.provider)
    with sessions() as session:
        row = _locked_row(session, provider)
        if row is None or row.status != "connected" or not row.token_ciphertext:
            status = row.status if row else "not_connected"
            raise NotConnected(f"{provider} is {status}; connect it with `tourstack accounting connect {provider}`")
        tokens = cipher.decrypt(row.token_ciphertext)
        replaced = rejected is not None and rejected != tokens.access_token
        if replaced or (rejected is None and tokens.access_expires_at > now + REFRESH_MARGIN):
            return AccessGrant(provider, row.tenant_id or "", tokens.access_token)
        if tokens.refresh_expires_at is not None and tokens.refresh_expires_at <= now:
            row.status, row.last_error = "expired", "the refresh token expired; reconnect the company"
            session.commit()
            raise NotConnected(f"{provider}'s refresh token expired; reconnect with `tourstack accounting connect {provider}`")
        try:
            fresh = app.refresh(tokens, now)
        except TokenRejected as exc:
            row.status, row.last_error = "revoked", str(exc)
            session.commit()
            raise NotConnected(f"{exc}; reconnect with `tourstack accounting connect {provider}`") from None
        row.token_ciphertext = cipher.encrypt(fresh)
        row.access_expires_at, row.refresh_expires_at = fresh.access_expires_at, fresh.refresh_expires_at
        row.last_refreshed_at, row.refresh_count, row.last_error = now, (row.refresh_count or 0) + 1, None
        session.commit()  # the rotated refresh token is durable before anyone uses the new access token
        return AccessGrant(provider, row.tenant_id or "", fresh.access_token)


def connection_statuses(session: Session) -> list[ConnectionStatus]:
    """Every provider, connected or not; never a token."""
    rows = {r.provider: r for r in session.scalars(select(AccountingConnection))}
    return [_status(rows[p]) if p in rows else ConnectionStatus(p, "not_connected") for p in PROVIDERS]


def _status(row: AccountingConnection) -> ConnectionStatus:
    return ConnectionStatus(provider=row.provider, status=row.status, tenant_id=row.tenant_id,
                            tenant_name=row.tenant_name, access_expires_at=row.access_expires_at,
                            refresh_expires_at=row.refresh_expires_at, connected_at=row.connected_at,
                            last_refreshed_at=row.last_refreshed_at, refresh_count=row.refresh_count or 0,
                            last_error=row.last_error)
