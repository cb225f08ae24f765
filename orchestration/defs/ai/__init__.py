"""AI definitions: batch content generation within the monthly AI budget."""

from orchestration.defs.ai.site_descriptions import (
    ai_site_descriptions_job,
    site_descriptions,
    weekly_ai_site_descriptions,
)

__all__ = ["ai_site_descriptions_job", "site_descriptions", "weekly_ai_site_descriptions"]
