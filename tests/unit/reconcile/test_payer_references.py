"""How payers and banks mangle our numbers on the way to the statement (docs/reconciliation.md,
"How B2B payers really pay"): a short fiscal year, a number cut by the statement width, the
same number printed twice, and the foreign amount our bank prints when it converts a wire."""

from __future__ import annotations

import pytest

from tests.unit.reconcile.conftest import RECEIVABLE_COLUMNS, allocations, reasons, reconciler, txn, write_csv

SAPPHIRE = "Sapphire Tours Private Limited"
BOOK = [
    ("INV/2025-26/000025", "TB2AAAAA1", SAPPHIRE, "Mr. A Rao", "21000.00", "INR", "2025-04-03", "2025-04-18"),
    ("INV/2025-26/000286", "TB2BBBBB2", SAPPHIRE, "Ms. B Iyer", "84000.00", "INR", "2025-07-01", "2025-07-16"),
    ("INV/2025-26/001331", "TB2CCCCC3", SAPPHIRE, "Dr. C Das", "90000.00", "INR", "2025-07-02", "2025-07-17"),
    ("INV/2025-26/000001", "TB2DDDDD4", SAPPHIRE, "Mrs. D Sen", "25000.00", "INR", "2025-04-01", "2025-04-16"),
    ("INV/2025-26/000002", "TB2EEEEE5", SAPPHIRE, "Mr. E Roy", "5000.00", "INR", "2025-04-01", "2025-04-16"),
    ("INV/2025-26/000240", "TB2FFFFF6", SAPPHIRE, "Ms. F Jain", "60000.00", "INR", "2025-06-20", "2025-07-05"),
]


@pytest.fixture
def pay(tmp_path, rates):
    return reconciler(tmp_path, rates, write_csv(tmp_path / "r.csv", RECEIVABLE_COLUMNS, BOOK))


def test_short_fiscal_year_is_not_read_as_a_sequence_number(pay):
    # "INV/25-26/2286" is a typo of 286 in the year 2025-26; "25" is the year, not invoice 25,
    # although invoice 25 is open for exactly the amount
    result = pay([txn("T1", "2025-07-16", "21000.00", "INR", reference="519791916509",
                      description="MMT/IMPS/519791916509/INV/25-26/2286")])
    assert all(a[1] != "INV/2025-26/000025" for a in allocations(result))


def test_number_cut_by_the_statement_width_names_the_invoice_it_starts(pay):
    # 000286 cut to "0002" at the end of the narration: not invoice 2 (5,000 open), but one of
    # 000240 and 000286, and the amount pays 000286 in full
    result = pay([txn("T1", "2025-07-20", "84000.00", "INR", reference="YESBN52750263282",
                      description="NEFT CR-YESB0013530-SAPPHIRE TOURS PRIVATE LI-BALANCE INV/2025-26/0002")])
    assert [(a[1], a[2]) for a in allocations(result)] == [("INV/2025-26/000286", 8400000)]


def test_cut_number_naming_several_invoices_is_not_guessed_for_a_deposit(pay):
    # "0002" starts 000240 and 000286; a deposit of 20,000 pays neither in full
    result = pay([txn("T1", "2025-07-20", "20000.00", "INR", reference="YESBN52750263283",
                      description="NEFT CR-YESB0013530-SAPPHIRE TOURS PRIVATE LI-ADVANCE INV/2025-26/0002")])
    assert allocations(result) == []
    assert reasons(result)["T1"] in ("ambiguous", "no_match", "low_confidence")


HIGHLAND = [
    ("EXP/2025-26/000060", "TB3AAAAA1", "Highland Tours SARL", "Mme A Roux", "1620.22", "EUR", "2025-05-02",
     "2025-05-17"),
    ("EXP/2025-26/000077", "TB3BBBBB2", "Highland Tours SARL", "M. B Petit", "4100.00", "EUR", "2025-05-20",
     "2025-06-04"),
]


@pytest.fixture
def wire(tmp_path, rates):
    return reconciler(tmp_path, rates, write_csv(tmp_path / "r.csv", RECEIVABLE_COLUMNS, HIGHLAND))


def test_wire_short_by_correspondent_charges_settles_the_one_invoice_it_fits(wire):
    # 1,620.22 EUR sent SHA, two correspondents took 25 + 18 EUR: 1,577.22 arrives, no reference
    result = wire([txn("T1", "2025-05-30", "1577.22", "EUR", reference="IRM250530000001",
                       counterparty="HIGHLAND TOURS SARL", description="INWARD REMITTANCE-HIGHLAND TOURS SARL-/RFB/PAYMENT")])
    assert [(a[1], a[2], a[3]) for a in allocations(result)] == [
        ("EXP/2025-26/000060", 157722, "agency_amount_less_charges")]


def test_advance_in_the_remarks_is_never_read_as_settling_an_invoice(wire):
    # the same amount, but the remarks say it is an advance: a deposit on either invoice
    result = wire([txn("T1", "2025-05-30", "1577.22", "EUR", reference="IRM250530000002",
                       counterparty="HIGHLAND TOURS SARL",
                       description="INWARD REMITTANCE-HIGHLAND TOURS SARL-/RFB/ADVANCE HOLIDAY PKG")])
    assert allocations(result) == []
    assert reasons(result)["T1"] in ("no_match", "low_confidence", "ambiguous")
