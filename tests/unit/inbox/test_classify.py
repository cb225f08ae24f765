"""The rule classifier: the more specific kind wins when words overlap, machine mail is other."""

from __future__ import annotations

import pytest

from tourstack.inbox.classify import baseline, classify
from tourstack.inbox.parse import Attachment, ParsedMail


def _mail(subject: str, text: str = "", headers: dict | None = None, attachments=()) -> ParsedMail:
    return ParsedMail(subject=subject, text=text, headers=headers or {}, attachments=list(attachments))


@pytest.mark.parametrize(("subject", "text", "expected"), [
    ("Cancellation confirmed - TB4K7X2QA", "We confirm the cancellation.", "cancellation"),
    ("Re: TB4K7X2QA", "Booking cancel kar di hai. Cancellation no. CX1.", "cancellation"),
    ("Revised confirmation TB4K7X2QA - date change", "New arrival: 12/03/2027", "amendment"),
    ("Änderung Ihrer Buchung TB4K7X2QA", "wir haben Ihre Buchung geändert", "amendment"),
    ("Facture F-2027-0331", "Veuillez trouver ci-joint notre facture", "supplier_invoice"),
    ("Enquiry - Rajasthan 8 nights", "Could you send us a quote and your best rates?", "customer_enquiry"),
    ("quote chahiye - Kerala", "Rates kya honge?", "customer_enquiry"),
    ("Tarifs 2027", "Veuillez trouver ci-joint nos tarifs.", "rate_sheet"),
    ("Buchungsbestätigung TB4K7X2QA", "Hiermit bestätigen wir verbindlich", "booking_confirmation"),
    ("Re: Booking request TB4K7X2QA", "Aapki booking confirm ho gayi hai.", "booking_confirmation"),
    ("Season's greetings", "Happy new year!", "other"),
])
def test_categories_in_four_languages(subject, text, expected):
    assert classify(_mail(subject, text)).category == expected


def test_rates_in_the_body_need_a_sheet_or_a_table():
    assert classify(_mail("Hello", "Our rates went up, call me.")).category == "other"
    table = "Vehicle | Season | Rate\nInnova | Peak | 4000\nDzire | Low | 2500"
    assert classify(_mail("Hello", "New rates below:\n" + table)).category == "rate_sheet"
    sheet = Attachment("prices.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK")
    assert classify(_mail("Hello", "rates attached", attachments=[sheet])).category == "rate_sheet"


def test_auto_replies_and_bulk_mail_are_other_whatever_they_say():
    assert classify(_mail("Automatic reply: Booking TB4K7X2QA confirmed")).category == "other"
    assert classify(_mail("Booking TB4K7X2QA", headers={"auto-submitted": "auto-replied"})).category == "other"
    assert classify(_mail("Special offer rates!", headers={"list-unsubscribe": "<mailto:x@y>"})).category == "other"
    assert classify(_mail("Invitation: Rates discussion call @ Tue")).category == "other"


def test_the_floor_reads_only_english_subject_keywords():
    assert baseline("Amendment TB4K7X2QA") == "amendment"
    assert baseline("Änderung Ihrer Buchung") == "other"
