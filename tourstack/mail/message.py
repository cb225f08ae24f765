"""Build a MIME message that every mail client shows the same way.

The nesting matters: clients that cannot show HTML pick the text part of multipart/alternative;
inline images must sit beside the HTML in multipart/related (referenced as `cid:<id>`), or
clients list them as attachments; real attachments wrap the whole thing in multipart/mixed.

    multipart/mixed
      multipart/alternative
        text/plain
        multipart/related
          text/html
          image/png  (Content-ID: <cid>)
      application/pdf, ... (attachments)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class InlineImage:
    """An image shown inside the HTML: reference it as `<img src="cid:{cid}">`."""

    cid: str
    content: bytes
    mime_type: str = "image/png"


# Headers are not folded below RFC 5322's hard limit of 998: the standard library's folding of a
# subject just over 78 characters can start it with a space that some clients show.
POLICY = email_policy.SMTP.clone(max_line_length=998)


def _split(mime_type: str) -> tuple[str, str]:
    maintype, _, subtype = mime_type.partition("/")
    if not subtype:
        raise ValueError(f"not a MIME type: {mime_type!r}")
    return maintype, subtype


def _addresses(value: str | Iterable[str]) -> str:
    return value if isinstance(value, str) else ", ".join(value)


def _domain(sender: str) -> str | None:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or None if "@" in address else None


def compose(
    *,
    subject: str,
    sender: str,
    to: str | Sequence[str],
    html: str,
    text: str,
    inline_images: Iterable[InlineImage] = (),
    attachments: Iterable[Attachment] = (),
    cc: str | Sequence[str] = (),
    reply_to: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A ready-to-send message with Date and Message-ID set (the ID is what the archive keeps)."""
    recipients = _addresses(to)
    if not recipients.strip():
        raise ValueError("an e-mail needs at least one recipient")
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = recipients
    if cc:
        msg["Cc"] = _addresses(cc)
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=_domain(sender))
    for name, value in (headers or {}).items():
        msg[name] = value

    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    images = list(inline_images)
    if images:
        html_part = msg.get_payload()[1]
        seen: set[str] = set()
        for image in images:
            if image.cid in seen:
                raise ValueError(f"duplicate inline image cid {image.cid!r}")
            seen.add(image.cid)
            maintype, subtype = _split(image.mime_type)
            html_part.add_related(
                image.content,
                maintype=maintype,
                subtype=subtype,
                cid=f"<{image.cid}>",
                disposition="inline",
                filename=f"{image.cid}.{subtype}",
            )
    for attachment in attachments:
        maintype, subtype = _split(attachment.mime_type)
        msg.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return msg
