"""Bookings: list (cursor-paginated) and detail. Agents see their own agency's only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import CanReadBookings, SessionDep
from api.problems import ApiProblem
from api.schemas.common import IsoDate, Page, problem_responses
from api.schemas.sales import BookingDetail, BookingOut
from tourstack.auth import Permission
from tourstack.sales import BookingFilters, get_booking_by_ref, list_booking_items, list_bookings

router = APIRouter(prefix="/bookings", tags=["bookings"])

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
