"""The sync as a person runs it: `tourstack accounting sync --dry-run` lists and sends nothing,
`sync` pushes to the connected provider and skips the other, `report finance accounting-sync`
shows zero differences, and `GET /api/v1/accounting/{provider}/sync-report` the same content
(502 once the provider cannot be reached); the Dagster job skips cleanly when nothing is
connected."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from cli import app as cli
from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.quickbooks import TOKEN_PATH, FakeQuickBooks
from tests.integration.accounting.conftest import fill_mappings
from tourstack.accounting import begin_connect, cipher_from_settings, finish_connect, oauth_app_from_settings
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.settings import get_settings

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("accounting_fakes")]
runner = CliRunner()


def test_dry_run_then_sync_then_the_sync_report(book_url, tmp_path, monkeypatch):
    fake = FakeQuickBooks()
    fill_mappings(tmp_path, book_url, "quickbooks")
    with ThreadedServer(fake.app()) as server:
        env = {"TOURSTACK_DATABASE_URL": book_url, "TOURSTACK_QUICKBOOKS_CLIENT_ID": fake.auth.client_id,
               "TOURSTACK_QUICKBOOKS_CLIENT_SECRET": fake.auth.client_secret,
               "TOURSTACK_QUICKBOOKS_TOKEN_URL": server.url + TOKEN_PATH, "TOURSTACK_QUICKBOOKS_API_URL": server.url,
               "TOURSTACK_ACCOUNTING_MAPPINGS_DIR": str(tmp_path), "OAUTHLIB_INSECURE_TRANSPORT": "1",
               "TOURSTACK_ACCOUNTING_KEY": runner.invoke(cli, ["accounting", "new-key"]).output.strip()}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        settings = get_settings()
        engine = make_engine(book_url)
        try:
            sessions = make_sessionmaker(engine)
            app = oauth_app_from_settings(settings, "quickbooks")
            with sessions() as session:
                url = begin_connect(session, app)
                session.commit()
                finish_connect(session, app, cipher_from_settings(settings), tenant_hint="4620816365",
                               state=parse_qs(urlsplit(url).query)["state"][0], code=fake.auth.issue_code())

            planned = runner.invoke(cli, ["accounting", "sync", "--dry-run"])
            assert planned.exit_code == 0, planned.output
            assert "xero: not connected, skipped" in planned.output and "create INV/" in planned.output
            assert not fake.all("Customer") and not fake.all("Invoice")

            done = runner.invoke(cli, ["accounting", "sync", "--provider", "quickbooks"])
            assert done.exit_code == 0, done.output
            assert fake.all("Invoice") and fake.all("Payment")

            report = runner.invoke(cli, ["report", "finance", "accounting-sync", "--provider", "quickbooks"])
            assert report.exit_code == 0, report.output
            assert "differences: 0" in report.output
            assert "payable: vendor,currency,ours_minor,theirs_minor" in report.output
            _the_same_report_over_the_api(settings, sessions, report.output, monkeypatch)
            monkeypatch.setenv("TOURSTACK_QUICKBOOKS_API_URL", server.url)
            get_settings.cache_clear()
            _an_aged_difference_alerts_once_through_the_dagster_check(fake, book_url)

            assert "no open conflicts" in runner.invoke(cli, ["accounting", "conflicts"]).output
            refused = runner.invoke(cli, ["accounting", "conflicts", "--resolve", "99", "--keep", "ours"])
            assert refused.exit_code == 2 and "no accounting conflict 99" in refused.output
        finally:
            engine.dispose()
            get_settings.cache_clear()


def test_the_dagster_job_skips_cleanly_when_the_provider_is_not_connected(db_url, monkeypatch):
    from orchestration.defs.accounting.sync import xero_sync_job
    from orchestration.defs.resources import OperationalDatabase

    monkeypatch.setenv("TOURSTACK_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        result = xero_sync_job.execute_in_process(resources={"operational_db": OperationalDatabase(url=db_url)})
    finally:
        get_settings.cache_clear()
    assert result.success
    assert result.output_for_node("xero_sync") == {"skipped": "not connected"}


def _the_same_report_over_the_api(settings, sessions, cli_output: str, monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests import factories as f

    with sessions() as session:
        finance = f.make_api_key(session, "finance")[0]
        ops = f.make_api_key(session, "ops")[0]
        session.commit()
    headers = {"Authorization": f"Bearer {finance}"}
    with TestClient(create_app(settings=settings, sessionmaker=sessions)) as client:
        assert client.get("/api/v1/accounting/quickbooks/sync-report",
                          headers={"Authorization": f"Bearer {ops}"}).status_code == 403
        r = client.get("/api/v1/accounting/quickbooks/sync-report", headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["clean"] is True and body["differences"] == []
        assert [e["entity"] for e in body["entities"]] == ["customer", "invoice", "credit_note", "payment",
                                                            "vendor", "bill", "bill_payment"]
        for e in body["entities"]:  # every line of the CLI's table, the same numbers
            for t in e["totals"] or [{"currency": "", "ours_minor": 0, "theirs_minor": 0}]:
                assert (f"{e['entity']},{e['ours_count']},{e['theirs_count']},{t['currency']},"
                        f"{t['ours_minor']},{t['theirs_minor']}") in cli_output
        assert body["payables"] and all(p["ours_minor"] == p["theirs_minor"] for p in body["payables"])
        assert all(f"{p['party']},{p['currency']},{p['ours_minor']},{p['theirs_minor']}" in cli_output
                   for p in body["payables"] + body["receivables"])
        assert client.get("/api/v1/accounting/xero/sync-report", headers=headers).status_code == 409
        bad = client.get("/api/v1/accounting/quickbooks/sync-report", params={"as_of": "2026-13-40"},
                         headers=headers)
        assert bad.status_code == 422
    monkeypatch.setenv("TOURSTACK_QUICKBOOKS_API_URL", "http://127.0.0.1:9")  # nothing listens there
    get_settings.cache_clear()
    with TestClient(create_app(settings=get_settings(), sessionmaker=sessions)) as client:
        down = client.get("/api/v1/accounting/quickbooks/sync-report", headers=headers)
    assert down.status_code == 502 and down.json()["type"].endswith("accounting-provider-unavailable")


def _an_aged_difference_alerts_once_through_the_dagster_check(fake, book_url: str) -> None:
    import datetime as dt

    from dagster import build_asset_check_context
    from sqlalchemy import func, select, update

    from orchestration.defs.accounting.sync_check import accounting_sync_differences
    from orchestration.defs.resources import OperationalDatabase
    from orchestration.defs.services import MessagingResource
    from tourstack.db.models import OutboxMessage, SupplierPayout

    def check():
        context = build_asset_check_context(resources={"operational_db": OperationalDatabase(url=book_url),
                                                       "messaging": MessagingResource()})
        return accounting_sync_differences(context)

    def alerts() -> int:
        engine = make_engine(book_url)
        try:
            with make_sessionmaker(engine)() as session:
                return session.scalar(select(func.count()).select_from(OutboxMessage)
                                      .where(OutboxMessage.event_type == "system.alert"))
        finally:
            engine.dispose()

    clean = check()
    assert clean.passed and alerts() == 0
    bill = fake.all("Bill")[0]
    fake.edit("Bill", bill["Id"], Balance="1.00")  # edited there by hand
    young = check()  # a moment ago: the next sync may still explain it
    assert young.passed and young.metadata["quickbooks_differences"].value == 1
    assert young.metadata["quickbooks_older_than_an_hour"].value == 0
    two_hours_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).isoformat()
    for records in fake.records.values():  # as if the sync and that edit were two hours back
        for record in records.values():
            record["MetaData"]["LastUpdatedTime"] = two_hours_ago
    engine = make_engine(book_url)
    try:  # and our payouts last changed before that (the demo dates some changes later today)
        with make_sessionmaker(engine)() as session:
            session.execute(update(SupplierPayout).values(updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3)))
            session.commit()
    finally:
        engine.dispose()
    firing = check()
    assert not firing.passed and firing.metadata["quickbooks_older_than_an_hour"].value == 1
    queued = alerts()
    assert queued >= 1  # one per route of system.alert
    again = check()  # the next hourly run: the same firing, nothing new
    assert not again.passed and alerts() == queued
