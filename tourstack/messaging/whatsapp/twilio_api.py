"""The Twilio WhatsApp backend, through the official `twilio` SDK (Messages API).

The SDK's HTTP client is a `TwilioHttpClient` that keeps the last answer's headers (for
Retry-After); its REST base URL is the domain's public `base_url` (`client.api.base_url`), set
from TOURSTACK_TWILIO_API_URL so tests reach a loopback fake. Templates go through Twilio's
Content API: the template's `twilio_content_sid` (whatsapp.yaml) and its variables as
`ContentVariables` ({"1": ..., "2": ...}); free-form text as `Body`.

Every message carries a status callback, `<public URL>/api/v1/whatsapp/twilio/status?ref=<the
outbox's idempotency key>`, so Twilio's status reports name our message even when the create's
answer was lost (see tourstack.messaging.whatsapp.sending for the guarantee). A free-form text
whose earlier try got no answer and no report is also looked for in the Messages list (the
newest to that number from our sender, created since that try, with the same body) before it
is sent again; a template's body is rendered by Twilio, so templates rely on the report alone.

Failures: 429 and Twilio's 20429 wait for Retry-After; 5xx and network errors retry; a timeout
after the request left waits for the status report; other refusals are permanent with Twilio's
code and message (21211 invalid 'To', 63016 outside the 24-hour window, 63024 invalid recipient,
21610 the recipient replied STOP to Twilio, 63003 not a WhatsApp number).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from tourstack.db.base import utcnow
from tourstack.messaging.transports import DeliveryError, OutboundMessage
from tourstack.messaging.whatsapp.config import WhatsAppConfig
from tourstack.messaging.whatsapp.sending import prepare, record_accepted, record_refused, uncertain

STATUS_CALLBACK_PATH = "/api/v1/whatsapp/twilio/status"
log = logging.getLogger("tourstack.messaging.whatsapp")


class _HeadersKeepingClient(TwilioHttpClient):
    """Twilio's own client, remembering the last answer's headers (Retry-After)."""

    last_headers: dict[str, str] = {}

    def request(self, *args, **kwargs):
        self.last_headers = {}
        response = super().request(*args, **kwargs)
        self.last_headers = {k.lower(): v for k, v in (response.headers or {}).items()}
        return response


def twilio_failure(error: TwilioRestException, headers: dict[str, str]) -> DeliveryError:
    reason = f"whatsapp: twilio {error.code or error.status} {error.msg}"[:500]
    if error.status == 429 or error.code == 20429:
        try:
            after = float(headers["retry-after"])
        except (KeyError, ValueError):
            after = None
        return DeliveryError(reason, retry_after=after)
    if error.status >= 500:
        return DeliveryError(reason)
    return DeliveryError(reason, temporary=False)


class TwilioWhatsAppTransport:
    """`send` delivers one outbox message of the `whatsapp` channel and returns Twilio's SID."""

    provider = "twilio"

    def __init__(self, *, sessions: Callable[[], Any], account_sid: str, auth_token: str, from_number: str,
                 public_url: str, config: WhatsAppConfig, base_url: str | None = None, timeout: float = 10.0,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self._sessions, self._config, self._clock = sessions, config, clock
        self._http = _HeadersKeepingClient(timeout=timeout)
        self._client = Client(account_sid, auth_token, http_client=self._http)
        if base_url:
            self._client.api.base_url = base_url.rstrip("/")
        self._from = f"whatsapp:{from_number}"
        self._callback = public_url.rstrip("/") + STATUS_CALLBACK_PATH

    def send(self, message: OutboundMessage) -> str:
        prepared = prepare(self._sessions, message, self._config, provider=self.provider, now=self._clock())
        if prepared.known_provider_id:
            return prepared.known_provider_id
        copy = self._earlier_copy(prepared) if prepared.attempted_at and prepared.text is not None else None
        if copy is not None:
            record_accepted(self._sessions, prepared.client_ref, copy)
            return copy
        arguments: dict[str, Any] = {"to": f"whatsapp:{prepared.phone}", "from_": self._from,
                                     "status_callback": f"{self._callback}?ref={quote(prepared.client_ref, safe='')}"}
        if prepared.text is not None:
            arguments["body"] = prepared.text
        else:
            if not prepared.template.twilio_content_sid:
                raise DeliveryError(f"whatsapp: template {prepared.template.name!r} has no twilio_content_sid "
                                    "in whatsapp.yaml", temporary=False)
            arguments["content_sid"] = prepared.template.twilio_content_sid
            arguments["content_variables"] = json.dumps(
                {str(i): v for i, v in enumerate(prepared.values, start=1)}, ensure_ascii=False)
        try:
            created = self._client.messages.create(**arguments)
        except TwilioRestException as exc:
            failure = twilio_failure(exc, self._http.last_headers)
            if not failure.temporary:
                record_refused(self._sessions, prepared.client_ref, str(failure))
            raise failure from None
        except requests.exceptions.ConnectTimeout:
            raise DeliveryError("whatsapp: twilio network error (ConnectTimeout)") from None
        except requests.exceptions.Timeout:
            raise uncertain("Twilio", self._config) from None
        except requests.exceptions.RequestException as exc:
            raise DeliveryError(f"whatsapp: twilio network error ({type(exc).__name__})") from None
        record_accepted(self._sessions, prepared.client_ref, created.sid)
        return created.sid

    def _earlier_copy(self, prepared) -> str | None:
        """The SID of a message Twilio accepted from an earlier, unanswered try, if it is found."""
        since = prepared.attempted_at - dt.timedelta(minutes=1)
        try:
            recent = self._client.messages.list(to=f"whatsapp:{prepared.phone}", from_=self._from, limit=20)
        except (TwilioRestException, requests.exceptions.RequestException) as exc:
            log.warning("twilio: could not look for an earlier copy (%s); sending", type(exc).__name__)
            return None
        for message in recent:
            created = message.date_created
            if message.body == prepared.text and (created is None or created >= since):
                return message.sid
        return None
