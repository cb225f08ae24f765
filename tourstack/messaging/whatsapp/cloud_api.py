"""The WhatsApp Cloud API backend (Meta's Graph API `POST /{version}/{phone-number-id}/messages`),
through `pywa`.

pywa's client is built on an httpx.Client that we hand it; pywa sets that client's base URL to
graph.facebook.com when it is constructed, and we then set it (httpx's public `base_url`) to
TOURSTACK_WHATSAPP_API_URL, so tests reach a loopback fake and a proxy can sit in front. pywa's
own retries do not exist; the outbox retries.

Failures become the outbox's (Meta's error codes,
developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes):
- HTTP 429, or throughput codes 4, 80007, 130429, 131056: temporary, with Retry-After when sent;
- HTTP 5xx, codes 1, 2, 131000, 131016 (service unavailable), 133004: temporary;
- a connection that never opened: temporary; a request that left but timed out: the message may
  have been accepted, so the retry waits for its status report (tourstack.messaging.whatsapp.sending);
- anything else is permanent with Meta's reason: 131026 (undeliverable), 131047 (re-engagement
  required: the 24-hour window closed), 131051, 131052, 132000/132001 (template parameters or
  template missing), 100 (invalid parameter, such as a number), 190 (token expired).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
from pywa import WhatsApp
from pywa.errors import WhatsAppError
from pywa.types.templates import TemplateLanguage

from tourstack.db.base import utcnow
from tourstack.messaging.transports import DeliveryError, OutboundMessage
from tourstack.messaging.whatsapp.config import WhatsAppConfig
from tourstack.messaging.whatsapp.sending import prepare, record_accepted, record_refused, uncertain

_THROTTLED = frozenset({4, 80007, 130429, 131056})
_TEMPORARY = frozenset({1, 2, 131000, 131016, 133004})


def _retry_after(response: httpx.Response | None) -> float | None:
    try:
        return float(response.headers["retry-after"]) if response is not None else None
    except (KeyError, ValueError):
        return None


def cloud_api_failure(error: WhatsAppError) -> DeliveryError:
    status = error.raw_response.status_code if error.raw_response is not None else 0
    detail = error.details
    reason = f"whatsapp: {error.code} {error.message}" + (f" ({detail})" if detail else "")
    reason = reason[:500]
    if status == 429 or error.code in _THROTTLED:
        return DeliveryError(reason, retry_after=_retry_after(error.raw_response))
    if status >= 500 or error.code in _TEMPORARY:
        return DeliveryError(reason)
    return DeliveryError(reason, temporary=False)


class CloudApiTransport:
    """`send` delivers one outbox message of the `whatsapp` channel and returns Meta's `wamid`."""

    provider = "meta"

    def __init__(self, *, sessions: Callable[[], Any], token: str, phone_number_id: str, config: WhatsAppConfig,
                 base_url: str = "https://graph.facebook.com", api_version: str = "23.0",
                 timeout: float = 10.0, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self._sessions, self._config, self._clock = sessions, config, clock
        self._http = httpx.Client(timeout=timeout)
        self._wa = WhatsApp(phone_id=phone_number_id, token=token, session=self._http, api_version=api_version)
        self._http.base_url = f"{base_url.rstrip('/')}/v{api_version}"

    def send(self, message: OutboundMessage) -> str:
        prepared = prepare(self._sessions, message, self._config, provider=self.provider, now=self._clock())
        if prepared.known_provider_id:
            return prepared.known_provider_id
        to = prepared.phone.lstrip("+")
        try:
            if prepared.text is not None:
                sent = self._wa.send_message(to=to, text=prepared.text, tracker=prepared.client_ref)
            else:
                template = prepared.template
                body = [{"type": "body", "parameters": [{"type": "text", "text": v} for v in prepared.values]}]
                sent = self._wa.send_template(to=to, name=template.name, language=TemplateLanguage(template.language),
                                              params=body if prepared.values else None, tracker=prepared.client_ref)
        except WhatsAppError as exc:
            failure = cloud_api_failure(exc)
            if not failure.temporary:
                record_refused(self._sessions, prepared.client_ref, str(failure))
            raise failure from None
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise DeliveryError(f"whatsapp: network error ({type(exc).__name__})") from None
        except httpx.TimeoutException:
            raise uncertain("the Cloud API", self._config) from None
        except httpx.HTTPError as exc:
            raise DeliveryError(f"whatsapp: network error ({type(exc).__name__})") from None
        record_accepted(self._sessions, prepared.client_ref, sent.id)
        return sent.id
