"""Messaging fixtures: the fake chat providers on 127.0.0.1, started once per module, and a
dispatch clock under the test's control."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.slack import FakeSlack


class Clock:
    """Dispatch time, starting just after the rows were written."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def slack_server():
    fake = FakeSlack()
    with ThreadedServer(fake.app) as server:
        yield fake, server.url


@pytest.fixture
def slack(slack_server):
    fake, url = slack_server
    fake.posts.clear()
    fake._faults.clear()
    return fake, url


@pytest.fixture
def sessions(session: Session) -> sessionmaker:
    return sessionmaker(session.get_bind(), expire_on_commit=False)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def teams_server():
    from tests.fakes.teams import FakeTeams

    fake = FakeTeams()
    with ThreadedServer(fake.app) as server:
        yield fake, server.url


@pytest.fixture
def teams(teams_server):
    fake, url = teams_server
    fake.cards.clear()
    fake._faults.clear()
    return fake, url


@pytest.fixture(scope="module")
def cloud_api_server():
    from tests.fakes.whatsapp import FakeCloudApi

    fake = FakeCloudApi()
    with ThreadedServer(fake.app) as server:
        yield fake, server.url


@pytest.fixture
def cloud_api(cloud_api_server):
    fake, url = cloud_api_server
    fake.reset()
    return fake, url


@pytest.fixture(scope="module")
def twilio_server():
    from tests.fakes.twilio import FakeTwilio

    fake = FakeTwilio()
    with ThreadedServer(fake.app) as server:
        yield fake, server.url


@pytest.fixture
def twilio(twilio_server):
    fake, url = twilio_server
    fake.reset()
    return fake, url
