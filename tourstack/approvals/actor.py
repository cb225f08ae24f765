"""Who takes a step: the person (or the system) every audit row and decision names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tourstack.auth import Principal


class Stamped(Protocol):
    """A row that records its actor (an audit event, a reconciliation decision)."""

    actor_key_id: int | None
    actor_staff_user_id: int | None


@dataclass(frozen=True)
class Actor:
    """The person or system behind a step. System steps (payments) have no key and no user."""

    role: str | None = None
    key_id: int | None = None
    staff_user_id: int | None = None

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(role=principal.role, key_id=principal.key_id,
                   staff_user_id=principal.staff_user_id)

    def columns(self) -> dict[str, int | str | None]:
        """The actor columns every audited row carries, ready to pass to its constructor."""
        return {"actor_role": self.role, "actor_key_id": self.key_id,
                "actor_staff_user_id": self.staff_user_id}

    def is_same_as(self, row: Stamped) -> bool:
        """Same person: the same staff user, or (for keys without a user) the same key."""
        if self.staff_user_id is not None and row.actor_staff_user_id == self.staff_user_id:
            return True
        return self.key_id is not None and row.actor_key_id == self.key_id


SYSTEM = Actor(role="system")
