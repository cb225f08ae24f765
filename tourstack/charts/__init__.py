"""Static chart images for e-mails, PDFs and screenshots: plotly figures rendered to PNG.

Why a module of its own: the report builder's PDF export, the executive e-mails and the docs all
need the same answer to "can this machine draw a PNG?". kaleido draws with a Chromium it finds
on the machine (Debian's `chromium` here); without one, `png_available()` is False and callers
fall back to tables instead of failing.
"""

from tourstack.charts.png import ChartRenderError, chromium_path, png_available, render_png, render_pngs

__all__ = ["ChartRenderError", "chromium_path", "png_available", "render_png", "render_pngs"]
