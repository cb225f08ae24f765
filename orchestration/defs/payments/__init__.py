"""Payments maintenance: parked webhook events, unsent refunds, bank transfers, payment retries.

The job and its schedule are found by orchestration/defs/payments/definitions.py.
"""

from orchestration.defs.payments.maintenance import (
    payments_maintenance,
    payments_maintenance_job,
    payments_maintenance_schedule,
)

__all__ = ["payments_maintenance", "payments_maintenance_job", "payments_maintenance_schedule"]
