"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives.

Tests send through `tourstack.mail.SmtpTransport` and then read the parsed messages, envelope
recipients and AUTH attempts from `FakeSmtp`. Knobs make it refuse recipients, answer DATA with
an error, or require a login.
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class FakeSmtp:
    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    refuse_rcpt: str | None = None  # e.g. "550 5.1.1 mailbox unavailable"
    data_reply: str | None = None  # e.g. "451 4.3.0 try again later"
    credentials: tuple[str, str] | None = None
    logins: list[str] = field(default_factory=list)

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            self.logins.append(auth_data.login.decode())
            ok = self.credentials == (auth_data.login.decode(), auth_data.password.decode())
            return AuthResult(success=ok, handled=False)
        return AuthResult(success=False, handled=False)


@contextmanager
def smtp_server(**knobs) -> Iterator[FakeSmtp]:
    fake = FakeSmtp(port=free_port(), **knobs)
    kwargs = {}
    if fake.credentials:
        kwargs = {"authenticator": fake.authenticate, "auth_require_tls": False, "auth_exclude_mechanism": ["LOGIN"]}
    controller = Controller(fake, hostname=fake.host, port=fake.port, **kwargs)
    controller.start()
    try:
        yield fake
    finally:
        controller.stop()
