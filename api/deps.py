"""Dependencies shared by the routers, as `Annotated` aliases."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.problems import ApiProblem
from tourstack.auth import Permission, Principal, verify_key
from tourstack.invoicing import InvoicingConfig, Seller
from tourstack.payments import PaymentsRuntime, build_runtime, config_from_settings
from tourstack.settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.database.sessionmaker() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


def get_invoicing_config(settings: SettingsDep) -> InvoicingConfig:
    """The operator's invoicing profile from `TOURSTACK_OPERATOR_*` / `TOURSTACK_INVOICE_*`."""
    return InvoicingConfig(
        seller=Seller(
            name=settings.operator_name,
            address_lines=tuple(settings.operator_address_lines),
            gstin=settings.operator_gstin,
            state_code=settings.operator_state_code,
            gst_state_number=settings.operator_gstin[:2],
            city=settings.operator_city,
            pincode=settings.operator_pincode,
            email=settings.operator_email,
            phone=settings.operator_phone,
        ),
        gst_rate_bps=settings.invoice_gst_rate_bps,
        vat_registered_countries=frozenset(c.upper() for c in settings.invoice_vat_registered_countries),
        payment_terms_days=settings.invoice_payment_terms_days,
    )


InvoicingConfigDep = Annotated[InvoicingConfig, Depends(get_invoicing_config)]

_bearer = HTTPBearer(
    auto_error=False, scheme_name="BearerKey", description="`Authorization: Bearer <api key>`"
)
_api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, scheme_name="ApiKeyHeader",
    description="`X-API-Key: <api key>`",
)

_UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="tourstack"'}


def _unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(
        401, detail, slug="unauthorized", title="Unauthorized", headers=_UNAUTHORIZED_HEADERS
    )


def get_principal(
    request: Request,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key_header)],
) -> Principal:
    """The caller behind `Authorization: Bearer <key>` or `X-API-Key: <key>`; 401 otherwise.

    A principal already in the request state was verified for this very request by the response
    cache, or set by an in-process caller (the batch endpoint, cache warming); the ASGI state
    cannot be set from outside, so it is trusted as is."""
    verified = getattr(request.state, "principal", None)
    if isinstance(verified, Principal):
        return verified
    plain = bearer.credentials if bearer is not None else api_key
    if not plain:
        raise _unauthorized("an API key is required (Authorization: Bearer <key> or X-API-Key)")
    principal = verify_key(session, plain.strip())
    if principal is None:
        raise _unauthorized("the API key is invalid or revoked")
    if session.dirty:  # last_used_at was refreshed
        session.commit()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def _forbidden(principal: Principal) -> ApiProblem:
    return ApiProblem(
        403, f"the {principal.role} role may not do this", slug="forbidden", title="Forbidden"
    )


def require_permission(permission: Permission) -> Callable[[Principal], Principal]:
    """Dependency factory: the principal, or 403 when its role lacks `permission`."""

    def dependency(principal: CurrentPrincipal) -> Principal:
        if not principal.can(permission):
            raise _forbidden(principal)
        return principal

    dependency.__name__ = f"require_{permission.value.replace(':', '_')}"
    return dependency


CanReadBookings = Annotated[Principal, Depends(require_permission(Permission.BOOKINGS_READ))]
CanReadQuotes = Annotated[Principal, Depends(require_permission(Permission.QUOTES_READ))]
CanCreateQuotes = Annotated[Principal, Depends(require_permission(Permission.QUOTES_CREATE))]
CanManageBookings = Annotated[Principal, Depends(require_permission(Permission.BOOKINGS_MANAGE))]
CanReadInvoices = Annotated[Principal, Depends(require_permission(Permission.INVOICES_READ))]
CanManageInvoices = Annotated[
    Principal, Depends(require_permission(Permission.INVOICES_MANAGE))
]
CanReadSettlement = Annotated[
    Principal, Depends(require_permission(Permission.SETTLEMENT_READ))
]
CanManageSettlement = Annotated[
    Principal, Depends(require_permission(Permission.SETTLEMENT_MANAGE))
]
CanReadPayments = Annotated[Principal, Depends(require_permission(Permission.PAYMENTS_READ))]
CanCreatePayments = Annotated[Principal, Depends(require_permission(Permission.PAYMENTS_CREATE))]
CanRequestRefunds = Annotated[Principal, Depends(require_permission(Permission.REFUNDS_REQUEST))]
CanApproveRefunds = Annotated[Principal, Depends(require_permission(Permission.REFUNDS_APPROVE))]
CanManageDisputes = Annotated[Principal, Depends(require_permission(Permission.DISPUTES_MANAGE))]
CanReadReconciliation = Annotated[
    Principal, Depends(require_permission(Permission.RECONCILIATION_READ))
]
CanReconcile = Annotated[Principal, Depends(require_permission(Permission.RECONCILIATION_MANAGE))]
CanManageWebhooks = Annotated[Principal, Depends(require_permission(Permission.WEBHOOKS_MANAGE))]
CanReadAnalytics = Annotated[Principal, Depends(require_permission(Permission.ANALYTICS_READ))]
CanManageReports = Annotated[Principal, Depends(require_permission(Permission.REPORTS_MANAGE))]
CanReadMessages = Annotated[Principal, Depends(require_permission(Permission.MESSAGES_READ))]
CanManageMessages = Annotated[Principal, Depends(require_permission(Permission.MESSAGES_MANAGE))]
CanReadAccounting = Annotated[Principal, Depends(require_permission(Permission.ACCOUNTING_READ))]
CanManageAccounting = Annotated[Principal, Depends(require_permission(Permission.ACCOUNTING_MANAGE))]


def get_payments(request: Request) -> PaymentsRuntime:
    """Gateways, router and breaker, built once per app on first use (tests may preset it)."""
    runtime = getattr(request.app.state, "payments", None)
    if runtime is None:
        runtime = build_runtime(config_from_settings(request.app.state.settings))
        request.app.state.payments = runtime
    return runtime


PaymentsDep = Annotated[PaymentsRuntime, Depends(get_payments)]

from api.itinerary_services import ItineraryServices, get_itinerary_services  # noqa: E402 (grouped with the itinerary aliases)

ItineraryDep = Annotated[ItineraryServices, Depends(get_itinerary_services)]
CanReadItineraries = Annotated[
    Principal, Depends(require_permission(Permission.ITINERARIES_READ))
]
CanManageItineraries = Annotated[
    Principal, Depends(require_permission(Permission.ITINERARIES_MANAGE))
]
CanGenerateContent = Annotated[
    Principal, Depends(require_permission(Permission.CONTENT_GENERATE))
]
