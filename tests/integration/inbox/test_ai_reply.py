"""Model-written reply suggestions through the real openai SDK against the loopback fake: the
template stays the task's reply, the model's text is added beside it labelled as such, and a
failing provider (HTTP 500, refusal, malformed answer) keeps the template and says why."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.fakes.openai_server import FakeOpenAI
from tests.unit.inbox.test_process import _confirmation, booking  # noqa: F401 (fixture)
from tourstack.db.models.inbox import InboxTask
from tourstack.inbox import process
from tourstack.inbox.ai_reply import LABEL, OpenAIReplyWriter
from tourstack.inbox.ai_setup import inbox_ai
from tourstack.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("inbox_openai")]
MODEL = "gpt-4.1-mini"


@pytest.fixture(scope="module")
def fake():
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def writer(fake):
    import openai

    fake.scripts.clear()
    fake.requests.clear()
    client = openai.OpenAI(api_key="test", base_url=fake.base_url, max_retries=0, timeout=5)
    return OpenAIReplyWriter(client, MODEL, timeout_s=5)


def _mismatch_task(session, booking, writer):  # noqa: F811
    outcome = process.ingest(session, _confirmation(booking, guests=3), "file", replies=writer)
    (task,) = session.scalars(select(InboxTask).where(InboxTask.message_id == outcome.message_id)).all()
    assert task.kind == "booking_mismatch"
    return task, json.loads(task.detail)


def test_the_model_adds_a_labelled_suggestion_and_the_template_stays(session, booking, fake, writer):  # noqa: F811
    fake.script(MODEL, "text:" + json.dumps({"reply": "Dear Rambagh team, we booked 2 guests, not 3. Reservations"}))
    task, detail = _mismatch_task(session, booking, writer)
    assert task.suggested_reply.startswith("Dear colleagues,") and "guests" in task.suggested_reply
    assert detail["ai_suggested_reply"] == {"text": "Dear Rambagh team, we booked 2 guests, not 3. Reservations",
                                            "model": MODEL, "label": LABEL}
    sent = fake.requests[-1]["messages"][-1]["content"]
    assert "Template reply:" in sent and booking.booking_ref in sent
    # processing the same message again asks nothing more
    process.ingest(session, _confirmation(booking, guests=3), "file", replies=writer)
    assert fake.calls() == 1


@pytest.mark.parametrize("behaviour", ["500", "refusal", "malformed"])
def test_a_failing_provider_keeps_the_template(session, booking, fake, writer, behaviour):  # noqa: F811
    fake.script(MODEL, behaviour)
    task, detail = _mismatch_task(session, booking, writer)
    assert task.suggested_reply.startswith("Dear colleagues,")
    assert "ai_suggested_reply" not in detail and detail["ai_reply_error"].startswith("template kept:")


def test_without_a_writer_no_provider_is_asked(session, booking, fake):  # noqa: F811
    fake.requests.clear()
    _, detail = _mismatch_task(session, booking, None)
    assert "ai_suggested_reply" not in detail and fake.calls() == 0


def test_no_key_builds_no_helpers_and_a_key_builds_both():
    assert inbox_ai(Settings()).replies is None and inbox_ai(Settings()).classifier is None
    built = inbox_ai(Settings(openai_api_key="sk-test", openai_base_url="http://127.0.0.1:9/v1"))
    assert built.replies is not None and built.classifier is not None
