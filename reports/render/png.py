"""plotly figure -> PNG bytes through kaleido and the system Chromium.

kaleido 1.x drives a real Chromium (via choreographer). It looks for one on PATH; we also honour
`BROWSER_PATH` (kaleido's own variable) so a deployment can point at its browser. Rendering a
batch opens the browser once, which matters: a cold start costs about two seconds.
"""

from __future__ import annotations

import os
import shutil
from functools import lru_cache
from typing import Sequence

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


class ChartRenderError(RuntimeError):
    """Chromium is present but the figure could not be drawn."""


@lru_cache(maxsize=1)
def chromium_path() -> str | None:
    explicit = os.environ.get("BROWSER_PATH")
    if explicit and os.path.exists(explicit):
        return explicit
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def png_available() -> bool:
    """True when kaleido is installed and a Chromium is on this machine."""
    try:
        import kaleido  # noqa: F401
    except ImportError:  # pragma: no cover - kaleido is a dependency
        return False
    return chromium_path() is not None


def render_pngs(figures: Sequence, *, width: int = 720, height: int = 360, scale: float = 2.0) -> list[bytes]:
    """Render several figures with one browser start; raises ChartRenderError on failure."""
    if not figures:
        return []
    if not png_available():
        raise ChartRenderError("no Chromium found for kaleido (install Debian's `chromium` or set BROWSER_PATH)")
    import kaleido

    path = chromium_path()
    if path and not os.environ.get("BROWSER_PATH"):
        os.environ["BROWSER_PATH"] = path  # choreographer reads it when PATH lookup differs
    opts = {"format": "png", "width": width, "height": height, "scale": scale}
    kaleido.start_sync_server(silence_warnings=True)  # one browser for the whole batch
    try:
        return [kaleido.calc_fig_sync(fig, opts=opts) for fig in figures]
    except Exception as exc:  # kaleido raises a variety of browser/transport errors
        raise ChartRenderError(f"chart rendering failed: {exc}") from exc
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


def render_png(figure, *, width: int = 720, height: int = 360, scale: float = 2.0) -> bytes:
    return render_pngs([figure], width=width, height=height, scale=scale)[0]
