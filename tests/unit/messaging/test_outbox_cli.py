"""`tourstack outbox dispatch|list|replay` through Typer's CliRunner on a migrated SQLite file."""

from __future__ import annotations

from typer.testing import CliRunner

from cli import app
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.messaging import DeliveryError, dispatch_due, enqueue, shipped_config
from tourstack.settings import get_settings

runner = CliRunner()


class Refusing:
    def send(self, message):
        raise DeliveryError("no such channel", temporary=False)


def test_dispatch_lists_and_replays(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("TOURSTACK_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    with sessions() as s:
        enqueue(s, event_type="system.alert", event_key="a1", channel="slack", recipient="#ops", payload={})
        dead = enqueue(s, event_type="system.alert", event_key="a1", channel="teams", recipient="ops", payload={})
        s.commit()
    dispatch_due(sessions, {"teams": Refusing()}, shipped_config())
    try:
        sent = runner.invoke(app, ["outbox", "dispatch", "--database-url", db_url])
        assert sent.exit_code == 0 and "sent 1" in sent.output
        assert list((tmp_path / "home" / "outbox" / "slack").glob("*.json"))
        listed = runner.invoke(app, ["outbox", "list", "--status", "dead", "--database-url", db_url])
        assert listed.exit_code == 0 and "no such channel" in listed.output and "#ops" not in listed.output
        again = runner.invoke(app, ["outbox", "replay", str(dead.id), "--database-url", db_url])
        assert again.exit_code == 0 and "queued again" in again.output
        refused = runner.invoke(app, ["outbox", "replay", str(dead.id), "--database-url", db_url])
        assert refused.exit_code == 2 and "only dead or failed" in refused.output
        bad = runner.invoke(app, ["outbox", "list", "--status", "lost", "--database-url", db_url])
        assert bad.exit_code == 2 and "unknown status" in bad.output
    finally:
        engine.dispose()
        get_settings.cache_clear()
