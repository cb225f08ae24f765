"""Payments maintenance: parked webhook events, unsent refunds, bank transfers, payment retries.

Register in orchestration/definitions.py: the job `payments_maintenance_job` and the schedule
`payments_maintenance_schedule`.
"""

from orchestration.defs.payments.maintenance import (
    payments_maintenance,
    payments_maintenance_job,
    payments_maintenance_schedule,
)

__all__ = ["payments_maintenance", "payments_maintenance_job", "payments_maintenance_schedule"]
