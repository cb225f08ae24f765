"""Bookings: list (cursor-paginated) and detail; book a quote, change a booking, cancel it.

Agents see and change their own agency's only: another agency's booking or quote answers 404,
like a missing one. Writes need `bookings:manage` (agents, ops, admin); creation needs the
payments' `Idempotency-Key` (the same key per agency for agents, per API key for staff). Each
change and its announcement (Slack, Teams, calendars, the customer's invite) commit together
(tourstack.bookings).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query, Response

from api.deps import CanManageBookings, CanReadBookings, SessionDep
from api.problems import ApiProblem
from api.routes import API_PREFIX
from api.routes.payments import _scope
from api.schemas.bookings import BookingCancel, BookingCancelled, BookingCreate, BookingCreated, BookingPatch
from api.schemas.common import IsoDate, Money, Page, problem_responses
from api.schemas.sales import BookingDetail, BookingOut
from tourstack.auth import Permission
from tourstack.bookings import BookingChange, NewBooking, cancel_booking, create_booking, update_booking
from tourstack.sales import BookingFilters, get_booking_by_ref, list_booking_items, list_bookings

router = APIRouter(prefix="/bookings", tags=["bookings"])

BookingRef = Annotated[str, Path(min_length=1, max_length=16)]
BookingStatus = Literal["pending", "confirmed", "paid", "completed", "cancelled"]


@router.get("", response_model=Page[BookingOut], responses=problem_responses(400, 401, 403, 422))
def get_bookings(
    session: SessionDep,
    principal: CanReadBookings,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    status: BookingStatus | None = None,
    booked_from: Annotated[IsoDate | None, Query(description="inclusive, UTC")] = None,
    booked_to: Annotated[IsoDate | None, Query(description="inclusive, UTC")] = None,
) -> Page[BookingOut]:
    """Bookings, newest first."""
    if booked_from and booked_to and booked_from > booked_to:
        raise ApiProblem(422, "booked_from is after booked_to", slug="validation-error",
                         title="Validation error")
    page = list_bookings(
        session,
        agency_id=principal.scope_agency_id,
        filters=BookingFilters(status=status, booked_from=booked_from, booked_to=booked_to),
        limit=limit,
        cursor=cursor,
    )
    show_costs = principal.can(Permission.COSTS_READ)
    return Page[BookingOut](
        items=[BookingOut.build(b, show_costs=show_costs) for b in page.items],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/{booking_ref}", response_model=BookingDetail, responses=problem_responses(401, 403, 404)
)
def get_booking(session: SessionDep, principal: CanReadBookings, booking_ref: str) -> BookingDetail:
    """One booking with its items. Another agency's booking answers 404, like a missing one."""
    booking = get_booking_by_ref(session, booking_ref, agency_id=principal.scope_agency_id)
    if booking is None:
        raise ApiProblem(404, f"booking {booking_ref} not found", slug="not-found")
    return BookingDetail.build_with_items(
        booking, list_booking_items(session, booking.id),
        show_costs=principal.can(Permission.COSTS_READ),
    )


WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)


@router.post("", response_model=BookingCreated, status_code=201, responses={
    200: {"description": "replayed: the booking this Idempotency-Key made before", "model": BookingCreated},
    **WRITE_PROBLEMS})
def post_booking(
    session: SessionDep, principal: CanManageBookings, body: BookingCreate, response: Response,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=80)],
) -> BookingCreated:
    """Book a quote (`sent` or `accepted`, not expired, not booked yet): the quote's price, the
    request's trip unless the body says otherwise. The quote becomes `accepted`."""
    created = create_booking(session, NewBooking(**body.model_dump()), agency_id=principal.scope_agency_id,
                             idempotency_key=f"{_scope(principal)}:{idempotency_key}")
    session.commit()
    response.status_code = 200 if created.replayed else 201
    response.headers["Location"] = f"{API_PREFIX}{router.prefix}/{created.booking.booking_ref}"
    return BookingCreated(**BookingOut.build(created.booking, show_costs=principal.can(Permission.COSTS_READ))
                          .model_dump(), replayed=created.replayed)


@router.patch("/{booking_ref}", response_model=BookingOut, responses=WRITE_PROBLEMS)
def patch_booking(session: SessionDep, principal: CanManageBookings, booking_ref: BookingRef,
                  body: BookingPatch) -> BookingOut:
    """Change the travel dates, travellers or the customer's contacts of a live booking (not
    cancelled or completed: 409). The calendars' event is edited (SEQUENCE + 1)."""
    changed = update_booking(session, booking_ref, BookingChange(**body.model_dump()),
                             agency_id=principal.scope_agency_id)
    session.commit()
    return BookingOut.build(changed.booking, show_costs=principal.can(Permission.COSTS_READ))


@router.post("/{booking_ref}/cancel", response_model=BookingCancelled, responses=WRITE_PROBLEMS)
def post_cancel(session: SessionDep, principal: CanManageBookings, booking_ref: BookingRef,
                body: BookingCancel) -> BookingCancelled:
    """Cancel with a reason (no fee: no cancellation policy exists). A cancelled or completed
    booking answers 409. Money received is reported, and refunded through the refunds flow."""
    result = cancel_booking(session, booking_ref, body.reason, agency_id=principal.scope_agency_id)
    session.commit()
    booking = result.booking
    return BookingCancelled(**BookingOut.build(booking, show_costs=principal.can(Permission.COSTS_READ)).model_dump(),
                            received=Money.of(result.received_minor, booking.currency))
