"""The raw warehouse tables the feeds land, with their columns as Arrow types.

Shared by the live and demo readers, so both land identical shapes. Money is integer minor
units; `fee_minor` is always the fee charged (positive), `net_minor = amount - fee`, with the
gateway's own sign on amounts (refunds and payouts negative on a balance). `created_at` is the
gateway's creation time (naive UTC, like every raw timestamp) and drives the cursor; `source`
is 'api' or 'demo'. On Stripe rows `payout_id` is the payout that took the transaction to the
bank and `payment_intent_id` the charge's PaymentIntent (what `payments.gateway_reference` holds
for Stripe), both known once the payout is listed (see stripe_feed).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

TIMESTAMP = pa.timestamp("us")
EXTRACTED_AT = "_extracted_at"
CURSOR_COLUMN = "created_at"


@dataclass(frozen=True)
class FeedTable:
    name: str
    key: str
    gateway: str
    description: str
    columns: tuple[tuple[str, pa.DataType], ...]

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([*(pa.field(n, t) for n, t in self.columns), pa.field(EXTRACTED_AT, TIMESTAMP)])


_S, _I, _D = pa.string(), pa.int64(), pa.date32()

STRIPE_BALANCE_TRANSACTIONS = FeedTable(
    "gateway_stripe_balance_transactions", "id", "stripe",
    "Stripe balance transactions: every movement on the Stripe balance (charges, refunds, payouts, fees).",
    (("id", _S), ("type", _S), ("reporting_category", _S), ("amount_minor", _I), ("fee_minor", _I),
     ("net_minor", _I), ("currency", _S), ("status", _S), ("created_at", TIMESTAMP),
     ("available_at", TIMESTAMP), ("source_id", _S), ("payout_id", _S), ("payment_intent_id", _S),
     ("description", _S), ("booking_ref", _S), ("source", _S)),
)
STRIPE_PAYOUTS = FeedTable(
    "gateway_stripe_payouts", "id", "stripe",
    "Stripe payouts from the Stripe balance to the operator's bank account.",
    (("id", _S), ("amount_minor", _I), ("currency", _S), ("status", _S), ("method", _S),
     ("created_at", TIMESTAMP), ("arrival_on", _D), ("balance_transaction_id", _S),
     ("destination", _S), ("source", _S)),
)
RAZORPAY_SETTLEMENTS = FeedTable(
    "gateway_razorpay_settlements", "id", "razorpay",
    "Razorpay settlements: captured payments less fees and tax, paid to the bank account.",
    (("id", _S), ("amount_minor", _I), ("fees_minor", _I), ("tax_minor", _I), ("currency", _S),
     ("status", _S), ("utr", _S), ("created_at", TIMESTAMP), ("source", _S)),
)
PAYPAL_TRANSACTIONS = FeedTable(
    "gateway_paypal_transactions", "transaction_id", "paypal",
    "PayPal balance-affecting transactions from the Transaction Search (reporting) API.",
    (("transaction_id", _S), ("event_code", _S), ("status", _S), ("gross_minor", _I),
     ("fee_minor", _I), ("net_minor", _I), ("currency", _S), ("created_at", TIMESTAMP),
     ("updated_at", TIMESTAMP), ("invoice_id", _S), ("custom_field", _S), ("reference_id", _S),
     ("booking_ref", _S), ("source", _S)),
)

FEED_TABLES = (STRIPE_BALANCE_TRANSACTIONS, STRIPE_PAYOUTS, RAZORPAY_SETTLEMENTS, PAYPAL_TRANSACTIONS)
