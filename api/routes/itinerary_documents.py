"""The customer's trip document: `GET /itineraries/{id}.pdf`.

Scoped exactly like `GET /itineraries/{id}`: agents only their agency's (anything else is a
404 like a missing one), staff all. Mounted before the itinerary router so `/{id}.pdf` is not
read as a malformed `/{id}`.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response

from api.deps import CanReadItineraries, SessionDep, SettingsDep
from api.schemas.common import DbId, problem_responses
from reports.itinerary.pdf import render_pdf
from tourstack.itinerary import drafts
from tourstack.itinerary.tripdoc import build_document
from tourstack.itinerary.tripdoc_services import providers_from_settings

router = APIRouter(prefix="/itineraries", tags=["itineraries"])


@router.get("/{itinerary_id}.pdf", responses={200: {"content": {"application/pdf": {}}},
                                              **problem_responses(401, 403, 404)},
            response_class=Response)
def itinerary_pdf(session: SessionDep, principal: CanReadItineraries, settings: SettingsDep,
                  itinerary_id: DbId) -> Response:
    """The itinerary as the customer's PDF: cover, summary, each day with times, map, distances
    and weather, then the packing list, inclusions, contacts and emergency numbers."""
    itinerary = drafts.get_itinerary(session, itinerary_id, agency_id=principal.scope_agency_id)
    doc = build_document(session, itinerary, today=dt.date.today(), providers=providers_from_settings(settings))
    return Response(content=render_pdf(doc), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="itinerary-{itinerary.id}.pdf"'})
