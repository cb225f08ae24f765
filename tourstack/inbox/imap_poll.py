"""Poll a dedicated IMAP mailbox: fetch each unseen message, store it, and only then mark it.

Why this order: the message's bytes are fetched with `BODY.PEEK[]` (the server does not mark
it), handed to `tourstack.inbox.process.ingest`, which commits the raw bytes before parsing,
and only then is it flagged `\\Seen` (or moved to the processed folder). A crash or a dropped
connection between fetch and flag leaves the message unseen on the server, so the next poll
fetches it again; the store keeps one row per distinct bytes (SHA-256, unique), so that second
fetch is not a second message. Messages are fetched and flagged one UID at a time, so a drop
mid-poll keeps every message already stored and marked, and the rest comes next time.

A message that cannot be processed (malformed MIME, binary junk) is still stored and marked:
`ingest` records it as `failed` with an `unreadable_message` task, it never raises for bad
input. Only a failure to *store* (the database) leaves a message unseen and counted as
`not_stored`; the poll goes on with the next one.

The mailbox should be one the poller owns (a forwarding target), because "unseen" is the
queue: a person who opens a message there in a mail client before the poll hides it.
"""

from __future__ import annotations

import imaplib
import logging
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field

from imap_tools import MailBox, MailBoxUnencrypted, MailMessage, MailMessageFlags
from imap_tools.errors import MailboxFlagError, MailboxLoginError
from imap_tools.utils import check_command_status
from sqlalchemy.orm import Session

from tourstack.inbox.process import ingest

log = logging.getLogger("tourstack.inbox.imap")
MAX_MESSAGES_PER_POLL = 500  # a backlog drains over several polls, each one short


class ImapAuthError(Exception):
    """The server refused the credentials (its answer, never the password, is the message)."""


class ImapUnavailable(Exception):
    """The server could not be reached, or the connection dropped during the poll."""


@dataclass(frozen=True)
class ImapConfig:
    host: str
    user: str
    password: str = field(repr=False)
    port: int | None = None
    folder: str = "INBOX"
    ssl: bool = True
    processed_folder: str | None = None
    timeout_s: float = 30.0

    @classmethod
    def from_settings(cls, settings) -> ImapConfig | None:
        """None when IMAP is not configured (no host, user or password)."""
        if not (settings.imap_host and settings.imap_user and settings.imap_password):
            return None
        return cls(host=settings.imap_host, user=settings.imap_user,
                   password=settings.imap_password.get_secret_value(), port=settings.imap_port,
                   folder=settings.imap_folder, ssl=settings.imap_ssl,
                   processed_folder=settings.imap_processed_folder, timeout_s=settings.imap_timeout_seconds)


@dataclass
class PollReport:
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    failed: int = 0  # stored, but could not be processed (a task says so)
    not_stored: int = 0  # left unseen on the server; fetched again next time
    message_ids: list[int] = field(default_factory=list)
    error: str | None = None  # why the poll stopped early (connection dropped)

    def as_json(self) -> dict:
        return dict(self.__dict__)


class _RawMessage(MailMessage):
    """imap-tools' message, keeping the exact bytes the server sent (the store hashes them)."""

    def __init__(self, fetch_data: list) -> None:
        super().__init__(fetch_data)
        self.raw = next((item[1] for item in fetch_data if isinstance(item, tuple)), b"")


class _Ssl(MailBox):
    email_message_class = _RawMessage


class _Plain(MailBoxUnencrypted):
    email_message_class = _RawMessage


def _connect(config: ImapConfig):
    port = config.port or (993 if config.ssl else 143)
    try:
        if config.ssl:
            box = _Ssl(config.host, port, timeout=config.timeout_s, ssl_context=ssl.create_default_context())
        else:
            box = _Plain(config.host, port, timeout=config.timeout_s)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapUnavailable(f"cannot reach {config.host}:{port}: {type(exc).__name__}: {exc}") from exc
    try:
        box.login(config.user, config.password, initial_folder=config.folder)
    except MailboxLoginError as exc:
        _close(box)
        raise ImapAuthError(f"the IMAP server refused the login for {config.user}: {_server_text(exc)}") from None
    except (OSError, imaplib.IMAP4.error) as exc:
        _close(box)
        raise ImapUnavailable(f"login to {config.host} failed: {type(exc).__name__}: {exc}") from exc
    return box


def _server_text(exc: MailboxLoginError) -> str:
    """The server's words (e.g. `[AUTHENTICATIONFAILED] Invalid credentials`), never ours."""
    data = getattr(exc, "command_result", None)
    lines = data[1] if isinstance(data, tuple) and len(data) > 1 else []
    text = b" ".join(x for x in lines if isinstance(x, bytes)).decode("utf-8", "replace")
    return text[:200] or "login refused"


def _close(box) -> None:
    try:
        box.logout()
    except Exception:  # the connection is gone already; nothing to tell the server
        try:
            box.client.shutdown()
        except Exception:
            pass


def _mark(box, uid: str, config: ImapConfig) -> None:
    """Move the message, or flag it seen with a bare UID STORE: imap-tools' `flag()` expunges
    after storing, which would also purge anything a person had marked deleted."""
    if config.processed_folder:
        box.move(uid, config.processed_folder)
    else:
        result = box.client.uid("STORE", uid, "+FLAGS", f"({MailMessageFlags.SEEN})")
        check_command_status(result, MailboxFlagError)


def poll(config: ImapConfig, sessions: Callable[[], Session], *, ai=None, replies=None,
         limit: int = MAX_MESSAGES_PER_POLL) -> PollReport:
    """Fetch, store and mark every unseen message (up to `limit`); see the module's docstring.

    Raises ImapAuthError for refused credentials and ImapUnavailable when the server cannot be
    reached at all; a connection lost during the poll ends it with `report.error` set instead,
    keeping what was stored.
    """
    report = PollReport()
    box = _connect(config)
    try:
        uids = box.uids("UNSEEN")[:limit]
        for uid in uids:
            messages = list(box.fetch(uid_list=[uid], mark_seen=False))
            if not messages:  # expunged since the search
                continue
            report.fetched += 1
            try:
                with sessions() as session:
                    outcome = ingest(session, messages[0].raw, "imap", ai=ai, replies=replies)
            except Exception as exc:  # the database, not the message: leave it for the next poll
                report.not_stored += 1
                log.error("imap uid %s not stored (%s); left unseen", uid, type(exc).__name__)
                continue
            report.message_ids.append(outcome.message_id)
            report.new += outcome.new
            report.duplicates += not outcome.new
            report.failed += outcome.status == "failed"
            _mark(box, uid, config)
    except (OSError, socket.timeout, imaplib.IMAP4.abort, imaplib.IMAP4.error) as exc:
        report.error = f"{type(exc).__name__}: {exc}"[:300]
        log.warning("imap poll of %s stopped after %d messages: %s", config.host, report.fetched, report.error)
    except Exception as exc:  # imap-tools' own errors (a refused FETCH or STORE)
        report.error = f"{type(exc).__name__}: {exc}"[:300]
        log.warning("imap poll of %s stopped: %s", config.host, report.error)
    finally:
        _close(box)
    return report
