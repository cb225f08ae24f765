"""Runs the generator end to end: schema, reference data, chunks of bookings, settlements.

Why chunks: at a million bookings the item, invoice and payment tables hold tens of millions
of rows; each chunk of bookings is generated, written and committed before the next, so
memory stays bounded whatever the size.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import inspect, text

import tourstack.db.models  # noqa: F401
from tourstack.db.base import Base
from tourstack.db.engine import make_engine
from tourstack.db.migrate import upgrade
from tourstack.demo import activity, finance, items, itineraries, payments, sales
from tourstack.demo.catalogue import build_catalogue
from tourstack.demo.config import DemoConfigError, Plan, make_plan
from tourstack.demo.context import Chunk, Context
from tourstack.demo.fx import FxTable, published_rows
from tourstack.demo.parties import build_parties
from tourstack.demo.settlement import Payouts, Settlement
from tourstack.demo.suppliers import build_suppliers
from tourstack.demo.util import rng_for
from tourstack.demo.writer import BulkWriter, placeholder

CHUNK_ORDER = ("customers", "itineraries", "itinerary_days", "itinerary_items", "quote_requests", "quotes",
               "bookings", "booking_items", "invoices", "invoice_lines", "payment_plans", "installments",
               "payments", "refunds", "disputes", "customer_ratings", "staff_tasks", "bank_statement_lines")


def booking_days(plan: Plan) -> np.ndarray:
    """Day offset of every booking: yearly growth, an Aug-Jan booking season, quieter weekends."""
    rng = rng_for(plan.seed, 5)
    day = np.arange(plan.days)
    dates = np.datetime64(plan.start, "D") + day
    doy = (dates - dates.astype("datetime64[Y]")).astype(np.int64)
    weekday = (dates.astype(np.int64) + 3) % 7  # 0 Monday
    weight = 1.2 ** (day / 365.0) * (1 + 0.35 * np.cos(2 * np.pi * (doy - 290) / 365.25))
    weight = weight * np.where(weekday >= 5, 0.7, 1.0)
    counts = rng.multinomial(plan.bookings, weight / weight.sum())
    return np.repeat(day, counts)


def _fx_frame(plan: Plan) -> dict:
    # Quote requests can precede the first booking day by weeks: rates must cover them too.
    rows = published_rows(plan.start - dt.timedelta(days=60), plan.as_of)
    n = len(rows)
    created = np.array([np.datetime64(r[0], "us") + np.timedelta64(16 * 3600, "s") for r in rows], dtype="datetime64[us]")
    return {
        "id": np.arange(1, n + 1), "rate_date": np.array([r[0] for r in rows], dtype="datetime64[D]"),
        "base_currency": ["EUR"] * n, "quote_currency": [r[1] for r in rows],
        "rate": [format(r[2], "f") for r in rows], "source": [r[3] for r in rows],
        "created_at": created, "updated_at": created,
    }


def _reset(url: str) -> None:
    engine = make_engine(url)
    try:
        Base.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()


def _ensure_empty(engine) -> None:
    with engine.connect() as conn:
        if conn.execute(text("SELECT COUNT(*) FROM destinations")).scalar():
            raise DemoConfigError("the database already holds data: seed with reset=True (--reset) to replace it")


def seed(url: str, size_or_scale: str | int = "demo", *, seed: int = 42, as_of: dt.date | str | None = None,
         progress: bool = True, reset: bool = False, console: Console | None = None) -> dict[str, int]:
    """Fill the operational database at `url` with deterministic demo data; returns row counts.

    The same seed and as-of date always produce the same rows. The schema is migrated first;
    `reset=True` drops every table before. A database that already holds data is refused.
    """
    plan = make_plan(size_or_scale, seed=seed, as_of=as_of)
    if reset:
        _reset(url)
    upgrade(url)
    engine = make_engine(url)
    try:
        _ensure_empty(engine)
        writer = BulkWriter(engine)
        try:
            _run(plan, writer, progress, console)
        finally:
            writer.close()
        return row_counts(engine)
    finally:
        engine.dispose()


def row_counts(engine) -> dict[str, int]:
    names = sorted(set(inspect(engine).get_table_names()) & set(Base.metadata.tables))
    with engine.connect() as conn:
        return {n: int(conn.execute(text(f"SELECT COUNT(*) FROM {n}")).scalar()) for n in names}


def _progress(enabled: bool, console: Console | None):
    if not enabled:
        return nullcontext(None)
    return Progress(TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console or Console(stderr=True), transient=False)


def _run(plan: Plan, writer: BulkWriter, progress: bool, console) -> None:
    fx = FxTable(plan.start, plan.days)
    cat = build_catalogue(plan.seed, plan.start, fx)
    sup = build_suppliers(plan.seed, plan.start, plan.as_of, cat, fx)
    parties = build_parties(plan)
    settlement = Settlement(plan)
    payouts = Payouts(plan, len(sup.dest))
    ctx = Context(plan=plan, fx=fx, cat=cat, sup=sup, parties=parties,
                  booking_days=booking_days(plan), settlement=settlement)
    reference = {**cat.tables, **sup.tables, **parties.tables, "fx_rates": _fx_frame(plan),
                 "settlement_batches": settlement.placeholders()}
    order = ("destinations", "sites", "site_opening_hours", "site_crowd_levels", "suppliers", "supplier_rates",
             "agencies", "agents", "staff_users", "api_keys", "marketing_spend", "fx_rates", "settlement_batches")
    n_chunks = (plan.bookings + plan.chunk_bookings - 1) // plan.chunk_bookings
    with _progress(progress, console) as bar:
        t_ref = bar.add_task("reference data", total=len(order)) if bar else None
        t_book = bar.add_task("bookings (all tables)", total=plan.bookings) if bar else None
        t_fin = bar.add_task("settlements & payouts", total=3) if bar else None
        for name in order:
            writer.write(name, reference[name])
            if bar:
                bar.advance(t_ref)
        writer.commit()
        for number in range(n_chunks):
            ch = Chunk(number)
            tables = _chunk(ctx, ch)
            for name in CHUNK_ORDER:
                writer.write(name, tables[name])
            live = ch.item_status != "cancelled"
            payouts.add(ch.item_supplier[live], ch.item_date[live], ch.item_cost[live])
            writer.commit()
            if bar:
                bar.advance(t_book, ch.nb)
        _settle(ctx, writer, payouts, bar, t_fin)
        writer.finish()


def _chunk(ctx: Context, ch: Chunk) -> dict[str, dict]:
    tables = sales.generate_requests(ctx, ch)
    sales.generate_bookings(ctx, ch)
    tables["booking_items"] = items.generate_items(ctx, ch)
    tables.update(sales.quote_tables(ctx, ch))
    tables.update(finance.generate_invoices(ctx, ch))
    tables.update(payments.generate_payments(ctx, ch))
    activity.finalise_bookings(ctx, ch)
    tables["bookings"] = sales.booking_table(ctx, ch)
    tables["invoices"] = finance.invoice_table(ctx, ch)
    tables["customer_ratings"] = activity.ratings(ctx, ch)
    tables["staff_tasks"] = activity.staff_tasks(ctx, ch)
    tables.update(itineraries.generate_itineraries(ctx, ch))
    return tables


def _settle(ctx: Context, writer: BulkWriter, payouts: Payouts, bar, task) -> None:
    """Write batch totals, drop empty placeholders, then bank credits, payouts and debits."""
    batches, empty = ctx.settlement.final()
    mark = placeholder(writer.dialect)
    writer.executemany(
        f"UPDATE settlement_batches SET gross_minor = {mark}, fee_minor = {mark}, net_minor = {mark} WHERE id = {mark}",
        [(int(g), int(f), int(n), int(i)) for g, f, n, i in
         zip(batches["gross_minor"], batches["fee_minor"], batches["net_minor"], batches["id"])])
    # Removing a batch makes the database look for payments pointing at it; without an index on
    # payments.settlement_batch_id that is a scan per row, so a temporary index serves the delete.
    if writer.dialect == "sqlite":
        writer.execute("CREATE INDEX tmp_demo_payments_batch ON payments (settlement_batch_id)")
    for start in range(0, len(empty), 5_000):
        ids = ",".join(str(int(i)) for i in empty[start:start + 5_000])
        writer.execute(f"DELETE FROM settlement_batches WHERE id IN ({ids})")
    if writer.dialect == "sqlite":
        writer.execute("DROP INDEX tmp_demo_payments_batch")
    writer.rows["settlement_batches"] = len(batches["id"])
    if bar:
        bar.advance(task)
    credits = ctx.settlement.bank_credits(batches)
    credits["id"] = ctx.ids.take("bank_statement_lines", len(credits["bank_account"]))
    writer.write("bank_statement_lines", credits)
    if bar:
        bar.advance(task)
    end = np.datetime64(ctx.plan.end.replace(tzinfo=None), "us")
    payout_rows, debits = payouts.tables(ctx.sup, ctx.parties.staff_role, end)
    writer.write("supplier_payouts", payout_rows)
    debits["id"] = ctx.ids.take("bank_statement_lines", len(debits["bank_account"]))
    writer.write("bank_statement_lines", debits)
    writer.write("invoice_counters", finance.counter_table(ctx))
    writer.commit()
    if bar:
        bar.advance(task)
