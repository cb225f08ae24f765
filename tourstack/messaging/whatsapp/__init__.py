"""WhatsApp Business for the outbox's `whatsapp` channel: Meta's Cloud API (pywa) or Twilio, the
customers' opt-in, the 24-hour window, templates as data, and the providers' webhooks.
See docs/messaging.md ("WhatsApp")."""

from tourstack.messaging.whatsapp.config import WhatsAppConfig, load_whatsapp_config, shipped_whatsapp_config
from tourstack.messaging.whatsapp.consent import (
    NotOptedIn, OutsideWindow, is_opted_in, opted_out_of_marketing, record_opt_in, record_opt_out,
)
from tourstack.messaging.whatsapp.phones import InvalidPhone, e164

__all__ = ["InvalidPhone", "NotOptedIn", "OutsideWindow", "WhatsAppConfig", "e164", "is_opted_in",
           "load_whatsapp_config", "opted_out_of_marketing", "record_opt_in", "record_opt_out",
           "shipped_whatsapp_config", "whatsapp_transport_from_settings"]


def whatsapp_transport_from_settings(settings, sessions):
    """The Cloud API backend when a token and phone number id are set, else Twilio's when an
    account, token and sender are set, else None (the channel keeps its file transport)."""
    from tourstack.messaging.whatsapp.config import whatsapp_config_from_settings

    config = whatsapp_config_from_settings(settings)
    if settings.whatsapp_token is not None and settings.whatsapp_phone_number_id:
        from tourstack.messaging.whatsapp.cloud_api import CloudApiTransport

        return CloudApiTransport(sessions=sessions, token=settings.whatsapp_token.get_secret_value(),
                                 phone_number_id=settings.whatsapp_phone_number_id, config=config,
                                 base_url=settings.whatsapp_api_url, api_version=settings.whatsapp_api_version)
    if settings.twilio_account_sid and settings.twilio_auth_token is not None and settings.twilio_whatsapp_from:
        from tourstack.messaging.whatsapp.twilio_api import TwilioWhatsAppTransport

        return TwilioWhatsAppTransport(sessions=sessions, account_sid=settings.twilio_account_sid,
                                       auth_token=settings.twilio_auth_token.get_secret_value(),
                                       from_number=settings.twilio_whatsapp_from, public_url=settings.public_url,
                                       config=config, base_url=settings.twilio_api_url)
    return None
