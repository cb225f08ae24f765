"""Messaging: the one transactional outbox every effect on the outside world goes through."""

from tourstack.messaging.outbox import DrainSummary, RetryPolicy, drain, enqueue

__all__ = ["DrainSummary", "RetryPolicy", "drain", "enqueue"]
