"""Invoicing on a real PostgreSQL: gapless numbers under concurrent issuers, serialised credit
notes, and a migration check that rows written before 0002 survive it."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text

from tests import factories as f
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.migrate import upgrade
from tourstack.db.models import Invoice, InvoiceCounter
from tourstack.invoicing import (
    Actor,
    CreditLimitExceeded,
    InvoicingConfig,
    LineInput,
    approve,
    create_credit_note,
    create_draft,
    creditable_minor,
    issue,
    submit,
)

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

THREADS, PER_THREAD = 8, 25
NOW = dt.datetime(2025, 9, 1, 10, 0, tzinfo=dt.UTC)
CONFIG = InvoicingConfig()


@pytest.fixture
def pg(pg_url) -> Iterator:
    upgrade(pg_url)
    engine = make_engine(pg_url, pool_size=THREADS + 2)
    yield make_sessionmaker(engine)
    engine.dispose()


def _approved_invoices(factory, count: int) -> tuple[list[int], Actor]:
    with factory() as s:
        agency = f.make_agency(s, state_code="RJ")
        booking = f.make_booking(s, f.make_agent(s, agency))
        maker = Actor(role="finance", key_id=1, staff_user_id=f.make_staff_user(s).id)
        checker = Actor(role="finance", key_id=2, staff_user_id=f.make_staff_user(s).id)
        ids = []
        for n in range(count):
            inv = create_draft(s, booking.id, actor=maker, config=CONFIG, now=NOW,
                               lines=[LineInput(f"Tour {n}", 1, 10_000_00 + n)])
            submit(s, inv.id, actor=maker, now=NOW)
            approve(s, inv.id, actor=checker, now=NOW)
            ids.append(inv.id)
        s.commit()
    return ids, checker


def _run_threads(target, args_per_thread) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(args_per_thread))

    def run(*args):
        try:
            barrier.wait(timeout=30)
            target(*args)
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=a) for a in args_per_thread]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_concurrent_issuers_get_gapless_unique_numbers(pg):
    total = THREADS * PER_THREAD
    ids, checker = _approved_invoices(pg, total)
    chunks = [ids[i::THREADS] for i in range(THREADS)]

    def issuer(chunk: list[int]) -> None:
        for n, invoice_id in enumerate(chunk):
            if n % 5 == 0:  # an issue that fails after taking its number must leave no gap
                with pg() as s:
                    issue(s, invoice_id, actor=checker, config=CONFIG, now=NOW)
                    s.rollback()
            with pg() as s:
                issue(s, invoice_id, actor=checker, config=CONFIG, now=NOW)
                s.commit()

    errors = _run_threads(issuer, [(chunk,) for chunk in chunks])
    assert errors == []
    with pg() as s:
        rows = s.execute(select(Invoice.sequence_number, Invoice.invoice_number)
                         .where(Invoice.id.in_(ids))).all()
        counter = s.scalar(select(InvoiceCounter).where(InvoiceCounter.series == "INV",
                                                        InvoiceCounter.fiscal_year == 2025))
    numbers = sorted(r.sequence_number for r in rows)
    assert numbers == list(range(1, total + 1))  # no gap, no duplicate
    assert len({r.invoice_number for r in rows}) == total
    assert {r.invoice_number for r in rows} >= {"INV/2025-26/000001", f"INV/2025-26/{total:06d}"}
    assert counter.last_number == total


def test_concurrent_credit_notes_never_exceed_the_invoice(pg):
    ids, checker = _approved_invoices(pg, 1)
    with pg() as s:
        invoice = issue(s, ids[0], actor=checker, config=CONFIG, now=NOW)  # net 10000.00
        s.commit()
    outcomes: list[str] = []

    def creditor() -> None:
        with pg() as s:
            try:
                create_credit_note(s, invoice.id, actor=checker, config=CONFIG, now=NOW,
                                   amount_minor=2_500_00)
                s.commit()
                outcomes.append("ok")
            except CreditLimitExceeded:
                outcomes.append("refused")

    assert _run_threads(creditor, [() for _ in range(THREADS)]) == []
    assert sorted(outcomes) == ["ok"] * 4 + ["refused"] * 4
    with pg() as s:
        assert creditable_minor(s, s.get(Invoice, invoice.id)) == 0
        notes = s.scalars(select(Invoice.sequence_number).where(Invoice.kind == "credit_note")).all()
        assert sorted(notes) == [1, 2, 3, 4]


def test_invoices_written_before_0002_survive_the_upgrade(pg_url):
    upgrade(pg_url, "0001")
    engine = make_engine(pg_url)
    with make_sessionmaker(engine)() as s:
        booking = f.make_booking(s)
        s.commit()
        s.execute(text(
            "INSERT INTO invoices (series, fiscal_year, booking_id, agency_id, currency, "
            "subtotal_minor, tax_minor, total_minor, status, created_at, updated_at) VALUES "
            "('INV', 2024, :b, :a, 'INR', 100, 5, 105, 'issued', now(), now())"
        ), {"b": booking.id, "a": booking.agency_id})
        s.commit()
    upgrade(pg_url)
    with make_sessionmaker(engine)() as s:
        old = s.scalar(select(Invoice))
        assert (old.kind, old.cgst_minor, old.total_minor) == ("invoice", 0, 105)
        assert s.scalar(select(func.count()).select_from(InvoiceCounter)) == 0
    engine.dispose()
