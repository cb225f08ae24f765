"""The rules for how B2B payers really pay (docs/reconciliation.md), one small hand-written case
each: Indian invoice numbers in bank narrations, TDS, references cut by the statement width,
batch payments found by subset sum, wire charges and FX, gateway refunds, and the ambiguous
cases that must stay exceptions."""

from __future__ import annotations

import pytest

from tests.unit.reconcile.conftest import RECEIVABLE_COLUMNS, allocations, applied, reasons, reconciler, txn, write_csv
from tourstack.reconcile.subsets import find, tds_short

BOOK = [
    # 94,500.00 = 90,000 + 5 % GST; Kailash has three open invoices, Konkan two of one amount
    ("INV/2025-26/000123", "TB4K2M9XQ", "Kailash Tours & Travels Private Limited", "Mr. Arun Shah x 2",
     "94500.00", "INR", "2025-06-02", "2025-06-17"),
    ("INV/2025-26/000124", "TB7PQ3RST", "Kailash Tours & Travels Private Limited", "Ms. Neha Rao",
     "61234.50", "INR", "2025-06-03", "2025-06-18"),
    ("INV/2025-26/000131", "TB9ZZ8YYW", "Kailash Tours & Travels Private Limited", "Dr. Omar Iyer x 4",
     "38765.25", "INR", "2025-06-05", "2025-06-20"),
    ("INV/2025-26/000140", "TBKK2LL3M", "Konkan Leisure Private Limited", "Mrs. Emma Gupta x 2",
     "50000.00", "INR", "2025-06-06", "2025-06-21"),
    ("INV/2025-26/000141", "TBMM4NN5P", "Konkan Leisure Private Limited", "Mr. Jack Nair x 2",
     "50000.00", "INR", "2025-06-06", "2025-06-21"),
    ("EXP/2025-26/000020", "TBQQ6RR7S", "Mistral Journeys SARL", "Mrs. Claire Martin x 2",
     "2299.66", "EUR", "2025-06-02", "2025-06-17"),
    # Amber Trips and Amber Voyages are two businesses: the trade word tells them apart
    ("INV/2025-26/000150", "TBAA1BB2C", "Amber Trips", "Mr. Raj Das", "12345.67", "INR", "2025-06-04",
     "2025-06-19"),
    ("INV/2025-26/000151", "TBCC3DD4E", "Amber Voyages", "Ms. Mia Sen", "12345.67", "INR", "2025-06-04",
     "2025-06-19"),
]


@pytest.fixture
def pay(tmp_path, rates):
    return reconciler(tmp_path, rates, write_csv(tmp_path / "r.csv", RECEIVABLE_COLUMNS, BOOK))


def test_invoice_number_glued_to_the_narration_by_the_bank(pay):
    result = pay([txn("T1", "2025-06-10", "94500.00", "INR", reference="HDFCN51620000001",
                      description="NEFT CR-HDFC0001234-KAILASH TOURS & TRAVELS P LTD-INV/2025-26/000123")])
    assert [(a[1], a[2]) for a in allocations(result)] == [("INV/2025-26/000123", 9450000)]


@pytest.mark.parametrize("written", ["INV 2025-26 000123", "INV-2025-26-123", "INV/25-26/123", "INV202526123",
                                     "inv/2025-26/OOO123"])
def test_invoice_number_written_another_way(pay, written):
    result = pay([txn("T1", "2025-06-10", "94500.00", "INR", counterparty="KAILASH TOURS & TRAVELS P LTD",
                      description=f"IMPS-512345678901-KAILASH TOURS-{written}")])
    assert [a[1] for a in allocations(result)] == ["INV/2025-26/000123"]


def test_payment_less_two_percent_tds_naming_its_invoice(pay):
    # 2 % of the value before GST (90,000) = 1,800: 92,700.00 arrives; the invoice keeps 1,800 open
    assert tds_short(9270000, 9450000)
    result = pay([txn("T1", "2025-06-12", "92700.00", "INR", counterparty="KAILASH TOURS & TRAVELS PVT LTD",
                      description="NEFT CR-HDFC0001234-KAILASH TOURS & TRAVELS-INV/2025-26/000123")])
    assert [(a[1], a[2]) for a in allocations(result)] == [("INV/2025-26/000123", 9270000)]


def test_reference_cut_by_the_statement_width_is_not_read_as_another_invoice(pay):
    # "INV/2025-26/000124" cut to "INV/2025-26/0001": no guess on invoice 1 of the year
    result = pay([txn("T1", "2025-06-12", "61234.50", "INR",
                      description="NEFT-HDFCN51620000002-SOMEONE ELSE-INV/2025-26/0001")])
    assert applied(result, "INV/2025-26/000124") in (0, 6123450)
    assert all(a[1] == "INV/2025-26/000124" for a in allocations(result))


def test_remitter_name_cut_by_the_statement_width_is_still_the_agency(pay):
    # no counterparty column, the name cut to 20 characters; the amount settles one invoice
    result = pay([txn("T1", "2025-06-12", "38765.25", "INR",
                      description="BY TRANSFER-NEFT*HDFC0001234*HDFCN51620000003*KAILASH TOURS & TRA")])
    (alloc,) = allocations(result)
    assert alloc[1] == "INV/2025-26/000131" and alloc[3] in ("agency_amount", "amount_date_name")


def test_subset_sum_batch_payment_of_a_recognised_payer(pay):
    # 61,234.50 + 38,765.25 = 100,000 - 0.25: the payer's finance team paid two invoices at once
    result = pay([txn("T1", "2025-06-20", "99999.75", "INR", counterparty="KAILASH TOURS & TRAVELS PVT LTD",
                      description="NEFT CR-HDFC0001234-KAILASH TOURS-PAYMENT RUN JUNE")])
    assert {a[1] for a in allocations(result)} == {"INV/2025-26/000124", "INV/2025-26/000131"}
    assert sum(a[2] for a in allocations(result)) == 9999975


def test_subset_search_counts_every_fitting_combination():
    pool = [(1, 100), (2, 200), (3, 300), (4, 500)]
    combos, unsure = find(pool, [500], "EUR")
    assert not unsure and len(combos) == 2  # {500} and {200, 300}


def test_identical_invoices_of_one_agency_without_a_reference_are_ambiguous(pay):
    result = pay([txn("T1", "2025-06-20", "50000.00", "INR", counterparty="KONKAN LEISURE PVT LTD",
                      description="NEFT CR-ICIC0000001-KONKAN LEISURE P LTD-TOUR PAYMENT")])
    assert allocations(result) == []
    assert reasons(result)["T1"] in ("ambiguous", "no_match", "low_confidence")


def test_same_named_agencies_with_other_trade_words_are_not_confused(pay):
    result = pay([txn("T1", "2025-06-20", "12345.67", "INR", counterparty="AMBER VOYAGES",
                      description="NEFT CR-ICIC0000001-AMBER VOYAGES-PAYMENT")])
    assert [a[1] for a in allocations(result)] == ["INV/2025-26/000151"]


def test_typo_landing_on_another_agencys_number_is_not_allocated(pay):
    # Konkan quotes 000124 (Kailash's) for its own 50,000.00
    result = pay([txn("T1", "2025-06-20", "50000.00", "INR", counterparty="KONKAN LEISURE PVT LTD",
                      description="NEFT CR-ICIC0000001-KONKAN LEISURE P LTD-INV/2025-26/000124")])
    assert applied(result, "INV/2025-26/000124") == 0


def test_wire_short_by_correspondent_charges_and_converted_settles_the_invoice(pay, rates):
    # 2,299.66 EUR invoice paid by SWIFT, converted by our bank to INR at its TT rate, less charges
    result = pay([txn("T1", "2025-06-16", "218500.00", "INR", counterparty="MISTRAL JOURNEYS SARL",
                      description="INWARD REMITTANCE-MISTRAL JOURNEYS SARL-/INV/EXP/2025-26/000020")])
    assert [(a[1], a[2]) for a in allocations(result)] == [("EXP/2025-26/000020", 229966)]


def test_card_captured_twice_is_a_duplicate_even_if_the_invoice_is_still_open(pay):
    rows = [txn(f"T{k}", "2025-06-10", "40000.00", "INR", fee="944.00", source="razorpay",
                reference=f"pay_ABCDEFGHIJKLM{k}", counterparty="KAILASH TOURS & TRAVELS PVT LTD",
                description="Deposit for INV/2025-26/000123") for k in (1, 2)]
    result = pay(rows)
    assert applied(result, "INV/2025-26/000123") == 4094400
    assert reasons(result)["T2"] == "duplicate"


def test_gateway_refund_naming_its_charge_in_the_description_follows_the_payment(pay):
    result = pay([
        txn("T1", "2025-06-10", "40000.00", "INR", fee="944.00", source="razorpay", reference="pay_ABCDEFGHIJKLMN",
            counterparty="KAILASH TOURS & TRAVELS PVT LTD", description="Deposit for INV/2025-26/000123"),
        txn("T2", "2025-07-01", "-5000.00", "INR", source="razorpay", reference="rfnd_ZYXWVUTSRQPONM",
            counterparty="KAILASH TOURS & TRAVELS PVT LTD", description="Refund of pay_ABCDEFGHIJKLMN"),
    ])
    assert ("T2", "INV/2025-26/000123", -500000, "refund_of_payment") in allocations(result)
