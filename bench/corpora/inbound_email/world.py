"""Who writes to the reservations desk: suppliers, agencies, their guests and our bookings.

Written from docs/inbound-email.md ("What the mail looks like"). The names are invented; the
shapes (a heritage haveli on Gmail, a chain hotel's central reservations, a German DMC) are the
ones the description lists.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from dataclasses import dataclass


@dataclass(frozen=True)
class Sender:
    name: str
    email: str
    kind: str          # hotel, transport, guide, dmc, agency, other
    lang: str          # en, hi (Hindi in Latin script), fr, de
    currency: str
    person: str
    signature: str     # the lines under the sign-off
    html_only: bool = False


SUPPLIERS = [
    Sender("Haveli Dharampura", "reservations@havelidharampura.in", "hotel", "hi", "INR", "Rakesh Sharma",
           "Haveli Dharampura, Gali Gulian, Chandni Chowk area, Jaipur\nMob: +91 98290 11223\n"
           "GSTIN 08AAGFH1234K1Z2 | Reservations Desk"),
    Sender("Amber Courtyard Hotel", "central.reservations@ambercourtyard.com", "hotel", "en", "INR",
           "Central Reservations Team",
           "Amber Courtyard Hotel | Amer Road, Jaipur 302002\nT +91 141 266 0000 | www.ambercourtyard.com\n"
           "This e-mail and any attachment are confidential and intended solely for the addressee.",
           html_only=True),
    Sender("Lake Pichola Residency", "frontoffice.lpr@gmail.com", "hotel", "hi", "INR", "Sunil Mehta",
           "Front Office Manager\nLake Pichola Residency, Udaipur\n+91 94141 55667"),
    Sender("Rajputana Cabs", "rajputanacabs@gmail.com", "transport", "hi", "INR", "Vikram Singh",
           "Rajputana Cabs & Tours\n24x7: +91 98280 44556"),
    Sender("Marwar Coach Lines", "bookings@marwarcoach.in", "transport", "en", "INR", "Priya Rathore",
           "Bookings Executive\nMarwar Coach Lines Pvt Ltd, Jodhpur\nPh 0291 254 1100"),
    Sender("Kerala Backwater Guides", "anil.guide@keralaguides.in", "guide", "en", "INR", "Anil Kumar",
           "Anil Kumar, licensed guide (Kerala Tourism no. KT-4471)\nSent from my iPhone"),
    Sender("Himalayan Trails DMC", "ops@himalayantrails.in", "dmc", "en", "INR", "Tenzin Dorje",
           "Operations | Himalayan Trails DMC, Manali\n+91 1902 252 300 | ops@himalayantrails.in"),
    Sender("Alpen Incoming GmbH", "reservierung@alpen-incoming.de", "dmc", "de", "EUR", "Katrin Huber",
           "Alpen Incoming GmbH | Maximilianstraße 12 | 80539 München\nGeschäftsführer: Josef Brandl | "
           "Amtsgericht München HRB 123456\nUSt-IdNr. DE812345678"),
    Sender("Hotel Bergblick Interlaken", "info@bergblick-interlaken.ch", "hotel", "de", "CHF", "Martin Frei",
           "Hotel Bergblick ***S | Höheweg 40 | 3800 Interlaken\nTel. +41 33 822 11 22"),
    Sender("Provence Voyages SARL", "resa@provence-voyages.fr", "dmc", "fr", "EUR", "Camille Laurent",
           "Provence Voyages SARL | 8 cours Mirabeau | 13100 Aix-en-Provence\nSIRET 812 345 678 00019 | "
           "IM013100042"),
    Sender("Hôtel du Vieux Port", "reservation@hotelvieuxport.fr", "hotel", "fr", "EUR", "Julien Martin",
           "Hôtel du Vieux Port ****\n18 quai du Port, 13002 Marseille\nTél. +33 4 91 00 00 00",
           html_only=True),
]

AGENCIES = [
    Sender("Globetrotter Reisen", "anfragen@globetrotter-reisen.de", "agency", "de", "EUR", "Stefan Weber",
           "Globetrotter Reisen GmbH | Zeil 10 | 60313 Frankfurt"),
    Sender("Voyages Lumière", "contact@voyages-lumiere.fr", "agency", "fr", "EUR", "Sophie Bernard",
           "Voyages Lumière | 22 rue de Rivoli | 75004 Paris"),
    Sender("Sunrise Holidays", "sales@sunriseholidays.in", "agency", "hi", "INR", "Neha Kapoor",
           "Sunrise Holidays, Andheri East, Mumbai\n+91 22 4000 1234"),
    Sender("Wanderlust Travels", "groups@wanderlust-travels.co.uk", "agency", "en", "GBP", "James Carter",
           "Wanderlust Travels Ltd | 5 Fleet Street | London EC4Y 1AA"),
]

OTHERS = [
    Sender("Travel Trade Weekly", "newsletter@traveltradeweekly.com", "other", "en", "INR", "Editorial",
           "You receive this because you subscribed. Unsubscribe | Manage preferences", html_only=True),
    Sender("Mail Delivery Subsystem", "mailer-daemon@mx.tourstack.example", "other", "en", "INR", "", ""),
    Sender("Accounts Team", "security-alert@paypa1-verify.com", "other", "en", "INR", "", ""),
]

OUR_DESK = ("Tourstack Reservations", "reservations@tourstack.example")

SURNAMES = ["Sharma", "Müller", "Dubois", "Smith", "Patel", "Schneider", "Lefèvre", "Iyer", "Brown",
            "Wagner", "Moreau", "Gupta", "Taylor", "Fischer", "Laurent", "Nair", "Verma", "Bauer"]
GIVEN = ["Anita", "Thomas", "Claire", "David", "Rohan", "Julia", "Pierre", "Meera", "Emma", "Lukas",
         "Chloé", "Arjun", "Olivia", "Felix", "Louise", "Kavya", "Amit", "Hannah"]
ROOMS = {"en": ["Deluxe Room", "Heritage Suite", "Superior Double", "Premium Lake View Room"],
         "hi": ["Deluxe Room", "Haveli Suite", "Lake View Room"],
         "de": ["Doppelzimmer Superior", "Junior Suite", "Einzelzimmer Standard"],
         "fr": ["Chambre Double Supérieure", "Suite Junior", "Chambre Classique"]}
VEHICLES = ["Toyota Innova Crysta", "Swift Dzire", "Tempo Traveller 12 seater", "Volvo 35 seater coach"]

REF_ALPHABET = string.digits + "".join(c for c in string.ascii_uppercase if c not in "OI")


@dataclass(frozen=True)
class Booking:
    ref: str
    lead: tuple[str, str]          # given, surname
    guests: int
    check_in: dt.date
    check_out: dt.date


def booking(rng: random.Random) -> Booking:
    ref = "TB" + "".join(rng.choice(REF_ALPHABET) for _ in range(7))
    start = dt.date(2027, 1, 5) + dt.timedelta(days=rng.randrange(0, 330))
    nights = rng.randrange(1, 6)
    return Booking(ref, (rng.choice(GIVEN), rng.choice(SURNAMES)), rng.randrange(1, 5), start,
                   start + dt.timedelta(days=nights))


def code(rng: random.Random, prefix: str, digits: int = 6) -> str:
    return prefix + "".join(rng.choice(string.digits) for _ in range(digits))
