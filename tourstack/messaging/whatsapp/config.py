"""The WhatsApp configuration: templates per event, marketing events, opt-out words, policy.

Why data and not code: template names, languages and variables are approved per WhatsApp
Business account in WhatsApp Manager and change with it; which events are marketing is a
policy decision. Both live in one strictly validated YAML beside messaging.yaml.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tourstack.messaging.config import load_yaml_model

DEFAULT_WHATSAPP_CONFIG = Path(__file__).parent.parent / "whatsapp.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Template(_Strict):
    name: str = Field(min_length=1, max_length=512, pattern=r"^[a-z0-9_]+$")
    language: str = Field(min_length=2, max_length=10)
    category: Literal["utility", "marketing", "authentication"]
    params: tuple[str, ...] = ()
    twilio_content_sid: str | None = Field(default=None, pattern=r"^HX[0-9a-fA-F]{32}$")


class WhatsAppConfig(_Strict):
    window_hours: float = Field(gt=0, le=24)
    uncertain_hold_s: float = Field(ge=0, le=86400)
    delivery_window_hours: float = Field(gt=0, le=24 * 31)
    delivery_success_warn_below: Decimal = Field(ge=0, le=1)
    delivery_min_sent: int = Field(ge=0)
    marketing_events: tuple[str, ...] = ()
    opt_out_keywords: tuple[str, ...] = Field(min_length=1)
    templates: dict[str, Template] = {}

    def is_marketing(self, event_type: str) -> bool:
        template = self.templates.get(event_type)
        return event_type in self.marketing_events or (template is not None and template.category == "marketing")


def load_whatsapp_config(path: str | Path | None = None) -> WhatsAppConfig:
    return load_yaml_model(Path(path) if path else DEFAULT_WHATSAPP_CONFIG, WhatsAppConfig)


@cache
def shipped_whatsapp_config() -> WhatsAppConfig:
    return load_whatsapp_config(DEFAULT_WHATSAPP_CONFIG)


def whatsapp_config_from_settings(settings) -> WhatsAppConfig:
    path = getattr(settings, "whatsapp_config", None)
    return load_whatsapp_config(path) if path else shipped_whatsapp_config()
