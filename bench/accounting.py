"""The first accounting sync of a demo book against each fake, held to the provider's rate limit,
killed with SIGKILL mid-run and resumed: calls, time, 429s, duplicates.

    .venv/bin/python -m bench.accounting --bookings 60 --kill-after 40 --xero-time-scale 10

Per provider: seed a SQLite book (`--bookings`), start the fake on 127.0.0.1 with the limit
(QuickBooks 500 requests a minute, Xero 60; `--xero-time-scale` compresses Xero's minute so the
run fits in a couple of minutes, and is reported), connect through OAuth, run
`tourstack accounting sync` in a child process and SIGKILL it after `--kill-after` API calls,
then resume in-process and check: every issued invoice exactly once on the provider, and the
sync reconciliation clean. Then an incremental sync of `--changes` edited invoices.
Raw results go to bench/results/accounting-<date>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
LIMITS = {"quickbooks": 500, "xero": 60}  # requests per minute per company (the providers' documents)


def _fake(provider: str, scale: float):
    if provider == "quickbooks":
        from tests.fakes.quickbooks import FakeQuickBooks

        return FakeQuickBooks(per_minute=LIMITS[provider])
    from tests.fakes.xero import FakeXero

    return FakeXero(per_minute=LIMITS[provider], window_seconds=60.0 / scale)


def _fill_mappings(directory: Path, url: str, provider: str) -> None:
    from tourstack.accounting.mappings import issued_tax_keys, load_chart
    from tourstack.db.engine import make_engine, make_sessionmaker

    chart = load_chart(ROOT / "dbt_project" / "seeds" / "chart_of_accounts.csv")
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        keys = issued_tax_keys(session)
    engine.dispose()
    (directory / f"{provider}.yaml").write_text(yaml.safe_dump({
        "provider": provider, "accounts": {a.code: a.code for a in chart}, "items": {"4000": "11", "4100": "12"},
        "tax_codes": {k: f"TAX-{k}" for k in sorted(keys)}}))


def _remote_numbers(fake, provider: str) -> list[str]:
    if provider == "quickbooks":
        return [r["DocNumber"] for r in fake.all("Invoice")]
    return [r["InvoiceNumber"] for r in fake.invoices()]


def _open_errors(sessions) -> list[str]:  # noqa: ANN001
    from tourstack.db.models import AccountingSyncError

    with sessions() as session:
        return [f"{e.entity} {e.local_id} {e.code}: {e.message[:120]}" for e in session.scalars(
            select(AccountingSyncError).where(AccountingSyncError.status == "open"))]


def run_provider(provider: str, template: Path, work: Path, kill_after: int, changes: int, scale: float) -> dict:
    from tests.fakes.asgi_server import ThreadedServer
    from tests.fakes.quickbooks import TOKEN_PATH as QB_TOKEN
    from tests.fakes.xero import TOKEN_PATH as XERO_TOKEN
    from tourstack.accounting import TokenCipher, begin_connect, cipher_from_settings, finish_connect
    from tourstack.accounting import oauth_app_from_settings
    from tourstack.accounting.mappings import load_mapping
    from tourstack.accounting.runner import build_client, sync_provider
    from tourstack.accounting.sync_report import reconcile_sync
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.db.models import Invoice, InvoiceLine
    from tourstack.settings import get_settings

    db = work / f"{provider}.db"
    shutil.copyfile(template, db)
    url = f"sqlite:///{db}"
    mappings = work / provider
    mappings.mkdir()
    _fill_mappings(mappings, url, provider)
    fake = _fake(provider, scale)
    with ThreadedServer(fake.app()) as server:
        env = {"TOURSTACK_DATABASE_URL": url, "TOURSTACK_ACCOUNTING_MAPPINGS_DIR": str(mappings),
               "TOURSTACK_ACCOUNTING_KEY": TokenCipher.new_key(), "OAUTHLIB_INSECURE_TRANSPORT": "1"}
        if provider == "quickbooks":
            env |= {"TOURSTACK_QUICKBOOKS_CLIENT_ID": fake.auth.client_id,
                    "TOURSTACK_QUICKBOOKS_CLIENT_SECRET": fake.auth.client_secret,
                    "TOURSTACK_QUICKBOOKS_TOKEN_URL": server.url + QB_TOKEN, "TOURSTACK_QUICKBOOKS_API_URL": server.url}
        else:
            env |= {"TOURSTACK_XERO_CLIENT_ID": fake.auth.client_id, "TOURSTACK_XERO_CLIENT_SECRET": fake.auth.client_secret,
                    "TOURSTACK_XERO_TOKEN_URL": server.url + XERO_TOKEN, "TOURSTACK_XERO_IDENTITY_URL": server.url,
                    "TOURSTACK_XERO_API_URL": server.url}
        os.environ.update(env)
        get_settings.cache_clear()
        settings = get_settings()
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        app = oauth_app_from_settings(settings, provider)
        with sessions() as session:
            consent = begin_connect(session, app)
            session.commit()
            finish_connect(session, app, cipher_from_settings(settings), tenant_hint="4620816365",
                           state=parse_qs(urlsplit(consent).query)["state"][0], code=fake.auth.issue_code())
        with sessions() as session:
            issued = len(session.scalars(select(Invoice.id).where(Invoice.kind == "invoice",
                                                                  Invoice.invoice_number.is_not(None))).all())
        # 1. the first sync in a child process, killed mid-run
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", "from cli import app; app()", "accounting", "sync",
                                  "--provider", provider], cwd=ROOT, env={**os.environ},
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while child.poll() is None and len(fake.requests) < kill_after:
            time.sleep(0.01)
        killed = child.poll() is None
        if killed:
            os.kill(child.pid, signal.SIGKILL)
        child.wait()
        first_calls, first_seconds = len(fake.requests), time.perf_counter() - started
        before_resume = len(_remote_numbers(fake, provider))
        # 2. resumed in-process
        started = time.perf_counter()
        report = sync_provider(settings, sessions, provider)
        resume_seconds = time.perf_counter() - started
        numbers = _remote_numbers(fake, provider)
        with sessions() as session:
            result = reconcile_sync(session, build_client(settings, sessions, provider),
                                    load_mapping(provider, mappings), dt.date.today())
        total_calls = len(fake.requests)
        # 3. an incremental sync of `changes` edited invoices
        with sessions() as session:
            lines = session.scalars(select(InvoiceLine).join(Invoice, Invoice.id == InvoiceLine.invoice_id)
                                    .where(Invoice.kind == "invoice", Invoice.invoice_number.is_not(None),
                                           InvoiceLine.line_number == 1).limit(changes)).all()
            for line in lines:
                line.description = line.description[:180] + " (rev. 2)"
            session.commit()
        started = time.perf_counter()
        incremental = sync_provider(settings, sessions, provider)
        incremental_seconds = time.perf_counter() - started
        engine.dispose()
        get_settings.cache_clear()
        return {
            "provider": provider, "limit_per_minute": LIMITS[provider],
            "window_seconds": fake.window_seconds, "issued_invoices": issued,
            "killed": killed, "calls_before_kill": first_calls, "seconds_before_kill": round(first_seconds, 2),
            "invoices_there_at_kill": before_resume, "resume_seconds": round(resume_seconds, 2),
            "calls_total_first_sync": total_calls, "throttled_429": fake.throttled,
            "sent_on_resume": report.sent, "invoices_there": len(numbers), "duplicates": len(numbers) - len(set(numbers)),
            "reconciliation_differences": len(result.differences),
            "differences": [f"{d.entity} {d.kind} {d.label}: ours {d.ours} theirs {d.theirs}"
                            for d in result.differences[:10]],
            "open_errors": _open_errors(sessions),
            "incremental_changes": len(lines), "incremental_updated": incremental.entities["invoice"].updated,
            "incremental_created": sum(c.created for c in incremental.entities.values()),
            "incremental_seconds": round(incremental_seconds, 2),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=60)
    parser.add_argument("--kill-after", type=int, default=40, help="SIGKILL the first sync after this many calls")
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--xero-time-scale", type=float, default=10.0)
    parser.add_argument("--providers", nargs="+", default=["quickbooks", "xero"])
    args = parser.parse_args()
    from tourstack.demo import seed

    work = Path(tempfile.mkdtemp(prefix="bench-accounting-"))
    try:
        template = work / "book.db"
        started = time.perf_counter()
        seed(f"sqlite:///{template}", args.bookings, progress=False)
        seeded = time.perf_counter() - started
        results = [run_provider(p, template, work, args.kill_after, args.changes, args.xero_time_scale)
                   for p in args.providers]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = {"date": dt.date.today().isoformat(), "bookings": args.bookings, "seed_seconds": round(seeded, 1),
           "kill_after": args.kill_after, "results": results}
    target = ROOT / "bench" / "results" / f"accounting-{dt.date.today().isoformat()}.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
