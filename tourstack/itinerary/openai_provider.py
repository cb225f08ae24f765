"""The OpenAI provider: the official SDK with structured outputs, parsed into the plan model.

Why a separate wire schema (`LlmPlan`): structured outputs need a strict JSON schema with every
field required and no catalogue internals; the model fills names, times and estimated costs as
decimal strings, and this module turns that into an `ItineraryPlan`: times parsed, costs to
minor units, grounded against the catalogue (catalogue prices replace guesses for matched
places), locked items put back verbatim, opening hours checked. Any failure becomes a typed
ProviderError so the fallback chain can move on. Retries with exponential backoff on 429, 5xx
and timeouts are the SDK's own (`max_retries`, honouring Retry-After).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tourstack.itinerary.catalogue import DestinationCatalogue
from tourstack.itinerary.grounding import ground_plan
from tourstack.itinerary.models import DayPlan, ItineraryPlan, PlanItem
from tourstack.itinerary.offline import summarise
from tourstack.itinerary.pacing import BUDGETS, PACES, categories_for, rooms_for
from tourstack.itinerary.providers import (
    MalformedOutput,
    PlanRequest,
    ProviderResult,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    Refused,
    Usage,
    kept_site_ids,
    merge_days,
)
from tourstack.money import to_minor

if TYPE_CHECKING:
    import openai


class LlmItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot: Literal["morning", "afternoon", "evening", "overnight"]
    kind: Literal["site", "hotel", "transport", "meal"]
    name: str = Field(description="exact catalogue name when the place is listed")
    description: str
    start_time: str | None = Field(description="HH:MM local time, null for hotels")
    end_time: str | None = Field(description="HH:MM local time, null for hotels")
    estimated_cost: str = Field(description="decimal amount for the whole party, plan currency")


class LlmDay(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day_number: int
    title: str
    items: list[LlmItem]


class LlmPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    summary: str
    days: list[LlmDay]


SYSTEM_PROMPT = """You are a senior tour planner at a B2B tour operator. Plan a day-by-day
itinerary. Rules: use places from the catalogue below by their exact names whenever possible;
never schedule a site outside its opening hours or on a weekday it is closed; items of a day
must not overlap; leave travel time between stops; include lunch and dinner; one hotel per night
except the last day; respect the pacing (maximum activities and hours per day) and the budget
(maximum site price level, hotel stars). Costs are decimal strings in {currency} for the whole
party. Answer only with the structured itinerary."""


def _catalogue_brief(cat: DestinationCatalogue, interests: list[str], max_price_level: int) -> str:
    wanted = categories_for(interests)
    sites = sorted((s for s in cat.sites if s.price_level <= max_price_level),
                   key=lambda s: (s.category not in wanted, -s.popularity))[:40]
    lines = ["Sites (name | category | minutes | price per person | open weekdays 1=Mon | hours):"]
    for s in sites:
        windows = next(iter(s.hours.values()), [])
        hours = ",".join(f"{o:%H:%M}-{c:%H:%M}" for o, c in windows)
        lines.append(f"- {s.name} | {s.category} | {s.duration_minutes} | {s.price_minor} minor "
                     f"{s.currency} | {''.join(str(d) for d in sorted(s.hours))} | {hours}")
    lines.append("Hotels (name | stars | nightly rate, minor units):")
    for h in cat.of_kind("hotel"):
        lines.append(f"- {h.name} | {h.star_rating} | {h.rate_minor} {h.currency}")
    lines.append("Transport: " + ", ".join(t.name for t in cat.of_kind("transport")))
    return "\n".join(lines)


def build_messages(cat: DestinationCatalogue, request: PlanRequest) -> list[dict]:
    trip = request.trip
    pace, rule = PACES[trip.style], BUDGETS[trip.budget]
    ask = {
        "destination": cat.name, "days": trip.days,
        "start_date": trip.start_date.isoformat() if trip.start_date else None,
        "budget": trip.budget, "max_site_price_level": rule.max_price_level,
        "hotel_stars": rule.hotel_stars, "interests": [str(i) for i in trip.interests],
        "style": trip.style, "max_activities_per_day": pace.max_activities,
        "max_activity_hours_per_day": round(pace.max_activity_minutes / 60, 1),
        "travellers": trip.travellers.model_dump(), "notes": trip.notes,
        "keep_locked": {str(d): [i.model_dump(mode="json", include={"slot", "kind", "name", "starts_at", "ends_at"})
                                 for i in items] for d, items in request.keep.items()},
        "replan_days": sorted(request.only_days) if request.only_days else None,
    }
    return [
        {"role": "system", "content": SYSTEM_PROMPT.format(currency=cat.currency)},
        {"role": "system", "content": _catalogue_brief(cat, ask["interests"], rule.max_price_level)},
        {"role": "user", "content": json.dumps(ask)},
    ]


def _time(text: str | None) -> dt.time | None:
    if not text:
        return None
    try:
        return dt.time.fromisoformat(text.strip()[:5])
    except ValueError:
        return None


def _minor(text: str, currency: str) -> int:
    try:
        value = Decimal(text.replace(",", "").strip() or "0")
    except InvalidOperation as exc:
        raise MalformedOutput(f"cost {text!r} is not a decimal") from exc
    if not value.is_finite():
        raise MalformedOutput(f"cost {text!r} is not finite")
    return max(0, to_minor(value, currency))


def _catalogue_cost(cat: DestinationCatalogue, item: PlanItem, request: PlanRequest) -> int:
    trip = request.trip
    if item.site_id is not None and (site := cat.site(item.site_id)) and site.currency == cat.currency:
        return site.price_minor * trip.travellers.count
    if item.supplier_id is not None and item.kind == "hotel":
        hotel = next((h for h in cat.suppliers if h.id == item.supplier_id), None)
        if hotel and hotel.rate_minor is not None and hotel.currency == cat.currency:
            return hotel.rate_minor * rooms_for(trip.travellers.adults, trip.travellers.children)
    return item.estimated_cost_minor


def to_plan(cat: DestinationCatalogue, request: PlanRequest, raw: LlmPlan, model: str) -> ItineraryPlan:
    """Wire output -> validated, grounded plan; MalformedOutput when it cannot be one."""
    trip = request.trip
    if len(raw.days) != trip.days:
        raise MalformedOutput(f"{len(raw.days)} days returned for a {trip.days}-day request")
    days = []
    for number, llm_day in enumerate(sorted(raw.days, key=lambda d: d.day_number), start=1):
        date = trip.start_date + dt.timedelta(days=number - 1) if trip.start_date else None
        items = [
            PlanItem(slot=i.slot, kind=i.kind, name=i.name.strip()[:200] or "Unnamed",
                     description=i.description[:2000], starts_at=_time(i.start_time),
                     ends_at=_time(i.end_time) if i.kind != "hotel" else None,
                     estimated_cost_minor=_minor(i.estimated_cost, cat.currency), currency=cat.currency)
            for i in llm_day.items
        ]
        items = [i if not (i.starts_at and i.ends_at and i.ends_at <= i.starts_at) else
                 i.model_copy(update={"ends_at": None}) for i in items]
        days.append({"day_number": number, "date": date, "title": llm_day.title[:200] or f"Day {number}",
                     "items": items})
    try:
        plan = ItineraryPlan(
            destination=cat.name, destination_id=cat.id, title=raw.title[:200] or f"{trip.days} days in {cat.name}",
            summary=raw.summary[:4000], currency=cat.currency, budget=trip.budget, style=trip.style,
            travellers=trip.travellers, start_date=trip.start_date, provider="openai", model=model,
            days=[DayPlan.model_construct(**d) for d in days],
        )
    except ValidationError as exc:
        raise MalformedOutput(f"output is not a valid plan: {exc.errors()[0]['msg']}") from exc
    plan = ground_plan(cat, plan)
    taken = kept_site_ids(request)
    final_days, warnings = [], list(plan.warnings)
    for day in plan.days:
        weekday = day.date.isoweekday() if day.date else None
        locked = [i.model_copy(update={"locked": True}) for i in request.keep.get(day.day_number, [])]
        items = list(locked)
        for item in day.items:
            if item.site_id is not None and item.site_id in taken:
                warnings.append(f"day {day.day_number}: {item.name} is already in the plan; left out")
                continue  # already in the plan (locked, on a kept day, or earlier in this answer)
            if any(_overlaps(item, lk) for lk in locked):
                continue
            item = item.model_copy(update={"estimated_cost_minor": _catalogue_cost(cat, item, request)})
            if item.site_id is not None and weekday is not None:
                site = cat.site(item.site_id)
                if site and not _open_at(site.open_windows(weekday), item):
                    warnings.append(f"day {day.day_number}: {item.name} is closed at that time; moved out")
                    continue
            items.append(item)
            if item.site_id is not None:
                taken.add(item.site_id)
        final_days.append({"day_number": day.day_number, "date": day.date, "title": day.title, "items": items})
    try:
        plan = ItineraryPlan.model_validate(plan.model_dump() | {"days": final_days, "warnings": warnings})
    except ValidationError as exc:
        raise MalformedOutput(f"output is not a valid plan: {exc.errors()[0]['msg']}") from exc
    plan = merge_days(request, plan)
    if not plan.summary.strip():
        plan.summary = summarise(plan, trip)
    return plan


def _overlaps(a: PlanItem, b: PlanItem) -> bool:
    if a.kind == "hotel" or b.kind == "hotel":
        return a.kind == b.kind
    if not (a.starts_at and a.ends_at and b.starts_at and b.ends_at):
        return False
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _open_at(windows: list[tuple[dt.time, dt.time]], item: PlanItem) -> bool:
    if not windows:
        return False
    if item.starts_at is None:
        return True
    end = item.ends_at or item.starts_at
    return any(o <= item.starts_at and end <= c for o, c in windows)


class OpenAIProvider:
    """Plans with `client.chat.completions.parse(response_format=LlmPlan)`."""

    name = "openai"

    def __init__(self, client: openai.OpenAI, model: str, *, timeout_s: float = 60.0):
        self.client = client
        self.model = model
        self.timeout_s = timeout_s

    def plan(self, catalogue: DestinationCatalogue, request: PlanRequest) -> ProviderResult:
        import openai

        try:
            completion = self.client.chat.completions.parse(
                model=self.model, messages=build_messages(catalogue, request),
                response_format=LlmPlan, timeout=self.timeout_s, temperature=0.4,
            )
        except openai.LengthFinishReasonError as exc:
            raise MalformedOutput("the answer was cut off (max tokens)") from exc
        except openai.ContentFilterFinishReasonError as exc:
            raise Refused("the answer was blocked by the content filter") from exc
        except (ValidationError, json.JSONDecodeError) as exc:
            raise MalformedOutput("the answer does not match the itinerary schema") from exc
        except openai.RateLimitError as exc:
            raise RateLimited("rate limited by the model provider (429)") from exc
        except openai.APITimeoutError as exc:
            raise ProviderTimeout(f"no answer within {self.timeout_s:g} s") from exc
        except openai.APIStatusError as exc:
            raise ProviderUnavailable(f"model provider answered HTTP {exc.status_code}") from exc
        except openai.APIConnectionError as exc:
            raise ProviderUnavailable("model provider unreachable") from exc
        usage = Usage(
            prompt_tokens=getattr(completion.usage, "prompt_tokens", 0) or 0,
            completion_tokens=getattr(completion.usage, "completion_tokens", 0) or 0,
        )
        if not completion.choices:
            raise MalformedOutput("no choices in the answer", usage=usage)
        message = completion.choices[0].message
        if message.refusal:
            raise Refused(f"the model refused: {message.refusal[:200]}", usage=usage)
        if message.parsed is None:
            raise MalformedOutput("no structured output in the answer", usage=usage)
        try:
            plan = to_plan(catalogue, request, message.parsed, completion.model or self.model)
        except MalformedOutput as exc:
            exc.usage = usage
            raise
        return ProviderResult(plan=plan, usage=usage, model=completion.model or self.model)
