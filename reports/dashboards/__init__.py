"""Interactive analytics dashboards: static HTML pages built from the warehouse marts.

Why static pages: they need no server to view (a file share, the API or a browser on the
Dagster output folder all work), they load one shared plotly bundle, and the Dagster asset
regenerates them after each warehouse refresh, so they are as fresh as the marts.

    from reports.dashboards import write_dashboards
    write_dashboards(conn, "var/dashboards")          # -> [executive.html, ..., index.html]
"""

from reports.dashboards.writer import ASSET_FILES, DASHBOARDS, build_pages, write_assets, write_dashboards

__all__ = ["ASSET_FILES", "DASHBOARDS", "build_pages", "write_assets", "write_dashboards"]
