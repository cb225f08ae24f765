"""Outlook calendars through Microsoft Graph REST (httpx), with the calendar channel's interface.

Why httpx and not the Graph SDK: msgraph-sdk pins an older opentelemetry-api than Dagster
needs; the channel uses four calls (token, create, read, update/delete), plain REST is enough.

Mapping to the channel's backend protocol (insert, get, patch; see calendar_sync): the channel
names events by an id derived from the iCal UID. Graph chooses its own ids, so that id travels
as a single-value extended property (found again with a `$filter` on it) and as the create's
`transactionId` (Graph's guard against a retried create making a second event). The SEQUENCE we
keep is a second extended property: Graph has none. A patch carries `If-Match: <@odata.etag>`;
412 means someone edited the event (the channel re-reads and patches again). Cancellation
deletes the event (an organizer-less event cannot be "cancelled" in Graph); a second delete
answers 404, which the channel reads as nothing left to cancel.

Token: OAuth 2.0 client credentials at `{login}/{tenant}/oauth2/v2.0/token`, scope
`https://graph.microsoft.com/.default`, kept until a minute before it expires; a 401 from Graph
drops it so the retry fetches a fresh one. Errors become the outbox's: 429 and 503 wait for
Retry-After, other 5xx and network errors back off, other refusals are dead at once. Reasons
never hold the secret or a token.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import SecretStr

from tourstack.messaging.google_calendar import EventExists, EventMissing, StaleEtag
from tourstack.messaging.transports import DeliveryError

SCOPE = "https://graph.microsoft.com/.default"
_GUID = "{6b1f8a3c-2d4e-4c5b-9a7e-1f0c3d2b4a51}"
EVENT_ID_PROP = f"String {_GUID} Name tourstack_event_id"
SEQUENCE_PROP = f"String {_GUID} Name tourstack_sequence"


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


def _code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("code") or "")
    return str(error or "")


def graph_body(body: dict[str, Any]) -> dict[str, Any]:
    """The channel's event (Google-shaped, see calendar_sync.google_body) as a Graph event."""
    start, end = body["start"], body["end"]
    out: dict[str, Any] = {
        "subject": body.get("summary"), "body": {"contentType": "text", "content": body.get("description") or ""},
        "location": {"displayName": body.get("location") or ""},
        "start": {"dateTime": start["dateTime"][:19], "timeZone": start["timeZone"]},
        "end": {"dateTime": end["dateTime"][:19], "timeZone": end["timeZone"]},
        "showAs": "busy", "isReminderOn": False,
        "singleValueExtendedProperties": [
            {"id": SEQUENCE_PROP, "value": str(int(body.get("sequence", 0)))}],
    }
    return out


class GraphCalendar:
    """insert / get / patch on `/users/{mailbox}/events`, the calendar channel's backend."""

    def __init__(self, *, tenant_id: str, client_id: str, client_secret: SecretStr | str,
                 api_url: str = "https://graph.microsoft.com/v1.0/",
                 login_url: str = "https://login.microsoftonline.com/", timeout: float = 10.0,
                 client: httpx.Client | None = None) -> None:
        self._tenant, self._client_id = tenant_id, client_id
        self._secret = client_secret if isinstance(client_secret, SecretStr) else SecretStr(client_secret)
        self._api, self._login = api_url.rstrip("/") + "/", login_url.rstrip("/") + "/"
        self._http = client or httpx.Client(timeout=timeout)
        self._token: tuple[str, float] | None = None
        self._ids: dict[tuple[str, str], str] = {}  # (mailbox, our id) -> Graph's id

    # -- token ---------------------------------------------------------------------------------
    def _bearer(self) -> str:
        if self._token and self._token[1] > time.monotonic():
            return self._token[0]
        try:
            response = self._http.post(f"{self._login}{quote(self._tenant)}/oauth2/v2.0/token", data={
                "grant_type": "client_credentials", "client_id": self._client_id,
                "client_secret": self._secret.get_secret_value(), "scope": SCOPE})
        except httpx.HTTPError as exc:
            raise DeliveryError(f"outlook calendar: token endpoint unreachable ({type(exc).__name__})") from None
        if response.status_code != 200:
            temporary = response.status_code >= 500 or response.status_code == 429
            raise DeliveryError(f"outlook calendar: token refused (HTTP {response.status_code} {_code(response)})",
                                temporary=temporary, retry_after=_retry_after(response))
        body = response.json()
        self._token = (body["access_token"], time.monotonic() + max(0, int(body.get("expires_in", 3599)) - 60))
        return self._token[0]

    # -- calls ---------------------------------------------------------------------------------
    def _call(self, method: str, path: str, *, json: dict | None = None, params: dict | None = None,
              if_match: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._bearer()}", "Prefer": 'outlook.timezone="UTC"'}
        if if_match:
            headers["If-Match"] = if_match
        try:
            response = self._http.request(method, self._api + path, json=json, params=params, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"outlook calendar: network error ({type(exc).__name__})") from None
        status = response.status_code
        if status < 300:
            return response
        if status == 412:
            raise StaleEtag()
        if status in (404, 410):
            raise EventMissing()
        if status == 409:
            raise EventExists()
        reason = f"outlook calendar: HTTP {status} {_code(response)}".strip()
        if status == 401:
            self._token = None  # expired or revoked: the retry asks for a fresh one
            raise DeliveryError(reason)
        if status == 429 or status >= 500:
            raise DeliveryError(reason, retry_after=_retry_after(response))
        raise DeliveryError(reason, temporary=False)

    def _events(self, mailbox: str) -> str:
        return f"users/{quote(mailbox)}/events"

    def _normal(self, mailbox: str, our_id: str, event: dict) -> dict:
        self._ids[(mailbox, our_id)] = event["id"]
        props = {p.get("id"): p.get("value") for p in event.get("singleValueExtendedProperties") or []}
        try:
            sequence = int(props.get(SEQUENCE_PROP) or 0)
        except ValueError:
            sequence = 0
        return {"id": event["id"], "etag": event.get("@odata.etag"), "sequence": sequence}

    def _find(self, mailbox: str, our_id: str) -> dict:
        """The event by our id (its extended property); EventMissing when there is none."""
        flt = f"singleValueExtendedProperties/Any(ep: ep/id eq '{EVENT_ID_PROP}' and ep/value eq '{our_id}')"
        response = self._call("GET", self._events(mailbox), params={
            "$filter": flt, "$expand": f"singleValueExtendedProperties($filter=id eq '{SEQUENCE_PROP}')"})
        found = response.json().get("value") or []
        if not found:
            raise EventMissing()
        return found[0]

    def insert(self, calendar_id: str, body: dict) -> dict:
        our_id = body["id"]
        event = graph_body(body)
        event["transactionId"] = our_id[:200]
        event["singleValueExtendedProperties"].append({"id": EVENT_ID_PROP, "value": our_id})
        created = self._call("POST", self._events(calendar_id), json=event).json()
        return self._normal(calendar_id, our_id, created)

    def get(self, calendar_id: str, event_id: str) -> dict:
        return self._normal(calendar_id, event_id, self._find(calendar_id, event_id))

    def patch(self, calendar_id: str, event_id: str, body: dict, *, etag: str | None) -> dict:
        graph_id = self._ids.get((calendar_id, event_id)) or self._find(calendar_id, event_id)["id"]
        path = f"{self._events(calendar_id)}/{quote(graph_id)}"
        if body.get("status") == "cancelled":
            self._call("DELETE", path, if_match=etag)
            return {"id": graph_id, "etag": None, "sequence": int(body.get("sequence", 0))}
        updated = self._call("PATCH", path, json=graph_body(body), if_match=etag).json()
        return self._normal(calendar_id, event_id, updated)
