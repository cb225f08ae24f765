"""The realistic synthetic data generator behind `tourstack seed`.

Public API: `seed(url, size_or_scale, seed=..., as_of=..., progress=..., reset=...)` fills an
operational database and returns row counts per table; `SIZES` lists the presets. Imports are
lazy so `import tourstack.demo` stays cheap.
"""

from __future__ import annotations

from tourstack.demo.config import SIZES, DemoConfigError, make_plan, resolve_bookings

__all__ = ["SIZES", "DemoConfigError", "make_plan", "resolve_bookings", "seed"]


def seed(url, size_or_scale="demo", **kwargs):
    """See tourstack.demo.pipeline.seed."""
    from tourstack.demo.pipeline import seed as _seed

    return _seed(url, size_or_scale, **kwargs)
