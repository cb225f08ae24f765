"""Fake ECB eurofxref feeds: eurofxref-daily.xml, eurofxref-hist-90d.xml, eurofxref-hist.xml
under /stats/eurofxref/, in the ECB's gesmes XML format, plus failure modes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.fakes.http_server import LoopbackServer, Request, Response

PREFIX = "/stats/eurofxref"


def render_ecb_xml(days: dict[dt.date, dict[str, Decimal]]) -> bytes:
    cubes = []
    for day in sorted(days, reverse=True):
        inner = "".join(
            f"<Cube currency='{code}' rate='{rate}'/>" for code, rate in sorted(days[day].items())
        )
        cubes.append(f"<Cube time='{day.isoformat()}'>{inner}</Cube>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" '
        'xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">'
        "<gesmes:subject>Reference rates</gesmes:subject>"
        "<gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>"
        f"<Cube>{''.join(cubes)}</Cube></gesmes:Envelope>"
    ).encode()


class FakeEcb(LoopbackServer):
    """`days` maps a publication date to {currency: EUR->currency}. Set `mode` to
    'error' (HTTP 500) or 'malformed' (truncated XML) to exercise failures."""

    def __init__(self, days: dict[dt.date, dict[str, Decimal]]):
        self.days = days
        self.mode = "ok"
        super().__init__(self._handle)

    @property
    def base_url(self) -> str:
        return self.url + PREFIX

    def _handle(self, request: Request) -> Response:
        if self.mode == "error":
            return Response(500, b"<html>Internal Server Error</html>", "text/html")
        if self.mode == "malformed":
            return Response(200, b"<gesmes:Envelope><Cube><Cube time='2025-", "text/xml")
        name = request.path.removeprefix(PREFIX + "/")
        if name == "eurofxref-daily.xml":
            latest = max(self.days)
            return Response(200, render_ecb_xml({latest: self.days[latest]}), "text/xml")
        if name in ("eurofxref-hist-90d.xml", "eurofxref-hist.xml"):
            return Response(200, render_ecb_xml(self.days), "text/xml")
        return Response(404, b"not found", "text/plain")
