"""Two workers syncing the same provider at once on PostgreSQL: the per-provider advisory lock
lets one push and turns the other away (SyncBusy), so no document is pushed twice: no invoice,
customer, bill, bill payment or vendor appears twice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.quickbooks import TOKEN_PATH, FakeQuickBooks
from tests.integration.accounting.conftest import REDIRECT, fill_mappings
from tourstack.accounting import access_token, begin_connect, finish_connect
from tourstack.accounting.quickbooks_oauth import QuickBooksOAuth
from tourstack.accounting.quickbooks_sync import QuickBooksSync
from tourstack.accounting.sync import SyncBusy, provider_lock, run_sync
from tourstack.db.engine import make_engine, make_sessionmaker

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.xdist_group("accounting_fakes")]


@pytest.mark.postgres
def test_two_workers_never_push_the_same_document(pg_url, tmp_path, cipher, monkeypatch):
    from tourstack.demo import seed

    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    seed(pg_url, 8, progress=False)
    fake = FakeQuickBooks()
    engine = make_engine(pg_url, pool_size=4)
    try:
        sessions = make_sessionmaker(engine)
        mapping = fill_mappings(tmp_path, pg_url, "quickbooks")
        with ThreadedServer(fake.app()) as server:
            app = QuickBooksOAuth(fake.auth.client_id, fake.auth.client_secret, REDIRECT.format("quickbooks"),
                                  token_url=server.url + TOKEN_PATH)
            with sessions() as session:
                url = begin_connect(session, app)
                session.commit()
                finish_connect(session, app, cipher, state=parse_qs(urlsplit(url).query)["state"][0],
                               code=fake.auth.issue_code(), tenant_hint="77")

            def client():
                return QuickBooksSync(app, lambda rejected: access_token(sessions, app, cipher, rejected=rejected),
                                      api_base=server.url)

            with provider_lock(engine, "quickbooks"):  # a worker holds it: the next is turned away
                with pytest.raises(SyncBusy):
                    run_sync(sessions, client(), mapping)
            assert not fake.all("Customer")

            started = threading.Barrier(2)
            turned_away = threading.Event()

            def worker(_):
                started.wait()
                try:
                    # the worker holding the lock waits after its push until the other was turned away
                    return run_sync(sessions, client(), mapping,
                                    after_provider_call=lambda doc, ref: turned_away.wait(timeout=10))
                except SyncBusy:
                    turned_away.set()
                    return "busy"

            with ThreadPoolExecutor(2) as pool:
                outcomes = list(pool.map(worker, range(2)))
            assert outcomes.count("busy") == 1
            numbers = [r["DocNumber"] for r in fake.all("Invoice")]
            assert numbers and len(numbers) == len(set(numbers))
            names = [r["DisplayName"] for r in fake.all("Customer")]
            assert len(names) == len(set(names))
            bills = [r["DocNumber"] for r in fake.all("Bill")]  # the payable side, in the same run
            assert bills and len(bills) == len(set(bills))
            linked = [t["TxnId"] for r in fake.all("BillPayment") for line in r["Line"] for t in line["LinkedTxn"]]
            assert linked and len(linked) == len(set(linked))
            vendors = [r["DisplayName"] for r in fake.all("Vendor")]
            assert vendors and len(vendors) == len(set(vendors))
    finally:
        engine.dispose()
