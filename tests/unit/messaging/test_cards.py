"""Every routed event type has its own wording; cards stay inside Block Kit's limits."""

from __future__ import annotations

from tourstack.messaging import shipped_config
from tourstack.messaging.cards import MAX_FIELDS, card_for
from tourstack.messaging.slack import blocks_for


def test_every_routed_event_type_has_a_card_of_its_own():
    for event_type in shipped_config().routes:
        card = card_for(event_type, {"key": "k", "facts": {"booking_ref": "BK-1", "amount": "1.00",
                                                            "currency": "INR"}})
        assert card.title != event_type, event_type
        assert card.footer == f"{event_type} · k"


def test_long_titles_and_many_facts_are_cut_to_what_slack_accepts():
    facts = {f"fact_{i:02d}": "x" * 3000 for i in range(15)} | {"title": "t" * 400, "nested": {"a": 1}}
    card = card_for("system.alert", {"key": "a", "facts": facts})
    assert len(card.fields) == MAX_FIELDS and ("Nested", "{'a': 1}") not in card.fields
    header, _, fields, _ = blocks_for(card)
    assert len(header["text"]["text"]) == 150
    assert all(len(f["text"]) <= 2000 for f in fields["fields"])
