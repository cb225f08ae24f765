"""The four kinds of refusal every domain raises, so one answer can be built for all of them.

Why one set: invoicing, settlement, payments, reconciliation and itineraries all refuse for the
same four reasons (what was named does not exist, the stored state does not allow it, the input
could never be accepted, the caller may not do it). Each domain subclasses its own errors from
these families and its own base, so callers can catch either "any invoicing error" or "any
conflict", and the API answers every one of them with one problem+json handler
(api/problems.py) that reads the family for the status and the class for the rest.

What a refusal carries for that answer:
- `code`: a stable slug naming the rule that refused (the problem type, `/problems/<code>`);
  None means the answer's type is `about:blank`.
- `title`: a short human summary of the kind of problem; None means the HTTP status phrase.
- the message: safe to show to the caller (it never carries secrets or SQL).

Nothing here knows about HTTP: the status of each family is the API's business.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refusal by a domain rule; subclass a family below rather than this."""

    code: str | None = None
    title: str | None = None


class NotFound(DomainError):
    """What the request names does not exist (or is not the caller's to see)."""


class Conflict(DomainError):
    """The request is well formed but the stored state refuses it now; it may succeed later."""


class Invalid(DomainError):
    """The input could never be accepted as it stands."""


class Forbidden(DomainError):
    """The caller is known but a rule forbids this step to them."""
