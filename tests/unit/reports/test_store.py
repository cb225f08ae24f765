"""Saved reports and schedules on SQLite (migrated by Alembic), schedule validation, due
schedules, and delivery through an injected transport."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import create_engine

from tests import factories as f
from tourstack.db.models.reporting import ReportSchedule, SavedReport
from reports.builder import delivery, store
from reports.builder.periods import Period
from reports.builder.runner import ReportResult
from tourstack.tables import Column
from reports.builder.spec import SpecError, parse_spec

SPEC = {"title": "Revenue", "metrics": ["revenue"], "date_range": {"relative": "month_to_date"}}
NOW = dt.datetime(2026, 6, 30, 1, 30, tzinfo=dt.UTC)


@pytest.fixture
def owners(session):
    a = f.make_api_key(session, "finance")[1]
    b = f.make_api_key(session, "ops")[1]
    admin = f.make_api_key(session, "admin")[1]
    session.commit()
    return store.Owner(a.id, "finance"), store.Owner(b.id, "ops"), store.Owner(admin.id, "admin")


def test_migration_matches_the_models(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from tourstack.db.base import Base

    engine = create_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    mine = [d for d in diff if "saved_reports" in repr(d) or "report_schedules" in repr(d)]
    assert mine == []


def test_save_list_load_and_ownership(session, owners):
    a, b, admin = owners
    row = store.save_report(session, a, " Monthly ", SPEC)
    assert row.name == "Monthly" and row.owner_key_id == a.key_id
    assert store.load_spec(row) == parse_spec(SPEC)
    with pytest.raises(store.ReportStoreError) as dup:
        store.save_report(session, a, "Monthly", SPEC)
    assert isinstance(dup.value, store.ReportConflict)
    store.save_report(session, b, "Monthly", SPEC)  # unique per owner only
    session.commit()
    assert [r.name for r in store.list_reports(session, a)] == ["Monthly"]
    assert len(store.list_reports(session, admin, everyone=True)) == 2
    with pytest.raises(store.ReportNotFound):
        store.get_report(session, b, row.id)
    assert store.get_report(session, admin, row.id).id == row.id
    with pytest.raises(store.ReportNotFound):
        store.delete_report(session, b, row.id)
    store.update_report(session, a, row.id, name="Renamed", spec={**SPEC, "title": "New"})
    assert store.get_report(session, a, row.id).spec["title"] == "New"


def test_invalid_spec_or_name_is_refused(session, owners):
    with pytest.raises(SpecError, match="metrics"):
        store.save_report(session, owners[0], "x", {"title": "t", "metrics": []})
    with pytest.raises(store.ReportStoreError, match="name"):
        store.save_report(session, owners[0], "  ", SPEC)


@pytest.mark.parametrize("kwargs, message", [
    ({"cron": "* * *"}, "cron must be five fields"),
    ({"cron": "61 * * * *"}, "cron"),
    ({"cron": "0 7 * * 1; rm -rf /"}, "cron"),
    ({"cron": "@hourly"}, "cron"),
    ({"timezone": "Mars/Olympus"}, "timezone must be an IANA name"),
    ({"timezone": "../../etc/passwd"}, "timezone"),
    ({"recipients": []}, "recipients"),
    ({"recipients": ["not-an-address"]}, "not an e-mail address"),
    ({"recipients": ["a@example.com\r\nBcc: x@evil.test"]}, "not an e-mail address"),
    ({"format": "docx"}, "format"),
])
def test_schedule_validation(session, owners, kwargs, message):
    report = store.save_report(session, owners[0], "r", SPEC)
    args = {"cron": "0 7 * * *", "timezone": "Asia/Kolkata", "recipients": ["ceo@example.com"],
            "format": "pdf"} | kwargs
    with pytest.raises(store.ReportStoreError, match=message):
        store.create_schedule(session, owners[0], report.id, now=NOW, **args)


def test_next_run_in_the_schedule_timezone_and_due(session, owners):
    a, b, admin = owners
    report = store.save_report(session, a, "r", SPEC)
    s = store.create_schedule(session, a, report.id, cron="0 7 * * *", timezone="Asia/Kolkata",
                              recipients=["ceo@example.com", "ceo@example.com"], format="csv",
                              now=NOW - dt.timedelta(hours=1))
    assert s.recipients == ["ceo@example.com"]
    assert s.next_run_at == dt.datetime(2026, 6, 30, 1, 30, tzinfo=dt.UTC)  # 07:00 IST
    # strictly after: at exactly 07:00 IST the next run is tomorrow
    assert store.next_run("0 7 * * *", "Asia/Kolkata", s.next_run_at) == dt.datetime(2026, 7, 1, 1, 30, tzinfo=dt.UTC)
    inactive = store.create_schedule(session, a, report.id, cron="0 7 * * *", timezone="UTC",
                                     recipients=["x@example.com"], format="csv", active=False,
                                     now=NOW - dt.timedelta(days=2))
    session.commit()
    assert [x.id for x in store.due_schedules(session, NOW)] == [s.id]
    assert store.due_schedules(session, NOW - dt.timedelta(minutes=1)) == []
    assert inactive.id not in [x.id for x in store.list_schedules(session, a) if x.active]
    with pytest.raises(store.ReportNotFound):
        store.get_schedule(session, b, s.id)
    assert store.list_schedules(session, b) == []
    store.delete_report(session, a, report.id)  # schedules go with it
    session.commit()
    assert session.query(ReportSchedule).count() == 0 and session.query(SavedReport).count() == 0


class FakeTransport:
    def __init__(self, fail: bool = False):
        self.sent, self.fail = [], fail

    def send(self, message):
        if self.fail:
            raise RuntimeError("smtp refused")
        self.sent.append(message)
        return "delivered"


def _fake_result(spec, source, *, as_of):
    cols = [Column("revenue", "Revenue (base)", "money", "metric", "revenue")]
    return ReportResult(spec, cols, [(Decimal("12.50"),)], Period(as_of.replace(day=1), as_of), None, as_of, None)


def test_run_due_sends_records_and_moves_on(session, owners, monkeypatch):
    monkeypatch.setattr(delivery, "run_report", _fake_result)
    a = owners[0]
    report = store.save_report(session, a, "r", SPEC)
    s = store.create_schedule(session, a, report.id, cron="30 1 * * *", timezone="UTC",
                              recipients=["ceo@example.com", "cfo@example.com"], format="csv",
                              now=NOW - dt.timedelta(hours=1))
    session.commit()
    transport = FakeTransport()
    outcomes = delivery.run_due(session, source=None, transport=transport, sender="reports@example.com", now=NOW)
    assert [o.status for o in outcomes] == ["sent"]
    (message,) = transport.sent
    assert message["To"] == "ceo@example.com, cfo@example.com" and message["Subject"].startswith("Revenue")
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "revenue-2026-06-30.csv"
    assert attachment.get_content().strip().splitlines() == ["Revenue (base)", "12.50"]
    session.refresh(s)
    assert s.last_status == "sent" and s.last_run_at == NOW and s.last_error is None
    assert s.next_run_at == dt.datetime(2026, 7, 1, 1, 30, tzinfo=dt.UTC)
    assert delivery.run_due(session, None, transport, sender="r@example.com", now=NOW) == []


def test_a_failing_schedule_is_recorded_and_not_retried_every_tick(session, owners, monkeypatch):
    monkeypatch.setattr(delivery, "run_report", _fake_result)
    report = store.save_report(session, owners[0], "r", SPEC)
    s = store.create_schedule(session, owners[0], report.id, cron="*/5 * * * *", timezone="UTC",
                              recipients=["ceo@example.com"], format="csv", now=NOW - dt.timedelta(minutes=5))
    session.commit()
    (outcome,) = delivery.run_due(session, None, FakeTransport(fail=True), sender="r@example.com", now=NOW)
    session.refresh(s)
    assert outcome.status == "failed" and s.last_status == "failed"
    assert "smtp refused" in s.last_error and s.next_run_at == NOW + dt.timedelta(minutes=5)


# --- the owner's key, recipient domains, claims, updates -----------------------------------------

def _due_schedule(session, owner, report_name="r", **kwargs):
    report = store.save_report(session, owner, report_name, SPEC)
    args = {"cron": "30 1 * * *", "timezone": "UTC", "recipients": ["ceo@example.com"], "format": "csv",
            "now": NOW - dt.timedelta(hours=1)} | kwargs
    schedule = store.create_schedule(session, owner, report.id, **args)
    session.commit()
    return schedule


@pytest.mark.parametrize("change, reason", [
    (lambda key: setattr(key, "revoked_at", NOW - dt.timedelta(days=1)), "revoked"),
    (lambda key: setattr(key, "role", "agent"), "may no longer manage reports"),
])
def test_schedules_of_revoked_or_demoted_keys_are_deactivated_not_sent(session, owners, monkeypatch, caplog,
                                                                       change, reason):
    from tourstack.db.models import ApiKey

    monkeypatch.setattr(delivery, "run_report", _fake_result)
    s = _due_schedule(session, owners[0])
    kept = _due_schedule(session, owners[1], "other")
    change(session.get(ApiKey, owners[0].key_id))
    session.commit()
    transport = FakeTransport()
    with caplog.at_level("WARNING", logger="reports.builder.delivery"):
        outcomes = delivery.run_due(session, None, transport, sender="r@example.com", now=NOW)
    assert {o.schedule_id: o.status for o in outcomes} == {s.id: "disabled", kept.id: "sent"}
    assert [m["To"] for m in transport.sent] == ["ceo@example.com"]  # only the valid owner's
    session.refresh(s)
    assert s.active is False and s.last_status == "disabled" and reason in s.last_error
    assert f"report schedule {s.id} deactivated" in caplog.text and reason in caplog.text
    again = delivery.run_due(session, None, transport, sender="r@example.com", now=NOW + dt.timedelta(days=1))
    assert [o.schedule_id for o in again] == [kept.id]  # the deactivated one is not due any more


def test_recipient_domains_are_checked_on_create_update_and_send(session, owners, monkeypatch):
    monkeypatch.setattr(delivery, "run_report", _fake_result)
    allowed = ["Example.com", "@tourstack.example"]
    report = store.save_report(session, owners[0], "r", SPEC)
    with pytest.raises(store.ReportStoreError, match="outside the allowed domains.*cfo@evil.test"):
        store.create_schedule(session, owners[0], report.id, cron="30 1 * * *", timezone="UTC",
                              recipients=["ceo@example.com", "cfo@evil.test"], format="csv",
                              allowed_domains=allowed, now=NOW)
    s = store.create_schedule(session, owners[0], report.id, cron="30 1 * * *", timezone="UTC",
                              recipients=["ceo@EXAMPLE.com", "ops@tourstack.example"], format="csv",
                              allowed_domains=allowed, now=NOW - dt.timedelta(hours=1))
    with pytest.raises(store.ReportStoreError, match="outside the allowed domains"):
        store.update_schedule(session, owners[0], s.id, recipients=["x@evil.test"], allowed_domains=allowed)
    session.commit()
    # the allow-list narrowed after the schedule was made: nothing is sent to anyone
    transport = FakeTransport()
    (outcome,) = delivery.run_due(session, None, transport, sender="r@example.com", now=NOW,
                                  allowed_domains=["example.com"])
    assert outcome.status == "failed" and "ops@tourstack.example" in outcome.error and transport.sent == []
    session.refresh(s)
    assert s.last_status == "failed" and s.active is True
    assert store.disallowed_recipients(["a@example.com"], []) == []  # empty list: any domain


def test_of_two_claimers_exactly_one_wins(db_url, session, owners):
    from tourstack.db.engine import make_engine, make_sessionmaker

    s = _due_schedule(session, owners[0])
    other_engine = make_engine(db_url)
    try:
        with make_sessionmaker(other_engine)() as other:
            seen = [(x.id, x.next_run_at, x.cron, x.timezone) for x in store.due_schedules(session, NOW)]
            seen_too = [(x.id, x.next_run_at, x.cron, x.timezone) for x in store.due_schedules(other, NOW)]
            assert seen == seen_too == [(s.id, NOW, "30 1 * * *", "UTC")]
            assert store.claim_schedule(session, *seen[0], now=NOW) is True
            session.commit()
            assert store.claim_schedule(other, *seen_too[0], now=NOW) is False
            other.commit()
    finally:
        other_engine.dispose()
    session.refresh(s)
    assert s.next_run_at == NOW + dt.timedelta(days=1)


def test_an_overlapping_run_does_not_send_the_same_schedule_again(db_url, session, owners, monkeypatch):
    """The second run starts while the first is still sending: it finds nothing left to send."""
    from tourstack.db.engine import make_engine, make_sessionmaker

    monkeypatch.setattr(delivery, "run_report", _fake_result)
    _due_schedule(session, owners[0])
    other_engine = make_engine(db_url)
    nested: list = []

    class OverlappingTransport(FakeTransport):
        overlapped = False

        def send(self, message):
            if not self.overlapped:  # once: the second run starts during the first send
                self.overlapped = True
                with make_sessionmaker(other_engine)() as other:
                    nested.append(delivery.run_due(other, None, self, sender="r@example.com", now=NOW))
            return super().send(message)

    transport = OverlappingTransport()
    try:
        outcomes = delivery.run_due(session, None, transport, sender="r@example.com", now=NOW)
    finally:
        other_engine.dispose()
    assert [o.status for o in outcomes] == ["sent"] and nested == [[]]
    assert len(transport.sent) == 1


def test_update_pause_resume_and_ownership(session, owners):
    a, b, admin = owners
    s = _due_schedule(session, a, cron="0 7 * * *", timezone="Asia/Kolkata")
    assert s.next_run_at == NOW  # 07:00 IST
    later = NOW + dt.timedelta(days=3, hours=2)
    paused = store.update_schedule(session, a, s.id, active=False, now=later)
    assert paused.active is False and paused.next_run_at == NOW
    assert store.due_schedules(session, later) == []
    resumed = store.update_schedule(session, a, s.id, active=True, now=later)
    # resumes at the next cron time from now, without catching up on the missed runs
    assert resumed.active is True and resumed.next_run_at == dt.datetime(2026, 7, 4, 1, 30, tzinfo=dt.UTC)
    changed = store.update_schedule(session, a, s.id, cron="0 9 * * 1", timezone="UTC",
                                    recipients=["cfo@example.com", "cfo@example.com"], format="xlsx", now=later)
    assert (changed.cron, changed.timezone, changed.recipients, changed.format) == \
        ("0 9 * * 1", "UTC", ["cfo@example.com"], "xlsx")
    assert changed.next_run_at == dt.datetime(2026, 7, 6, 9, 0, tzinfo=dt.UTC)  # next Monday
    with pytest.raises(store.ReportNotFound):
        store.update_schedule(session, b, s.id, active=False)
    assert store.update_schedule(session, admin, s.id, format="pdf").format == "pdf"
    for kwargs, message in [({"cron": "@daily"}, "cron"), ({"timezone": "Mars/Base"}, "timezone"),
                            ({"recipients": []}, "recipients"), ({"format": "docx"}, "format")]:
        with pytest.raises(store.ReportStoreError, match=message):
            store.update_schedule(session, a, s.id, **kwargs)


def test_resuming_needs_a_fit_owner_and_clears_a_disabled_status(session, owners):
    from tourstack.db.models import ApiKey

    a, _, admin = owners
    s = _due_schedule(session, a)
    key = session.get(ApiKey, a.key_id)
    key.revoked_at = NOW
    store.deactivate(session, s, "the owner's API key was revoked")
    assert (s.active, s.last_status) == (False, "disabled")
    with pytest.raises(store.ReportStoreError, match="cannot be sent on a schedule: the owner's API key was revoked") \
            as refused:
        store.update_schedule(session, admin, s.id, active=True, now=NOW)
    assert isinstance(refused.value, store.ReportConflict) and s.active is False
    with pytest.raises(store.ReportStoreError, match="cannot be sent on a schedule"):
        store.create_schedule(session, admin, s.saved_report_id, cron="0 7 * * *", timezone="UTC",
                              recipients=["ceo@example.com"], format="pdf", now=NOW)
    store.update_schedule(session, admin, s.id, recipients=["cfo@example.com"])  # paused: may be edited
    key.revoked_at = None
    store.update_schedule(session, admin, s.id, active=True, now=NOW)
    assert (s.active, s.last_status, s.last_error) == (True, None, None)
