"""Approving one rate sheet from several places at once applies it once, on real PostgreSQL:
the staged rows are locked and only pending rows are taken, so the live rates change once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.unit.inbox.test_rate_sheets import HEADER, _sheet_mail
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.migrate import upgrade
from tourstack.db.models import SupplierRate
from tourstack.inbox import process
from tourstack.inbox.rate_staging import RateApprovalError, decide

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.xdist_group("inbox_race")]
PEOPLE = 8


def test_parallel_approvals_apply_the_sheet_once(pg_url):
    upgrade(pg_url)
    engine = make_engine(pg_url)
    sessions = make_sessionmaker(engine)
    try:
        with sessions() as s:
            supplier = f.make_supplier(s, contact_email="reservations@lakeview.example")
            s.commit()
            outcome = process.ingest(s, _sheet_mail("reservations@lakeview.example", [
                HEADER, ["Lake Suite", "Peak", "01/10/2027", "31/03/2028", "Double", 11395],
                ["Lake Suite", "Peak", "01/10/2027", "31/03/2028", "Single", 9130]]), "file")
        barrier, results = threading.Barrier(PEOPLE), []

        def approve(n: int) -> None:
            with sessions() as s:
                barrier.wait()
                try:
                    decide(s, outcome.message_id, by=f"person {n}", approve=True)
                    results.append("applied")
                except RateApprovalError:
                    s.rollback()
                    results.append("refused")

        threads = [threading.Thread(target=approve, args=(n,)) for n in range(PEOPLE)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(results) == ["applied"] + ["refused"] * (PEOPLE - 1)
        with sessions() as s:
            live = s.scalar(select(func.count()).select_from(SupplierRate)
                            .where(SupplierRate.supplier_id == supplier.id, SupplierRate.deleted_at.is_(None)))
            assert live == 2
    finally:
        engine.dispose()
