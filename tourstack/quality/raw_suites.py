"""Great Expectations suites for raw tables, derived from the operational schema.

Why derived: every table gets the same baseline (keys unique, money integral and valid,
currencies ISO 4217, timestamps sane) without a hand-written suite drifting from the models;
table-specific rules (date pairs, signed amounts) are listed explicitly below.

Great Expectations takes seconds to import, so it is imported inside the functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Date, Table

from tourstack.db.base import UTCDateTime
from tourstack.money import ISO_4217

EARLIEST = dt.datetime(2000, 1, 1)
# Amounts that may be negative: statement debits, and refunds allocated against the invoice
# they refund in reconciliation.
SIGNED_AMOUNTS = {
    ("bank_statement_lines", "amount_minor"),
    ("reconciliation_matches", "amount_minor"),
    ("reconciliation_exceptions", "amount_minor"),
    ("reconciliation_decisions", "amount_minor"),
}
# Bookkeeping timestamps: checked as a pair (updated_at >= created_at), not one by one, since
# a range check per column costs seconds on large tables and adds nothing the pair misses.
BOOKKEEPING = {"created_at", "updated_at"}
# Timestamps that are deadlines rather than events, so they may lie in the future.
FUTURE_TIMESTAMPS = {("staff_tasks", "sla_due_at")}
# (table, later column, earlier column): the first must not precede the second.
ORDERED_PAIRS = [
    ("bookings", "travel_end", "travel_start"),
    ("quote_requests", "travel_end", "travel_start"),
    ("invoices", "due_on", "issued_on"),
    ("supplier_rates", "valid_to", "valid_from"),
    ("supplier_payouts", "period_end", "period_start"),
    ("quotes", "sent_at", "requested_at"),
]


@dataclass
class CheckOutcome:
    table: str
    success: bool
    failures: list[dict] = field(default_factory=list)
    evaluated: int = 0


def epoch_us(moment: dt.datetime) -> int:
    """Microseconds since 1970 (naive values are UTC).

    Calendar columns are validated as epoch microseconds: Great Expectations compares
    numbers about twenty times faster than timestamps, and float64 holds these exactly.
    """
    return int((moment.replace(tzinfo=None) - dt.datetime(1970, 1, 1)).total_seconds()) * 1_000_000


def _calendar_to_epoch(values):
    import pandas as pd

    stamps = pd.to_datetime(values).astype("datetime64[us]")
    return stamps.astype("int64").astype("float64").where(stamps.notna())


def _readable(value, is_calendar: bool) -> str:
    import pandas as pd

    if is_calendar and isinstance(value, (int, float)):
        return str(pd.Timestamp(int(value), unit="us"))
    return str(value)


def columns_needed(table: Table) -> list[str]:
    """Only the columns some expectation reads: no need to pull descriptions into memory."""
    needed = set()
    for rule in expectations_for(table):
        needed |= {getattr(rule, key) for key in ("column", "column_A", "column_B")
                   if getattr(rule, key, None)}
    return [c.name for c in table.columns if c.name in needed]


def _rules_for_column(table: Table, name: str, now: dt.datetime) -> list:
    import great_expectations.expectations as gxe

    column = table.c[name]
    rules: list = []
    if column.primary_key:
        rules += [gxe.ExpectColumnValuesToBeUnique(column=name),
                  gxe.ExpectColumnValuesToNotBeNull(column=name)]
    if name.endswith("_minor"):
        if not column.nullable:
            rules.append(gxe.ExpectColumnValuesToNotBeNull(column=name))
        if (table.name, name) not in SIGNED_AMOUNTS:
            rules.append(gxe.ExpectColumnValuesToBeBetween(column=name, min_value=0))
    if name == "currency" or name.endswith("_currency"):
        rules += [gxe.ExpectColumnValuesToNotBeNull(column=name),
                  gxe.ExpectColumnValuesToBeInSet(column=name, value_set=sorted(ISO_4217))]
    if isinstance(column.type, UTCDateTime) and name not in BOOKKEEPING:
        latest = now + dt.timedelta(days=3650 if (table.name, name) in FUTURE_TIMESTAMPS else 1)
        rules.append(gxe.ExpectColumnValuesToBeBetween(
            column=name, min_value=epoch_us(EARLIEST), max_value=epoch_us(latest)))
    elif isinstance(column.type, Date):
        rules.append(gxe.ExpectColumnValuesToBeBetween(
            column=name, min_value=epoch_us(EARLIEST),
            max_value=epoch_us(now + dt.timedelta(days=3 * 366))))
    return rules


def expectations_for(table: Table, now: dt.datetime | None = None) -> list:
    import great_expectations.expectations as gxe

    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rules = [rule for c in table.columns for rule in _rules_for_column(table, c.name, now)]
    for name, later, earlier in ORDERED_PAIRS:
        if name == table.name:
            rules.append(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=later, column_B=earlier, or_equal=True, ignore_row_if="either_value_is_missing"))
    if "created_at" in table.c:
        rules.append(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="updated_at", column_B="created_at", or_equal=True))
    return rules


def validate_frame(table: Table, frame, now: dt.datetime | None = None) -> CheckOutcome:
    """Validate a pandas DataFrame of `raw.<table>` against the table's suite."""
    import great_expectations as gx

    # Drivers hand dates back as objects or datetime64 depending on the warehouse: every
    # calendar column becomes epoch microseconds, so one suite fits both and runs fast.
    frame = frame.copy()
    calendar = {
        c.name for c in table.columns if c.name in frame and isinstance(c.type, (Date, UTCDateTime))
    }
    for name in calendar:
        frame[name] = _calendar_to_epoch(frame[name])
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    batch_definition = (
        context.data_sources.add_pandas("raw")
        .add_dataframe_asset(name=table.name)
        .add_batch_definition_whole_dataframe("whole_table")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=f"raw_{table.name}"))
    for expectation in expectations_for(table, now):
        suite.add_expectation(expectation)
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(suite)
    failures = [
        {
            "expectation": r.expectation_config.type,
            "kwargs": {k: v for k, v in r.expectation_config.kwargs.items() if k != "value_set"},
            "unexpected_count": r.result.get("unexpected_count"),
            "examples": [
                _readable(v, r.expectation_config.kwargs.get("column") in calendar)
                for v in (r.result.get("partial_unexpected_list") or [])[:5]
            ],
        }
        for r in result.results
        if not r.success
    ]
    return CheckOutcome(table.name, bool(result.success), failures, len(result.results))
