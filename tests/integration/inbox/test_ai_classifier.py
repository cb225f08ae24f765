"""The AI classifier through the real openai SDK against the loopback fake (tests/fakes)."""

from __future__ import annotations

import json

import pytest

from tests.fakes.openai_server import FakeOpenAI
from tourstack.inbox.ai_classifier import OpenAIClassifier, decide
from tourstack.inbox.parse import ParsedMail

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("inbox_openai")]
MODEL = "gpt-4.1-mini"


@pytest.fixture(scope="module")
def fake():
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def ai(fake):
    import openai

    fake.scripts.clear()
    fake.requests.clear()
    client = openai.OpenAI(api_key="test", base_url=fake.base_url, max_retries=0, timeout=5)
    return OpenAIClassifier(client, MODEL, timeout_s=5)


UNCLEAR = ParsedMail(subject="Kal ka plan", text="Sir, guest ke saath kal subah 7 baje pickup theek rahega?")


def test_the_model_decides_what_the_rules_cannot(fake, ai):
    fake.script(MODEL, "text:" + json.dumps({"category": "customer_enquiry", "reason": "asks about a pickup"}))
    got = decide(UNCLEAR, ai)
    assert (got.category, got.classifier) == ("customer_enquiry", "ai")
    assert "Kal ka plan" in fake.requests[-1]["messages"][-1]["content"]


def test_confident_rules_do_not_call_the_model(fake, ai):
    got = decide(ParsedMail(subject="Cancellation TB4K7X2QA", text="cancelled"), ai)
    assert got.category == "cancellation" and fake.calls() == 0


@pytest.mark.parametrize("behaviour", ["500", "refusal", "malformed", "schema"])
def test_a_failing_model_keeps_the_rules_answer(fake, ai, behaviour):
    fake.script(MODEL, behaviour)
    got = decide(UNCLEAR, ai)
    assert (got.category, got.classifier) == ("other", "rules") and "AI not used" in got.reason


def test_without_a_client_only_rules_run():
    assert decide(UNCLEAR, None).classifier == "rules"
