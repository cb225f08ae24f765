"""Messaging: the outbox dispatcher's job and its one-minute schedule, the daily digest job, and the
calendar check (found by definitions.py)."""
