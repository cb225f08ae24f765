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
