"""A loopback fake of the OpenAI Chat Completions API (the subset the itinerary code uses).

Serves POST /v1/chat/completions on 127.0.0.1 with uvicorn in a thread. Each model answers
from a script of behaviours consumed in order (then `default`):

    ok         a structured itinerary built from the catalogue brief in the prompt
    invented   like ok, plus a site and a hotel that are not in the catalogue
    malformed  content that is not JSON
    schema     JSON that does not match the response schema
    refusal    a refusal message, no content
    429 / 500  an error status (with retry-after-ms so retries are quick)
    timeout    sleeps `delay_s` before answering
    text:...   that text as the message content (for content generation)

Requests are kept (`requests`) so tests can assert on the prompts and retries.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections import defaultdict, deque
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SITE_LINE = re.compile(r"^- (?P<name>[^|]+?) \| (?P<cat>[^|]+?) \| (?P<min>\d+) \|")
HOTEL_LINE = re.compile(r"^- (?P<name>[^|]+?) \| (?P<stars>\S+) \| ")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def plan_from_prompt(body: dict[str, Any], *, invent: bool = False) -> dict[str, Any]:
    """A plausible answer: two catalogue sites a day, lunch, dinner and the first hotel."""
    messages = body["messages"]
    ask = json.loads(messages[-1]["content"])
    brief = messages[1]["content"].splitlines()
    hotel_at = brief.index(next(line for line in brief if line.startswith("Hotels")))
    sites = [m["name"] for line in brief[1:hotel_at] if (m := SITE_LINE.match(line))]
    hotels = [(m["name"], m["stars"]) for line in brief[hotel_at + 1:] if (m := HOTEL_LINE.match(line))]
    hotels.sort(key=lambda h: h[1] != str(ask.get("hotel_stars")))  # the asked-for stars first
    days = []
    for n in range(1, ask["days"] + 1):
        a = sites[(2 * n - 2) % len(sites)]
        b = sites[(2 * n - 1) % len(sites)]
        items = [
            {"slot": "morning", "kind": "site", "name": a, "description": f"Visit {a}.",
             "start_time": "10:00", "end_time": "11:30", "estimated_cost": "500.00"},
            {"slot": "afternoon", "kind": "meal", "name": "Lunch at a local thali house",
             "description": "Rajasthani thali.", "start_time": "12:30", "end_time": "13:30",
             "estimated_cost": "1200.50"},
            {"slot": "afternoon", "kind": "site", "name": b, "description": f"Visit {b}.",
             "start_time": "14:00", "end_time": "15:30", "estimated_cost": "400"},
            {"slot": "evening", "kind": "meal", "name": "Dinner", "description": "Dinner.",
             "start_time": "19:30", "end_time": "21:00", "estimated_cost": "2000"},
        ]
        if invent and n == 1:
            items.append({"slot": "evening", "kind": "site", "name": "Maharaja Moonlight Sky Garden",
                          "description": "A rooftop garden.", "start_time": "16:00",
                          "end_time": "17:00", "estimated_cost": "900"})
        if n < ask["days"]:
            hotel = "The Grand Imaginary Palace Resort" if invent else (hotels[0][0] if hotels else "Hotel")
            items.append({"slot": "overnight", "kind": "hotel", "name": hotel, "description": "Hotel.",
                          "start_time": None, "end_time": None, "estimated_cost": "8000"})
        days.append({"day_number": n, "title": f"Day {n}", "items": items})
    return {"title": f"{ask['days']} days in {ask['destination']}",
            "summary": f"A {ask['style']} trip to {ask['destination']}.", "days": days}


class FakeOpenAI:
    def __init__(self, default: str = "ok", delay_s: float = 2.0):
        self.default = default
        self.delay_s = delay_s
        self.scripts: dict[str, deque[str]] = defaultdict(deque)
        self.requests: list[dict[str, Any]] = []
        self.port = _free_port()
        app = Starlette(routes=[Route("/v1/chat/completions", self._chat, methods=["POST"])])
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                     log_level="error", lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def script(self, model: str, *behaviours: str) -> None:
        self.scripts[model].extend(behaviours)

    def calls(self, model: str | None = None) -> int:
        return sum(1 for r in self.requests if model is None or r["model"] == model)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)

    async def _chat(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(body)
        model = body.get("model", "")
        script = self.scripts[model]
        behaviour = script.popleft() if script else self.default
        quick = {"retry-after-ms": "10"}
        if behaviour == "429":
            return JSONResponse({"error": {"message": "Rate limit reached", "type": "requests",
                                           "code": "rate_limit_exceeded"}}, 429, headers=quick)
        if behaviour == "500":
            return JSONResponse({"error": {"message": "The server had an error", "type": "server_error"}},
                                500, headers=quick)
        if behaviour == "timeout":
            await asyncio.sleep(self.delay_s)
        refusal, content = None, None
        if behaviour == "refusal":
            refusal = "I'm sorry, I can't help with that request."
        elif behaviour == "malformed":
            content = '{"title": "7 days", "days": [ {"day_number": 1, "items": ['
        elif behaviour == "schema":
            content = json.dumps({"itinerary": "Day 1: see the fort"})
        elif behaviour.startswith("text:"):
            content = behaviour[5:]
        else:
            content = json.dumps(plan_from_prompt(body, invent=behaviour == "invented"))
        return JSONResponse({
            "id": f"chatcmpl-fake{len(self.requests)}", "object": "chat.completion",
            "created": int(time.time()), "model": model, "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": content, "refusal": refusal}}],
            "usage": {"prompt_tokens": 1800, "completion_tokens": 1200, "total_tokens": 3000},
        })
