"""Itineraries: generate a draft, review and edit items, lock, regenerate, approve.

Agents work on their own agency's itineraries only; anything else answers 404 exactly like a
missing one. Generation goes through the provider chain (budget, rate limit, fallback); each
write commits once at the end, generation records included.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Body
from sqlalchemy.orm import Session

from api.itinerary_services import provider_chain
from api.deps import ItineraryDep, CanManageItineraries, CanReadItineraries, SessionDep
from api.problems import ApiProblem
from api.schemas.common import DbId, Money, problem_responses
from api.schemas.itineraries import (
    ApprovalOut,
    DayOut,
    GenerateIn,
    GenerationOut,
    ItemOut,
    ItemPatch,
    ItineraryOut,
    LockIn,
    RegenerateIn,
)
from tourstack.auth import Principal
from tourstack.db.models import Itinerary
from tourstack.itinerary import Generation, Travellers, TripRequest, drafts, service
from tourstack.money import CurrencyError, exact_amount, to_minor

router = APIRouter(prefix="/itineraries", tags=["itineraries"])
WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)


def _visible(session: Session, principal: Principal, itinerary_id: int) -> Itinerary:
    return drafts.get_itinerary(session, itinerary_id, agency_id=principal.scope_agency_id)


def _generation_out(gen: Generation | None) -> GenerationOut | None:
    if gen is None:
        return None
    return GenerationOut(provider=gen.provider, model=gen.model, fell_back=gen.fell_back,
                         attempts=[f"{a.provider}/{a.model or '-'}: {a.outcome}" for a in gen.attempts])


def itinerary_out(session: Session, itinerary: Itinerary, gen: Generation | None = None) -> ItineraryOut:
    cur = itinerary.currency
    days = {d.id: DayOut(day_number=d.day_number, title=d.title, total=Money.of(0, cur), items=[],
                         date=None) for d in drafts.day_rows(session, itinerary)}
    totals: dict[int, int] = {k: 0 for k in days}
    for day, item in drafts.item_rows(session, itinerary):
        verified = bool(item.is_verified) and (item.site_id is not None or item.supplier_id is not None)
        days[day.id].items.append(ItemOut(
            id=item.id, day_number=day.day_number, position=item.position, slot=item.slot, kind=item.kind,
            name=drafts._item_name(session, item), description=item.description, site_id=item.site_id,
            supplier_id=item.supplier_id, starts_at=item.starts_at, ends_at=item.ends_at,
            estimated_cost=Money.of(item.estimated_cost_minor, item.currency), is_locked=item.is_locked,
            verified=verified, bookable=verified and item.kind in ("site", "hotel", "transport"),
        ))
        totals[day.id] += item.estimated_cost_minor
    for key, day in days.items():
        day.total = Money.of(totals[key], cur)
        if itinerary.start_date:
            day.date = itinerary.start_date + dt.timedelta(days=day.day_number - 1)
    rev = drafts.latest_revision(session, itinerary)
    plan = json.loads(rev.snapshot)["plan"] if rev else {}
    warnings = list(plan.get("warnings", []))
    if gen is not None:
        warnings = list(gen.plan.warnings)
    return ItineraryOut(
        id=itinerary.id, agency_id=itinerary.agency_id, status=itinerary.status, title=itinerary.title,
        destination_id=itinerary.destination_id, days_count=itinerary.days_count,
        start_date=itinerary.start_date, budget_level=itinerary.budget_level,
        travel_style=itinerary.travel_style, source=itinerary.source,
        estimated_cost=Money.of(itinerary.estimated_cost_minor, cur),
        summary=(gen.plan.summary if gen else plan.get("summary")), warnings=warnings,
        days=sorted(days.values(), key=lambda d: d.day_number), generation=_generation_out(gen),
    )


@router.post("/generate", response_model=ItineraryOut, status_code=201,
             responses=problem_responses(401, 402, 403, 422, 429, 503))
def generate_itinerary(session: SessionDep, principal: CanManageItineraries, ai: ItineraryDep,
                       body: GenerateIn) -> ItineraryOut:
    """Generate a plan and save it as a draft of the caller's agency."""
    if principal.is_agent and body.agency_id not in (None, principal.agency_id):
        raise ApiProblem(403, "agents generate for their own agency only", slug="forbidden", title="Forbidden")
    providers = provider_chain(ai, body.provider)  # before any work: 503 when not configured
    travellers = Travellers.of(body.travellers.kind)
    if body.travellers.adults is not None or body.travellers.children is not None:
        travellers = Travellers(kind=body.travellers.kind,
                                adults=body.travellers.adults or travellers.adults,
                                children=body.travellers.children if body.travellers.children is not None
                                else travellers.children)
    trip = TripRequest(destination=body.destination, days=body.days, start_date=body.start_date,
                       budget=body.budget, interests=body.interests, style=body.style,
                       travellers=travellers, notes=body.notes)
    agency_id = principal.agency_id if principal.is_agent else body.agency_id
    itinerary, gen = service.generate_draft(session, trip, providers, budget=ai.budget,
                                            limiter=ai.limiter, agency_id=agency_id)
    session.commit()
    return itinerary_out(session, itinerary, gen)


@router.get("/{itinerary_id}", response_model=ItineraryOut, responses=problem_responses(401, 403, 404))
def get_itinerary(session: SessionDep, principal: CanReadItineraries, itinerary_id: DbId) -> ItineraryOut:
    return itinerary_out(session, _visible(session, principal, itinerary_id))


@router.get("/{itinerary_id}/items", response_model=list[ItemOut], responses=problem_responses(401, 403, 404))
def get_items(session: SessionDep, principal: CanReadItineraries, itinerary_id: DbId) -> list[ItemOut]:
    out = itinerary_out(session, _visible(session, principal, itinerary_id))
    return [item for day in out.days for item in day.items]


@router.patch("/{itinerary_id}/items/{item_id}", response_model=ItemOut, responses=WRITE_PROBLEMS)
def patch_item(session: SessionDep, principal: CanManageItineraries, itinerary_id: DbId, item_id: DbId,
               body: ItemPatch) -> ItemOut:
    """Edit one item of a draft (name, times, cost, catalogue match...)."""
    itinerary = _visible(session, principal, itinerary_id)
    changes = body.model_dump(exclude_unset=True)
    if "estimated_cost" in changes:
        amount = changes.pop("estimated_cost")
        if amount is None or amount.startswith("-"):
            raise ApiProblem(422, "estimated_cost must be a non-negative decimal string", slug="invalid-edit")
        try:
            changes["estimated_cost_minor"] = to_minor(exact_amount(amount, itinerary.currency), itinerary.currency)
        except (CurrencyError, ValueError) as exc:
            raise ApiProblem(422, f"estimated_cost: {exc}", slug="invalid-edit") from None
    drafts.update_item(session, itinerary, item_id, changes)
    session.commit()
    return next(i for i in get_items(session, principal, itinerary_id) if i.id == item_id)


@router.post("/{itinerary_id}/items/{item_id}/lock", response_model=ItemOut, responses=WRITE_PROBLEMS)
def lock_item(session: SessionDep, principal: CanManageItineraries, itinerary_id: DbId, item_id: DbId,
              body: Annotated[LockIn | None, Body()] = None) -> ItemOut:
    """Lock an item (kept by regeneration); `{"locked": false}` unlocks it."""
    itinerary = _visible(session, principal, itinerary_id)
    drafts.set_locked(session, itinerary, item_id, (body or LockIn()).locked)
    session.commit()
    return next(i for i in get_items(session, principal, itinerary_id) if i.id == item_id)


@router.post("/{itinerary_id}/regenerate", response_model=ItineraryOut,
             responses=problem_responses(401, 402, 403, 404, 409, 422, 429, 503))
def regenerate_itinerary(session: SessionDep, principal: CanManageItineraries, ai: ItineraryDep, itinerary_id: DbId,
                         body: Annotated[RegenerateIn | None, Body()] = None) -> ItineraryOut:
    """Rebuild the whole draft or one day; locked items stay exactly as they are."""
    body = body or RegenerateIn()
    itinerary = _visible(session, principal, itinerary_id)
    gen = service.regenerate(session, itinerary, provider_chain(ai, body.provider), day=body.day,
                             budget=ai.budget, limiter=ai.limiter, agency_id=itinerary.agency_id)
    session.commit()
    return itinerary_out(session, itinerary, gen)


@router.post("/{itinerary_id}/approve", response_model=ApprovalOut, responses=WRITE_PROBLEMS)
def approve_itinerary(session: SessionDep, principal: CanManageItineraries, itinerary_id: DbId) -> ApprovalOut:
    """Approve a draft; records how far the approved plan is from the generated one."""
    itinerary = _visible(session, principal, itinerary_id)
    approval = drafts.approve(session, itinerary)
    session.commit()
    ratio = (Decimal(approval.edit_ratio_bps) / 10_000).quantize(Decimal("0.0001"))
    return ApprovalOut(itinerary=itinerary_out(session, itinerary), edit_distance=approval.edit_distance,
                       edit_ratio=str(ratio))
