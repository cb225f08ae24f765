"""The two mappings the sync needs before it sends anything: our ledger accounts to the provider's
accounts (and, for QuickBooks, the service items invoice lines post through), and our tax
treatments to the provider's tax codes.

They are data files (tourstack/accounting/mappings/<provider>.yaml, or a company's filled copy in
TOURSTACK_ACCOUNTING_MAPPINGS_DIR) because the ids belong to one company's books. A tax key is
`regime:rate_bps`, and `vat:COUNTRY:rate_bps` for VAT: `intra_state:500` is CGST 2.5 % + SGST
2.5 %, `inter_state:500` IGST 5 %, `export:0` a zero-rated export, `vat:GB:2000` UK VAT 20 %.

`unmapped` lists every account, item and tax key the books need that the file leaves empty or
omits: the accounts of our chart (dbt_project/seeds/chart_of_accounts.csv), the tax keys our
invoicing configuration can produce, and those found on the invoices already issued.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.accounting.connections import check_provider
from tourstack.errors import Invalid

SHIPPED_DIR = Path(__file__).with_name("mappings")
ITEM_ACCOUNT_ROLES = ("revenue", "cancellation_income")  # QuickBooks lines sell an Item of these


class InvalidMapping(Invalid):
    code = "accounting-invalid-mapping"


@dataclass(frozen=True)
class LedgerAccount:
    code: str
    name: str
    role: str


@dataclass(frozen=True)
class ProviderMapping:
    provider: str
    source: Path
    accounts: dict[str, str] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=dict)
    tax_codes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Unmapped:
    kind: str  # account, item, tax_code
    key: str
    description: str


def mapping_path(provider: str, directory: Path | None = None) -> Path:
    return (directory or SHIPPED_DIR) / f"{check_provider(provider)}.yaml"


def load_mapping(provider: str, directory: Path | None = None) -> ProviderMapping:
    path = mapping_path(provider, directory)
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        raise InvalidMapping(f"no mapping file {path}") from None
    except yaml.YAMLError as exc:
        raise InvalidMapping(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or data.get("provider") != provider:
        raise InvalidMapping(f"{path} must be a mapping with `provider: {provider}`")
    sections = {}
    for name in ("accounts", "items", "tax_codes"):
        section = data.get(name) or {}
        if not isinstance(section, dict):
            raise InvalidMapping(f"{path}: `{name}` must map keys to provider ids")
        sections[name] = {str(k): str(v).strip() for k, v in section.items() if v not in (None, "")}
    return ProviderMapping(provider=provider, source=path, **sections)


def load_chart(path: Path) -> list[LedgerAccount]:
    with path.open(newline="") as handle:
        return [LedgerAccount(r["account_code"], r["account_name"], r["account_role"]) for r in csv.DictReader(handle)]


def configured_tax_keys(gst_rate_bps: int, vat_rates_bps: dict[str, int], vat_countries: Iterable[str]) -> set[str]:
    """The tax keys our invoicing configuration can produce (tourstack.invoicing.tax)."""
    keys = {f"intra_state:{gst_rate_bps}", f"inter_state:{gst_rate_bps}", "export:0"}
    keys |= {f"vat:{c}:{vat_rates_bps[c]}" for c in vat_countries if c in vat_rates_bps}
    return keys


def issued_tax_keys(session: Session) -> set[str]:
    """The tax keys on invoices and credit notes already issued (any status past approval)."""
    from tourstack.db.models import Invoice, InvoiceLine

    query = (select(Invoice.tax_regime, Invoice.place_of_supply, InvoiceLine.tax_rate_bps).distinct()
             .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
             .where(Invoice.invoice_number.is_not(None), Invoice.tax_regime.is_not(None)))
    return {tax_key(regime, place, rate) for regime, place, rate in session.execute(query)}


def tax_key(regime: str, place_of_supply: str | None, rate_bps: int) -> str:
    if regime == "vat":
        return f"vat:{place_of_supply}:{rate_bps}"
    return "export:0" if regime == "export" else f"{regime}:{rate_bps}"


def unmapped(mapping: ProviderMapping, chart: list[LedgerAccount], tax_keys: Iterable[str]) -> list[Unmapped]:
    missing = [Unmapped("account", a.code, a.name) for a in chart if a.code not in mapping.accounts]
    if mapping.provider == "quickbooks":
        missing += [Unmapped("item", a.code, f"service item selling {a.name}") for a in chart
                    if a.role in ITEM_ACCOUNT_ROLES and a.code not in mapping.items]
    missing += [Unmapped("tax_code", k, _describe(k)) for k in sorted(set(tax_keys)) if k not in mapping.tax_codes]
    return missing


def _describe(key: str) -> str:
    parts = key.split(":")
    rate = f"{int(parts[-1]) / 100:g} %"
    return {"intra_state": f"CGST + SGST {rate}", "inter_state": f"IGST {rate}", "export": "zero-rated export",
            "vat": f"VAT {parts[1] if len(parts) == 3 else ''} {rate}"}.get(parts[0], key)
