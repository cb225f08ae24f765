"""When a failed payment is tried again: 1, 3 and 7 days after the failure, never after a hard
decline, and only with a saved payment method (nobody is there to approve a new checkout)."""

from __future__ import annotations

import datetime as dt

from tourstack.db.models import Payment

RETRY_DELAYS = (dt.timedelta(days=1), dt.timedelta(days=3), dt.timedelta(days=7))
HARD_DECLINES = frozenset({"stolen_card", "lost_card", "fraudulent", "pickup_card", "do_not_honor_fraud"})


def schedule_retry(payment: Payment, *, now: dt.datetime) -> None:
    """Set `next_retry_at` for a failed attempt (or clear it when retries are exhausted)."""
    if (payment.status != "failed" or not payment.payment_method_reference
            or payment.failure_code in HARD_DECLINES or (payment.retry_count or 0) >= len(RETRY_DELAYS)):
        payment.next_retry_at = None
        return
    payment.next_retry_at = now + RETRY_DELAYS[payment.retry_count or 0]
