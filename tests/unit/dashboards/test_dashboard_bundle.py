"""The dashboards' own plotly.js bundle matches the plotly.js that plotly.py writes figures for,
and the pages load it (not plotly.py's full bundle)."""

from __future__ import annotations

import re
from pathlib import Path

import plotly

from reports.dashboards.writer import PLOTLY_JS, write_assets

FULL = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def _version(text: str) -> str:
    found = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", text[:400]) or re.search(
        r'version\s*[:=]\s*"(\d+\.\d+\.\d+)"', text)
    assert found, "no plotly.js version found"
    return found.group(1)


def test_bundle_is_built_from_the_plotly_js_that_plotly_py_targets():
    full = FULL.read_text(encoding="utf-8")
    ours = PLOTLY_JS.read_text(encoding="utf-8")
    assert f'"{_version(full)}"' in ours, (
        f"rebuild {PLOTLY_JS.name} for plotly.js {_version(full)} (static/plotly_bundle/README.md)")
    recipe = (PLOTLY_JS.parent / "plotly_bundle" / "package.json").read_text(encoding="utf-8")
    assert f'"plotly.js": "{_version(full)}"' in recipe


def test_pages_get_the_small_bundle(tmp_path):
    write_assets(tmp_path)
    served = tmp_path / "plotly.min.js"
    assert served.read_bytes() == PLOTLY_JS.read_bytes()
    assert served.stat().st_size < FULL.stat().st_size / 2
