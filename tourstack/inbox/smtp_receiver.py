"""A local SMTP receiver for the forwarding address (development, tests, or a relay's last hop).

Why aiosmtpd: a real SMTP server, so a mail client, `swaks` or a relay delivers to it as to any
mailbox. Each message is handed to `tourstack.inbox.process.ingest` (stored and committed first)
before the server answers 250, so a message the server accepted is never lost; a failure to
store answers 451 and the sender retries. Only the configured forwarding addresses are
accepted (550 for anything else), and a message larger than the limit is refused at DATA (552).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session

from tourstack.inbox.process import ingest

log = logging.getLogger("tourstack.inbox.smtp")
MAX_MESSAGE_BYTES = 40 * 1024 * 1024


class InboxHandler:
    def __init__(self, sessions: Callable[[], Session], addresses: set[str]) -> None:
        self.sessions = sessions
        self.addresses = {a.lower() for a in addresses}
        self.stored: list[int] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook)
        if address.lower() not in self.addresses:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def _store(self, raw: bytes) -> int:
        with self.sessions() as session:
            return ingest(session, raw, "smtp").message_id

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        raw = envelope.original_content or envelope.content
        try:
            message_id = await asyncio.get_running_loop().run_in_executor(None, self._store, raw)
        except Exception:
            log.exception("could not store an inbound message")
            return "451 4.3.0 could not store the message; try again later"
        self.stored.append(message_id)
        return f"250 2.0.0 stored as inbox message {message_id}"


def receiver(sessions: Callable[[], Session], addresses: set[str], *, host: str = "127.0.0.1",
             port: int = 2525) -> tuple[Controller, InboxHandler]:
    """A started-on-demand server: `controller.start()` ... `controller.stop()`."""
    handler = InboxHandler(sessions, addresses)
    controller = Controller(handler, hostname=host, port=port, data_size_limit=MAX_MESSAGE_BYTES)
    return controller, handler
