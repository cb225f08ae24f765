"""Analytics dashboards: static HTML pages rendered from the marts after each refresh."""

from orchestration.defs.dashboards.assets import dashboards
from orchestration.defs.dashboards.jobs import dashboards_after_refresh, dashboards_job

__all__ = ["dashboards", "dashboards_after_refresh", "dashboards_job"]
