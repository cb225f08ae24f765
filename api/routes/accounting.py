"""Accounting sync: connection states and connecting a company (staff only), the OAuth callback,
the providers' webhooks, the error and conflict queues and the sync reconciliation report.

The callback and the webhooks are the public routes. Webhooks are authorised by the provider's
HMAC signature of the body (tourstack.accounting.webhooks). The callback: the provider's consent page redirects the person's browser
to it, which carries no API key. It is authorised by the `state` parameter instead, which only
the staff member who started the consent received (stored hashed, single use, 15 minutes).
"""

from __future__ import annotations

import logging
from typing import Annotated, Literal

import datetime as dt

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.deps import CanManageAccounting, CanReadAccounting, SessionDep, SettingsDep
from api.problems import ApiProblem
from api.schemas.accounting import (
    ConflictOut,
    ConflictResolveIn,
    ConnectionOut,
    ConsentOut,
    SyncErrorOut,
    SyncReportOut,
)
from api.schemas.common import DbId, problem_responses
from tourstack.accounting import (
    begin_connect,
    cipher_from_settings,
    connection_statuses,
    finish_connect,
    oauth_app_from_settings,
)
from tourstack.accounting.errors import ProviderUnavailable

router = APIRouter(prefix="/accounting", tags=["accounting"])
log = logging.getLogger("api.accounting")

Provider = Literal["quickbooks", "xero"]


@router.get("/connections", response_model=list[ConnectionOut], responses=problem_responses(401, 403))
def get_connections(session: SessionDep, _: CanReadAccounting) -> list[ConnectionOut]:
    """Every provider and how its connection stands (expired or revoked need a person)."""
    return [ConnectionOut.model_validate(s) for s in connection_statuses(session)]


@router.post("/{provider}/connect", response_model=ConsentOut, responses=problem_responses(401, 403, 409, 422))
def post_connect(session: SessionDep, settings: SettingsDep, principal: CanManageAccounting,
                 provider: Provider) -> ConsentOut:
    """Start a consent; a company already connected stays usable until the new one finishes."""
    app = oauth_app_from_settings(settings, provider)
    cipher_from_settings(settings)  # refuse now rather than after the person approved
    url = begin_connect(session, app)
    session.commit()
    log.info("accounting consent started", extra={"provider": provider, "key_id": principal.key_id})
    return ConsentOut(provider=provider, consent_url=url)


@router.get("/{provider}/callback", response_model=ConnectionOut, responses=problem_responses(403, 409, 422))
async def get_callback(session: SessionDep, settings: SettingsDep, provider: Provider,
                       code: Annotated[str, Query(min_length=1, max_length=2000)],
                       state: Annotated[str, Query(min_length=1, max_length=200)],
                       realm_id: Annotated[str | None, Query(alias="realmId", max_length=64)] = None
                       ) -> ConnectionOut:
    """Where the provider sends the person back: verifies `state`, exchanges the code, stores
    the tokens encrypted."""
    app = oauth_app_from_settings(settings, provider)
    cipher = cipher_from_settings(settings)
    status = await run_in_threadpool(finish_connect, session, app, cipher, state=state, code=code,
                                     tenant_hint=realm_id)
    log.info("accounting connected", extra={"provider": provider, "tenant_id": status.tenant_id})
    return ConnectionOut.model_validate(status)


@router.post("/{provider}/webhook", status_code=200, include_in_schema=True, response_class=Response,
             responses={200: {"description": "accepted (empty body)", "content": {}},
                        401: {"description": "signature missing or wrong (empty body: Xero's intent-to-receive check)",
                              "content": {}},
                        **problem_responses(422)})
async def post_webhook(request: Request, session: SessionDep, settings: SettingsDep, provider: Provider) -> Response:
    """Public, authorised by the provider's signature of the raw body (`intuit-signature`,
    `x-xero-signature`): 401 with an empty body when it does not match (Xero's intent-to-receive
    check needs exactly that), 200 otherwise; a redelivery is recorded once."""
    from tourstack.accounting.webhooks import SIGNATURE_HEADERS, BadSignature, record_delivery, verify

    body = await request.body()
    secret = settings.quickbooks_webhook_verifier_token if provider == "quickbooks" else settings.xero_webhook_key
    try:
        verify(secret.get_secret_value() if secret else None, body, request.headers.get(SIGNATURE_HEADERS[provider]))
    except BadSignature:
        log.warning("accounting webhook with a bad signature", extra={"provider": provider})
        return Response(status_code=401)
    new = await run_in_threadpool(record_delivery, session, provider, body)
    log.info("accounting webhook", extra={"provider": provider, "redelivery": not new})
    return Response(status_code=200)


@router.get("/errors", response_model=list[SyncErrorOut], responses=problem_responses(401, 403))
def get_errors(session: SessionDep, _: CanReadAccounting, provider: Provider | None = None,
               status: Literal["open", "resolved"] = "open") -> list[SyncErrorOut]:
    """The error queue: what a provider refused, in its words, or what our mappings cannot express."""
    from sqlalchemy import select

    from tourstack.db.models import AccountingSyncError

    query = select(AccountingSyncError).where(AccountingSyncError.status == status).order_by(AccountingSyncError.id)
    if provider:
        query = query.where(AccountingSyncError.provider == provider)
    return [SyncErrorOut.model_validate(row) for row in session.scalars(query.limit(500))]


@router.get("/conflicts", response_model=list[ConflictOut], responses=problem_responses(401, 403))
def get_conflicts(session: SessionDep, _: CanReadAccounting, provider: Provider | None = None,
                  status: Literal["open", "kept_ours", "took_theirs"] | None = "open") -> list[ConflictOut]:
    """Records edited on both sides since the last sync, waiting for a person."""
    from tourstack.accounting.conflicts import list_conflicts

    return [ConflictOut.model_validate(row) for row in list_conflicts(session, provider, status)]


@router.post("/conflicts/{conflict_id}/resolve", response_model=ConflictOut,
             responses=problem_responses(401, 403, 404, 409, 422))
def post_resolve_conflict(session: SessionDep, principal: CanManageAccounting, conflict_id: DbId,
                          body: ConflictResolveIn) -> ConflictOut:
    """Keep ours (the next sync pushes it) or theirs (left in place until ours changes)."""
    from tourstack.accounting.conflicts import resolve_conflict

    row = resolve_conflict(session, conflict_id, body.keep)
    session.commit()
    log.info("accounting conflict resolved", extra={"conflict_id": conflict_id, "keep": body.keep,
                                                    "key_id": principal.key_id})
    return ConflictOut.model_validate(row)


@router.get("/{provider}/sync-report", response_model=SyncReportOut,
            responses={**problem_responses(401, 403, 409, 422, 502)})
def get_sync_report(request: Request, settings: SettingsDep, _: CanReadAccounting, provider: Provider,
                    as_of: Annotated[dt.date | None, Query(description="YYYY-MM-DD; default today")] = None,
                    ) -> SyncReportOut:
    """The sync reconciliation (`tourstack report finance accounting-sync`) as JSON: counts,
    totals, differences, the receivable per customer and the payable per vendor. 409 when the
    provider is not connected (or its app not configured), 422 for a broken mapping file, 502
    when the provider cannot be read (down, rate limit exhausted, or it refused the read)."""
    from tourstack.accounting import NotConnected
    from tourstack.accounting.errors import AccountingError
    from tourstack.accounting.mappings import load_mapping
    from tourstack.accounting.runner import build_client, is_connected
    from tourstack.accounting.sync_report import reconcile_sync
    from tourstack.errors import DomainError

    sessions = request.app.state.database.sessionmaker
    if not is_connected(sessions, provider):
        raise NotConnected(f"{provider} is not connected (`tourstack accounting connect {provider}`)")
    mapping = load_mapping(provider, settings.accounting_mappings_dir)
    client = build_client(settings, sessions, provider)
    try:
        with sessions() as session:
            result = reconcile_sync(session, client, mapping, as_of or dt.date.today())
    except AccountingError as exc:
        if isinstance(exc, DomainError) and not isinstance(exc, ProviderUnavailable):
            raise
        log.warning("accounting sync report: provider unreadable", extra={"provider": provider,
                                                                        "error": type(exc).__name__})
        raise ApiProblem(502, f"{provider} could not be read: {exc}", slug="accounting-provider-unavailable",
                         title="Accounting provider unavailable") from None
    return SyncReportOut.of(result)
