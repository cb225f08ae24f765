"""Payment plans of a booking: full, deposit + balance, or installments.

Agents manage plans of their own agency's bookings only (another agency's booking answers 404,
like a missing one); staff with payments:create manage any. A plan can be replaced while no
money has been received under it (409 afterwards).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from fastapi import APIRouter

from api.deps import CanCreatePayments, CanReadPayments, SessionDep
from api.problems import ApiProblem
from api.schemas.common import problem_responses
from api.schemas.payments import PlanIn, PlanOut, plan_out
from sqlalchemy.orm import Session
from tourstack.auth import Principal
from tourstack.db.models import Booking
from tourstack.payments import PlanTerms, create_plan, current_plan, plan_installments, received_minor
from tourstack.sales import get_booking_by_ref

router = APIRouter(prefix="/bookings", tags=["payment plans"])


def visible_booking(session: Session, principal: Principal, booking_ref: str) -> Booking:
    booking = get_booking_by_ref(session, booking_ref, agency_id=principal.scope_agency_id)
    if booking is None:
        raise ApiProblem(404, f"booking {booking_ref} not found", slug="not-found")
    return booking


def _out(session: Session, booking: Booking) -> PlanOut:
    plan = current_plan(session, booking.id)
    if plan is None:
        raise ApiProblem(404, f"booking {booking.booking_ref} has no payment plan", slug="not-found")
    return plan_out(plan, booking.booking_ref, booking.status, plan_installments(session, plan),
                    received_minor(session, booking))


@router.post("/{booking_ref}/payment-plan", response_model=PlanOut, status_code=201,
             responses=problem_responses(401, 403, 404, 409, 422))
def post_plan(session: SessionDep, principal: CanCreatePayments, booking_ref: str, body: PlanIn) -> PlanOut:
    """Create (or, while nothing is paid, replace) the booking's payment plan."""
    booking = visible_booking(session, principal, booking_ref)
    terms = PlanTerms(kind=body.kind)
    if body.deposit_percent is not None:
        try:
            bps = Decimal(body.deposit_percent) * 100
        except InvalidOperation as exc:
            raise ApiProblem(422, "deposit_percent is not a number", slug="invalid-payment") from exc
        if bps != bps.to_integral_value():
            raise ApiProblem(422, "deposit_percent allows two decimals at most", slug="invalid-payment")
        terms = PlanTerms(kind=body.kind, deposit_bps=int(bps))
    if body.balance_days_before_travel is not None:
        terms = PlanTerms(terms.kind, terms.deposit_bps, body.balance_days_before_travel, terms.installments)
    if body.installments is not None:
        terms = PlanTerms(terms.kind, terms.deposit_bps, terms.balance_days_before_travel, body.installments)
    create_plan(session, booking, terms, today=dt.datetime.now(dt.UTC).date())
    out = _out(session, booking)
    session.commit()
    return out


@router.get("/{booking_ref}/payment-plan", response_model=PlanOut, responses=problem_responses(401, 403, 404))
def get_plan(session: SessionDep, principal: CanReadPayments, booking_ref: str) -> PlanOut:
    """The booking's current plan with each installment's status and what is still owed."""
    return _out(session, visible_booking(session, principal, booking_ref))
