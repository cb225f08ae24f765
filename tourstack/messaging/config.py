"""The messaging configuration: routes, thresholds, channel pacing and recipients' preferences.

Why one validated file: who gets told about what is a business decision that changes more often
than code (a new Slack channel, a higher "high-value" bar, quiet hours for a region). Keeping it
in one YAML, validated strictly (an unknown key or channel is an error at load, never a silently
ignored rule), lets operations change it without a release and lets a review see every rule.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tourstack.errors import Invalid

ModelT = TypeVar("ModelT", bound=BaseModel)

# `search` carries changes to the live search indexes (tourstack.search.changes): the same
# outbox guarantees for a machine recipient as for people.
Channel = Literal["email", "slack", "teams", "whatsapp", "calendar", "search"]
CHANNELS: tuple[str, ...] = Channel.__args__  # type: ignore[attr-defined]
DEFAULT_CONFIG = Path(__file__).with_name("messaging.yaml")


class InvalidMessagingConfig(Invalid):
    code = "invalid-messaging-config"
    title = "Invalid messaging configuration"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelPolicy(_Strict):
    max_attempts: int = Field(ge=1, le=50)
    min_interval_s: float = Field(ge=0, le=3600)
    backoff_s: float = Field(gt=0, le=86400)
    backoff_max_s: float = Field(gt=0, le=7 * 86400)

    def backoff(self, attempts: int) -> dt.timedelta:
        """The wait after the `attempts`-th failed try: doubling from backoff_s, capped."""
        return dt.timedelta(seconds=min(self.backoff_max_s, self.backoff_s * 2 ** max(0, attempts - 1)))


class When(_Strict):
    min_amount_inr: Decimal | str | None = None  # a Decimal, or the name of a threshold
    min_count: int | None = Field(default=None, ge=0)


class Route(_Strict):
    channel: Channel
    to: str = Field(min_length=1, max_length=255)
    when: When = When()


class QuietHours(_Strict):
    start: dt.time
    end: dt.time
    timezone: str

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    def release_time(self, at: dt.datetime) -> dt.datetime | None:
        """When a message created at `at` may leave: None if not inside quiet hours, else the
        quiet period's end (UTC). A window may cross midnight (21:00-08:00)."""
        zone = ZoneInfo(self.timezone)
        local = at.astimezone(zone)
        t = local.time()
        crosses_midnight = self.start > self.end
        inside = (self.start <= t or t < self.end) if crosses_midnight else (self.start <= t < self.end)
        if not inside:
            return None
        end_day = local.date() + dt.timedelta(days=1) if crosses_midnight and t >= self.start else local.date()
        return dt.datetime.combine(end_day, self.end, tzinfo=zone).astimezone(dt.UTC)


class Preference(_Strict):
    quiet_hours: QuietHours | None = None
    muted: tuple[str, ...] = ()


class MessagingConfig(_Strict):
    channels: dict[Channel, ChannelPolicy]
    thresholds: dict[str, Decimal] = {}
    routes: dict[str, tuple[Route, ...]]
    preferences: dict[str, Preference] = {}

    @model_validator(mode="after")
    def _consistent(self) -> MessagingConfig:
        missing = sorted(set(CHANNELS) - set(self.channels))
        if missing:
            raise ValueError(f"channels without a policy: {', '.join(missing)}")
        for event, routes in self.routes.items():
            for route in routes:
                amount = route.when.min_amount_inr
                if isinstance(amount, str) and amount not in self.thresholds:
                    try:
                        Decimal(amount)
                    except ArithmeticError:
                        raise ValueError(f"{event}: unknown threshold {amount!r}") from None
        return self

    def threshold(self, value: Decimal | str) -> Decimal:
        if isinstance(value, Decimal):
            return value
        return self.thresholds[value] if value in self.thresholds else Decimal(value)

    def preference(self, channel: str, recipient: str) -> Preference:
        return self.preferences.get(recipient) or self.preferences.get(f"default.{channel}") or Preference()


def load_config(path: str | Path | None = None) -> MessagingConfig:
    """Read and validate a messaging YAML (the shipped one by default)."""
    return load_yaml_model(Path(path) if path else DEFAULT_CONFIG, MessagingConfig)


def load_yaml_model(source: Path, model: type[ModelT]) -> ModelT:
    """A YAML file validated into `model`; any problem is one InvalidMessagingConfig line naming
    the file and the first wrong key, never a traceback."""
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidMessagingConfig(f"cannot read {source}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise InvalidMessagingConfig(f"{source} is not valid YAML: {exc}") from None
    try:
        return model.model_validate(data or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidMessagingConfig(f"{source}: {where}: {first['msg']} ({exc.error_count()} problem(s))") from None


def config_from_settings(settings) -> MessagingConfig:
    """TOURSTACK_MESSAGING_CONFIG when set, the shipped file otherwise."""
    return load_config(settings.messaging_config) if settings.messaging_config else shipped_config()


@cache
def shipped_config() -> MessagingConfig:
    return load_config(DEFAULT_CONFIG)
