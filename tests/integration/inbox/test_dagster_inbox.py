"""The inbox's Dagster asset and check, run for real: with IMAP unset the poll succeeds doing
nothing; configured, it stores the fake server's mail; a refused login fails the run; open
tasks older than the threshold fail the (warning) check with counts by kind."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

import pytest
from dagster import AssetCheckSeverity, materialize
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker

import tourstack.db.models  # noqa: F401
from orchestration.defs.inbox.mailbox import inbox_mail, inbox_tasks_answered_in_time
from orchestration.defs.resources import OperationalDatabase
from tests.fakes.imap import FakeImap
from tourstack.db.base import Base
from tourstack.db.models.inbox import InboxMessage, InboxTask
from tourstack.settings import get_settings

pytestmark = [pytest.mark.integration]


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'inbox.db'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    yield url, sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def env(monkeypatch):
    for key in ("HOST", "PORT", "USER", "PASSWORD", "SSL"):
        monkeypatch.delenv(f"TOURSTACK_IMAP_{key}", raising=False)
    get_settings.cache_clear()

    def configure(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(f"TOURSTACK_{key.upper()}", value)
        get_settings.cache_clear()
    yield configure
    get_settings.cache_clear()


def _run(url: str, raise_on_error: bool = True):
    return materialize([inbox_mail, inbox_tasks_answered_in_time], raise_on_error=raise_on_error,
                       resources={"operational_db": OperationalDatabase(url=url)})


def _check(result):
    [evaluation] = result.get_asset_check_evaluations()
    return evaluation


def _materialized(result) -> dict:
    [event] = result.asset_materializations_for_node("inbox_mail")
    return {k: v.value for k, v in event.metadata.items()}


def test_without_imap_the_poll_succeeds_and_the_empty_task_list_passes(db, env):
    url, _ = db
    result = _run(url)
    assert result.success and _materialized(result)["polled"] is False
    assert _check(result).passed


def test_configured_it_stores_the_mailbox(db, env):
    url, sessions = db
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "hotel@rambagh.example", "Confirmation TB4K7X2QA"
    msg.set_content("Confirmation No: RC-1")
    with FakeImap() as imap:
        imap.deliver(msg.as_bytes())
        env(imap_host="127.0.0.1", imap_port=str(imap.port), imap_user=imap.user,
            imap_password=imap.password, imap_ssl="false")
        result = _run(url)
        assert imap.unseen() == []
    assert result.success and _materialized(result)["new"] == 1
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(InboxMessage)) == 1


def test_a_refused_login_fails_the_run(db, env):
    url, _ = db
    with FakeImap() as imap:
        env(imap_host="127.0.0.1", imap_port=str(imap.port), imap_user=imap.user,
            imap_password="wrong", imap_ssl="false")
        result = _run(url, raise_on_error=False)
    assert not result.success


def test_old_open_tasks_warn_with_counts_by_kind(db, env):
    url, sessions = db
    env(inbox_task_stale_hours="24")
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=30)
    with sessions() as s:
        message = InboxMessage(sha256="a" * 64, source="file", received_at=old, size_bytes=1, raw=b"x",
                               status="processed", flags="[]")
        s.add(message)
        s.flush()
        for kind, created, status in [("booking_mismatch", old, "open"), ("booking_mismatch", old, "open"),
                                      ("unmatched_booking", old, "open"), ("unmatched_booking", old, "done"),
                                      ("approve_rates", dt.datetime.now(dt.UTC), "open")]:
            s.add(InboxTask(message_id=message.id, kind=kind, title=kind, status=status, created_at=created))
        s.commit()
    check = _check(_run(url))
    assert not check.passed and check.severity == AssetCheckSeverity.WARN
    meta = {k: v.value for k, v in check.metadata.items()}
    assert (meta["open"], meta["older_than_threshold"]) == (4, 3)
    assert (meta["older:booking_mismatch"], meta["older:unmatched_booking"]) == (2, 1)
    assert "older:approve_rates" not in meta
