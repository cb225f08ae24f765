"""Inbound e-mail: store every raw message first, then read it (docs/inbound-email.md)."""

from tourstack.inbox.parse import Attachment, ParsedMail, parse
from tourstack.inbox.reply import latest
from tourstack.inbox.store import record_parse, store_raw

__all__ = ["Attachment", "ParsedMail", "latest", "parse", "record_parse", "store_raw"]
