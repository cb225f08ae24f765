"""Customer enquiries from agencies and travellers, and everything else: newsletters and
promotions, auto-replies, bounces, thank-you notes, invitations, phishing."""

from __future__ import annotations

import random

from bench.corpora.inbound_email.mime import Written
from bench.corpora.inbound_email.world import GIVEN, OTHERS, SURNAMES, Booking, Sender


def enquiry(s: Sender, rng: random.Random, variant: int) -> tuple[Written, dict]:
    adults, children = rng.randrange(2, 15), rng.choice([0, 0, 1, 2])
    month = rng.choice(["October", "November", "December", "January", "February", "March"])
    if s.lang == "de":
        subject = rng.choice(["Anfrage Rundreise Rajasthan", f"Angebotsanfrage Indien {month} 2027", "Anfrage: Kerala 10 Tage"])
        body = (f"Sehr geehrte Damen und Herren,\n\nwir bitten um ein Angebot für eine Gruppe von {adults} Personen "
                f"(Erwachsene) im {month} 2027: Delhi, Agra, Jaipur, Udaipur, 4-Sterne-Hotels, Halbpension, "
                "deutschsprachige Reiseleitung. Bitte senden Sie uns Ihre Preise pro Person im Doppelzimmer.")
    elif s.lang == "fr":
        subject = rng.choice(["Demande de devis - circuit Inde du Nord", "Devis Rajasthan pour un couple",
                              "Demande de cotation : Kerala"])
        body = (f"Bonjour,\n\nPourriez-vous nous faire une proposition pour {adults} adultes"
                + (f" et {children} enfants" if children else "") + f" en {month} 2027 : Jaipur, Jodhpur, "
                "Udaipur, hôtels de charme, voiture avec chauffeur ? Merci de nous indiquer le prix par personne.")
    elif s.lang == "hi":
        subject = rng.choice(["quote chahiye - Kerala", "Rajasthan package query", "Urgent quote - Golden Triangle"])
        body = (f"Hello,\n\nEk client ke liye Kerala 5N/6D ka quote chahiye, {adults} adults"
                + (f" + {children} kids" if children else "") + f", {month} 2027, houseboat bhi include karna hai. "
                "Rates kya honge? Jaldi bhej dijiye please.")
    else:
        subject = rng.choice([f"Enquiry - Rajasthan 8 nights, {month} 2027", "Quote request: Golden Triangle + Varanasi",
                              "Family trip to Kerala - availability?", "Can you quote for a group of 20?"])
        body = (f"Hi team,\n\nWe have {adults} adults" + (f" and {children} children" if children else "")
                + f" looking for 8 nights in Rajasthan (Jaipur, Jodhpur, Udaipur) in {month} 2027, 4-star "
                "heritage hotels, car with driver. Could you please send us a quote and your best rates?")
    if variant % 4 == 3:   # a traveller writes directly, from a webmail address
        given, surname = rng.choice(GIVEN), rng.choice(SURNAMES)
        s = Sender("", f"{given.lower()}.{surname.lower()}@gmail.com".encode("ascii", "ignore").decode(),
                   "traveller", s.lang, s.currency, f"{given} {surname}", "")
    w = Written(s, subject, body, s.lang)
    if variant % 5 == 4:
        w.forward_by = "Please quote, agent is waiting."
    return w, {}


def other(rng: random.Random, variant: int, b: Booking, supplier: Sender) -> tuple[Written, dict]:
    news, daemon, phish = OTHERS
    kind = variant % 9
    if kind == 0:
        w = Written(news, "Special offer rates this monsoon - up to 40% off heritage stays!",
                    "Discover our monsoon specials. Book by 30 June and save up to 40% on heritage hotels across "
                    "Rajasthan. Limited-time rates for travel trade partners. Read more on our website.", "en",
                    headers={"List-Unsubscribe": "<mailto:unsub@traveltradeweekly.com>", "Precedence": "bulk"},
                    sign=False)
    elif kind == 1:
        name, lang = supplier.person, supplier.lang
        subject, text = {
            "de": (f"Abwesenheitsnotiz: Buchung {b.ref}", "Vielen Dank für Ihre Nachricht. Ich bin bis zum 15.01. "
                   "nicht im Büro. In dringenden Fällen wenden Sie sich bitte an info@alpen-incoming.de."),
            "fr": (f"Réponse automatique : {b.ref}", "Je suis absent du bureau jusqu'au 15 janvier. Pour toute "
                   "urgence, merci de contacter resa@provence-voyages.fr."),
        }.get(lang, (f"Automatic reply: Booking request {b.ref}", "Thank you for your e-mail. I am out of the "
                     "office until Monday with limited access to e-mail. For urgent reservations please call the "
                     "front desk."))
        w = Written(supplier, subject, text, lang, headers={"Auto-Submitted": "auto-replied"}, sign=False)
        w.sender = Sender(supplier.name, supplier.email, supplier.kind, lang, supplier.currency, name, "")
    elif kind == 2:
        w = Written(daemon, rng.choice(["Undelivered Mail Returned to Sender", "Delivery Status Notification (Failure)"]),
                    f"This is the mail system at host mx.tourstack.example.\n\nI'm sorry to have to inform you that "
                    f"your message could not be delivered to one or more recipients.\n\n<bookings@old-hotel.in>: "
                    f"host mx.old-hotel.in said: 550 5.1.1 User unknown\n\nSubject: Booking request {b.ref}", "en",
                    headers={"Auto-Submitted": "auto-replied"}, sign=False)
    elif kind == 3:
        guest = Sender("", f"{b.lead[0].lower()}.{b.lead[1].lower()}@outlook.com".encode("ascii", "ignore").decode(),
                       "traveller", "en", "INR", f"{b.lead[0]} {b.lead[1]}", "")
        w = Written(guest, "Thank you for a wonderful trip!", "Dear team,\n\nWe are back home and wanted to thank "
                    "you for the wonderful trip. The hotels were lovely and our driver was excellent. We will "
                    "recommend you to our friends.", "en")
    elif kind == 4:
        w = Written(phish, "Your account has been suspended - verify now",
                    "Dear customer, unusual activity was detected on your account. Verify your identity within "
                    "24 hours to avoid permanent suspension: http://paypa1-verify.com/login", "en", sign=False)
    elif kind == 5:
        w = Written(supplier, f"Invitation: Rates discussion call @ Tue 12 Jan 2027 11:00 - 11:30 (IST)",
                    "You have been invited to the following event.\n\nRates discussion call\nWhen: Tue 12 Jan 2027 "
                    "11:00 - 11:30 (IST)\nJoining info: meet.example.com/abc-defg-hij\n\nInvitation from Google "
                    "Calendar", supplier.lang, sign=False)
    elif kind == 6:
        w = Written(supplier, "Season's greetings" if supplier.lang != "de" else "Frohe Festtage",
                    {"de": "Wir wünschen Ihnen und Ihrem Team frohe Festtage und ein erfolgreiches neues Jahr!",
                     "fr": "Toute l'équipe vous souhaite de joyeuses fêtes et une excellente année 2027 !"}.get(
                        supplier.lang, "Wishing you and your team a very happy new year. Thank you for your "
                                       "support and the business this year."), supplier.lang)
    elif kind == 7:
        w = Written(supplier, "New photos of our renovated rooms",
                    "Dear partners, we are happy to share that the renovation of our heritage wing is complete. "
                    "Please find the new photos on our website for your brochures.", supplier.lang)
    else:
        w = Written(supplier, f"Re: {b.ref}", "Noted with thanks." if supplier.lang != "hi" else "Theek hai sir, noted.",
                    supplier.lang, quoted=f"Dear team,\n\nThe guests {b.lead[1]} will reach around 3 pm. Please keep "
                    "the room ready.\n\nRegards,\nTourstack Reservations")
    return w, {}
