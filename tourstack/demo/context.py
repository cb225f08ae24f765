"""The shared, read-only inputs of every chunk plus the running id counters.

Why running counters: chunks are generated in time order and each table's ids continue where
the previous chunk stopped, so ids are dense and the output does not depend on chunk size
boundaries other than through the random streams.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tourstack.demo.catalogue import Catalogue
from tourstack.demo.config import Plan
from tourstack.demo.fx import FxTable
from tourstack.demo.parties import Parties
from tourstack.demo.suppliers import Suppliers


class Ids:
    """Next free id per table, and per invoice series/fiscal year the next sequence number."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}
        self.invoice_seq: dict[tuple[str, int], int] = {}

    def take(self, table: str, n: int) -> np.ndarray:
        start = self.next.get(table, 1)
        self.next[table] = start + n
        return np.arange(start, start + n, dtype=np.int64)


@dataclass
class Context:
    plan: Plan
    fx: FxTable
    cat: Catalogue
    sup: Suppliers
    parties: Parties
    booking_days: np.ndarray  # day offset of every booking, sorted
    settlement: "object"  # tourstack.demo.settlement.Settlement
    ids: Ids = field(default_factory=Ids)


class Chunk:
    """Arrays of one chunk of bookings passed from one generator to the next."""

    def __init__(self, number: int):
        self.number = number
