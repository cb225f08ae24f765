"""A model-written reply suggestion beside the template, when an AI provider is configured.

The template (tourstack.inbox.matching) stays the task's `suggested_reply`: it is what a person
gets by default, and it says exactly what differs. The model is only asked to write a
friendlier, complete reply from the same facts (the task's mismatches and the supplier's new
text), and its answer is added to the task's detail as `ai_suggested_reply`, labelled as
machine-written, never sent by itself. Any failure (HTTP error, timeout, refusal, malformed
answer) leaves the template alone and records why in `ai_reply_error`.

Why after the message is processed and committed: a slow or failing provider must not hold the
transaction that records the confirmation, nor make the message fail. Only the subject, the
first 4,000 characters of the supplier's new text and the template are sent.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.inbox.llm import structured_answer
from tourstack.db.models.inbox import InboxMessage, InboxTask
from tourstack.inbox.parse import parse

if TYPE_CHECKING:
    import openai

MAX_TEXT_CHARS = 4000
LABEL = "Suggested by a language model from the template's facts; check it before sending."
SYSTEM_PROMPT = """You write e-mail replies for the reservations desk of a tour operator in India to
its suppliers (hotels, transport companies, guides, DMCs). You are given the supplier's message
and a template reply that lists the facts that must be raised. Write one polite, concise reply
in the language the supplier wrote in (English, Hindi in Latin script, German or French). Keep
every fact of the template (booking reference, each difference, what we ask for) and add no
fact that is not in the template or the supplier's message: no prices, dates or names of your
own. Sign off as "Reservations". Answer only with the structured result."""


class LlmReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reply: str


class OpenAIReplyWriter:
    name = "ai"

    def __init__(self, client: openai.OpenAI, model: str, *, timeout_s: float = 30.0):
        self.client, self.model, self.timeout_s = client, model, timeout_s

    def write(self, subject: str, supplier_text: str, template: str) -> str:
        """The model's reply; raises RuntimeError with a short reason when there is none."""
        messages = [{"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": f"Supplier's subject: {subject}\n\nSupplier's message:\n"
                                                f"{supplier_text[:MAX_TEXT_CHARS]}\n\nTemplate reply:\n{template}"}]
        parsed = structured_answer(self.client, self.model, messages, LlmReply, timeout_s=self.timeout_s,
                                   temperature=0.2, what="reply")
        if not parsed.reply.strip():
            raise RuntimeError("no structured answer (refused or empty)")
        return parsed.reply.strip()[:5000]


def suggest_replies(session: Session, message_id: int, writer: OpenAIReplyWriter | None) -> int:
    """Add a model-written suggestion to each open task of the message that has a template
    reply and no suggestion yet; commit. Returns how many were added."""
    if writer is None:
        return 0
    tasks = session.scalars(select(InboxTask).where(InboxTask.message_id == message_id, InboxTask.status == "open",
                                                    InboxTask.suggested_reply.is_not(None))).all()
    pending = [t for t in tasks if "ai_suggested_reply" not in json.loads(t.detail or "{}")]
    if not pending:
        return 0
    row = session.get(InboxMessage, message_id)
    mail = parse(row.raw)
    added = 0
    for task in pending:
        detail = json.loads(task.detail or "{}")
        try:
            text = writer.write(mail.subject or "", mail.text or mail.body or "", task.suggested_reply)
        except RuntimeError as exc:
            detail["ai_reply_error"] = f"template kept: {exc}"
        else:
            detail["ai_suggested_reply"] = {"text": text, "model": writer.model, "label": LABEL}
            detail.pop("ai_reply_error", None)
            added += 1
        task.detail = json.dumps(detail, default=str)
    session.commit()
    return added
