"""The Dagster dispatch job delivers what is due through the configured transports and reports
the queue by status, dead letters included."""

from __future__ import annotations

from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.messaging import enqueue


def test_the_job_sends_due_messages_to_files_and_reports_counts(db_url, tmp_path, monkeypatch):
    from orchestration.defs.messaging.dispatch import outbox_dispatch_job
    from orchestration.defs.resources import OperationalDatabase
    from orchestration.defs.services import settings_backed_resources
    from tourstack.settings import get_settings

    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as s:
        enqueue(s, event_type="digest.daily", event_key="2026-12-07", channel="slack", recipient="#management",
                payload={"revenue": "1.00"})
        s.commit()
    engine.dispose()
    monkeypatch.setenv("TOURSTACK_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    try:
        result = outbox_dispatch_job.execute_in_process(
            resources={"operational_db": OperationalDatabase(url=db_url), **settings_backed_resources()})
    finally:
        get_settings.cache_clear()
    assert result.success
    assert result.output_for_node("outbox_dispatch") == {
        "pending": 0, "sending": 0, "sent": 1, "delivered": 0, "read": 0, "failed": 0, "dead": 0}
    [written] = (tmp_path / "home" / "outbox" / "slack").glob("*.json")
    assert "2026-12-07" in written.name
