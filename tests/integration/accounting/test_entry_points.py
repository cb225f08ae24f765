"""The whole consent as a person does it: `tourstack accounting connect` prints the URL, the
provider redirects to the API's callback, `tourstack accounting status` shows the company; a
revoked connection makes `status` exit 1."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from cli import app as cli
from tests.fakes.quickbooks import TOKEN_PATH
from tourstack.accounting import NotConnected, access_token, cipher_from_settings, oauth_app_from_settings
from tourstack.db.base import utcnow
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.settings import Settings, get_settings

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("accounting_fakes")]
runner = CliRunner()


def test_connect_callback_status_and_a_revoked_company(db_url, fake_quickbooks, monkeypatch):
    env = {"TOURSTACK_DATABASE_URL": db_url, "TOURSTACK_QUICKBOOKS_CLIENT_ID": fake_quickbooks.auth.client_id,
           "TOURSTACK_QUICKBOOKS_CLIENT_SECRET": fake_quickbooks.auth.client_secret,
           "TOURSTACK_QUICKBOOKS_TOKEN_URL": fake_quickbooks.url + TOKEN_PATH,
           "TOURSTACK_ACCOUNTING_KEY": runner.invoke(cli, ["accounting", "new-key"]).output.strip()}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    engine = make_engine(db_url)
    try:
        printed = runner.invoke(cli, ["accounting", "connect", "quickbooks"])
        assert printed.exit_code == 0, printed.output
        url = next(line for line in printed.output.split() if line.startswith("https://appcenter.intuit.com/"))
        state = parse_qs(urlsplit(url).query)["state"][0]
        settings = get_settings()
        with TestClient(create_app(settings=settings, sessionmaker=make_sessionmaker(engine))) as client:
            r = client.get("/api/v1/accounting/quickbooks/callback",
                           params={"code": fake_quickbooks.auth.issue_code(), "state": state, "realmId": "123145"})
            assert r.status_code == 200 and r.json()["status"] == "connected" and r.json()["tenant_id"] == "123145"
            again = client.get("/api/v1/accounting/quickbooks/callback",
                               params={"code": fake_quickbooks.auth.issue_code(), "state": state, "realmId": "1"})
            assert again.status_code == 403
        shown = runner.invoke(cli, ["accounting", "status"])
        assert shown.exit_code == 0 and "connected" in shown.output and "123145" in shown.output
        assert "at-" not in shown.output and "rt-" not in shown.output  # no token on screen

        fake_quickbooks.auth.revoke_all()
        with pytest.raises(NotConnected):
            access_token(make_sessionmaker(engine), oauth_app_from_settings(settings, "quickbooks"),
                         cipher_from_settings(settings), now=utcnow() + dt.timedelta(hours=2))
        shown = runner.invoke(cli, ["accounting", "status"])
        assert shown.exit_code == 1 and "revoked" in shown.output

        refused = runner.invoke(cli, ["accounting", "connect", "sage"])
        assert refused.exit_code == 2 and "unknown accounting provider" in refused.output
    finally:
        engine.dispose()
        get_settings.cache_clear()
