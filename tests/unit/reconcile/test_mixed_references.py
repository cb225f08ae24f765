"""One line, several forms of our numbers (docs/reconciliation.md, "Rules for how B2B payers really
pay"): a batch whose first number is written out and the rest as bare sequence numbers, and a
foreign payer whose SWIFT field 70 starts with the code word `/INV/`, which is also the prefix of
our domestic series."""

from __future__ import annotations

import pytest

from tests.unit.reconcile.conftest import RECEIVABLE_COLUMNS, allocations, reasons, reconciler, txn, write_csv

ROYAL = "Royal Journeys Pvt Ltd"
POLARIS = "Polaris Holidays FZE"
BOOK = [
    ("INV/2024-25/002582", "TB4AAAAA1", ROYAL, "Mr. A Rao x 4", "110141.62", "INR", "2025-03-01", "2025-03-16"),
    ("INV/2024-25/002619", "TB4BBBBB2", ROYAL, "Ms. B Iyer x 2", "129942.12", "INR", "2025-03-08", "2025-03-23"),
    ("INV/2024-25/002636", "TB4CCCCC3", ROYAL, "Dr. C Das x 6", "118580.90", "INR", "2025-03-12", "2025-03-27"),
    ("INV/2024-25/002640", "TB4DDDDD4", ROYAL, "Mrs. D Sen x 3", "64000.00", "INR", "2025-03-14", "2025-03-29"),
    # the same sequence number in the domestic and the export series, of two agencies
    ("INV/2025-26/000274", "TB5AAAAA1", "Sapphire Tours Private Limited", "Mr. E Roy x 8", "310000.00", "INR",
     "2025-06-10", "2025-06-25"),
    ("EXP/2025-26/000274", "TB5BBBBB2", POLARIS, "Mr. F Khan x 5", "9791.98", "AED", "2025-06-11", "2025-06-26"),
]


@pytest.fixture
def pay(tmp_path, rates):
    return reconciler(tmp_path, rates, write_csv(tmp_path / "r.csv", RECEIVABLE_COLUMNS, BOOK))


def test_batch_with_the_first_number_written_out_and_the_rest_bare(pay):
    # the remarks field: "INV/2024-25/002636 002582 002619", the three paid less 2 % TDS on the
    # gross in one RTGS; the bare numbers are the same series and year, not noise
    result = pay([txn("T1", "2025-03-26", "351491.35", "INR", reference="INDBR52025032621452165",
                      description="RTGS CR-INDB0257271-ROYAL JOURNEYS PVT LTD-INV/2024-25/002636 002582 002619")])
    assert sorted(a[1] for a in allocations(result)) == [
        "INV/2024-25/002582", "INV/2024-25/002619", "INV/2024-25/002636"]
    assert sum(a[2] for a in allocations(result)) == 35149135


def test_a_part_payment_of_the_number_written_out_reads_no_further_numbers(pay):
    # a deposit quoting one invoice (the trailing digits are the payer's own voucher number)
    result = pay([txn("T1", "2025-03-26", "50000.00", "INR", reference="INDBN52025032621452166",
                      description="NEFT CR-INDB0257271-ROYAL JOURNEYS PVT LTD-INV/2024-25/002636 002582")])
    assert [(a[1], a[2]) for a in allocations(result)] == [("INV/2024-25/002636", 5000000)]


def test_swift_code_word_inv_before_an_export_invoice_number(pay):
    # our bank converted the AED wire to INR; field 70 reads "/INV/2025-26/000274": the payer
    # means its own EXP/2025-26/000274, not the domestic invoice of another agency
    result = pay([txn("T1", "2025-06-27", "225000.00", "INR", reference="IRM250627808206",
                      counterparty="POLARIS HOLIDAYS FZE",
                      description="INWARD REMITTANCE-AED 9,791.98 POLARIS HOLIDAYS FZE-/INV/2025-26/000274")])
    assert [a[1] for a in allocations(result)] == ["EXP/2025-26/000274"]
    assert "T1" not in reasons(result) or reasons(result)["T1"] != "low_confidence"


HIGHLAND = [
    ("EXP/2025-26/000510", "TB6AAAAA1", "Highland Tours SARL", "Mme A Roux x 6", "5000.00", "EUR", "2025-12-01",
     "2025-12-16"),
    ("EXP/2025-26/000511", "TB6BBBBB2", "Highland Tours SARL", "M. B Petit x 6", "5070.00", "EUR", "2025-12-02",
     "2025-12-17"),
]


@pytest.fixture
def wire(tmp_path, rates):
    return reconciler(tmp_path, rates, write_csv(tmp_path / "r.csv", RECEIVABLE_COLUMNS, HIGHLAND))


def test_wire_short_by_charges_or_by_a_short_payment_is_for_a_person(wire):
    # 4,953.40 EUR without a reference: 5,000 less 46.60 EUR of correspondent charges, or 5,070 paid
    # 2.4 % short (a discount the agency took): two readings, so the queue, both suggested
    result = wire([txn("T1", "2025-12-20", "4953.40", "EUR", reference="IRM251220000001",
                       counterparty="HIGHLAND TOURS SARL", description="INWARD REMITTANCE-HIGHLAND TOURS SARL-/RFB/PAYMENT")])
    assert allocations(result) == []
    assert reasons(result)["T1"] == "ambiguous"
