"""AI content: site and itinerary descriptions, rewrites, Instagram captions, customer e-mails.

Why templates as the last provider: content must always be producible (demo, no key, budget
spent, model down). The chain is the same as for plans: configured models first, each attempt
recorded with tokens and cost, then deterministic templates in English, Hindi or French.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from tourstack.itinerary.chain import _budget_problem
from tourstack.itinerary.limits import Budget, cost_usd_micros, estimate_cost_usd_micros
from tourstack.itinerary.models import ItineraryPlan
from tourstack.itinerary.usage import Attempt, UsageStore
from tourstack.money import format_money

if TYPE_CHECKING:
    import openai

ContentKind = Literal["site_description", "itinerary_description", "improve", "instagram_caption",
                      "email_summary"]
Language = Literal["en", "hi", "fr"]
Tone = Literal["formal", "casual"]
LANGUAGE_NAMES = {"en": "English", "hi": "Hindi", "fr": "French"}


@dataclass(slots=True)
class ContentRequest:
    kind: ContentKind
    language: Language = "en"
    tone: Tone = "formal"
    exciting: bool = False
    text: str | None = None  # the text to improve
    site: dict | None = None  # name, category, city, description, duration_minutes
    plan: ItineraryPlan | None = None
    customer_name: str | None = None


@dataclass(slots=True)
class ContentResult:
    text: str
    provider: str
    model: str | None
    attempts: list[Attempt] = field(default_factory=list)


class ContentOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str


# --- templates --------------------------------------------------------------------------------

_T = {
    "site": {
        "en": ("{name} is one of {city}'s {category} highlights. {description} Allow about {hours}.",
               "Don't miss {name}! {description} Give it about {hours} and soak it all in."),
        "hi": ("{name} {city} के प्रमुख {category} स्थलों में से एक है। {description} लगभग {hours} का समय रखें।",
               "{name} ज़रूर देखें! {description} लगभग {hours} बिताएँ और पूरा आनंद लें।"),
        "fr": ("{name} compte parmi les {category} incontournables de {city}. {description} Prévoyez environ {hours}.",
               "Ne manquez pas {name} ! {description} Comptez environ {hours} et profitez-en pleinement."),
    },
    "plan": {
        "en": ("{title}: {days} days in {dest}. {summary}",
               "Get ready for {days} unforgettable days in {dest}! {summary}"),
        "hi": ("{title}: {dest} में {days} दिन। मुख्य आकर्षण: {highlights}। अनुमानित लागत {total}।",
               "{dest} में {days} यादगार दिनों के लिए तैयार हो जाइए! मुख्य आकर्षण: {highlights}।"),
        "fr": ("{title} : {days} jours à {dest}. Temps forts : {highlights}. Coût estimé {total}.",
               "Préparez-vous à {days} jours inoubliables à {dest} ! Temps forts : {highlights}."),
    },
    "caption": {
        "en": "{days} days of {dest} ✨ {highlights} #travel #{tag}",
        "hi": "{dest} के {days} दिन ✨ {highlights} #यात्रा #{tag}",
        "fr": "{days} jours à {dest} ✨ {highlights} #voyage #{tag}",
    },
    "email": {
        "en": ("Dear {customer},\n\nPlease find below the proposed itinerary \"{title}\".\n\n{days_lines}\n\n"
               "Estimated total: {total}.\n\nKind regards,\nYour travel team",
               "Hi {customer}!\n\nHere's your trip, \"{title}\":\n\n{days_lines}\n\nAll in, about {total}. "
               "Can't wait for you to go!\n\nCheers,\nYour travel team"),
        "hi": ("प्रिय {customer},\n\nप्रस्तावित यात्रा कार्यक्रम \"{title}\" नीचे है।\n\n{days_lines}\n\n"
               "अनुमानित कुल लागत: {total}।\n\nसादर,\nआपकी यात्रा टीम",
               "नमस्ते {customer}!\n\nआपकी यात्रा \"{title}\":\n\n{days_lines}\n\nकुल लगभग {total}।\n\n"
               "शुभ यात्रा!\nआपकी यात्रा टीम"),
        "fr": ("Madame, Monsieur {customer},\n\nVeuillez trouver ci-dessous l'itinéraire proposé « {title} ».\n\n"
               "{days_lines}\n\nTotal estimé : {total}.\n\nCordialement,\nVotre équipe voyage",
               "Bonjour {customer} !\n\nVoici votre voyage « {title} » :\n\n{days_lines}\n\n"
               "En tout, environ {total}. Bon voyage !\n\nÀ bientôt,\nVotre équipe voyage"),
    },
    "day": {"en": "Day {n}: {what}", "hi": "दिन {n}: {what}", "fr": "Jour {n} : {what}"},
}


def _hours(minutes: int, lang: str) -> str:
    h = max(1, round(minutes / 60))
    return {"en": f"{h} hour{'s' if h > 1 else ''}", "hi": f"{h} घंटे", "fr": f"{h} heure{'s' if h > 1 else ''}"}[lang]


def render_template(req: ContentRequest) -> str:
    """The offline text for a request; deterministic."""
    lang, lively = req.language, req.exciting or req.tone == "casual"
    if req.kind == "site_description":
        site = req.site or {}
        return _T["site"][lang][lively].format(
            name=site.get("name", ""), city=site.get("city", ""),
            category=str(site.get("category", "")).replace("_", " "),
            description=(site.get("description") or "").strip(),
            hours=_hours(int(site.get("duration_minutes") or 60), lang)).replace("  ", " ").strip()
    if req.kind == "improve":
        text = " ".join((req.text or "").split())
        if text and text[-1] not in ".!?।":
            text += "."
        text = text[:1].upper() + text[1:]
        return text.rstrip(".") + "!" if lively and text else text
    plan = req.plan
    if plan is None:
        raise ValueError(f"{req.kind} needs an itinerary")
    sites = [i.name for _, i in plan.items() if i.kind == "site"]
    values = dict(title=plan.title, days=len(plan.days), dest=plan.destination or plan.title,
                  summary=plan.summary, highlights=", ".join(sites[:3]),
                  total=format_money(plan.total_minor, plan.currency),
                  tag=(plan.destination or "trip").replace(" ", "").lower(),
                  customer=req.customer_name or ("traveller" if lang == "en" else ""))
    if req.kind == "itinerary_description":
        return _T["plan"][lang][lively].format(**values)
    if req.kind == "instagram_caption":
        return _T["caption"][lang].format(**values)[:2200]
    lines = [_T["day"][lang].format(n=d.day_number, what=", ".join(
        i.name for i in d.items if i.kind == "site") or "—") for d in plan.days]
    return _T["email"][lang][lively].format(days_lines="\n".join(lines), **values)


# --- model-backed generation ------------------------------------------------------------------

def _prompt(req: ContentRequest) -> list[dict]:
    task = {
        "site_description": "Write a 60-90 word description of this site for a travel brochure.",
        "itinerary_description": "Write a 100-150 word description of this itinerary.",
        "improve": "Improve this text: clearer, correct, same facts, similar length.",
        "instagram_caption": "Write one Instagram caption (max 200 characters, 2-4 hashtags).",
        "email_summary": "Write an e-mail to the customer summarising this itinerary day by day.",
    }[req.kind]
    style = f"Tone: {req.tone}." + (" Make it more exciting." if req.exciting else "")
    facts = req.text or ""
    if req.site:
        facts = str(req.site)
    if req.plan is not None:
        facts = req.plan.model_dump_json(include={"title", "summary", "destination", "days", "currency"})
    return [
        {"role": "system", "content": f"You write travel content. {task} {style} Write in "
                                      f"{LANGUAGE_NAMES[req.language]}. Use only the facts given; never "
                                      "invent prices, places or opening hours."},
        {"role": "user", "content": facts[:12000]},
    ]


def generate_content(req: ContentRequest, clients: Sequence[tuple[openai.OpenAI, str]], store: UsageStore, *,
                     budget: Budget = Budget(), agency_id: int | None = None,
                     timeout_s: float = 30.0) -> ContentResult:
    """Models in order (client, model), then the template; never raises for provider failures."""
    import openai

    request_id, attempts = str(uuid.uuid4()), []

    def note(**kw) -> None:
        attempt = Attempt(request_id=request_id, attempt=len(attempts) + 1, **kw)
        attempts.append(attempt)
        store.record(attempt, agency_id=agency_id, purpose="content", itinerary_id=None)

    for client, model in clients:
        problem = _budget_problem(budget, store, agency_id, model,
                                  estimate_cost_usd_micros(model, 1_500, 500))
        if problem is not None:
            if budget.on_exceeded == "refuse":
                raise problem
            note(provider="openai", model=model, outcome="budget_exceeded", prompt_tokens=0,
                 completion_tokens=0, cost_usd_micros=0, latency_ms=0, error=str(problem))
            continue
        started = time.perf_counter()
        outcome, error, usage, text = "ok", None, (0, 0), None
        try:
            completion = client.chat.completions.parse(
                model=model, messages=_prompt(req), response_format=ContentOut, timeout=timeout_s)
            if completion.usage:
                usage = (completion.usage.prompt_tokens, completion.usage.completion_tokens)
            message = completion.choices[0].message
            if message.refusal:
                outcome, error = "refused", message.refusal[:200]
            elif message.parsed is None or not message.parsed.text.strip():
                outcome, error = "malformed", "no text in the answer"
            else:
                text = message.parsed.text.strip()
        except openai.RateLimitError as exc:
            outcome, error = "rate_limited", str(exc)[:200]
        except openai.APITimeoutError:
            outcome, error = "timeout", f"no answer within {timeout_s:g} s"
        except openai.APIStatusError as exc:
            outcome, error = "unavailable", f"HTTP {exc.status_code}"
        except openai.APIConnectionError:
            outcome, error = "unavailable", "unreachable"
        except Exception as exc:  # noqa: BLE001 - schema/JSON errors: try the next provider
            outcome, error = "malformed", type(exc).__name__
        note(provider="openai", model=model, outcome=outcome, prompt_tokens=usage[0],
             completion_tokens=usage[1], cost_usd_micros=cost_usd_micros(model, *usage),
             latency_ms=int((time.perf_counter() - started) * 1000), error=error)
        if text is not None:
            return ContentResult(text=text, provider="openai", model=model, attempts=attempts)
    text = render_template(req)
    note(provider="template", model=None, outcome="ok", prompt_tokens=0, completion_tokens=0,
         cost_usd_micros=0, latency_ms=0)
    return ContentResult(text=text, provider="template", model=None, attempts=attempts)
