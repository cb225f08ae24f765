"""Fiscal years, gapless numbering on SQLite, GST/VAT treatment and per-line rounding."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from tests.unit.invoicing.conftest import CONFIG, NOW, booking_for
from tourstack.db.models import InvoiceCounter, InvoiceLine
from tourstack.invoicing import (
    Actor,
    InvalidInvoice,
    InvoicingConfig,
    LineInput,
    create_draft,
    fiscal_year,
    format_number,
    line_tax,
    next_number,
    parse_amount,
    treatment_for,
)
from tourstack.invoicing.tax import Seller, TaxTreatment

ACTOR = Actor(role="finance", key_id=1)


def test_fiscal_year_runs_april_to_march():
    assert fiscal_year(dt.date(2026, 3, 31)) == 2025
    assert fiscal_year(dt.date(2026, 4, 1)) == 2026
    assert format_number("INV", 2025, 123) == "INV/2025-26/000123"
    assert format_number("CN", 2099, 1) == "CN/2099-00/000001"


def test_counters_are_per_series_and_year_and_rollback_leaves_no_gap(session):
    assert [next_number(session, "INV", 2025) for _ in range(3)] == [1, 2, 3]
    assert next_number(session, "CN", 2025) == 1
    assert next_number(session, "INV", 2026) == 1
    session.commit()
    assert next_number(session, "INV", 2025) == 4
    session.rollback()  # the issue that took 4 failed
    assert next_number(session, "INV", 2025) == 4
    session.commit()
    row = session.scalar(select(InvoiceCounter).where(InvoiceCounter.series == "INV",
                                                      InvoiceCounter.fiscal_year == 2025))
    assert row.last_number == 4


def test_same_state_splits_cgst_and_sgst():
    t = treatment_for(CONFIG, "IN", "rj")
    assert (t.regime, t.cgst_bps, t.sgst_bps, t.igst_bps) == ("intra_state", 250, 250, 0)


def test_other_state_is_igst_and_operator_state_is_configurable():
    assert treatment_for(CONFIG, "IN", "DL").igst_bps == 500
    delhi_operator = InvoicingConfig(seller=replace(Seller(), state_code="DL"), gst_rate_bps=1800)
    t = treatment_for(delhi_operator, "IN", "DL")
    assert (t.regime, t.cgst_bps, t.sgst_bps) == ("intra_state", 900, 900)


def test_foreign_customer_is_zero_rated_export_unless_vat_registered():
    t = treatment_for(CONFIG, "GB", None)
    assert (t.regime, t.rate_bps, t.place_of_supply) == ("export", 0, "GB")
    registered = InvoicingConfig(vat_registered_countries=frozenset({"GB", "TH", "AE", "SG"}))
    assert treatment_for(registered, "GB", None).vat_bps == 2000
    assert treatment_for(registered, "TH", None).vat_bps == 700
    assert treatment_for(registered, "AE", None).vat_bps == 500
    assert treatment_for(registered, "SG", None).vat_bps == 900
    assert treatment_for(registered, "FR", None).regime == "export"


def test_indian_customer_without_state_is_refused():
    with pytest.raises(InvalidInvoice):
        treatment_for(CONFIG, "IN", None)


def test_line_tax_rounds_each_component_half_even():
    igst = TaxTreatment("inter_state", "DL", igst_bps=500)
    assert line_tax(30, igst).igst_minor == 2   # 1.5 -> 2
    assert line_tax(50, igst).igst_minor == 2   # 2.5 -> 2
    assert line_tax(70, igst).igst_minor == 4   # 3.5 -> 4
    intra = TaxTreatment("intra_state", "RJ", cgst_bps=250, sgst_bps=250)
    tax = line_tax(1_050, intra)  # 26.25 each -> 26 each
    assert (tax.cgst_minor, tax.sgst_minor, tax.total_minor) == (26, 26, 52)
    tax = line_tax(100, intra)  # 2.5 each -> 2 each (even)
    assert (tax.cgst_minor, tax.sgst_minor) == (2, 2)


def test_parse_amount_refuses_floats_and_excess_places():
    assert parse_amount("unit price", "1234.50", "INR") == 123_450
    assert parse_amount("unit price", "1500", "JPY") == 1500
    for bad in (1.5, "1.234", "-1", "abc", "0"):
        with pytest.raises(InvalidInvoice):
            parse_amount("unit price", bad, "INR")


@pytest.mark.parametrize(
    ("country", "state", "regime", "component"),
    [("IN", "RJ", "intra_state", "cgst_minor"), ("IN", "MH", "inter_state", "igst_minor"),
     ("AE", None, "export", None)],
)
def test_draft_totals_tie_out_to_lines(session, country, state, regime, component):
    booking = booking_for(session, country=country, state=state, sells=(40_000_01, 12_345_67, 99))
    invoice = create_draft(session, booking.id, actor=ACTOR, config=CONFIG, now=NOW)
    lines = session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)).all()
    assert len(lines) == 3 and invoice.tax_regime == regime
    assert invoice.subtotal_minor == sum(ln.amount_minor for ln in lines) == 52_346_67
    assert invoice.tax_minor == sum(ln.tax_minor for ln in lines)
    assert invoice.total_minor == invoice.subtotal_minor + invoice.tax_minor
    for ln in lines:
        assert ln.tax_minor == ln.cgst_minor + ln.sgst_minor + ln.igst_minor + ln.vat_minor
        assert ln.sac_code == "998555"
    if component is None:
        assert invoice.tax_minor == 0
    else:
        assert getattr(invoice, component) == sum(getattr(ln, component) for ln in lines) > 0
    if regime == "intra_state":
        assert invoice.cgst_minor == invoice.sgst_minor
    assert invoice.invoice_number is None and invoice.sequence_number is None


def test_vat_invoice_and_explicit_lines(session):
    config = InvoicingConfig(vat_registered_countries=frozenset({"GB"}))
    booking = booking_for(session, country="GB", state=None)
    invoice = create_draft(
        session, booking.id, actor=ACTOR, config=config, now=NOW,
        lines=[LineInput("Guide, 3 days", 3, 8_333_33), LineInput("Transfers", 1, 5_000_00)],
    )
    assert invoice.tax_regime == "vat"
    assert invoice.subtotal_minor == 3 * 8_333_33 + 5_000_00
    # 24999.99 * 20 % = 4999.998 -> 5000.00 ; 5000.00 * 20 % = 1000.00
    assert invoice.vat_minor == invoice.tax_minor == 5_000_00 + 1_000_00


def test_draft_needs_lines_and_valid_booking(session):
    booking = booking_for(session, sells=())
    with pytest.raises(InvalidInvoice):
        create_draft(session, booking.id, actor=ACTOR, config=CONFIG, now=NOW)
    with pytest.raises(InvalidInvoice):
        create_draft(session, booking.id, actor=ACTOR, config=CONFIG, now=NOW,
                     lines=[LineInput("x", 0, 100)])
