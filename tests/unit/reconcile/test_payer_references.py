"""How payers and banks mangle our numbers on the way to the statement (docs/reconciliation.md,
"How B2B payers really pay"): a short fiscal year, a number cut by the statement width, the
same number printed twice, and the foreign amount our bank prints when it converts a wire."""

from __future__ import annotations

import pytest

from tests.unit.reconcile.conftest import RECEIVABLE_COLUMNS, allocations, reasons, txn, write_csv
from tourstack.reconcile import read_receivables, read_transactions, reconcile
from tourstack.reconcile.io import TRANSACTION_COLUMNS

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
    receivables = write_csv(tmp_path / "r.csv", RECEIVABLE_COLUMNS, BOOK)

    def _run(rows):
        path = write_csv(tmp_path / "t.csv", TRANSACTION_COLUMNS, rows)
        return reconcile(read_transactions(path), read_receivables(receivables), rates=rates)

    return _run


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
