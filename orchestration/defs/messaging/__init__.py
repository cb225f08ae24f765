"""Messaging: the outbox dispatcher's job and its one-minute schedule (found by definitions.py)."""
