"""A fake Xero: the identity server's token endpoint (tests/fakes/oauth2.py) and the
`GET /Connections` list (the path `xero-python` calls) of tenants a token opens.

Token requests authenticate with HTTP Basic (the code exchange) or the client id and secret in
the form (how `xero-python`'s TokenApi refreshes); both are what Xero accepts. Access tokens last
30 minutes, refresh tokens rotate. `/Connections` wants a live bearer token (401 otherwise).
"""

from __future__ import annotations

import uuid

from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.oauth2 import TokenAuthority

TOKEN_PATH = "/connect/token"


class FakeXero:
    def __init__(self, client_id: str = "xero-client", client_secret: str = "xero-secret") -> None:
        self.auth = TokenAuthority(client_id, client_secret, access_ttl=1800)
        self.tenant_id = str(uuid.uuid4())
        self.tenant_name = "Tourstack Journeys (Demo)"

    async def _token(self, request: Request) -> JSONResponse:
        form = dict(parse_qsl((await request.body()).decode()))
        status, body = self.auth.token(request.headers.get("authorization"), form)
        body.pop("x_refresh_token_expires_in", None)  # Intuit's field, not Xero's
        if status == 200:
            body["scope"] = "offline_access accounting.transactions accounting.contacts accounting.settings"
        return JSONResponse(body, status_code=status)

    async def _connections(self, request: Request) -> JSONResponse:
        if not self.auth.bearer_ok(request.headers.get("authorization")):
            return JSONResponse({"Title": "Unauthorized", "Status": 401}, status_code=401)
        return JSONResponse([{"id": str(uuid.uuid5(uuid.NAMESPACE_URL, self.tenant_id)), "authEventId": str(uuid.uuid4()),
                              "tenantId": self.tenant_id, "tenantType": "ORGANISATION",
                              "tenantName": self.tenant_name, "createdDateUtc": "2026-12-01T10:00:00.0000000",
                              "updatedDateUtc": "2026-12-01T10:00:00.0000000"}])

    def app(self) -> Starlette:
        return Starlette(routes=[Route(TOKEN_PATH, self._token, methods=["POST"]),
                                 Route("/Connections", self._connections, methods=["GET"])])
