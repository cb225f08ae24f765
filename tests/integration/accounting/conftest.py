"""The fake QuickBooks and Xero servers, one of each per module, and OAuth apps pointed at them."""

from __future__ import annotations

import pytest

from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.quickbooks import TOKEN_PATH as QB_TOKEN_PATH, FakeQuickBooks
from tests.fakes.xero import TOKEN_PATH as XERO_TOKEN_PATH, FakeXero
from tourstack.accounting import TokenCipher
from tourstack.accounting.quickbooks_oauth import QuickBooksOAuth
from tourstack.accounting.xero_oauth import XeroOAuth

REDIRECT = "http://127.0.0.1:8000/api/v1/accounting/{}/callback"


@pytest.fixture(scope="module")
def fake_quickbooks():
    fake = FakeQuickBooks()
    with ThreadedServer(fake.app()) as server:
        fake.url = server.url
        yield fake


@pytest.fixture(scope="module")
def fake_xero():
    fake = FakeXero()
    with ThreadedServer(fake.app()) as server:
        fake.url = server.url
        yield fake


@pytest.fixture
def quickbooks_app(fake_quickbooks) -> QuickBooksOAuth:
    return QuickBooksOAuth(fake_quickbooks.auth.client_id, fake_quickbooks.auth.client_secret,
                           REDIRECT.format("quickbooks"), token_url=fake_quickbooks.url + QB_TOKEN_PATH)


@pytest.fixture
def xero_app(fake_xero) -> XeroOAuth:
    return XeroOAuth(fake_xero.auth.client_id, fake_xero.auth.client_secret, REDIRECT.format("xero"),
                     token_url=fake_xero.url + XERO_TOKEN_PATH, identity_url=fake_xero.url)


@pytest.fixture(scope="module")
def cipher() -> TokenCipher:
    return TokenCipher(TokenCipher.new_key())


@pytest.fixture(scope="session")
def seeded_book(tmp_path_factory) -> str:
    """A small demo book (20 bookings: invoices in INR, EUR, GBP, USD; partial payments), seeded
    once per session; tests get copies (`book_url`)."""
    from tourstack.demo import seed

    path = tmp_path_factory.mktemp("accounting_book") / "operational.db"
    seed(f"sqlite:///{path}", 20, progress=False)
    return str(path)


@pytest.fixture
def book_url(seeded_book, tmp_path) -> str:
    import shutil

    target = tmp_path / "book.db"
    shutil.copyfile(seeded_book, target)
    return f"sqlite:///{target}"


class Crash(Exception):
    """Raised by a test where a process would die: after the provider answered, before our write."""


@pytest.fixture
def sessions(book_url):
    from tourstack.db.engine import make_engine, make_sessionmaker

    engine = make_engine(book_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def fill_mappings(directory, url: str, provider: str):
    """A company's filled mapping file: every account, item and tax code the book needs."""
    import yaml

    from tourstack.accounting.mappings import issued_tax_keys, load_chart, load_mapping
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.settings import PROJECT_ROOT

    chart = load_chart(PROJECT_ROOT / "dbt_project" / "seeds" / "chart_of_accounts.csv")
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        keys = issued_tax_keys(session)
    engine.dispose()
    data = {"provider": provider, "accounts": {a.code: f"{a.code}" for a in chart},
            "items": {"4000": "11", "4100": "12"},
            "tax_codes": {k: f"TAX-{k}" for k in sorted(keys)}}
    (directory / f"{provider}.yaml").write_text(yaml.safe_dump(data))
    return load_mapping(provider, directory)
