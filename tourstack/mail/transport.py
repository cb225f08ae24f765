"""Send a composed message: by SMTP in production, to an outbox folder of `.eml` files otherwise.

Both transports answer with the same `Delivery`, so callers (and the archive) record what
happened without knowing where the message went. Failures of any kind (refused connection,
timeout, TLS, authentication, every recipient refused) become one `MailDeliveryError` whose
text names the server and the reason but never the password: the SMTP exceptions are not
chained, because their arguments can echo what was sent.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from pydantic import SecretStr

    from tourstack.settings import Settings

Security = Literal["starttls", "ssl", "none"]
_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class MailDeliveryError(RuntimeError):
    """The message was not delivered. `temporary` is True for 4xx answers and network trouble."""

    def __init__(self, message: str, *, temporary: bool = False) -> None:
        super().__init__(message)
        self.temporary = temporary


@dataclass(frozen=True)
class Delivery:
    message_id: str
    via: Literal["smtp", "outbox"]
    path: Path | None
    recipients: tuple[str, ...]
    refused: tuple[str, ...] = field(default=())


class Transport(Protocol):
    def send(self, message: EmailMessage) -> Delivery: ...


def recipients_of(message: EmailMessage) -> tuple[str, ...]:
    values = [v for h in ("To", "Cc", "Bcc") for v in message.get_all(h, [])]
    return tuple(addr for _, addr in getaddresses(values) if addr)


def _slug(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "message"


class OutboxTransport:
    """Writes `<outbox>/<UTC timestamp>-<subject slug>.eml`; the embedded default, and the demo's."""

    def __init__(self, outbox_dir: str | Path) -> None:
        self.outbox_dir = Path(outbox_dir)

    def send(self, message: EmailMessage) -> Delivery:
        recipients = recipients_of(message)
        if not recipients:
            raise MailDeliveryError("the message has no recipients")
        self.outbox_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.outbox_dir / f"{stamp}-{_slug(str(message.get('Subject', '')))}.eml"
        n = 1
        while path.exists():
            n += 1
            path = path.with_name(f"{stamp}-{n}-{_slug(str(message.get('Subject', '')))}.eml")
        path.write_bytes(message.as_bytes())
        return Delivery(str(message.get("Message-ID", "")), "outbox", path, recipients)


class SmtpTransport:
    """smtplib with STARTTLS, implicit TLS or plain; a fresh connection per message.

    One connection per send keeps failure handling simple; executive e-mails go out a few times
    a day, so connection reuse would buy nothing.
    """

    def __init__(
        self,
        host: str,
        port: int | None = None,
        *,
        username: str | None = None,
        password: SecretStr | str | None = None,
        security: Security = "starttls",
        timeout: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
    ) -> None:
        if security not in _DEFAULT_PORTS:
            raise ValueError(f"smtp security must be starttls, ssl or none, not {security!r}")
        self.host = host
        self.port = port or _DEFAULT_PORTS[security]
        self.username = username
        self._password = password
        self.security = security
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.local_hostname = local_hostname

    def __repr__(self) -> str:  # never shows the password
        return f"SmtpTransport({self.host}:{self.port}, security={self.security}, user={self.username!r})"

    def _secret(self) -> str | None:
        pw = self._password
        if pw is None:
            return None
        return pw if isinstance(pw, str) else pw.get_secret_value()

    def _scrub(self, text: str) -> str:
        secret = self._secret()
        return text.replace(secret, "***") if secret else text

    def _fail(self, what: str, exc: BaseException, *, temporary: bool) -> MailDeliveryError:
        detail = exc.smtp_error if isinstance(getattr(exc, "smtp_error", None), bytes) else None
        reason = detail.decode("utf-8", "replace") if detail else str(exc) or type(exc).__name__
        code = getattr(exc, "smtp_code", None)
        prefix = f"{code} " if code else ""
        text = f"SMTP {what} at {self.host}:{self.port} failed: {type(exc).__name__}: {prefix}{reason}"
        return MailDeliveryError(self._scrub(text), temporary=temporary)

    def _connect(self) -> smtplib.SMTP:
        context = self.ssl_context or ssl.create_default_context()
        if self.security == "ssl":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=context, local_hostname=self.local_hostname
            )
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout, local_hostname=self.local_hostname)
        if self.security == "starttls":
            smtp.ehlo()
            smtp.starttls(context=context)
            smtp.ehlo()
        return smtp

    def send(self, message: EmailMessage) -> Delivery:
        recipients = recipients_of(message)
        if not recipients:
            raise MailDeliveryError("the message has no recipients")
        stage = "connection"
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise self._fail(stage, exc, temporary=True) from None
        try:
            if self.username:
                stage = "login"
                smtp.login(self.username, self._secret() or "")
            stage = "delivery"
            refused = smtp.send_message(message, to_addrs=list(recipients))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = {code for code, _ in exc.recipients.values()}
            raise MailDeliveryError(
                f"SMTP server {self.host}:{self.port} refused every recipient: "
                + ", ".join(f"{a} ({c})" for a, (c, _) in sorted(exc.recipients.items())),
                temporary=all(400 <= c < 500 for c in codes),
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise self._fail(stage, exc, temporary=400 <= exc.smtp_code < 500) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise self._fail(stage, exc, temporary=True) from None
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
        accepted = tuple(r for r in recipients if r not in refused)
        return Delivery(str(message.get("Message-ID", "")), "smtp", None, accepted, tuple(refused))


def transport_from_settings(settings: Settings | None = None) -> OutboxTransport | SmtpTransport:
    """SMTP when `smtp_host` is set, the outbox folder otherwise (the embedded default)."""
    if settings is None:
        from tourstack.settings import get_settings

        settings = get_settings()
    if settings.smtp_host:
        return SmtpTransport(
            settings.smtp_host,
            settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            security=settings.smtp_security,
            timeout=settings.smtp_timeout_seconds,
        )
    return OutboxTransport(settings.outbox_dir)
