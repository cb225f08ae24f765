"""The sync as a person runs it: `tourstack accounting sync --dry-run` lists and sends nothing,
`sync` pushes to the connected provider and skips the other, `report finance accounting-sync`
shows zero differences; the Dagster job skips cleanly when nothing is connected."""

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
