"""The package layout's one rule: the domain (`tourstack/`) imports none of its faces.

`api/` (HTTP), `orchestration/` (Dagster), `reports/` (every rendered output) and `cli/` (the
command line, the composition root) may import the domain; the domain never imports them, so it
can be tested, reused and reasoned about without any of them. Checked on the source, imports
inside functions included.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FACES = ("api", "orchestration", "reports", "cli")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _domain_imports_of(top_levels: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted((ROOT / "tourstack").rglob("*.py"))
        for line, name in _imports(path)
        if name.split(".")[0] in top_levels
    ]


def test_the_domain_imports_no_face():
    assert _domain_imports_of(FACES) == []


# openpyxl also reads: the inbox's reader of supplier rate sheets opens XLSX input (read-only,
# cached values, nothing written), which is the domain's own work, not a rendered output.
SPREADSHEET_READERS = ("tourstack/inbox/rate_sheets.py",)


def test_no_rendering_library_in_the_domain():
    """Writers of files and pages (CSV, XLSX, PDF, charts, templates) live in `reports/`."""
    found = _domain_imports_of(("openpyxl", "weasyprint", "plotly", "kaleido", "jinja2"))
    assert [f for f in found if not (f.split(":")[0] in SPREADSHEET_READERS and " imports openpyxl" in f)] == []


def test_report_definitions_ship_with_the_package():
    import tomllib

    from reports import DEFINITIONS

    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "definitions/*.yaml" in package_data["reports"]
    assert sorted(p.name for p in DEFINITIONS.glob("*.yaml"))
