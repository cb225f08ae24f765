from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from tourstack.fx import EcbOfflineSource
from tourstack.reconcile import read_receivables, read_transactions, reconcile
from tourstack.reconcile.io import RECEIVABLE_COLUMNS, TRANSACTION_COLUMNS

RECEIVABLES = [
    # invoice_number, booking_ref, agency, customer_name, amount_due, currency, issued_on, due_on
    ("INV-2025-000101", "BK7F3K9Q", "Aurora Travel Ltd", "Jane Doe", "1000.00", "EUR", "2025-03-01", "2025-03-31"),
    ("INV-2025-000102", "BK8G4L2R", "Aurora Travel Ltd", "John Roe", "500.00", "EUR", "2025-03-02", "2025-04-01"),
    ("INV-2025-000103", "BK9H5M3S", "Aurora Travel Ltd", "Ann Poe", "300.00", "EUR", "2025-03-03", "2025-04-02"),
    ("INV-2025-000104", "BKAJ6N4T", "Baltic Tours GmbH", "Max Muster", "2000.00", "GBP", "2025-03-01", "2025-03-31"),
    ("INV-2025-000105", "BKBK7P5U", "Cedar Holidays", "Raj Kumar", "750.00", "EUR", "2025-03-05", "2025-04-04"),
    ("INV-2025-000106", "BKCL8Q6V", "Delta Voyages", "Li Wei", "1200.00", "EUR", "2025-03-05", "2025-04-04"),
    ("INV-2025-000107", "BKDM9R7W", "Emerald Trips", "Ana Silva", "400.00", "EUR", "2025-03-06", "2025-04-05"),
    ("INV-2025-000108", "BKEN2S8X", "Emerald Trips", "Ben Berg", "250.00", "EUR", "2025-03-06", "2025-04-05"),
    ("INV-2025-000109", "BKFP3T9Y", "Fjord Journeys", "Cara Novak", "900.00", "EUR", "2025-03-07", "2025-04-06"),
    ("INV-2025-000110", "BKGQ4U2Z", "Garnet Tours", "Dan Costa", "800.00", "EUR", "2025-03-07", "2025-04-06"),
    ("INV-2025-000111", "BKHR5V3A", "Garnet Tours", "Eva Jensen", "800.00", "EUR", "2025-03-07", "2025-04-06"),
]


def write_csv(path: Path, header, rows) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def txn(txn_id, booked_on, amount, currency="EUR", fee="", reference="", counterparty="", description="",
        source="bank"):
    return (txn_id, source, booked_on, amount, currency, fee, reference, counterparty, description)


@pytest.fixture
def receivables_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "receivables.csv", RECEIVABLE_COLUMNS, RECEIVABLES)


@pytest.fixture(scope="session")
def rates():
    return EcbOfflineSource()


def reconciler(folder: Path, rates, receivables_csv: Path):
    """A function rows -> ReconcileResult: the transaction rows, written as a file in `folder`,
    reconciled against `receivables_csv`."""

    def _run(rows):
        path = write_csv(folder / "transactions.csv", TRANSACTION_COLUMNS, rows)
        return reconcile(read_transactions(path), read_receivables(receivables_csv), rates=rates)

    return _run


@pytest.fixture
def run(tmp_path: Path, receivables_csv: Path, rates):
    """run(rows) -> ReconcileResult for transaction rows against the RECEIVABLES above."""
    return reconciler(tmp_path, rates, receivables_csv)


def allocations(result) -> list[tuple[str, str, int, str]]:
    return [(r["txn_id"], r["invoice_number"], r["amount_applied"], r["rule"])
            for r in result.matches.iter_rows(named=True)]


def reasons(result) -> dict[str, str]:
    return dict(result.exceptions.select("txn_id", "reason").iter_rows())


def applied(result, invoice: str) -> int:
    return int(result.matches.filter(pl.col("invoice_number") == invoice)["amount_applied"].sum())
