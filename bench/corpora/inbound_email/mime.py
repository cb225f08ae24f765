"""Turn a written message into the bytes a mail server hands over: replies with the quoted
history, forwards, HTML-only mail, Latin-1 and mislabelled charsets, attachments."""

from __future__ import annotations

import datetime as dt
import email.policy
import random
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from bench.corpora.inbound_email.world import OUR_DESK, Sender

SIGN_OFF = {"en": ["Best regards,", "Thanks & Regards,", "Kind regards,", "Regards,"],
            "hi": ["Dhanyavaad,", "Thanks & Regards,", "Regards,"],
            "de": ["Mit freundlichen Grüßen", "Viele Grüße", "Beste Grüße"],
            "fr": ["Cordialement,", "Bien cordialement,", "Meilleures salutations,"]}
QUOTE_HEADER = {"en": "On {date}, {name} <{email}> wrote:", "hi": "On {date}, {name} <{email}> wrote:",
                "de": "Am {date} schrieb {name} <{email}>:", "fr": "Le {date}, {name} <{email}> a écrit :"}


@dataclass
class Written:
    sender: Sender
    subject: str
    body: str                                 # without the sign-off and signature
    lang: str
    quoted: str | None = None                 # the earlier message this one answers
    quoted_from: tuple[str, str] = OUR_DESK
    forward_by: str | None = None             # a colleague forwarding it to the desk
    html_table: list[tuple[str, str]] | None = None   # label/value rows for HTML-only senders
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # name, mime type, data
    headers: dict[str, str] = field(default_factory=dict)
    sign: bool = True


def _signed(w: Written, rng: random.Random) -> str:
    if not w.sign:
        return w.body
    parts = [w.body.rstrip(), "", rng.choice(SIGN_OFF[w.lang]), w.sender.person]
    if w.sender.signature:
        parts += ["--" if rng.random() < 0.3 else "", w.sender.signature]
    return "\n".join(p for p in parts if p is not None) + "\n"


def _with_quote(text: str, w: Written, sent: dt.datetime) -> str:
    if not w.quoted:
        return text
    header = QUOTE_HEADER[w.lang].format(date=sent.strftime("%a, %d %b %Y at %H:%M"), name=w.quoted_from[0],
                                         email=w.quoted_from[1])
    quoted = "\n".join("> " + line if line else ">" for line in w.quoted.splitlines())
    return f"{text}\n{header}\n{quoted}\n"


def _html(w: Written, text: str) -> str:
    rows = "".join(f"<tr><td style='font-weight:bold'>{k}</td><td>{v}</td></tr>" for k, v in w.html_table or [])
    paragraphs = "".join(f"<p>{line}</p>" if line else "" for line in text.split("\n\n") for line in [line.replace("\n", "<br>")])
    table = f"<table border='1' cellpadding='4'>{rows}</table>" if rows else ""
    return (f"<html><head><style>p{{font-family:Arial}}</style></head><body>{paragraphs}{table}"
            "<img src='https://track.example/open.gif' width='1' height='1'></body></html>")


def build(w: Written, number: int, rng: random.Random) -> bytes:
    sent = dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC) + dt.timedelta(hours=number * 7 + rng.randrange(5))
    text = _with_quote(_signed(w, rng), w, sent - dt.timedelta(hours=20))
    msg = EmailMessage(policy=email.policy.SMTP)
    subject = w.subject
    sender = f"{w.sender.name} <{w.sender.email}>" if w.sender.name else w.sender.email
    if w.forward_by:
        subject = "Fwd: " + subject
        text = (f"{w.forward_by}\n\n---------- Forwarded message ---------\nFrom: {sender}\n"
                f"Date: {format_datetime(sent - dt.timedelta(hours=3))}\nSubject: {w.subject}\n"
                f"To: {OUR_DESK[1]}\n\n{text}")
        sender = "Meera Joshi <meera.joshi@tourstack.example>"
    msg["From"] = sender
    msg["To"] = f"{OUR_DESK[0]} <{OUR_DESK[1]}>"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(sent)
    msg["Message-ID"] = make_msgid(idstring=f"c{number}", domain=w.sender.email.split("@")[1])
    for k, v in w.headers.items():
        msg[k] = v
    charset = "iso-8859-1" if w.lang in ("de", "fr") and rng.random() < 0.35 else "utf-8"
    if w.sender.html_only and not w.forward_by:
        msg.set_content(_html(w, text), subtype="html", charset="utf-8")
    else:
        try:
            msg.set_content(text, charset=charset)
        except UnicodeEncodeError:
            msg.set_content(text, charset="utf-8")
    for name, mime, data in w.attachments:
        maintype, subtype = mime.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def mislabel(raw: bytes) -> bytes:
    """Re-encode a UTF-8 single-part body as Windows-1252 while still declaring UTF-8 (a fault
    the description lists for some European senders' mail servers)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    if b"Content-Transfer-Encoding: 8bit" not in head or b"multipart" in head:
        return raw
    return head + b"\r\n\r\n" + body.decode("utf-8").encode("cp1252", errors="replace")
