"""money invariants enforced by the database

Every rule that keeps money from being moved twice is stated where the data lives, so it holds
under concurrency and whatever code writes the rows (API, webhooks, jobs, a console):

- CHECK constraints: refunds.amount_minor >= 0, supplier_payout_items.amount_minor > 0;
- a partial unique index: one gateway capture (gateway, capture_reference) on one payment;
- triggers, one per rule, on PostgreSQL and SQLite alike, that refuse a write leaving:
  ck_refunds_within_payment        refunds pending or succeeded above their payment's amount
  ck_payments_succeeded_is_final   a succeeded payment with another status, amount or currency
  ck_matches_within_invoice        an invoice's allocations plus live write-offs above its total
  ck_write_offs_within_limit       an invoice's live write-offs above 1 % of its total
  ck_matches_within_transaction    a transaction's manual allocations (in its own currency, at the
                                   rates recorded) above its amount plus the FX tolerance (1.5 %)
                                   on the converted part
  ck_credit_notes_within_invoice   live credit notes above the invoice they credit
  ck_invoices_number_is_final      an issued number changed (so an invoice is never issued twice)
  ck_installments_within_plan      a negative installment, or a plan's installments above its total
  ck_payout_items_within_cost      live payout links above the booking item's cost

On PostgreSQL each trigger locks the parent row (SELECT ... FOR UPDATE, in id order) before it
adds up the children, so two transactions writing children of one parent are decided one after
the other and the second sees the first's rows: the rule holds even for writers that take no lock
of their own. Triggers over tables written in bulk (reconciliation runs, demo seeding) are
statement-level with transition tables. On SQLite writers are serialised by the database lock, so
a row trigger sees every committed row. A refusal is a constraint violation carrying the rule's
name (SQLSTATE 23514 / RAISE(ABORT)); tourstack.db.rules names them for the services.

The limits 100 bps (write-offs, tourstack.reconcile.decisions.WRITE_OFF_LIMIT_BPS) and 150 bps (FX
tolerance, tourstack.reconcile.scoring.FX_TOLERANCE_BPS) are written into the triggers as they
stand at this revision; a test in tests/integration/concurrency compares them.

Rows already in the database are not re-checked (a trigger looks at what a write touches), except
what the CHECK constraints and the unique index need: the upgrade stops, listing the rows, if a
refund is negative, a payout item is not positive or one capture is recorded on two payments.

SQLite: batch mode recreates a table to change it, and a recreated table loses its triggers. A
later migration that batch-alters refunds, payments, reconciliation_matches,
reconciliation_decisions, invoices, installments or supplier_payout_items on SQLite must create
that table's triggers again (`sqlite_triggers()` below gives them).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

HELD = "('pending', 'succeeded')"  # refund statuses that count against the payment
WRITE_OFF_LIMIT_BPS = 100
FX_TOLERANCE_BPS = 150


# ---------------------------------------------------------------------------------- PostgreSQL

def _pg_raise(rule: str, message: str, *args: str) -> str:
    params = "".join(f", {a}" for a in args)
    return (f"RAISE EXCEPTION '{rule}: {message}'{params} "
            f"USING ERRCODE = 'check_violation', CONSTRAINT = '{rule}';")


PG_FUNCTIONS = [
    # A generic refusal for rules a WHEN clause states completely.
    """
    CREATE OR REPLACE FUNCTION ts_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '%: %', TG_ARGV[0], TG_ARGV[1] USING ERRCODE = 'check_violation', CONSTRAINT = TG_ARGV[0];
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION ts_refunds_within_payment() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE v_paid bigint; v_held bigint;
    BEGIN
      SELECT amount_minor INTO v_paid FROM payments WHERE id = NEW.payment_id FOR UPDATE;
      SELECT coalesce(sum(amount_minor), 0) INTO v_held FROM refunds
       WHERE payment_id = NEW.payment_id AND status IN {HELD};
      IF v_held > v_paid THEN
        {_pg_raise('ck_refunds_within_payment', 'refunds of payment % would come to % of its %',
                   'NEW.payment_id', 'v_held', 'v_paid')}
      END IF;
      RETURN NULL;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION ts_check_invoices_settled(p_ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE v_bad record;
    BEGIN
      PERFORM 1 FROM invoices WHERE id = ANY(p_ids) ORDER BY id FOR UPDATE;
      SELECT i.id, i.total_minor, coalesce(m.s, 0) AS allocated, coalesce(d.w, 0) AS written_off INTO v_bad
        FROM invoices i
        LEFT JOIN (SELECT invoice_id, sum(amount_minor) AS s FROM reconciliation_matches
                    WHERE invoice_id = ANY(p_ids) GROUP BY invoice_id) m ON m.invoice_id = i.id
        LEFT JOIN (SELECT invoice_id, sum(amount_minor) AS w FROM reconciliation_decisions
                    WHERE invoice_id = ANY(p_ids) AND action = 'write_off' AND revoked_at IS NULL
                    GROUP BY invoice_id) d ON d.invoice_id = i.id
       WHERE i.id = ANY(p_ids)
         AND (coalesce(m.s, 0) + coalesce(d.w, 0) > i.total_minor
              OR coalesce(d.w, 0) * 10000 > i.total_minor * {WRITE_OFF_LIMIT_BPS})
       ORDER BY i.id LIMIT 1;
      IF NOT FOUND THEN RETURN; END IF;
      IF v_bad.allocated + v_bad.written_off > v_bad.total_minor THEN
        {_pg_raise('ck_matches_within_invoice', 'invoice % would be settled % of its total %',
                   'v_bad.id', 'v_bad.allocated + v_bad.written_off', 'v_bad.total_minor')}
      END IF;
      {_pg_raise('ck_write_offs_within_limit', 'invoice % would have % written off of its total %',
                 'v_bad.id', 'v_bad.written_off', 'v_bad.total_minor')}
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION ts_check_transaction_allocated(p_key text) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      v_kind text := split_part(p_key, ':', 1);
      v_raw text := split_part(p_key, ':', 2);
      v_amount bigint; v_currency text; v_used bigint; v_converted bigint;
    BEGIN
      IF v_raw !~ '^[0-9]{{1,18}}$' THEN RETURN; END IF;
      IF v_kind = 'bank' THEN
        SELECT abs(amount_minor), currency INTO v_amount, v_currency FROM bank_statement_lines
         WHERE id = v_raw::bigint FOR UPDATE;
      ELSIF v_kind = 'payment' THEN
        SELECT abs(amount_minor), currency INTO v_amount, v_currency FROM payments WHERE id = v_raw::bigint FOR UPDATE;
      ELSIF v_kind = 'refund' THEN
        SELECT abs(amount_minor), currency INTO v_amount, v_currency FROM refunds WHERE id = v_raw::bigint FOR UPDATE;
      ELSE
        RETURN;
      END IF;
      IF NOT FOUND THEN RETURN; END IF;
      SELECT coalesce(sum(e.minor), 0), coalesce(sum(e.minor) FILTER (WHERE e.converted), 0)
        INTO v_used, v_converted
        FROM (SELECT CASE WHEN d.txn_currency = v_currency THEN abs(d.txn_amount_minor)
                          WHEN m.currency = v_currency THEN abs(m.amount_minor) ELSE 0 END AS minor,
                     m.currency <> v_currency AS converted
                FROM reconciliation_matches m LEFT JOIN reconciliation_decisions d ON d.id = m.decision_id
               WHERE m.txn_key = p_key AND m.origin = 'manual') e;
      IF (v_used - v_amount) * 10000 > v_converted * {FX_TOLERANCE_BPS} THEN
        {_pg_raise('ck_matches_within_transaction', 'transaction % would be allocated % of its %',
                   'p_key', 'v_used', 'v_amount')}
      END IF;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION ts_matches_within_limits() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE v_key text; v_ids bigint[];
    BEGIN
      FOR v_key IN SELECT DISTINCT txn_key FROM new_rows WHERE origin = 'manual' ORDER BY txn_key LOOP
        PERFORM ts_check_transaction_allocated(v_key);
      END LOOP;
      SELECT array_agg(DISTINCT invoice_id) INTO v_ids FROM new_rows WHERE invoice_id IS NOT NULL;
      IF v_ids IS NOT NULL THEN
        PERFORM ts_check_invoices_settled(v_ids);
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION ts_write_offs_within_limits() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM ts_check_invoices_settled(ARRAY[NEW.invoice_id]::bigint[]);
      RETURN NULL;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION ts_credit_notes_within_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE v_total bigint; v_credited bigint;
    BEGIN
      SELECT total_minor INTO v_total FROM invoices WHERE id = NEW.credited_invoice_id FOR UPDATE;
      SELECT coalesce(sum(total_minor), 0) INTO v_credited FROM invoices
       WHERE credited_invoice_id = NEW.credited_invoice_id AND kind = 'credit_note' AND status <> 'void';
      IF v_credited > v_total THEN
        {_pg_raise('ck_credit_notes_within_invoice', 'credit notes of invoice % would come to % of its %',
                   'NEW.credited_invoice_id', 'v_credited', 'v_total')}
      END IF;
      RETURN NULL;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION ts_installments_within_plan() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE v_bad record;
    BEGIN
      IF EXISTS (SELECT 1 FROM new_rows WHERE amount_minor < 0) THEN
        {_pg_raise('ck_installments_within_plan', 'an installment is never negative')}
      END IF;
      PERFORM 1 FROM payment_plans WHERE id IN (SELECT payment_plan_id FROM new_rows) ORDER BY id FOR UPDATE;
      SELECT p.id, p.total_minor, s.scheduled INTO v_bad
        FROM payment_plans p
        JOIN (SELECT payment_plan_id, sum(amount_minor) AS scheduled FROM installments
               WHERE payment_plan_id IN (SELECT payment_plan_id FROM new_rows) GROUP BY payment_plan_id) s
          ON s.payment_plan_id = p.id
       WHERE s.scheduled > p.total_minor ORDER BY p.id LIMIT 1;
      IF FOUND THEN
        {_pg_raise('ck_installments_within_plan', 'plan % would schedule % of its %',
                   'v_bad.id', 'v_bad.scheduled', 'v_bad.total_minor')}
      END IF;
      RETURN NULL;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION ts_payout_items_within_cost() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE v_cost bigint; v_covered bigint;
    BEGIN
      SELECT cost_minor INTO v_cost FROM booking_items WHERE id = NEW.booking_item_id FOR SHARE;
      SELECT coalesce(sum(amount_minor), 0) INTO v_covered FROM supplier_payout_items
       WHERE booking_item_id = NEW.booking_item_id AND live_booking_item_id IS NOT NULL;
      IF v_covered > v_cost THEN
        {_pg_raise('ck_payout_items_within_cost', 'live payouts would cover % of booking item % costing %',
                   'v_covered', 'NEW.booking_item_id', 'v_cost')}
      END IF;
      RETURN NULL;
    END $$
    """,
]

PG_TRIGGERS = [
    f"""CREATE TRIGGER tg_refunds_within_payment AFTER INSERT OR UPDATE OF amount_minor, status, payment_id
        ON refunds FOR EACH ROW WHEN (NEW.status IN {HELD}) EXECUTE FUNCTION ts_refunds_within_payment()""",
    """CREATE TRIGGER tg_payments_succeeded_is_final BEFORE UPDATE OF status, amount_minor, currency ON payments
        FOR EACH ROW WHEN (OLD.status = 'succeeded' AND (NEW.status IS DISTINCT FROM OLD.status
          OR NEW.amount_minor IS DISTINCT FROM OLD.amount_minor OR NEW.currency IS DISTINCT FROM OLD.currency))
        EXECUTE FUNCTION ts_refuse('ck_payments_succeeded_is_final',
                                   'a succeeded payment keeps its status, amount and currency')""",
    """CREATE TRIGGER tg_matches_within_limits_insert AFTER INSERT ON reconciliation_matches
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ts_matches_within_limits()""",
    """CREATE TRIGGER tg_matches_within_limits_update AFTER UPDATE ON reconciliation_matches
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ts_matches_within_limits()""",
    """CREATE TRIGGER tg_write_offs_within_limits AFTER INSERT OR UPDATE OF amount_minor, revoked_at, action,
        invoice_id ON reconciliation_decisions FOR EACH ROW
        WHEN (NEW.action = 'write_off' AND NEW.invoice_id IS NOT NULL AND NEW.revoked_at IS NULL)
        EXECUTE FUNCTION ts_write_offs_within_limits()""",
    """CREATE TRIGGER tg_credit_notes_within_invoice AFTER INSERT OR UPDATE OF total_minor, status,
        credited_invoice_id, kind ON invoices FOR EACH ROW
        WHEN (NEW.kind = 'credit_note' AND NEW.credited_invoice_id IS NOT NULL AND NEW.status <> 'void')
        EXECUTE FUNCTION ts_credit_notes_within_invoice()""",
    """CREATE TRIGGER tg_invoices_number_is_final BEFORE UPDATE OF invoice_number, sequence_number, series,
        fiscal_year ON invoices FOR EACH ROW
        WHEN (OLD.sequence_number IS NOT NULL AND (NEW.sequence_number IS DISTINCT FROM OLD.sequence_number
          OR NEW.invoice_number IS DISTINCT FROM OLD.invoice_number OR NEW.series IS DISTINCT FROM OLD.series
          OR NEW.fiscal_year IS DISTINCT FROM OLD.fiscal_year))
        EXECUTE FUNCTION ts_refuse('ck_invoices_number_is_final', 'an issued invoice keeps its number')""",
    """CREATE TRIGGER tg_installments_within_plan_insert AFTER INSERT ON installments
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ts_installments_within_plan()""",
    """CREATE TRIGGER tg_installments_within_plan_update AFTER UPDATE ON installments
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ts_installments_within_plan()""",
    """CREATE TRIGGER tg_payout_items_within_cost AFTER INSERT OR UPDATE OF amount_minor, booking_item_id,
        live_booking_item_id ON supplier_payout_items FOR EACH ROW WHEN (NEW.live_booking_item_id IS NOT NULL)
        EXECUTE FUNCTION ts_payout_items_within_cost()""",
]

PG_DROPS = [
    ("tg_refunds_within_payment", "refunds"), ("tg_payments_succeeded_is_final", "payments"),
    ("tg_matches_within_limits_insert", "reconciliation_matches"),
    ("tg_matches_within_limits_update", "reconciliation_matches"),
    ("tg_write_offs_within_limits", "reconciliation_decisions"),
    ("tg_credit_notes_within_invoice", "invoices"), ("tg_invoices_number_is_final", "invoices"),
    ("tg_installments_within_plan_insert", "installments"),
    ("tg_installments_within_plan_update", "installments"),
    ("tg_payout_items_within_cost", "supplier_payout_items"),
]
PG_FUNCTION_NAMES = ["ts_refuse()", "ts_refunds_within_payment()", "ts_matches_within_limits()",
                     "ts_write_offs_within_limits()", "ts_check_invoices_settled(bigint[])",
                     "ts_check_transaction_allocated(text)", "ts_credit_notes_within_invoice()",
                     "ts_installments_within_plan()", "ts_payout_items_within_cost()"]


# -------------------------------------------------------------------------------------- SQLite

def _sqlite_pair(rule: str, table: str, columns: str, when: str, message: str, *,
                 source: str = "", name: str | None = None) -> list[tuple[str, str]]:
    """(name, DDL) of the AFTER INSERT and AFTER UPDATE OF `columns` triggers refusing rows for
    which `when` holds; `source` is a FROM clause `when` may read (the transaction of a match)."""
    body = f"SELECT RAISE(ABORT, '{rule}: {message}') {source} WHERE {when};"
    pairs = []
    for event, suffix in (("INSERT", "insert"), (f"UPDATE OF {columns}", "update")):
        trigger = f"tg_{name or rule}_{suffix}"
        pairs.append((trigger, f"CREATE TRIGGER {trigger} AFTER {event} ON {table} FOR EACH ROW BEGIN {body} END"))
    return pairs


_INVOICE_ALLOCATED = "(SELECT coalesce(sum(amount_minor), 0) FROM reconciliation_matches WHERE invoice_id = {id})"
_INVOICE_WRITTEN_OFF = ("(SELECT coalesce(sum(amount_minor), 0) FROM reconciliation_decisions WHERE invoice_id = {id}"
                        " AND action = 'write_off' AND revoked_at IS NULL)")
_INVOICE_TOTAL = "(SELECT total_minor FROM invoices WHERE id = {id})"


def _over_settled(invoice: str) -> str:
    return (f"{_INVOICE_ALLOCATED.format(id=invoice)} + {_INVOICE_WRITTEN_OFF.format(id=invoice)}"
            f" > {_INVOICE_TOTAL.format(id=invoice)}")


_TXN = """FROM (
    SELECT abs(amount_minor) AS amount, currency FROM bank_statement_lines
     WHERE substr(NEW.txn_key, 1, 5) = 'bank:' AND id = CAST(substr(NEW.txn_key, 6) AS INTEGER)
    UNION ALL SELECT abs(amount_minor), currency FROM payments
     WHERE substr(NEW.txn_key, 1, 8) = 'payment:' AND id = CAST(substr(NEW.txn_key, 9) AS INTEGER)
    UNION ALL SELECT abs(amount_minor), currency FROM refunds
     WHERE substr(NEW.txn_key, 1, 7) = 'refund:' AND id = CAST(substr(NEW.txn_key, 8) AS INTEGER)) AS txn"""
_EQUIVALENT = """CASE WHEN d.txn_currency = txn.currency THEN abs(d.txn_amount_minor)
                      WHEN m.currency = txn.currency THEN abs(m.amount_minor) ELSE 0 END"""
_MANUAL_OF_TXN = """FROM reconciliation_matches m LEFT JOIN reconciliation_decisions d ON d.id = m.decision_id
                    WHERE m.txn_key = NEW.txn_key AND m.origin = 'manual'"""


def sqlite_triggers() -> list[tuple[str, str]]:
    """(name, DDL) of every SQLite trigger of this revision."""
    refunds_held = (f"SELECT coalesce(sum(amount_minor), 0) FROM refunds WHERE payment_id = NEW.payment_id "
                    f"AND status IN {HELD}")
    triggers = _sqlite_pair(
        "ck_refunds_within_payment", "refunds", "amount_minor, status, payment_id",
        f"NEW.status IN {HELD} AND ({refunds_held}) > (SELECT amount_minor FROM payments WHERE id = NEW.payment_id)",
        "refunds would exceed the payment")
    triggers.append((
        "tg_ck_payments_succeeded_is_final",
        "CREATE TRIGGER tg_ck_payments_succeeded_is_final BEFORE UPDATE OF status, amount_minor, currency "
        "ON payments FOR EACH ROW WHEN OLD.status = 'succeeded' AND (NEW.status IS NOT OLD.status "
        "OR NEW.amount_minor IS NOT OLD.amount_minor OR NEW.currency IS NOT OLD.currency) BEGIN "
        "SELECT RAISE(ABORT, 'ck_payments_succeeded_is_final: a succeeded payment keeps its status, amount "
        "and currency'); END"))
    triggers += _sqlite_pair(
        "ck_matches_within_invoice", "reconciliation_matches", "amount_minor, invoice_id",
        f"NEW.invoice_id IS NOT NULL AND {_over_settled('NEW.invoice_id')}",
        "allocations and write-offs would exceed the invoice")
    triggers += _sqlite_pair(
        "ck_matches_within_transaction", "reconciliation_matches", "amount_minor, txn_key, origin, decision_id",
        f"NEW.origin = 'manual' AND ((SELECT coalesce(sum({_EQUIVALENT}), 0) {_MANUAL_OF_TXN}) - txn.amount)"
        f" * 10000 > (SELECT coalesce(sum(CASE WHEN m.currency <> txn.currency THEN {_EQUIVALENT} ELSE 0 END), 0)"
        f" {_MANUAL_OF_TXN}) * {FX_TOLERANCE_BPS}",
        "allocations would exceed the transaction", source=_TXN)
    live_write_off = "NEW.action = 'write_off' AND NEW.invoice_id IS NOT NULL AND NEW.revoked_at IS NULL"
    triggers += _sqlite_pair(
        "ck_matches_within_invoice", "reconciliation_decisions", "amount_minor, revoked_at, action, invoice_id",
        f"{live_write_off} AND {_over_settled('NEW.invoice_id')}",
        "allocations and write-offs would exceed the invoice", name="ck_write_offs_within_invoice")
    triggers += _sqlite_pair(
        "ck_write_offs_within_limit", "reconciliation_decisions", "amount_minor, revoked_at, action, invoice_id",
        f"{live_write_off} AND {_INVOICE_WRITTEN_OFF.format(id='NEW.invoice_id')} * 10000"
        f" > {_INVOICE_TOTAL.format(id='NEW.invoice_id')} * {WRITE_OFF_LIMIT_BPS}",
        "write-offs would exceed their limit")
    triggers += _sqlite_pair(
        "ck_credit_notes_within_invoice", "invoices", "total_minor, status, credited_invoice_id, kind",
        "NEW.kind = 'credit_note' AND NEW.credited_invoice_id IS NOT NULL AND NEW.status <> 'void' AND "
        "(SELECT coalesce(sum(total_minor), 0) FROM invoices WHERE credited_invoice_id = NEW.credited_invoice_id "
        "AND kind = 'credit_note' AND status <> 'void') > (SELECT total_minor FROM invoices "
        "WHERE id = NEW.credited_invoice_id)",
        "credit notes would exceed the invoice")
    triggers.append((
        "tg_ck_invoices_number_is_final",
        "CREATE TRIGGER tg_ck_invoices_number_is_final BEFORE UPDATE OF invoice_number, sequence_number, series, "
        "fiscal_year ON invoices FOR EACH ROW WHEN OLD.sequence_number IS NOT NULL AND ("
        "NEW.sequence_number IS NOT OLD.sequence_number OR NEW.invoice_number IS NOT OLD.invoice_number "
        "OR NEW.series IS NOT OLD.series OR NEW.fiscal_year IS NOT OLD.fiscal_year) BEGIN "
        "SELECT RAISE(ABORT, 'ck_invoices_number_is_final: an issued invoice keeps its number'); END"))
    triggers += _sqlite_pair(
        "ck_installments_within_plan", "installments", "amount_minor, payment_plan_id",
        "NEW.amount_minor < 0 OR (SELECT coalesce(sum(amount_minor), 0) FROM installments "
        "WHERE payment_plan_id = NEW.payment_plan_id) > (SELECT total_minor FROM payment_plans "
        "WHERE id = NEW.payment_plan_id)",
        "installments would exceed the plan")
    triggers += _sqlite_pair(
        "ck_payout_items_within_cost", "supplier_payout_items", "amount_minor, booking_item_id, live_booking_item_id",
        "NEW.live_booking_item_id IS NOT NULL AND (SELECT coalesce(sum(amount_minor), 0) FROM supplier_payout_items "
        "WHERE booking_item_id = NEW.booking_item_id AND live_booking_item_id IS NOT NULL) > "
        "(SELECT cost_minor FROM booking_items WHERE id = NEW.booking_item_id)",
        "live payouts would cover more than the booking item costs")
    return triggers


# ------------------------------------------------------------------------------------ upgrade

_PRECHECKS = [
    ("SELECT id, amount_minor FROM refunds WHERE amount_minor < 0", "negative refunds (id, amount)"),
    ("SELECT id, amount_minor FROM supplier_payout_items WHERE amount_minor <= 0",
     "payout items that are not positive (id, amount)"),
    ("SELECT gateway, capture_reference FROM payments WHERE capture_reference IS NOT NULL "
     "GROUP BY gateway, capture_reference HAVING COUNT(*) > 1", "captures recorded on several payments"),
]
_CAPTURE_SET = "capture_reference IS NOT NULL"


def _precheck() -> None:
    bind = op.get_bind()
    problems = []
    for sql, what in _PRECHECKS:
        rows = bind.execute(sa.text(sql)).fetchall()
        if rows:
            problems.append(f"{what}: " + ", ".join(str(tuple(r)) for r in rows[:20]))
    if problems:
        raise RuntimeError("rows break the money rules of revision 0014; correct them (they are finance's "
                           "decision, not the migration's) and upgrade again: " + "; ".join(problems))


def upgrade() -> None:
    _precheck()
    # Constraints first: on SQLite batch mode recreates these tables, which would drop triggers.
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_refunds_amount_not_negative'), sa.text('amount_minor >= 0'))
    with op.batch_alter_table('supplier_payout_items', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_supplier_payout_items_amount_positive'), sa.text('amount_minor > 0'))
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('uq_payments_gateway_capture_reference', ['gateway', 'capture_reference'],
                              unique=True, sqlite_where=sa.text(_CAPTURE_SET),
                              postgresql_where=sa.text(_CAPTURE_SET))
    if op.get_bind().dialect.name == "postgresql":
        for ddl in PG_FUNCTIONS + PG_TRIGGERS:
            op.execute(ddl)
    else:
        for _, ddl in sqlite_triggers():
            op.execute(ddl)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table in PG_DROPS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for function in PG_FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    else:
        for name, _ in sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('uq_payments_gateway_capture_reference')
    with op.batch_alter_table('supplier_payout_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_supplier_payout_items_amount_positive'), type_='check')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_refunds_amount_not_negative'), type_='check')
