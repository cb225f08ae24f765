"""Emergency numbers printed in the trip document, per country we sell.

Public numbers of the national services (checked against each government's published lists);
a country without an entry gets the GSM standard 112, which mobile networks route to the
local emergency service almost everywhere, and says so.
"""

from __future__ import annotations

EMERGENCY_NUMBERS: dict[str, list[tuple[str, str]]] = {
    "IN": [("All emergencies", "112"), ("Police", "100"), ("Ambulance", "108"), ("Fire", "101"),
           ("Tourist helpline (Ministry of Tourism, 24 h)", "1363")],
    "AE": [("Police", "999"), ("Ambulance", "998"), ("Fire", "997")],
    "SG": [("Police", "999"), ("Ambulance and fire", "995")],
    "TH": [("Tourist police", "1155"), ("Police", "191"), ("Ambulance", "1669"), ("Fire", "199")],
    "FR": [("All emergencies", "112"), ("Ambulance (SAMU)", "15"), ("Police", "17"), ("Fire", "18")],
    "GB": [("All emergencies", "999 or 112"), ("Urgent medical advice (NHS)", "111")],
    "US": [("All emergencies", "911")],
}


def emergency_numbers(country_code: str | None) -> list[tuple[str, str]]:
    found = EMERGENCY_NUMBERS.get((country_code or "").upper())
    return found or [("Emergency from any mobile phone (GSM standard)", "112")]
