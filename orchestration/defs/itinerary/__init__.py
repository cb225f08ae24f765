"""AI definitions: batch content generation and itinerary drafts within the monthly AI budget."""

from orchestration.defs.itinerary.request_drafts import (
    itinerary_request_drafts_job,
    hourly_itinerary_request_drafts,
    request_itinerary_drafts,
)
from orchestration.defs.itinerary.site_descriptions import (
    site_descriptions_job,
    site_descriptions,
    weekly_site_descriptions,
)

__all__ = [
    "itinerary_request_drafts_job", "site_descriptions_job", "hourly_itinerary_request_drafts",
    "request_itinerary_drafts", "site_descriptions", "weekly_site_descriptions",
]
