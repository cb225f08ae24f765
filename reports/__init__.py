"""The reporting face of Tourstack, peer of `api/` and `orchestration/`.

- `reports.builder`: metric reports from a spec (YAML in `reports/definitions/`), run, compared,
  saved and scheduled;
- `reports.finance`: the ledger statements of `tourstack.finance` as files;
- `reports.executive`: the scheduled executive e-mails;
- `reports.dashboards`: the static analytics dashboards;
- `reports.render`: the one toolkit they all render with (tables, number formats, CSV, XLSX,
  PDF, chart images, palette, spreadsheet safety).

Why a package of its own: the domain (`tourstack/`) computes figures; how figures are shown is
decided here, once, for every output.
"""

from pathlib import Path

DEFINITIONS = Path(__file__).resolve().parent / "definitions"
