"""An AI second opinion for mail the rules cannot place, through the official OpenAI SDK.

Rules come first (tourstack.inbox.classify); this is consulted only when a client is configured
and the rules matched nothing (`other` by default, low confidence). It follows the itinerary
provider's pattern (tourstack.itinerary.openai_provider): structured outputs into a strict
schema, the SDK's own retries, and any failure (refusal, malformed answer, rate limit, timeout,
unreachable) keeps the rules' answer with the reason, so the poller never stops on it. Only the
subject and the first 4,000 characters of the new text are sent, never attachments.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from tourstack.inbox.llm import structured_answer
from tourstack.inbox.classify import Decision, classify
from tourstack.inbox.parse import ParsedMail

if TYPE_CHECKING:
    import openai

LOW_CONFIDENCE_PCT = 80
MAX_TEXT_CHARS = 4000
SYSTEM_PROMPT = """You sort e-mail arriving at a tour operator's reservations desk. Categories:
rate_sheet (a supplier's prices), booking_confirmation, amendment (a changed booking),
cancellation, supplier_invoice, customer_enquiry (a travel agent or traveller asking for a trip
or a quote), other (newsletters, auto-replies, thanks, anything else). The mail may be in English,
Hindi written in Latin script, German or French. Answer only with the structured result."""


class LlmCategory(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Literal["rate_sheet", "booking_confirmation", "amendment", "cancellation", "supplier_invoice",
                      "customer_enquiry", "other"]
    reason: str


class OpenAIClassifier:
    name = "ai"

    def __init__(self, client: openai.OpenAI, model: str, *, timeout_s: float = 30.0):
        self.client, self.model, self.timeout_s = client, model, timeout_s

    def classify(self, mail: ParsedMail) -> Decision:
        """The model's category; raises RuntimeError with a short reason when there is none."""
        messages = [{"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": f"Subject: {mail.subject}\n\n{mail.text[:MAX_TEXT_CHARS]}"}]
        parsed = structured_answer(self.client, self.model, messages, LlmCategory, timeout_s=self.timeout_s,
                                   temperature=0, what="category")
        return Decision(parsed.category, parsed.reason[:300], classifier="ai", confidence_pct=70)


def decide(mail: ParsedMail, ai: OpenAIClassifier | None = None) -> Decision:
    """Rules first; the AI only when configured and the rules are not confident."""
    rules = classify(mail)
    if ai is None or rules.confidence_pct >= LOW_CONFIDENCE_PCT:
        return rules
    try:
        return ai.classify(mail)
    except RuntimeError as exc:
        return replace(rules, reason=f"{rules.reason}; AI not used: {exc}")
