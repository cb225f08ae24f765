"""AI definitions: batch content generation and itinerary drafts within the monthly AI budget."""

from orchestration.defs.ai.request_drafts import (
    ai_request_drafts_job,
    hourly_ai_request_drafts,
    request_itinerary_drafts,
)
from orchestration.defs.ai.site_descriptions import (
    ai_site_descriptions_job,
    site_descriptions,
    weekly_ai_site_descriptions,
)

__all__ = [
    "ai_request_drafts_job", "ai_site_descriptions_job", "hourly_ai_request_drafts",
    "request_itinerary_drafts", "site_descriptions", "weekly_ai_site_descriptions",
]
