"""Differences older than an hour raise an alert, once per firing, for both providers: a
difference made there a moment ago is not yet aged (the next sync may still clear it); two
hours later it is, and the `system.alert` is queued once however often the check runs."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from tests.integration.accounting.test_sync_payables import _payouts, world  # noqa: F401 (the fixture)
from tourstack.accounting.sync import run_sync
from tourstack.accounting.sync_alerts import aged_differences, announce
from tourstack.accounting.sync_report import reconcile_sync
from tourstack.db.models import OutboxMessage, SupplierPayout

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("accounting_fakes")]


def _alerts(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.event_type == "system.alert"))


def test_a_difference_older_than_an_hour_alerts_once_per_firing(world, sessions):  # noqa: F811
    client, mapping, side = world
    run_sync(sessions, client(), mapping)
    with sessions() as session:  # our side last changed days ago (the demo dates some changes later today)
        session.execute(update(SupplierPayout).values(updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3)))
        session.commit()
    paid = _payouts(sessions, "paid")[0]
    bill = next(b for b in side.bills() if side.number(b) == f"SPO-{paid.id:06d}")
    side.set_balance(bill, "5.00")  # a person changed it there just now
    with sessions() as session:
        result = reconcile_sync(session, client(), mapping, dt.date.today())
    now = dt.datetime.now(dt.UTC)
    assert [d.kind for d in result.differences] == ["payable"]
    assert result.differences[0].changed_at is not None
    assert abs(result.differences[0].changed_at - now) < dt.timedelta(minutes=5)
    assert not aged_differences(result, now).firing
    later = now + dt.timedelta(hours=2)
    aged = aged_differences(result, later)
    assert aged.firing and aged.differences == result.differences
    with sessions() as session:
        first = announce(session, aged)
        session.commit()
    assert first.queued and _alerts(sessions) == len(first.queued)
    with sessions() as session:  # the next hourly check finds the same difference: the same firing
        again = announce(session, aged_differences(result, later + dt.timedelta(hours=1)))
        session.commit()
    assert not again.queued and again.duplicates == len(first.queued)
    assert _alerts(sessions) == len(first.queued)
    facts = first.queued[0].payload
    assert "older than an hour" in str(facts) and side.provider in str(facts)


def test_the_check_skips_providers_not_connected_and_fails_on_an_unreadable_one(world, sessions, book_url):  # noqa: F811
    from orchestration.defs.accounting.sync_check import check_sync_differences
    from tourstack.settings import Settings

    _, _, side = world
    other = "xero" if side.provider == "quickbooks" else "quickbooks"
    settings = Settings(database_url=book_url)  # no OAuth app configured: the connected one cannot be read
    passed, metadata = check_sync_differences(sessions, settings, None, dt.datetime.now(dt.UTC))
    assert not passed and metadata[other] == "not connected"
    assert metadata[side.provider].startswith("unreadable:")
    assert _alerts(sessions) == 0
