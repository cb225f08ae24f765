"""Accounting: the outbound sync job of each provider and their schedules (found by definitions.py)."""
