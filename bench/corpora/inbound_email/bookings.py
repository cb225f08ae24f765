"""Confirmations, amendments and cancellations, as hotels, transport companies, guides and DMCs
write them in English, Hinglish, German and French (docs/inbound-email.md)."""

from __future__ import annotations

import datetime as dt
import random

from bench.corpora.inbound_email.dates import written
from bench.corpora.inbound_email.mime import Written
from bench.corpora.inbound_email.world import ROOMS, VEHICLES, Booking, Sender, code


def our_request(s: Sender, b: Booking, what: str, rng: random.Random) -> str:
    """The desk's own mail that the supplier answers (quoted below the answer)."""
    item = rng.choice(ROOMS["en"]) if s.kind == "hotel" else rng.choice(VEHICLES)
    verb = {"confirm": "Kindly confirm the following booking",
            "amend": "Please amend the booking below to the new dates",
            "cancel": "Please cancel the booking below and send the cancellation number"}[what]
    return (f"Dear {s.person.split()[0]},\n\n{verb}:\n\nBooking ref: {b.ref}\nGuest: {b.lead[0]} {b.lead[1]} x {b.guests}\n"
            f"Dates: {b.check_in:%d %b %Y} - {b.check_out:%d %b %Y}\nService: {item}\n\n"
            "Thanks & Regards,\nReservations, Tourstack Journeys\n+91 141 400 0000")


def _expected(b: Booking, number: str | None, *, key: str = "confirmation_number", room: str | None = None,
              dates: bool = True) -> dict:
    out = {"booking_ref": b.ref, key: number}
    if dates:
        out |= {"start_date": b.check_in.isoformat(), "end_date": b.check_out.isoformat()}
    if room:
        out["room_type"] = room
    return out


def confirmation(s: Sender, b: Booking, rng: random.Random) -> tuple[Written, dict]:
    conf = code(rng, rng.choice(["", "CNF", "HB-", "RC"]), rng.choice([5, 6, 8]))
    d = lambda day: written(day, s.lang, rng)  # noqa: E731
    name = f"{b.lead[0]} {b.lead[1]}"
    room = rng.choice(ROOMS[s.lang]) if s.kind == "hotel" else None
    ref = b.ref if rng.random() < 0.8 else f"{b.ref[:2]} {b.ref[2:]}"
    table = None
    if s.lang == "de":
        subject = rng.choice([f"Buchungsbestätigung {b.ref} / {b.lead[1]}", f"Ihre Reservierung {b.ref} - Bestätigung"])
        body = (f"Sehr geehrte Damen und Herren,\n\nvielen Dank für Ihre Buchung. Hiermit bestätigen wir verbindlich:\n\n"
                f"Gast: {name}\nIhre Referenz: {ref}\nBestätigungsnummer: {conf}\nAnreise: {d(b.check_in)}\n"
                f"Abreise: {d(b.check_out)}\n" + (f"Zimmer: 1 {room}\n" if room else "Leistung: Transfer und Reiseleitung\n")
                + f"Personen: {b.guests}\n\nWir freuen uns auf Ihre Gäste.")
    elif s.lang == "fr":
        subject = rng.choice([f"Confirmation de réservation n° {conf} - {b.ref}", f"Réservation confirmée {b.ref}"])
        body = (f"Bonjour,\n\nNous avons le plaisir de vous confirmer la réservation suivante :\n\n"
                f"Client : {name}\nVotre référence : {ref}\nNuméro de confirmation : {conf}\n"
                f"Arrivée : {d(b.check_in)}\nDépart : {d(b.check_out)}\n"
                + (f"Type de chambre : {room}\n" if room else "Prestation : transferts et guide\n")
                + f"Nombre de personnes : {b.guests}\n\nAu plaisir d'accueillir vos clients.")
        table = [("Référence agence", ref), ("N° de confirmation", conf), ("Client", name),
                 ("Arrivée", d(b.check_in)), ("Départ", d(b.check_out)), ("Chambre", room or "-"),
                 ("Personnes", str(b.guests))]
    elif s.lang == "hi":
        what = f"{room}, {b.guests} pax" if room else f"{rng.choice(VEHICLES)} with driver, {b.guests} pax"
        subject = rng.choice([f"Re: Booking request {b.ref}", f"booking confirm - {b.lead[1]} ji", f"Confirmed {b.ref}"])
        body = (f"Namaste Sir,\n\nAapki booking confirm ho gayi hai. Details neeche hain:\n\nGuest: {name} + {b.guests - 1}\n"
                f"Check in {d(b.check_in)} / check out {d(b.check_out)}\n{what}\nConf no. {conf}\nRef {ref}\n\n"
                "Koi change ho to bata dijiye.")
    else:
        subject = rng.choice([f"Booking Confirmation - {b.ref} - {name}", f"Reservation confirmed: {b.lead[1]} ({b.ref})",
                              f"Confirmation {conf} / your ref {b.ref}"])
        label = rng.choice(["Confirmation No", "Confirmation number", "Conf#", "Booking ID"])
        body = (f"Dear Team,\n\nWe are pleased to confirm the following reservation:\n\nGuest name: {name}\n"
                f"Your ref: {ref}\n{label}: {conf}\nArrival: {d(b.check_in)}\nDeparture: {d(b.check_out)}\n"
                + (f"Room type: {room} x 1\n" if room else f"Service: {rng.choice(VEHICLES)} / guide\n")
                + f"No. of guests: {b.guests}\nMeal plan: CP (breakfast)\n\nLooking forward to welcoming your guests.")
        table = [("Confirmation number", conf), ("Agent reference", ref), ("Guest", name),
                 ("Check-in", d(b.check_in)), ("Check-out", d(b.check_out)), ("Room", room or "-"),
                 ("Guests", str(b.guests))]
    quoted = our_request(s, b, "confirm", rng) if rng.random() < 0.6 else None
    exp = _expected(b, conf, room=room) | {"guests": b.guests, "guest_name": name}
    return Written(s, subject, body, s.lang, quoted=quoted, html_table=table), exp


def amendment(s: Sender, b: Booking, rng: random.Random) -> tuple[Written, dict]:
    conf = code(rng, rng.choice(["", "CNF", "HB-"]), 6)
    new_in = b.check_in + dt.timedelta(days=rng.choice([-2, -1, 1, 2, 3]))
    new = Booking(b.ref, b.lead, b.guests, new_in, new_in + (b.check_out - b.check_in))
    d = lambda day: written(day, s.lang, rng)  # noqa: E731
    if s.lang == "de":
        subject = rng.choice([f"Änderung Ihrer Buchung {b.ref}", f"Umbuchung {b.ref} - neue Daten"])
        body = (f"Sehr geehrte Damen und Herren,\n\nwir haben Ihre Buchung wie gewünscht geändert.\n\n"
                f"Referenz: {b.ref}\nBestätigungsnummer: {conf} (unverändert)\nNeue Anreise: {d(new.check_in)}\n"
                f"Neue Abreise: {d(new.check_out)}\nPersonen: {b.guests}\n\nAlle anderen Leistungen bleiben unverändert.")
    elif s.lang == "fr":
        subject = rng.choice([f"Modification de la réservation {b.ref}", f"Réservation {b.ref} : changement de dates"])
        body = (f"Bonjour,\n\nSuite à votre demande, nous avons modifié la réservation :\n\nRéférence : {b.ref}\n"
                f"Numéro de confirmation : {conf}\nNouvelle date d'arrivée : {d(new.check_in)}\n"
                f"Nouvelle date de départ : {d(new.check_out)}\nNombre de personnes : {b.guests}\n\n"
                "Les autres prestations restent inchangées.")
    elif s.lang == "hi":
        subject = rng.choice([f"Re: {b.ref} date change", f"dates change - {b.lead[1]} ji ({b.ref})"])
        body = (f"Sir,\n\nAapke mail ke hisaab se dates change kar di hain.\nNaye dates: {d(new.check_in)} se "
                f"{d(new.check_out)} tak.\nBaaki sab same hai. Conf no {conf}, ref {b.ref}.")
    else:
        subject = rng.choice([f"Amendment to booking {b.ref}", f"Revised confirmation {b.ref} - date change",
                              f"Re: {b.ref} - change of dates"])
        body = (f"Dear Team,\n\nAs requested, we have amended the reservation below. Please note the revised dates:\n\n"
                f"Your ref: {b.ref}\nConfirmation No: {conf} (unchanged)\nNew arrival: {d(new.check_in)}\n"
                f"New departure: {d(new.check_out)}\nGuests: {b.guests}\n\nAll other details remain the same.")
    if rng.random() < 0.5:  # the supplier replies above its own earlier confirmation
        quoted, _ = confirmation(s, b, rng)
        quoted_text, quoted_from = quoted.body, (s.name, s.email)
    else:
        quoted_text, quoted_from = our_request(s, b, "amend", rng), None
    w = Written(s, subject, body, s.lang, quoted=quoted_text,
                html_table=[("Reference", b.ref), ("New arrival", d(new.check_in)), ("New departure", d(new.check_out))])
    if quoted_from:
        w.quoted_from = quoted_from
    return w, _expected(new, conf)


def cancellation(s: Sender, b: Booking, rng: random.Random) -> tuple[Written, dict]:
    cx = code(rng, rng.choice(["CX", "CXL-", "", "ST"]), 6)
    if s.lang == "de":
        subject = rng.choice([f"Stornierung Buchung {b.ref}", f"Stornobestätigung {b.ref} / {b.lead[1]}"])
        body = (f"Sehr geehrte Damen und Herren,\n\nhiermit bestätigen wir die Stornierung der Buchung {b.ref} "
                f"({b.lead[0]} {b.lead[1]}).\nStornonummer: {cx}\nEs fallen keine Stornogebühren an.")
    elif s.lang == "fr":
        subject = rng.choice([f"Annulation réservation {b.ref}", f"Confirmation d'annulation - {b.ref}"])
        body = (f"Bonjour,\n\nNous vous confirmons l'annulation de la réservation {b.ref} au nom de {b.lead[1]}.\n"
                f"Numéro d'annulation : {cx}\nAucuns frais d'annulation ne seront appliqués.")
    elif s.lang == "hi":
        subject = rng.choice([f"Re: {b.ref} cancel", f"booking cancel - {b.ref}"])
        body = (f"Sir,\n\nBooking {b.ref} cancel kar di hai ({b.lead[1]} ji wali).\nCancellation no. {cx}. "
                "Koi charges nahi lagenge.")
    else:
        subject = rng.choice([f"Cancellation confirmed - {b.ref}", f"Cancellation of reservation {b.ref}",
                              f"RE: Please cancel {b.ref}"])
        body = (f"Dear Team,\n\nWe confirm the cancellation of the reservation for {b.lead[0]} {b.lead[1]} "
                f"(your ref {b.ref}).\nCancellation number: {cx}\nNo cancellation charges apply.")
    if rng.random() < 0.4:
        quoted, _ = confirmation(s, b, rng)
        w = Written(s, subject, body, s.lang, quoted=quoted.body, quoted_from=(s.name, s.email))
    else:
        w = Written(s, subject, body, s.lang, quoted=our_request(s, b, "cancel", rng) if rng.random() < 0.7 else None)
    w.html_table = [("Reference", b.ref), ("Cancellation number", cx), ("Status", "Cancelled")]
    return w, _expected(b, cx, key="cancellation_number", dates=False)
