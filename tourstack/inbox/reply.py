"""The new part of a message: quoted history and signatures removed, forwards kept.

Quotes and signatures are cut by `mail-parser-reply` (English, German and French reply headers,
Outlook blocks, sign-offs). Two things it does not do are done here by hand:

- A forward is not a quote: "---------- Forwarded message ---------" puts the real content
  *below* the marker, so the forwarder's note and the forwarded message (its own quotes and
  signature cut in turn) are kept together.
- A few sign-offs it does not know ("Thanks & Regards", Hinglish "Dhanyavaad", French
  "Bien cordialement"): the text is cut at the last such line, when it is in the lower part of
  the message (a sign-off at the top is more likely a greeting than a signature).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LANGUAGES = ["en", "de", "fr"]
FORWARD_MARKER = re.compile(
    r"^[ \t>]*(?:-{2,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transf[ée]r[ée])\s*-*"
    r"|Begin forwarded message:|Anfang der weitergeleiteten Nachricht:|D[ée]but du message r[ée]exp[ée]di[ée]\s*:)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
FORWARD_HEADER = re.compile(r"^(From|Von|De|Date|Datum|Sent|Gesendet|Envoy[ée]|Subject|Betreff|Objet|To|An|[ÀA]|Cc)\s*:",
                            re.IGNORECASE)
FORWARD_FROM = re.compile(r"^(?:From|Von|De)\s*:\s*(?P<v>.+)$", re.IGNORECASE | re.MULTILINE)
EXTRA_SIGN_OFFS = re.compile(
    r"^\s*(thanks\s*(?:&|and)\s*regards|warm regards|dhanyavaad|dhanyawad|shukriya|bien cordialement|"
    r"meilleures salutations|sent from my (?:iphone|android|mobile))\b.*$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Cleaned:
    text: str               # what the sender wrote in this message (and what was forwarded)
    forwarded: bool
    forwarded_from: str | None


def _strip(text: str) -> str:
    from mailparser_reply import EmailReplyParser

    try:
        replies = EmailReplyParser(languages=LANGUAGES).read(text).replies
    except Exception:  # the library's regexes on hostile input: keep the text rather than fail
        replies = []
    body = replies[0].body if replies else text
    return _cut_sign_off(body if body and body.strip() else text).strip()


def _cut_sign_off(text: str) -> str:
    matches = list(EXTRA_SIGN_OFFS.finditer(text))
    if matches and matches[-1].start() > len(text) * 0.4:
        return text[: matches[-1].start()]
    return text


def latest(text: str) -> Cleaned:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    marker = FORWARD_MARKER.search(text)
    if marker is None:
        return Cleaned(_strip(text), False, None)
    note, forwarded = text[: marker.start()], text[marker.end():].lstrip("\n")
    lines = forwarded.split("\n")
    head = 0
    while head < len(lines) and (FORWARD_HEADER.match(lines[head]) or (head and lines[head].startswith(" "))):
        head += 1
    sender = FORWARD_FROM.search("\n".join(lines[:head]))
    inner = latest("\n".join(lines[head:]))
    return Cleaned((_strip(note) + "\n\n" + inner.text).strip(), True,
                   sender.group("v").strip() if sender else None)
