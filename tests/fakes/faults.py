"""Fault injection shared by the gateway fakes: answer normally, 503, or too slowly."""

from __future__ import annotations

import asyncio

from starlette.responses import JSONResponse


class Faults:
    def __init__(self) -> None:
        self.mode = "ok"  # ok, down (HTTP 503), slow (sleeps past the client timeout)
        self.slow_seconds = 3.0
        self.down_status = 503  # some tests want a plain 500

    async def check(self):
        if self.mode == "down":
            return JSONResponse({"error": {"code": "SERVER_ERROR", "description": "down"}},
                                status_code=self.down_status)
        if self.mode == "slow":
            await asyncio.sleep(self.slow_seconds)
        return None


def down_app():
    """An API that is always down: every request answers 500 (stands in for Stripe outages)."""
    from starlette.applications import Starlette
    from starlette.routing import Route

    async def fail(request):
        return JSONResponse({"error": {"type": "api_error", "message": "down"}}, status_code=500)

    return Starlette(routes=[Route("/{path:path}", fail, methods=["GET", "POST"])])
