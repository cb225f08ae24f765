"""The Dagster check on WhatsApp delivery: it warns below whatsapp.yaml's threshold, passes above
it, and does not judge a window with too few messages."""

from __future__ import annotations

import datetime as dt

from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import WhatsAppMessage
from tourstack.messaging.whatsapp.consent import ensure_contact


def add(db_url, statuses) -> None:
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as s:
        contact = ensure_contact(s, "+919812345678")
        now = dt.datetime.now(dt.UTC)
        start = s.query(WhatsAppMessage).count()
        for n, status in enumerate(statuses, start=start):
            s.add(WhatsAppMessage(contact_id=contact.id, direction="outbound", provider="meta", kind="template",
                                  provider_message_id=f"wamid.{n}", client_ref=f"k{n}", status=status, at=now))
        s.commit()
    engine.dispose()


def test_the_check_warns_below_the_threshold_and_skips_small_samples(db_url):
    from dagster import AssetCheckSeverity, build_asset_check_context

    from orchestration.defs.messaging.whatsapp_check import whatsapp_delivery_success_rate
    from orchestration.defs.resources import OperationalDatabase

    db = OperationalDatabase(url=db_url)
    add(db_url, ["delivered"] * 3 + ["failed"] * 2)
    small = whatsapp_delivery_success_rate(build_asset_check_context(), operational_db=db)
    assert small.passed and "not judged" in small.description
    add(db_url, ["read"] * 13 + ["failed"] * 4)  # 16 of 22 delivered: 72.7 %
    low = whatsapp_delivery_success_rate(build_asset_check_context(), operational_db=db)
    assert (low.passed, low.severity) == (False, AssetCheckSeverity.WARN)
    assert low.metadata["sent"].value == 22 and low.metadata["delivered"].value == 16
    assert "below 90%" in low.description
    add(db_url, ["delivered"] * 60)  # 76 of 82: 92.7 %
    assert whatsapp_delivery_success_rate(build_asset_check_context(), operational_db=db).passed
