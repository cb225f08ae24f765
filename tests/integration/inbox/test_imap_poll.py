"""`tourstack mail poll` against a loopback IMAP4rev1 server (tests/fakes/imap.py) through
imap-tools: each message stored before it is marked, a re-poll ingesting nothing twice, a
refused login a clear error and exit code, a connection dropped mid-fetch keeping what was
stored (the rest comes next time), and a malformed message stored, flagged and marked instead
of stopping the poll."""

from __future__ import annotations

import json
from email.message import EmailMessage

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker
from typer.testing import CliRunner

import tourstack.db.models  # noqa: F401
from cli.app import app
from tests.fakes.imap import FakeImap
from tourstack.db.base import Base
from tourstack.db.models.inbox import InboxMessage
from tourstack.inbox.imap_poll import ImapAuthError, ImapConfig, ImapUnavailable, poll
from tourstack.settings import get_settings

pytestmark = [pytest.mark.integration]
JUNK = b"\x00\xff\xfe binary junk \x00 no headers at all\r\n" * 20


def _mail(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"] = "hotel@rambagh.example", "suppliers@tourstack.example"
    msg["Subject"], msg["Message-ID"] = f"Confirmation TB4K7X2Q{n}", f"<m{n}@rambagh.example>"
    msg.set_content(f"We confirm. Confirmation No: RC-{n}\nArrival: 02/10/2026\nDeparture: 05/10/2026")
    return msg.as_bytes()


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'inbox.db'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    yield url, sessionmaker(engine)
    engine.dispose()


def _config(imap: FakeImap, password: str | None = None, **kw) -> ImapConfig:
    return ImapConfig(host="127.0.0.1", port=imap.port, user=imap.user, password=password or imap.password,
                      ssl=False, timeout_s=5, **kw)


def _stored(sessions) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(InboxMessage))


def test_each_message_is_stored_then_marked_and_a_second_poll_ingests_nothing(db):
    _, sessions = db
    with FakeImap() as imap:
        uids = [imap.deliver(_mail(n)) for n in range(3)]
        report = poll(_config(imap), sessions)
        assert (report.fetched, report.new, report.error) == (3, 3, None)
        assert imap.unseen() == [] and _stored(sessions) == 3
        # peeked, never a plain BODY[] (which would mark the message before it is stored)
        fetches = [c for c in imap.commands if " UID FETCH " in c.upper()]
        assert len(fetches) == 3 and all("BODY.PEEK[]" in c for c in fetches)
        stores = [c for c in imap.commands if " UID STORE " in c.upper()]
        assert [c.split()[3] for c in stores] == [str(u) for u in uids]
        assert not any(" EXPUNGE" in c.upper() for c in imap.commands)  # a person's deletions stay
        again = poll(_config(imap), sessions)
        assert (again.fetched, again.new) == (0, 0) and _stored(sessions) == 3


def test_a_message_left_unseen_after_a_crash_is_one_message_when_fetched_again(db):
    _, sessions = db
    with FakeImap() as imap:
        raw = _mail(1)
        imap.deliver(raw)
        poll(_config(imap), sessions)
        imap.deliver(raw)  # the same bytes, as if the flag had never reached the server
        report = poll(_config(imap), sessions)
        assert (report.fetched, report.new, report.duplicates) == (1, 0, 1)
        assert _stored(sessions) == 1 and imap.unseen() == []


def test_a_connection_dropped_mid_fetch_keeps_what_was_stored_and_the_rest_comes_next_time(db):
    _, sessions = db
    with FakeImap() as imap:
        uids = [imap.deliver(_mail(n)) for n in range(4)]
        imap.drop_after_fetches = 2  # the third literal is cut in half and the socket closed
        report = poll(_config(imap), sessions)
        assert report.error is not None and (report.fetched, report.new) == (2, 2)
        assert _stored(sessions) == 2 and imap.unseen() == uids[2:]
        report = poll(_config(imap), sessions)
        assert (report.fetched, report.new, report.error) == (2, 2, None)
        assert _stored(sessions) == 4 and imap.unseen() == []


def test_a_malformed_message_is_stored_flagged_and_marked_and_the_poll_goes_on(db):
    _, sessions = db
    with FakeImap() as imap:
        imap.deliver(JUNK)
        imap.deliver(_mail(7))
        report = poll(_config(imap), sessions)
        assert (report.fetched, report.new, report.error) == (2, 2, None)
        assert imap.unseen() == []
        with sessions() as s:
            assert s.scalar(select(func.count()).select_from(InboxMessage)) == 2
            junk = next(m for m in s.scalars(select(InboxMessage)) if m.raw == JUNK)
            assert junk.subject is None and "malformed_mime" in json.loads(junk.flags)


def test_a_database_failure_leaves_the_message_unseen():
    with FakeImap() as imap:
        uid = imap.deliver(_mail(1))

        def broken():
            raise RuntimeError("database down")
        report = poll(_config(imap), broken)
        assert (report.fetched, report.not_stored, report.new) == (1, 1, 0)
        assert imap.unseen() == [uid]


def test_moving_to_the_processed_folder_when_configured(db):
    _, sessions = db
    with FakeImap(move=True) as imap:
        uid = imap.deliver(_mail(1))
        report = poll(_config(imap, processed_folder="Processed"), sessions)
        assert report.new == 1
        assert imap.folders["INBOX"] == [] and [m.uid for m in imap.folders["Processed"]] == [uid]


def test_a_refused_login_is_an_auth_error_and_nothing_is_fetched(db):
    _, sessions = db
    with FakeImap() as imap:
        imap.deliver(_mail(1))
        with pytest.raises(ImapAuthError, match="AUTHENTICATIONFAILED") as err:
            poll(_config(imap, password="wrong"), sessions)
        assert "wrong" not in str(err.value)
        assert imap.unseen() == [1] and _stored(sessions) == 0


def test_an_unreachable_server_is_unavailable(db):
    _, sessions = db
    with FakeImap() as imap:
        port = imap.port
    with pytest.raises(ImapUnavailable):
        poll(ImapConfig(host="127.0.0.1", port=port, user="u", password="p", ssl=False, timeout_s=2), sessions)


@pytest.fixture
def imap_env(monkeypatch):
    def configure(imap: FakeImap, password: str) -> None:
        for key, value in {"HOST": "127.0.0.1", "PORT": str(imap.port), "USER": imap.user,
                           "PASSWORD": password, "SSL": "false", "TIMEOUT_SECONDS": "5"}.items():
            monkeypatch.setenv(f"TOURSTACK_IMAP_{key}", value)
        get_settings.cache_clear()
    yield configure
    get_settings.cache_clear()


def test_the_cli_polls_and_exits_3_on_a_refused_login(db, imap_env):
    url, sessions = db
    runner = CliRunner()
    with FakeImap() as imap:
        imap.deliver(_mail(1))
        imap_env(imap, "wrong-password")
        refused = runner.invoke(app, ["mail", "poll", "--database-url", url])
        assert refused.exit_code == 3 and "refused the login" in refused.output
        assert "wrong-password" not in refused.output
        imap_env(imap, imap.password)
        done = runner.invoke(app, ["mail", "poll", "--database-url", url, "--json"])
        assert done.exit_code == 0, done.output
        assert json.loads(done.stdout)["new"] == 1
    with sessions() as s:
        assert s.scalar(select(InboxMessage.source)) == "imap"


def test_the_cli_without_imap_settings_is_a_usage_error(monkeypatch):
    monkeypatch.delenv("TOURSTACK_IMAP_HOST", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["mail", "poll"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2 and "TOURSTACK_IMAP_HOST" in result.output
