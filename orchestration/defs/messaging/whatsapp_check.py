"""WhatsApp delivery success: delivered or read / sent over whatsapp.yaml's window, read from
`whatsapp_messages` (the providers' status webhooks keep it). Below `delivery_success_warn_below`
the check fails with WARN severity (a bad template, a blocked sender or a quality-rating drop
shows here before customers call); with fewer than `delivery_min_sent` messages in the window it
passes and says the sample is too small to judge.

Attached to the raw bookings asset, like the calendar check: the messages are the bookings'
customers' confirmations and reminders. Not blocking. The same ratio is the Prometheus gauge
`tourstack_whatsapp_delivery_success_ratio` (api/metrics.py).
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetKey, asset_check
from sqlalchemy.orm import sessionmaker

from orchestration.defs.resources import OperationalDatabase
from tourstack.messaging.whatsapp.conversations import delivery_rate


def judge(sent: int, delivered: int, rate, config) -> tuple[bool, str]:
    if sent < config.delivery_min_sent:
        return True, f"{sent} sent in the window: fewer than {config.delivery_min_sent}, not judged"
    if rate < config.delivery_success_warn_below:
        return False, f"{delivered} of {sent} delivered ({rate:.1%}), below {config.delivery_success_warn_below:.0%}"
    return True, f"{delivered} of {sent} delivered ({rate:.1%})"


@asset_check(asset=AssetKey(["raw", "bookings"]), name="whatsapp_delivery_success_rate", blocking=False,
             description="WhatsApp messages delivered or read / sent, over the window, above the threshold.")
def whatsapp_delivery_success_rate(context: AssetCheckExecutionContext,
                                   operational_db: OperationalDatabase) -> AssetCheckResult:
    from tourstack.messaging.whatsapp.config import whatsapp_config_from_settings
    from tourstack.settings import get_settings

    config = whatsapp_config_from_settings(get_settings())
    with operational_db.engine() as engine, sessionmaker(engine)() as session:
        result = delivery_rate(session, hours=config.delivery_window_hours)
    passed, summary = judge(result.sent, result.delivered, result.rate, config)
    if not passed:
        context.log.warning(f"WhatsApp delivery: {summary}")
    return AssetCheckResult(passed=passed, severity=AssetCheckSeverity.WARN, description=summary, metadata={
        "sent": result.sent, "delivered": result.delivered,
        "rate": float(result.rate) if result.rate is not None else None,
        "window_hours": config.delivery_window_hours,
        "warn_below": float(config.delivery_success_warn_below)})
