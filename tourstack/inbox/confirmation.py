"""Reading a supplier's confirmation, amendment or cancellation: our booking reference, their
confirmation number, the dates, the guests, the lead guest's name and the room type.

Why labelled fields and not free-text guessing: suppliers write these as "label: value" lines,
a table row or one terse line (docs/inbound-email.md, "What the mail looks like"), in English,
Hindi in Latin script, German and French. A value is taken only after a label we know, so an
unlabelled number is never read as a confirmation number. Dates are read in the new part of
the mail first (an amendment quotes the old dates below), numeric dates day first (the
suppliers are in India and Europe), with month names in the four languages.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

from tourstack.inbox.dates import DATE, fold, match_date
from tourstack.inbox.parse import ParsedMail

# Booking refs are TB and seven of base 34 (no O, no I); people space them and lower-case them,
# and type O and I for 0 and 1 (tourstack.demo.sales.booking_refs).
BOOKING_REF = re.compile(r"\bT\s?B[\s-]?((?:[0-9A-Z][\s-]?){6}[0-9A-Z])\b", re.IGNORECASE)
_CONFUSABLES = str.maketrans({"O": "0", "I": "1"})

_SEP = r"\s*(?:[:#=\-–]|n[o°º]\.?|no\.?|number|nummer|num[ée]ro)*\s*"
CONFIRMATION_LABELS = (
    r"conf(?:irmation)?\.?\s*(?:no|number|#|num(?:ber)?)\.?", r"booking\s*id", r"reservation\s*(?:no|number)\.?",
    r"best[äa]tigungs(?:nummer|nr\.?)", r"buchungsnummer", r"n[°º]\s*de\s*confirmation",
    r"num[ée]ro\s*de\s*confirmation", r"confirmation\s*id", r"cancell?ation\s*(?:no|number|id)\.?",
    r"stornonummer", r"num[ée]ro\s*d'annulation",
)
CONFIRMATION_NUMBER = re.compile(
    r"(?:" + "|".join(CONFIRMATION_LABELS) + r")\s*[:#]?\s*([A-Z0-9][A-Z0-9\-/]{2,30}[A-Z0-9])", re.IGNORECASE)

START_LABELS = (r"check[\s-]?in", r"arrival", r"new\s+arrival", r"anreise", r"arriv[ée]e", r"nouvelle\s+date\s+d'arriv[ée]e",
                r"service\s+date", r"from", r"date\s+d'arriv[ée]e", r"ankunft", r"neue\s+anreise", r"start")
END_LABELS = (r"check[\s-]?out", r"departure", r"new\s+departure", r"abreise", r"d[ée]part", r"nouvelle\s+date\s+de\s+d[ée]part",
              r"to", r"until", r"date\s+de\s+d[ée]part", r"neue\s+abreise", r"end")
GUEST_NAME_LABELS = (r"guest\s*name", r"lead\s*guest", r"guest", r"name\s+des\s+gastes", r"gast", r"client",
                     r"nom\s+du\s+client", r"passenger", r"pax\s*name", r"mr\.?", r"mrs\.?", r"ms\.?")
ROOM_LABELS = (r"room\s*type", r"room\s*category", r"room", r"zimmerkategorie", r"zimmer", r"type\s+de\s+chambre",
               r"chambre", r"categorie")
GUEST_COUNT = (
    re.compile(r"(?:no\.?\s*of\s*guests|number\s*of\s*guests|guests|pax|personen|personnes|nombre\s+de\s+personnes|"
               r"anzahl\s+der\s+g[äa]ste|travellers)\s*[:=]?\s*(\d{1,2})\b", re.IGNORECASE),
    re.compile(r"\b(\d{1,2})\s*(?:pax|guests|persons|people|personen|personnes|adults|erwachsene|adultes)\b", re.IGNORECASE),
)
CHILDREN = re.compile(r"\b(\d{1,2})\s*(?:children|child|kids|kinder|enfants)\b", re.IGNORECASE)
PLUS_COMPANIONS = re.compile(r"\+\s*(\d{1,2})\b")



@dataclass
class ConfirmationFields:
    booking_ref: str | None = None
    confirmation_number: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    guests: int | None = None
    guest_name: str | None = None
    room_type: str | None = None

    def as_json(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(self).items()}


def normalise_ref(raw: str) -> str:
    return "TB" + re.sub(r"[\s-]", "", raw).upper().translate(_CONFUSABLES)


def booking_refs(text: str) -> list[str]:
    seen: list[str] = []
    for match in BOOKING_REF.finditer(text):
        ref = normalise_ref(match.group(1))
        if ref not in seen:
            seen.append(ref)
    return seen


def _dates(text: str) -> list[dt.date]:
    return [d for d in (match_date(m) for m in DATE.finditer(text)) if d is not None]


def _labelledmatch_date(text: str, labels: tuple[str, ...]) -> dt.date | None:
    pattern = re.compile(r"(?:^|[\s/,(])(?:" + "|".join(labels) + r")\b\.?\s*(?:date)?\s*[:=\-–]?\s*", re.IGNORECASE | re.MULTILINE)
    for label in pattern.finditer(text):
        match = DATE.match(text, label.end())
        if match and (day := match_date(match)):
            return day
    return None


def _labelled_line(text: str, labels: tuple[str, ...]) -> str | None:
    pattern = re.compile(r"^\s*(?:" + "|".join(labels) + r")\s*[:=]\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
    match = pattern.search(text)
    return match.group(1) if match else None


def _guest_name(text: str) -> str | None:
    value = _labelled_line(text, GUEST_NAME_LABELS)
    if not value:
        return None
    value = re.sub(r"\s*\+\s*\d+.*$", "", value)  # "Chloé Müller + 1"
    value = re.sub(r"^(?:mr|mrs|ms|dr|herr|frau|m\.|mme)\.?\s+", "", value, flags=re.IGNORECASE)
    value = re.sub(r"\s*[(,;].*$", "", value).strip()
    return value[:200] or None


def _room_type(text: str) -> str | None:
    value = _labelled_line(text, ROOM_LABELS)
    if value:
        value = re.sub(r"\s*[x×]\s*\d+$", "", re.sub(r"^\d+\s*[x×]?\s*", "", value))  # "1 x Suite", "Suite x 1"
        return value.strip()[:120] or None
    # "Lake View Room, 2 pax": a line naming a room with the party size
    match = re.search(r"^\s*([A-Z][\w' -]{2,60}?\b(?:room|suite|villa|cottage|tent))\b", text, re.IGNORECASE | re.MULTILINE)
    return match.group(1).strip() if match else None


def _guests(text: str) -> int | None:
    for pattern in GUEST_COUNT:
        if match := pattern.search(text):
            count = int(match.group(1))
            if children := CHILDREN.search(text):
                count += int(children.group(1))
            return count or None
    name_line = _labelled_line(text, GUEST_NAME_LABELS)
    if name_line and (plus := PLUS_COMPANIONS.search(name_line)):
        return 1 + int(plus.group(1))
    return None


def _range(text: str) -> tuple[dt.date | None, dt.date | None]:
    """'Check in 2027-09-26 / check out 2027-09-30', 'from 3 to 5 March 2027' need no label each."""
    start, end = _labelledmatch_date(text, START_LABELS), _labelledmatch_date(text, END_LABELS)
    if start and end:
        return start, end
    days = _dates(text)
    if len(days) >= 2 and days[1] >= days[0]:
        return start or days[0], end or days[1]
    return start, end


def extract(mail: ParsedMail) -> ConfirmationFields:
    """The fields of one message; the new part first, the whole body where the new part lacks one."""
    fields = ConfirmationFields()
    subject, new, whole = mail.subject, mail.text or mail.body, mail.body or mail.text
    refs = booking_refs(f"{subject}\n{new}") or booking_refs(whole)
    fields.booking_ref = refs[0] if refs else None
    for text in (new, subject, whole):
        if match := CONFIRMATION_NUMBER.search(text):
            number = match.group(1).upper()
            if not BOOKING_REF.fullmatch(number):
                fields.confirmation_number = number
                break
    fields.start_date, fields.end_date = _range(new)
    if fields.start_date is None and fields.end_date is None:
        fields.start_date, fields.end_date = _range(whole)
    fields.guests = _guests(new) or _guests(whole)
    fields.guest_name = _guest_name(new) or _guest_name(whole)
    fields.room_type = _room_type(new)
    return fields
