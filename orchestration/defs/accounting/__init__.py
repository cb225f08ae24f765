"""Accounting: the outbound sync job of each provider and their schedules, and the check that
alerts on sync differences older than an hour (found by definitions.py)."""
