"""Suppliers: what the operator owes each one (staff only; agents get 403)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CanReadSettlement, SessionDep
from api.problems import ApiProblem
from api.schemas.common import DbId, IsoDate, Money, problem_responses
from api.schemas.settlement import DueOut, SupplierDues
from tourstack.supplier_payouts import get_supplier, supplier_dues

router = APIRouter(prefix="/suppliers", tags=["suppliers"])


def _totals(amounts: dict[str, int]) -> list[Money]:
    return [Money.of(minor, currency) for currency, minor in sorted(amounts.items()) if minor]


@router.get(
    "/{supplier_id}/dues", response_model=SupplierDues, responses=problem_responses(401, 403, 404, 422)
)
def get_supplier_dues(
    session: SessionDep,
    principal: CanReadSettlement,
    supplier_id: DbId,
    as_of: Annotated[IsoDate | None, Query(description="defaults to today (UTC)")] = None,
) -> SupplierDues:
    """Open dues per currency and due date for services delivered on or before `as_of`."""
    supplier = get_supplier(session, supplier_id)
    if supplier is None:
        raise ApiProblem(404, f"supplier {supplier_id} not found", slug="not-found")
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    dues = supplier_dues(session, as_of, supplier_id)
    outstanding: dict[str, int] = defaultdict(int)
    overdue: dict[str, int] = defaultdict(int)
    for due in dues:
        outstanding[due.currency] += due.outstanding_minor
        if due.overdue:
            overdue[due.currency] += due.outstanding_minor
    return SupplierDues(
        supplier_id=supplier.id, supplier_name=supplier.name,
        payment_terms_days=supplier.payment_terms_days, as_of=as_of,
        dues=[DueOut.build(d) for d in dues],
        outstanding=_totals(outstanding), overdue=_totals(overdue),
    )
