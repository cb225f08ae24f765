"""WhatsApp's small rules: numbers as E.164, the opt-out words, the window, the strict config."""

from __future__ import annotations

import datetime as dt

import pytest

from tourstack.db.models import WhatsAppContact
from tourstack.messaging.config import InvalidMessagingConfig
from tourstack.messaging.whatsapp import InvalidPhone, e164, shipped_whatsapp_config
from tourstack.messaging.whatsapp.config import load_whatsapp_config
from tourstack.messaging.whatsapp.consent import is_opt_out, window_open

WA = shipped_whatsapp_config()
NOW = dt.datetime(2026, 12, 8, 6, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("raw", ["+91 98123 45678", "919812345678", "whatsapp:+919812345678", "+91-98123-45678"])
def test_one_number_however_it_is_written(raw):
    assert e164(raw) == "+919812345678"


def test_a_national_number_needs_its_country():
    assert e164("098123 45678", region="IN") == "+919812345678"


@pytest.mark.parametrize("raw", ["", "12", "+00 123", "+91 12345", "call me", "+1 555 0100"])
def test_numbers_no_one_could_dial_are_refused(raw):
    with pytest.raises(InvalidPhone):
        e164(raw)


@pytest.mark.parametrize("text", ["STOP", "stop", " Stop. ", "Unsubscribe", "opt out", "Opt-Out", "OPTOUT", "रोकें"])
def test_opt_out_words(text):
    assert is_opt_out(text, WA)


@pytest.mark.parametrize("text", ["stop the car at 9", "don't stop", "", None, "unsubscribed?? no"])
def test_other_messages_are_not_opt_outs(text):
    assert not is_opt_out(text, WA)


def test_the_window_is_24_hours_from_the_last_inbound_message():
    contact = WhatsAppContact(phone="+919812345678", last_inbound_at=NOW - dt.timedelta(hours=23, minutes=59))
    assert window_open(contact, WA, NOW)
    contact.last_inbound_at = NOW - dt.timedelta(hours=24)
    assert not window_open(contact, WA, NOW)
    assert not window_open(WhatsAppContact(phone="+919812345678"), WA, NOW)


def test_opted_in_means_after_the_last_opt_out():
    contact = WhatsAppContact(phone="+919812345678", opted_in_at=NOW)
    assert contact.opted_in
    contact.opted_out_at = NOW + dt.timedelta(seconds=1)
    assert not contact.opted_in
    contact.opted_in_at = NOW + dt.timedelta(seconds=2)
    assert contact.opted_in


def test_the_config_is_strict(tmp_path):
    bad = tmp_path / "whatsapp.yaml"
    bad.write_text("window_hours: 24\nuncertain_hold_s: 1\ndelivery_window_hours: 1\n"
                   "delivery_success_warn_below: '0.9'\ndelivery_min_sent: 1\nopt_out_keywords: [stop]\n"
                   "templates:\n  booking.created: {name: Booking-Confirmation, language: en, category: utility}\n")
    with pytest.raises(InvalidMessagingConfig, match="templates.booking.created.name"):
        load_whatsapp_config(bad)
    assert WA.is_marketing("marketing.offer") and not WA.is_marketing("booking.created")
