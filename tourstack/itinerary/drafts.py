"""The review workflow: generated plans saved as drafts, edited, locked, regenerated, approved.

Why snapshots: the rows are what agents edit; the revision table keeps the plan exactly as the
planner produced it (with the request, so a regeneration knows the interests and travellers),
and approval compares the approved rows with the latest generated snapshot. That edit distance
is the "needs little editing" figure the warehouse reports.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import Itinerary, ItineraryDay, ItineraryItem, ItineraryRevision, Site, Supplier
from tourstack.errors import Conflict, DomainError, Invalid, NotFound
from tourstack.itinerary.models import DayPlan, ItineraryPlan, PlanItem, TripRequest


class ItineraryError(DomainError):
    code = "itinerary-error"


class ItineraryNotFound(ItineraryError, NotFound):
    code = "not-found"


class ItineraryConflict(ItineraryError, Conflict):
    code = "itinerary-conflict"
    title = "Itinerary conflict"


class InvalidEdit(ItineraryError, Invalid):
    code = "invalid-edit"
    title = "Invalid edit"


@dataclass(frozen=True, slots=True)
class Approval:
    itinerary_id: int
    edit_distance: int
    edit_ratio_bps: int
    generated_items: int
    approved_items: int


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _snapshot(plan: ItineraryPlan, trip: TripRequest) -> str:
    return json.dumps({"request": trip.model_dump(mode="json"), "plan": plan.model_dump(mode="json")})


def add_revision(session: Session, itinerary: Itinerary, kind: str, plan: ItineraryPlan,
                 trip: TripRequest, **extra) -> ItineraryRevision:
    rev = ItineraryRevision(
        itinerary_id=itinerary.id, agency_id=itinerary.agency_id, kind=kind, provider=plan.provider,
        model=plan.model, item_count=sum(len(d.items) for d in plan.days),
        snapshot=_snapshot(plan, trip), **extra,
    )
    session.add(rev)
    session.flush()
    return rev


def _write_day_items(session: Session, day_row: ItineraryDay, items: list[PlanItem], start_pos: int = 1) -> None:
    for pos, item in enumerate(items, start=start_pos):
        session.add(ItineraryItem(
            itinerary_day_id=day_row.id, position=pos, slot=item.slot, kind=item.kind,
            site_id=item.site_id, supplier_id=item.supplier_id, name=item.name,
            description=item.description, starts_at=item.starts_at, ends_at=item.ends_at,
            estimated_cost_minor=item.estimated_cost_minor, currency=item.currency,
            is_locked=item.locked, is_verified=item.verified,
        ))


def save_draft(session: Session, plan: ItineraryPlan, trip: TripRequest, *, agency_id: int | None) -> Itinerary:
    """Insert itinerary, day and item rows (status draft) and the `generated` revision."""
    if plan.destination_id is None:
        raise InvalidEdit("a plan needs a catalogue destination to be saved")
    itinerary = Itinerary(
        agency_id=agency_id, destination_id=plan.destination_id, title=plan.title[:200],
        days_count=len(plan.days), start_date=plan.start_date, budget_level=plan.budget,
        travel_style=plan.style, status="draft", source=plan.provider, currency=plan.currency,
        estimated_cost_minor=plan.total_minor,
    )
    session.add(itinerary)
    session.flush()
    for day in plan.days:
        row = ItineraryDay(itinerary_id=itinerary.id, day_number=day.day_number, title=day.title[:200])
        session.add(row)
        session.flush()
        _write_day_items(session, row, day.items)
    session.flush()
    add_revision(session, itinerary, "generated", plan, trip)
    return itinerary


def get_itinerary(session: Session, itinerary_id: int, *, agency_id: int | None) -> Itinerary:
    """The itinerary, scoped to `agency_id` when given (agents); missing and foreign look alike."""
    row = session.get(Itinerary, itinerary_id)
    if row is None or row.deleted_at is not None or (agency_id is not None and row.agency_id != agency_id):
        raise ItineraryNotFound(f"itinerary {itinerary_id} not found")
    return row


def day_rows(session: Session, itinerary: Itinerary) -> list[ItineraryDay]:
    return list(session.scalars(select(ItineraryDay).where(ItineraryDay.itinerary_id == itinerary.id)
                                .order_by(ItineraryDay.day_number)))


def item_rows(session: Session, itinerary: Itinerary) -> list[tuple[ItineraryDay, ItineraryItem]]:
    days = {d.id: d for d in day_rows(session, itinerary)}
    items = session.scalars(
        select(ItineraryItem).where(ItineraryItem.itinerary_day_id.in_(days), ItineraryItem.deleted_at.is_(None))
    ).all()
    pairs = [(days[i.itinerary_day_id], i) for i in items]
    return sorted(pairs, key=lambda p: (p[0].day_number, p[1].position, p[1].id))


def latest_revision(session: Session, itinerary: Itinerary, kinds: tuple[str, ...] = ("generated", "regenerated")) -> ItineraryRevision | None:
    return session.scalars(
        select(ItineraryRevision).where(ItineraryRevision.itinerary_id == itinerary.id,
                                        ItineraryRevision.kind.in_(kinds))
        .order_by(ItineraryRevision.id.desc()).limit(1)
    ).first()


def trip_of(session: Session, itinerary: Itinerary) -> TripRequest:
    rev = latest_revision(session, itinerary)
    if rev is None:
        raise ItineraryConflict("this itinerary was not generated; nothing to regenerate from")
    return TripRequest.model_validate(json.loads(rev.snapshot)["request"])


def _item_name(session: Session, item: ItineraryItem) -> str:
    if item.name:
        return item.name
    if item.site_id and (site := session.get(Site, item.site_id)):
        return site.name
    if item.supplier_id and (sup := session.get(Supplier, item.supplier_id)):
        return sup.name
    return item.description[:200] or item.kind


def current_plan(session: Session, itinerary: Itinerary, trip: TripRequest) -> ItineraryPlan:
    """The rows as a plan (what the agent sees now), for regeneration and approval."""
    days: dict[int, list[PlanItem]] = {d.day_number: [] for d in day_rows(session, itinerary)}
    titles = {d.day_number: d.title for d in day_rows(session, itinerary)}
    for day, item in item_rows(session, itinerary):
        days[day.day_number].append(PlanItem(
            slot=item.slot, kind=item.kind, name=_item_name(session, item), description=item.description,
            site_id=item.site_id, supplier_id=item.supplier_id, starts_at=item.starts_at,
            ends_at=item.ends_at, estimated_cost_minor=item.estimated_cost_minor, currency=item.currency,
            verified=bool(item.is_verified) and (item.site_id is not None or item.supplier_id is not None),
            locked=item.is_locked,
        ))
    start = itinerary.start_date
    plan_days = [DayPlan.model_construct(
        day_number=n, date=start + dt.timedelta(days=n - 1) if start else None, title=titles[n], items=items)
        for n, items in sorted(days.items())]
    return ItineraryPlan.model_construct(
        destination="", destination_id=itinerary.destination_id, title=itinerary.title, summary="",
        currency=itinerary.currency, budget=itinerary.budget_level, style=itinerary.travel_style,
        travellers=trip.travellers, start_date=start, provider=itinerary.source
        if itinerary.source in ("openai", "offline_planner") else "offline_planner",
        model=None, days=plan_days, warnings=[],
    )


def _require_draft(itinerary: Itinerary) -> None:
    if itinerary.status != "draft":
        raise ItineraryConflict(f"itinerary {itinerary.id} is {itinerary.status}; only drafts change")


def _refresh_total(session: Session, itinerary: Itinerary) -> None:
    itinerary.estimated_cost_minor = sum(i.estimated_cost_minor for _, i in item_rows(session, itinerary))
    itinerary.updated_at = _utcnow()


def get_item(session: Session, itinerary: Itinerary, item_id: int) -> ItineraryItem:
    for _, item in item_rows(session, itinerary):
        if item.id == item_id:
            return item
    raise ItineraryNotFound(f"item {item_id} not found in itinerary {itinerary.id}")


EDITABLE = {"slot", "kind", "name", "description", "site_id", "supplier_id", "starts_at", "ends_at",
            "estimated_cost_minor"}


def update_item(session: Session, itinerary: Itinerary, item_id: int, changes: dict) -> ItineraryItem:
    """Apply an agent's edit; the result must still be a valid item (times, catalogue ids)."""
    _require_draft(itinerary)
    item = get_item(session, itinerary, item_id)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidEdit(f"cannot edit {', '.join(sorted(unknown))}")
    if changes.get("site_id") is not None and session.get(Site, changes["site_id"]) is None:
        raise InvalidEdit(f"site {changes['site_id']} does not exist")
    if changes.get("supplier_id") is not None and session.get(Supplier, changes["supplier_id"]) is None:
        raise InvalidEdit(f"supplier {changes['supplier_id']} does not exist")
    for key, value in changes.items():
        setattr(item, key, value)
    if "site_id" in changes or "supplier_id" in changes:
        item.is_verified = item.site_id is not None or item.supplier_id is not None
    if item.starts_at and item.ends_at and item.kind != "hotel" and item.ends_at <= item.starts_at:
        raise InvalidEdit("ends_at must be after starts_at")
    _refresh_total(session, itinerary)
    session.flush()
    return item


def set_locked(session: Session, itinerary: Itinerary, item_id: int, locked: bool = True) -> ItineraryItem:
    _require_draft(itinerary)
    item = get_item(session, itinerary, item_id)
    item.is_locked = locked
    session.flush()
    return item


def locked_items(plan: ItineraryPlan) -> dict[int, list[PlanItem]]:
    return {d.day_number: [i for i in d.items if i.locked] for d in plan.days if any(i.locked for i in d.items)}


def replace_days(session: Session, itinerary: Itinerary, plan: ItineraryPlan, trip: TripRequest,
                 days: set[int]) -> None:
    """Swap the unlocked items of `days` for the new plan's; locked rows stay untouched."""
    _require_draft(itinerary)
    by_number = {d.day_number: d for d in day_rows(session, itinerary)}
    new_days = {d.day_number: d for d in plan.days}
    for _, item in item_rows(session, itinerary):
        day = next(d for d in by_number.values() if d.id == item.itinerary_day_id)
        if day.day_number in days and not item.is_locked:
            session.delete(item)
    session.flush()
    for number in sorted(days):
        row = by_number[number]
        row.title = new_days[number].title[:200]
        _write_day_items(session, row, [i for i in new_days[number].items if not i.locked], start_pos=100)
        session.flush()
        ordered = sorted((i for d, i in item_rows(session, itinerary) if d.id == row.id),
                         key=lambda i: (i.slot == "overnight", i.starts_at or dt.time(0), i.id))
        for pos, item in enumerate(ordered, start=1):
            item.position = pos
    itinerary.source = plan.provider
    _refresh_total(session, itinerary)
    session.flush()
    add_revision(session, itinerary, "regenerated", current_plan(session, itinerary, trip), trip)


def _tokens(plan_json: dict) -> list[str]:
    out = []
    for day in plan_json["days"]:
        for i in day["items"]:
            ref = i.get("site_id") or i.get("supplier_id") or ""
            name = " ".join((i.get("name") or "").lower().split())
            out.append(f"{day['day_number']}|{i['kind']}|{ref}|{name}|{i.get('starts_at')}|"
                       f"{i.get('ends_at')}|{i.get('estimated_cost_minor')}")
    return out


def edit_distance(generated: dict, approved: dict) -> tuple[int, int]:
    """Item-level Levenshtein distance, and it as basis points of the longer plan.

    An item counts as changed when its day, kind, catalogue match, name, times or cost differ;
    descriptions are free text and do not count.
    """
    a, b = _tokens(generated), _tokens(approved)
    distance = Levenshtein.distance(a, b)
    longest = max(len(a), len(b)) or 1
    return distance, distance * 10_000 // longest


def approve(session: Session, itinerary: Itinerary) -> Approval:
    """Draft -> approved, with the `approved` revision carrying the edit distance."""
    _require_draft(itinerary)
    rev = latest_revision(session, itinerary)
    trip = trip_of(session, itinerary) if rev is not None else None
    if rev is None or trip is None:
        raise ItineraryConflict("only generated itineraries go through approval here")
    generated = json.loads(rev.snapshot)["plan"]
    # the generated snapshot of a regeneration already is the rows; the first is the planner's
    first = latest_revision(session, itinerary, ("generated",))
    base = json.loads(first.snapshot)["plan"] if first is not None else generated
    now_plan = current_plan(session, itinerary, trip)
    approved = now_plan.model_dump(mode="json")
    distance, ratio = edit_distance(generated, approved)
    add_revision(session, itinerary, "approved", now_plan, trip, edit_distance=distance, edit_ratio_bps=ratio)
    itinerary.status = "approved"
    itinerary.updated_at = _utcnow()
    session.flush()
    return Approval(itinerary.id, distance, ratio, len(_tokens(base)), len(_tokens(approved)))
