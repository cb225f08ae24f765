"""Which of seven kinds a message is, by rules: a decision list over headers, the subject, the
new text (quotes removed, so a cancellation that quotes the original confirmation is read as a
cancellation) and the attachments' types.

Why a decision list and not a score: the categories overlap in words ("Cancellation
confirmed", "Revised confirmation", an enquiry asking for "your best rates") and the more
specific kind wins. The order: machine mail (auto-replies, bounces, bulk) and invitations first,
then cancellation, amendment, invoice, enquiry, rate sheet, confirmation; what matches nothing is
`other`. Words cover English, Hindi in Latin script, German and French (docs/inbound-email.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tourstack.inbox.parse import ParsedMail

CATEGORIES = ("rate_sheet", "booking_confirmation", "amendment", "cancellation", "supplier_invoice",
              "customer_enquiry", "other")


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.IGNORECASE)


MACHINE_SUBJECT = _words(r"^\s*(undeliver|delivery status notification|mail delivery failed|returned mail)",
                         r"^\s*(automatic reply|auto(?:matische)?[ -]?(?:reply|antwort)|out of (?:the )?office)",
                         r"^\s*(abwesenheitsnotiz|r[ée]ponse automatique|absent du bureau)",
                         r"^\s*(invitation|einladung|updated invitation)\s*:")
CANCELLATION = _words(r"\bcancel", r"\bstorn", r"\bannul")
AMENDMENT = _words(r"\bamend", r"revised (?:confirmation|dates?|booking)", r"\b(?:date|dates) change", r"change of dates?",
                   r"\bnew (?:arrival|departure|dates?)\b", r"dates change kar", r"änderung", r"\bumbuchung",
                   r"\bgeändert", r"neue (?:anreise|abreise|daten)", r"\bmodifi", r"changement de dates?",
                   r"nouvelle date")
INVOICE = _words(r"\binvoice", r"\brechnung", r"\bfacture", r"\bbill\b", r"\bbill no\b")
ENQUIRY = _words(r"\benquir", r"\binquir", r"\bquote\b", r"\bquotation\b", r"\bdevis\b", r"\bcotation\b",
                 r"\banfrage", r"\bangebot\b", r"\bproposition\b", r"\bpackage query\b", r"\bavailability\?")
RATES = _words(r"\brates?\b", r"\brate ?sheet", r"\btarif", r"\btariff", r"\bpreisliste", r"\bpreise\b",
               r"grille tarifaire", r"\bnettopreise")
CONFIRMATION = _words(r"\bconfirm", r"best[äa]tig", r"confirm ho gayi", r"\bconfirmed\b", r"\bconfirmons\b")
SHEET_TYPES = ("spreadsheet", "excel", "csv", "pdf")
TABLE_ROW = re.compile(r"^\s*\S.*(?:\|.*\d|\s{3,}\S+.*\s{3,}.*\d)", re.MULTILINE)


@dataclass(frozen=True)
class Decision:
    category: str
    reason: str
    classifier: str = "rules"
    confidence_pct: int = 90


def _is_machine_mail(mail: ParsedMail) -> str | None:
    auto = mail.headers.get("auto-submitted", "no").strip().lower()
    if auto and auto != "no":
        return "Auto-Submitted header"
    if mail.headers.get("list-unsubscribe") or mail.headers.get("precedence", "").lower() in ("bulk", "list", "junk"):
        return "bulk mail headers"
    if MACHINE_SUBJECT.search(mail.subject):
        return "auto-reply, bounce or invitation subject"
    return None


def classify(mail: ParsedMail) -> Decision:
    if (why := _is_machine_mail(mail)) is not None:
        return Decision("other", why, confidence_pct=95)
    subject, text = mail.subject, mail.text
    both = f"{subject}\n{text}"
    sheets = [a for a in mail.attachments if any(t in a.content_type or a.filename.lower().endswith(t)
                                                 for t in SHEET_TYPES + ("xlsx", "xls"))]
    if CANCELLATION.search(both):
        return Decision("cancellation", "cancellation words")
    if AMENDMENT.search(both):
        return Decision("amendment", "amendment words")
    if INVOICE.search(both):
        return Decision("supplier_invoice", "invoice words")
    if ENQUIRY.search(both):
        return Decision("customer_enquiry", "enquiry words")
    if RATES.search(subject) or (RATES.search(text) and (sheets or len(TABLE_ROW.findall(text)) >= 2)):
        return Decision("rate_sheet", "rate words with a sheet or a table")
    if CONFIRMATION.search(both):
        return Decision("booking_confirmation", "confirmation words")
    return Decision("other", "no category's words", confidence_pct=60)


BASELINE_WORDS = (("cancel", "cancellation"), ("amend", "amendment"), ("invoice", "supplier_invoice"),
                  ("enquiry", "customer_enquiry"), ("quote", "customer_enquiry"), ("rate", "rate_sheet"),
                  ("confirm", "booking_confirmation"))


def baseline(subject: str) -> str:
    """The simplest classifier: the first English keyword found in the subject (the floor)."""
    lowered = subject.lower()
    return next((category for word, category in BASELINE_WORDS if word in lowered), "other")
