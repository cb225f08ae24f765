"""AI content: site and itinerary descriptions, rewrites, Instagram captions, customer e-mails.

English, Hindi or French, formal or casual, optionally "more exciting". Uses the configured
models within the AI budget and falls back to offline templates; agents may only write about
their own agency's itineraries.
"""

from __future__ import annotations

import json

from fastapi import APIRouter
from sqlalchemy.orm import Session

from api.deps import ItineraryDep, CanGenerateContent, SessionDep
from api.problems import ApiProblem
from api.schemas.common import problem_responses
from api.schemas.itineraries import ContentIn, ContentOut
from tourstack.auth import Principal
from tourstack.db.models import Destination, Site
from tourstack.itinerary import drafts
from tourstack.itinerary.content import ContentKind, ContentRequest, generate_content
from tourstack.itinerary.usage import SqlUsageStore

router = APIRouter(prefix="/content", tags=["content"])
PROBLEMS = problem_responses(401, 402, 403, 404, 422)


def _request(session: Session, principal: Principal, kind: ContentKind, body: ContentIn) -> ContentRequest:
    req = ContentRequest(kind=kind, language=body.language, tone=body.tone, exciting=body.exciting,
                         text=body.text, customer_name=body.customer_name)
    if kind == "site_description":
        site = session.get(Site, body.site_id) if body.site_id else None
        if site is None:
            raise ApiProblem(404 if body.site_id else 422, "site_id must name a catalogued site",
                             slug="not-found" if body.site_id else "validation-error")
        dest = session.get(Destination, site.destination_id)
        req.site = {"name": site.name, "category": site.category, "city": dest.name if dest else "",
                    "description": site.description, "duration_minutes": site.typical_duration_minutes}
    elif kind == "improve":
        if not (body.text or "").strip():
            raise ApiProblem(422, "text is required", slug="validation-error")
    else:
        if body.itinerary_id is None:
            raise ApiProblem(422, "itinerary_id is required", slug="validation-error")
        itinerary = drafts.get_itinerary(session, body.itinerary_id, agency_id=principal.scope_agency_id)
        trip = drafts.trip_of(session, itinerary)
        plan = drafts.current_plan(session, itinerary, trip)
        dest = session.get(Destination, itinerary.destination_id)
        rev = drafts.latest_revision(session, itinerary)
        summary = json.loads(rev.snapshot)["plan"].get("summary", "") if rev else ""
        req.plan = plan.model_copy(update={"destination": dest.name if dest else "", "summary": summary})
    return req


def _run(session: Session, principal: Principal, ai, kind: ContentKind, body: ContentIn) -> ContentOut:
    req = _request(session, principal, kind, body)
    result = generate_content(req, ai.content_clients(), SqlUsageStore(session), budget=ai.budget,
                              agency_id=principal.agency_id, timeout_s=ai.config.timeout_s)
    session.commit()
    return ContentOut(kind=kind, language=body.language, text=result.text, provider=result.provider,
                      model=result.model)


@router.post("/site-description", response_model=ContentOut, responses=PROBLEMS)
def site_description(session: SessionDep, principal: CanGenerateContent, ai: ItineraryDep, body: ContentIn) -> ContentOut:
    """A description of a catalogue site (`site_id`)."""
    return _run(session, principal, ai, "site_description", body)


@router.post("/itinerary-description", response_model=ContentOut, responses=PROBLEMS)
def itinerary_description(session: SessionDep, principal: CanGenerateContent, ai: ItineraryDep,
                          body: ContentIn) -> ContentOut:
    """A description of an itinerary (`itinerary_id`)."""
    return _run(session, principal, ai, "itinerary_description", body)


@router.post("/improve", response_model=ContentOut, responses=PROBLEMS)
def improve(session: SessionDep, principal: CanGenerateContent, ai: ItineraryDep, body: ContentIn) -> ContentOut:
    """Improve `text`; with `exciting: true`, make it more exciting."""
    return _run(session, principal, ai, "improve", body)


@router.post("/instagram-caption", response_model=ContentOut, responses=PROBLEMS)
def instagram_caption(session: SessionDep, principal: CanGenerateContent, ai: ItineraryDep,
                      body: ContentIn) -> ContentOut:
    """An Instagram caption for an itinerary (`itinerary_id`)."""
    return _run(session, principal, ai, "instagram_caption", body)


@router.post("/email-summary", response_model=ContentOut, responses=PROBLEMS)
def email_summary(session: SessionDep, principal: CanGenerateContent, ai: ItineraryDep, body: ContentIn) -> ContentOut:
    """An e-mail to the customer summarising an itinerary (`itinerary_id`) day by day."""
    return _run(session, principal, ai, "email_summary", body)
