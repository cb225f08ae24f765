"""Reading confirmations as suppliers write them (docs/inbound-email.md), on messages written
here, not taken from the benchmark corpus: labels in four languages, spaced and lower-case
references, day-first and named dates, party sizes written several ways, and no guessing."""

from __future__ import annotations

import datetime as dt

import pytest

from tourstack.inbox.confirmation import booking_refs, extract
from tourstack.inbox.parse import ParsedMail


def _mail(text: str, subject: str = "") -> ParsedMail:
    return ParsedMail(subject=subject, body=text, text=text)


@pytest.mark.parametrize(("written", "ref"), [
    ("TB4K7X2QA", "TB4K7X2QA"), ("tb4k7x2qa", "TB4K7X2QA"), ("TB 4K7X 2QA", "TB4K7X2QA"),
    ("TB-4K7X2QA", "TB4K7X2QA"), ("TB4K7X2QO", "TB4K7X2Q0"), ("TBI23456A", "TB123456A"),
])
def test_booking_references_as_people_type_them(written, ref):
    assert booking_refs(f"Your ref {written}, thanks") == [ref]


def test_no_reference_in_longer_words_or_numbers():
    assert booking_refs("TBC later; call 98765 43210; STB12345678X") == []


def test_english_hotel_confirmation():
    got = extract(_mail(
        "Dear Team,\n\nGuest name: Mr Arjun Mehta\nYour reference: TB7QWE3RT\nConfirmation number: RSV-20931\n"
        "Check-in: 14/02/2027\nCheck-out: 17/02/2027\nRoom type: Deluxe Twin x 2\n2 adults + 1 child\n"))
    assert (got.booking_ref, got.confirmation_number) == ("TB7QWE3RT", "RSV-20931")
    assert (got.start_date, got.end_date) == (dt.date(2027, 2, 14), dt.date(2027, 2, 17))
    assert (got.guests, got.guest_name, got.room_type) == (3, "Arjun Mehta", "Deluxe Twin")


def test_german_named_dates_and_labels():
    got = extract(_mail("Gast: Frau Anna Köhler\nIhre Referenz: TB8PLM2NB\nBuchungsnummer: 7781-A\n"
                        "Anreise: 3. März 2027\nAbreise: 6. März 2027\nZimmerkategorie: Doppelzimmer Superior\n"
                        "Personen: 2", subject="Buchungsbestätigung"))
    assert got.confirmation_number == "7781-A"
    assert (got.start_date, got.end_date) == (dt.date(2027, 3, 3), dt.date(2027, 3, 6))
    assert (got.guest_name, got.guests, got.room_type) == ("Anna Köhler", 2, "Doppelzimmer Superior")


def test_french_and_us_style_dates():
    fr = extract(_mail("Client : Mme Lea Martin\nN° de confirmation : FR99812\nArrivée : 1er juillet 2027\n"
                       "Départ : 04/07/2027\nNombre de personnes : 3\nRéf. TB2XC4VB8"))
    assert (fr.start_date, fr.end_date, fr.guests) == (dt.date(2027, 7, 1), dt.date(2027, 7, 4), 3)
    us = extract(_mail("Conf # 55120993 for TB9MN3BV7. Arrival: March 2, 2027. Departure: March 5, 2027."))
    assert (us.confirmation_number, us.start_date, us.end_date) == ("55120993", dt.date(2027, 3, 2), dt.date(2027, 3, 5))


def test_terse_guide_line_and_companions():
    got = extract(_mail("Guest: Rohan Das + 3\nconfirmed TB5TY6UI7 from 2027-01-10 to 2027-01-12"))
    assert got.guests == 4 and got.guest_name == "Rohan Das"
    assert (got.start_date, got.end_date) == (dt.date(2027, 1, 10), dt.date(2027, 1, 12))
    assert got.booking_ref == "TB5TY6U17"


def test_amendment_reads_new_dates_not_the_quoted_old_ones():
    mail = ParsedMail(subject="Amendment TB3FBCD67", text="New arrival: 12-Oct-2027\nNew departure: 15-Oct-2027",
                      body="New arrival: 12-Oct-2027\nNew departure: 15-Oct-2027\n> Arrival: 01-Oct-2027\n"
                           "> Departure: 03-Oct-2027")
    got = extract(mail)
    assert (got.start_date, got.end_date) == (dt.date(2027, 10, 12), dt.date(2027, 10, 15))


def test_nothing_unlabelled_is_guessed():
    got = extract(_mail("Thanks, noted. Will revert by 12 noon. Ph 9876543210."))
    assert (got.booking_ref, got.confirmation_number, got.guests, got.guest_name) == (None, None, None, None)


def test_impossible_dates_are_not_read():
    got = extract(_mail("Arrival: 31/02/2027\nDeparture: 2027-13-01"))
    assert (got.start_date, got.end_date) == (None, None)
