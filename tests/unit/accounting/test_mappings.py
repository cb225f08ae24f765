"""The mapping files and `tourstack accounting validate-mappings`: every account, QuickBooks
item and tax code the books need is listed until the company's file maps it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli import app
from tests import factories as f
from tourstack.accounting.mappings import (
    SHIPPED_DIR,
    InvalidMapping,
    configured_tax_keys,
    issued_tax_keys,
    load_chart,
    load_mapping,
    unmapped,
)
from tourstack.settings import PROJECT_ROOT, get_settings

CHART = load_chart(PROJECT_ROOT / "dbt_project" / "seeds" / "chart_of_accounts.csv")
runner = CliRunner()


def test_the_shipped_templates_list_every_account_of_our_chart_and_map_none():
    for provider in ("quickbooks", "xero"):
        text = (SHIPPED_DIR / f"{provider}.yaml").read_text()
        assert all(f'"{a.code}": null' in text for a in CHART)
        mapping = load_mapping(provider)
        assert not mapping.accounts and not mapping.tax_codes


def test_unmapped_names_accounts_items_and_tax_codes_a_filled_file_leaves_out(tmp_path):
    lines = ["provider: quickbooks", "accounts:"] + [f'  "{a.code}": "{i + 1}"' for i, a in enumerate(CHART)
                                                      if a.code != "2102"]
    lines += ["items:", '  "4000": "7"', "tax_codes:", '  "intra_state:500": "3"', '  "export:0": "9"']
    (tmp_path / "quickbooks.yaml").write_text("\n".join(lines) + "\n")
    keys = configured_tax_keys(500, {"GB": 2000}, ["GB"])
    missing = {(m.kind, m.key, m.description) for m in unmapped(load_mapping("quickbooks", tmp_path), CHART, keys)}
    assert missing == {("account", "2102", "IGST output payable"), ("item", "4100", "service item selling Cancellation fee income"),
                       ("tax_code", "inter_state:500", "IGST 5 %"), ("tax_code", "vat:GB:2000", "VAT GB 20 %")}


@pytest.mark.parametrize("content", ["provider: xero\n", "[1, 2\n", "provider: quickbooks\naccounts: [1]\n"])
def test_a_broken_file_is_refused_with_its_path(tmp_path, content):
    (tmp_path / "quickbooks.yaml").write_text(content)
    with pytest.raises(InvalidMapping, match="quickbooks.yaml"):
        load_mapping("quickbooks", tmp_path)


def test_tax_keys_of_issued_invoices_are_required_too(session):
    from tourstack.db.models import Invoice, InvoiceLine

    booking = f.make_booking(session)
    for number, regime, place, rate in (("INV-1", "vat", "FR", 2000), (None, "vat", "DE", 1900)):
        invoice = Invoice(invoice_number=number, series="INV", fiscal_year=2026, sequence_number=1 if number else None,
                          booking_id=booking.id, agency_id=booking.agency_id, currency="EUR", subtotal_minor=10000,
                          tax_minor=rate, total_minor=10000 + rate, status="issued" if number else "draft",
                          tax_regime=regime, place_of_supply=place)
        session.add(invoice)
        session.flush()
        session.add(InvoiceLine(invoice_id=invoice.id, line_number=1, description="Tour", quantity=1,
                                unit_price_minor=10000, tax_rate_bps=rate, tax_minor=rate, amount_minor=10000,
                                vat_minor=rate))
    session.flush()
    assert issued_tax_keys(session) == {"vat:FR:2000"}  # the draft is not in the books yet


def test_validate_mappings_command_exits_1_while_anything_is_unmapped(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("TOURSTACK_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        listed = runner.invoke(app, ["accounting", "validate-mappings", "--provider", "xero"])
        assert listed.exit_code == 1 and "account 1200: Accounts receivable - agencies" in listed.output
        assert "tax_code export:0: zero-rated export" in listed.output and "item " not in listed.output
        (tmp_path / "xero.yaml").write_text("provider: xero\naccounts: {}\ntax_codes: {}\n")
        broken = runner.invoke(app, ["accounting", "validate-mappings", "--provider", "quickbooks",
                                     "--mappings-dir", str(tmp_path)])
        assert broken.exit_code == 2 and "no mapping file" in broken.output
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("provider", ["quickbooks", "xero"])
def test_the_cost_of_tours_account_supplier_bills_post_to_is_listed_while_unmapped(tmp_path, provider):
    lines = [f"provider: {provider}", "accounts:"] + [f'  "{a.code}": "{i + 1}"' for i, a in enumerate(CHART)
                                                       if a.code != "5000"]
    lines += ["items:", '  "4000": "7"', '  "4100": "8"', "tax_codes:", '  "export:0": "9"']
    (tmp_path / f"{provider}.yaml").write_text("\n".join(lines) + "\n")
    missing = unmapped(load_mapping(provider, tmp_path), CHART, ["export:0"])
    assert [(m.kind, m.key, m.description) for m in missing] == [("account", "5000", "Cost of tours")]
