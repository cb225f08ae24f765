"""Inbound supplier e-mail: the scheduled IMAP poll and the check over the task list."""
