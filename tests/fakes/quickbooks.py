"""A fake QuickBooks Online: Intuit's OAuth 2.0 token endpoint (tests/fakes/oauth2.py).

Served at Intuit's path (`/oauth2/v1/tokens/bearer`); point `intuit-oauth` at it with the token
URL override (TOURSTACK_QUICKBOOKS_TOKEN_URL). Answers as Intuit documents: form-encoded grant,
HTTP Basic client authentication, `expires_in` and `x_refresh_token_expires_in`, rotating
refresh tokens, `invalid_grant` (400) for a spent or revoked one.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.oauth2 import TokenAuthority

TOKEN_PATH = "/oauth2/v1/tokens/bearer"


class FakeQuickBooks:
    def __init__(self, client_id: str = "qb-client", client_secret: str = "qb-secret") -> None:
        self.auth = TokenAuthority(client_id, client_secret)

    async def _token(self, request: Request) -> JSONResponse:
        form = dict(parse_qsl((await request.body()).decode()))
        status, body = self.auth.token(request.headers.get("authorization"), form)
        return JSONResponse(body, status_code=status)

    def app(self) -> Starlette:
        return Starlette(routes=[Route(TOKEN_PATH, self._token, methods=["POST"])])
