"""Customers' WhatsApp numbers as E.164 (`+919812345678`), validated by `phonenumbers`.

Why strict: the number is the key of a customer's consent. `+91 98123 45678`, `0091...` and
`whatsapp:+91...` must all be the same row, and a number that no country could dial must be
refused before anything is recorded or sent.
"""

from __future__ import annotations

import re

import phonenumbers

from tourstack.errors import Invalid

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


class InvalidPhone(Invalid):
    code = "invalid-phone-number"
    title = "Invalid phone number"


def e164(raw: str, *, region: str | None = None) -> str:
    """The number in E.164, or InvalidPhone. Without a leading + a `region` (ISO country) is
    needed; Meta's webhooks send numbers without the +, which is added."""
    text = (raw or "").strip()
    if text.lower().startswith("whatsapp:"):
        text = text[len("whatsapp:"):]
    if text.isdigit() and region is None:
        text = "+" + text
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(f"{raw!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"{raw!r} is not a valid phone number")
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not E164.match(formatted):
        raise InvalidPhone(f"{raw!r} is not a valid phone number")
    return formatted


def maybe_e164(raw: str | None, *, region: str | None = None) -> str | None:
    if not raw:
        return None
    try:
        return e164(raw, region=region)
    except InvalidPhone:
        return None
