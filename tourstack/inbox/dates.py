"""Dates as suppliers write them: ISO, day-first numeric ("02/03/2027", "02.03.2027"), and with
month names in English, German and French ("9. September 2027", "1er juillet 2027", "March 2,
2027", "13-Nov-2027"). Numeric dates are day first: the suppliers are in India and Europe.
Shared by the confirmation and rate-sheet readers."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MONTHS = {
    **{m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                   "september", "october", "november", "december"), 1)},
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)},
    "sept": 9,
    **{m: i for i, m in enumerate(("januar", "februar", "marz", "april", "mai", "juni", "juli", "august",
                                   "september", "oktober", "november", "dezember"), 1)},
    "okt": 10, "dez": 12, "mrz": 3,
    **{m: i for i, m in enumerate(("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
                                   "septembre", "octobre", "novembre", "decembre"), 1)},
    "janv": 1, "fevr": 2, "avr": 4, "juil": 7, "oct.": 10,
}
_ISO = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_NUMERIC = r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})"
_NAMED = r"(\d{1,2})(?:st|nd|rd|th|er)?\.?(?:\s+|-)([a-zéèûôä]{3,9})\.?,?(?:\s*|-)(\d{4})"
_NAMED_US = r"([a-zéèûôä]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})"
DATE = re.compile(f"{_ISO}|{_NUMERIC}|{_NAMED}|{_NAMED_US}", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower-case ASCII: "Lefèvre" is "lefevre", "März" is "marz"."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def match_date(match: re.Match) -> dt.date | None:
    """The date a `DATE` match names, or None when it names none (31/02, month 13, no such month)."""
    g = match.groups()
    try:
        if g[0]:
            return dt.date(int(g[0]), int(g[1]), int(g[2]))
        if g[3]:
            return dt.date(int(g[5]), int(g[4]), int(g[3]))
        if g[6]:
            month = MONTHS.get(fold(g[7]).rstrip("."))
            return dt.date(int(g[8]), month, int(g[6])) if month else None
        month = MONTHS.get(fold(g[9]).rstrip("."))
        return dt.date(int(g[11]), month, int(g[10])) if month else None
    except ValueError:
        return None
