"""Read a stored raw message with `mail-parser`: headers, the text (HTML-only mail turned into
text without running anything in it), attachments, and flags for what was wrong with it.

Never raises on bad input: a message that cannot be read at all comes back with the
`unparseable` flag and whatever could be read, so the caller stores the flag and moves on.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from tourstack.inbox.reply import latest

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # larger attachments are kept in the raw mail, never opened


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class ParsedMail:
    subject: str = ""
    from_address: str | None = None
    from_name: str | None = None
    message_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""                 # the whole text body (HTML converted when there is no text part)
    text: str = ""                 # the new part: quotes and signatures removed
    forwarded_from: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def flag(self, name: str) -> None:
        if name not in self.flags:
            self.flags.append(name)


def html_to_text(html: str) -> str:
    """Visible text only; scripts, styles and remote images are dropped, never run or fetched."""
    from inscriptis import get_text

    try:
        return get_text(html)
    except Exception:  # lxml refusing the markup: fall back to nothing rather than to raw tags
        return ""


def _decode_attachment(a: dict) -> bytes:
    payload = a.get("payload") or ""
    if a.get("binary"):
        try:
            return base64.b64decode(payload, validate=False)
        except (binascii.Error, ValueError):
            return b""
    return payload.encode("utf-8", errors="replace")


def parse(raw: bytes) -> ParsedMail:
    import mailparser

    out = ParsedMail()
    try:
        mail = mailparser.parse_from_bytes(raw)
    except Exception:
        out.flag("unparseable")
        return out
    if mail.has_defects:
        out.flag("malformed_mime")
    if any("CharsetDecodeDefect" in str(d) for d in mail.defects):
        out.flag("charset_mismatch")
    out.subject = (mail.subject or "").strip()
    if mail.from_:
        out.from_name, out.from_address = (mail.from_[0][0] or None), (mail.from_[0][1] or "").lower() or None
    out.message_id = (mail.message_id or "").strip()[:255] or None
    for name in ("Auto-Submitted", "Precedence", "List-Unsubscribe", "X-Autoreply"):
        value = mail.headers.get(name)
        if value:
            out.headers[name.lower()] = str(value)
    if mail.text_plain:
        out.body = "\n".join(mail.text_plain)
    elif mail.text_html:
        out.flag("html_only")
        out.body = html_to_text("\n".join(mail.text_html))
    if "\ufffd" in out.body:
        out.flag("charset_mismatch")
    for a in mail.attachments:
        data = _decode_attachment(a)
        out.attachments.append(Attachment((a.get("filename") or "unnamed")[:200],
                                          (a.get("mail_content_type") or "application/octet-stream").lower(), data))
    cleaned = latest(out.body)
    out.text, out.forwarded_from = cleaned.text, cleaned.forwarded_from
    if cleaned.forwarded:
        out.flag("forwarded")
    return out
