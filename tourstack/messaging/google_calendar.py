"""Google Calendar through `google-api-python-client` (static discovery: nothing is fetched).

Why the official client: it builds the REST calls from Google's own discovery document shipped
in the package (no download at run time), and with a service account's `AuthorizedHttp` it
handles tokens. The outbox retries, so the client's own retries are off (`num_retries=0`).

Updates are conditional: a patch carries the etag we last saw (`If-Match`); Google answers 412
when the event changed since, and the caller re-reads and tries again. Errors become the
outbox's: 429 and 403 `rateLimitExceeded` wait (Retry-After when given), 5xx and network errors
retry, other refusals are dead at once. Reasons never hold credentials.
"""

from __future__ import annotations

import base64
import json
import socket
from pathlib import Path
from typing import Any

import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from tourstack.messaging.transports import DeliveryError

SCOPES = ("https://www.googleapis.com/auth/calendar.events",)
DEFAULT_API = "https://www.googleapis.com/calendar/v3/"
_RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"})


class StaleEtag(Exception):
    """412: the event changed since the etag we sent."""


class EventMissing(Exception):
    """404 or 410: no such event (never created, or deleted)."""


class EventExists(Exception):
    """409 on insert: an event with this id exists already (an earlier try's answer was lost)."""


def event_id_for(uid: str) -> str:
    """Google's event id for our iCal UID: base32hex (a-v, 0-9), deterministic, so inserting it
    twice answers 409 instead of making a second event."""
    return base64.b32hexencode(uid.encode()).decode().lower().rstrip("=")


def _reason(exc: HttpError) -> str:
    try:
        error = json.loads(exc.content.decode() or "{}").get("error") or {}
    except (ValueError, UnicodeDecodeError, AttributeError):
        return ""
    errors = error.get("errors") or [{}]
    return str(errors[0].get("reason") or error.get("status") or "")


def _failure(exc: HttpError) -> Exception:
    status = int(exc.resp.status)
    reason = _reason(exc)
    if status == 412:
        return StaleEtag()
    if status in (404, 410):
        return EventMissing()
    if status == 409:
        return EventExists()
    retry_after = exc.resp.get("retry-after")
    if status == 429 or (status == 403 and reason in _RATE_REASONS):
        try:
            wait = float(retry_after) if retry_after is not None else None
        except ValueError:
            wait = None
        return DeliveryError(f"google calendar: rate limited (HTTP {status} {reason})".strip(), retry_after=wait)
    if status >= 500:
        return DeliveryError(f"google calendar: HTTP {status} {reason}".strip())
    return DeliveryError(f"google calendar: HTTP {status} {reason}".strip(), temporary=False)


class GoogleCalendar:
    """The few calls the calendar channel needs: insert, get, patch (If-Match)."""

    def __init__(self, *, http: Any | None = None, credentials_file: str | Path | None = None,
                 subject: str | None = None, api_url: str | None = None, timeout: float = 10.0) -> None:
        if http is None:
            if credentials_file is None:
                raise ValueError("Google Calendar needs a service account file (or an authorised http)")
            from google.oauth2 import service_account
            from google_auth_httplib2 import AuthorizedHttp

            credentials = service_account.Credentials.from_service_account_file(str(credentials_file), scopes=SCOPES)
            if subject:
                credentials = credentials.with_subject(subject)
            http = AuthorizedHttp(credentials, http=httplib2.Http(timeout=timeout))
        self._service = build("calendar", "v3", http=http, static_discovery=True, cache_discovery=False,
                              client_options={"api_endpoint": api_url or DEFAULT_API})

    def _run(self, request, *, if_match: str | None = None) -> dict:
        if if_match:
            request.headers["If-Match"] = if_match
        try:
            return request.execute(num_retries=0)
        except HttpError as exc:
            raise _failure(exc) from None
        except (httplib2.HttpLib2Error, OSError, socket.timeout) as exc:
            raise DeliveryError(f"google calendar: network error ({type(exc).__name__})") from None

    def insert(self, calendar_id: str, body: dict) -> dict:
        return self._run(self._service.events().insert(calendarId=calendar_id, body=body, sendUpdates="none"))

    def get(self, calendar_id: str, event_id: str) -> dict:
        return self._run(self._service.events().get(calendarId=calendar_id, eventId=event_id))

    def patch(self, calendar_id: str, event_id: str, body: dict, *, etag: str | None) -> dict:
        return self._run(self._service.events().patch(calendarId=calendar_id, eventId=event_id, body=body,
                                                      sendUpdates="none"), if_match=etag)
