"""Quotes: list, detail, and pricing an open quote request."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import CanCreateQuotes, CanReadQuotes, SessionDep
from api.problems import ApiProblem
from api.routes import API_PREFIX
from api.schemas.common import DbId, IsoDate, Page, problem_responses
from api.schemas.sales import QuoteCreate, QuoteOut
from tourstack.auth import Permission
from tourstack.sales import (
    QuoteFilters,
    QuoteRequestNotFound,
    WrongAgency,
    create_quote,
    get_quote,
    list_quotes,
)

router = APIRouter(prefix="/quotes", tags=["quotes"])
log = logging.getLogger("api.quotes")

QuoteStatus = Literal["draft", "sent", "accepted", "rejected", "expired"]


@router.get("", response_model=Page[QuoteOut], responses=problem_responses(400, 401, 403, 422))
def get_quotes(
    session: SessionDep,
    principal: CanReadQuotes,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    status: QuoteStatus | None = None,
    quote_request_id: Annotated[DbId | None, Query()] = None,
    requested_from: Annotated[IsoDate | None, Query(description="inclusive, UTC")] = None,
    requested_to: Annotated[IsoDate | None, Query(description="inclusive, UTC")] = None,
) -> Page[QuoteOut]:
    """Quotes, newest first."""
    if requested_from and requested_to and requested_from > requested_to:
        raise ApiProblem(422, "requested_from is after requested_to", slug="validation-error",
                         title="Validation error")
    page = list_quotes(
        session,
        agency_id=principal.scope_agency_id,
        filters=QuoteFilters(
            status=status, quote_request_id=quote_request_id,
            requested_from=requested_from, requested_to=requested_to,
        ),
        limit=limit,
        cursor=cursor,
    )
    show_costs = principal.can(Permission.COSTS_READ)
    return Page[QuoteOut](
        items=[QuoteOut.build(q, show_costs=show_costs) for q in page.items],
        next_cursor=page.next_cursor,
    )


@router.get("/{quote_id}", response_model=QuoteOut, responses=problem_responses(401, 403, 404))
def get_one_quote(session: SessionDep, principal: CanReadQuotes, quote_id: DbId) -> QuoteOut:
    """One quote. Another agency's quote answers 404, like a missing one."""
    quote = get_quote(session, quote_id, agency_id=principal.scope_agency_id)
    if quote is None:
        raise ApiProblem(404, f"quote {quote_id} not found", slug="not-found")
    return QuoteOut.build(quote, show_costs=principal.can(Permission.COSTS_READ))


@router.post(
    "",
    response_model=QuoteOut,
    status_code=201,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def post_quote(
    session: SessionDep, principal: CanCreateQuotes, body: QuoteCreate, response: Response
) -> QuoteOut:
    """Price an open quote request: creates a `sent` quote and marks the request `quoted`.

    Agents may only price their own agency's requests; ops and admin any.
    """
    if body.total.currency != body.cost.currency:
        raise ApiProblem(422, "total and cost must share one currency",
                         slug="currency-mismatch", title="Currency mismatch")
    try:
        quote = create_quote(
            session,
            body.quote_request_id,
            agency_id=principal.scope_agency_id,
            total=body.total.amount,
            cost=body.cost.amount,
            currency=body.total.currency,
            valid_until=body.valid_until,
            prepared_by_staff_id=principal.staff_user_id,
        )
    except (QuoteRequestNotFound, WrongAgency):
        # Same answer for both, so agents cannot learn which ids other agencies use.
        raise ApiProblem(
            404, f"quote request {body.quote_request_id} not found", slug="not-found"
        ) from None
    session.commit()
    log.info(
        "quote created",
        extra={"quote_id": quote.id, "quote_number": quote.quote_number, "key_id": principal.key_id},
    )
    response.headers["Location"] = f"{API_PREFIX}{router.prefix}/{quote.id}"
    return QuoteOut.build(quote, show_costs=principal.can(Permission.COSTS_READ))
