"""One test per matching rule and edge case, on a handful of hand-written lines."""

from __future__ import annotations

from tests.unit.reconcile.conftest import allocations, applied, reasons, txn


def test_exact_invoice_number(run):
    result = run([txn("T1", "2025-03-10", "1000.00", reference="INV-2025-000101", counterparty="AURORA TRAVEL LTD")])
    assert allocations(result) == [("T1", "INV-2025-000101", 100000, "invoice_reference")]
    assert result.matches["confidence"][0] >= 85


def test_booking_ref_in_free_text_and_virtual_account(run):
    result = run([
        txn("T1", "2025-03-10", "500.00", description="payment for booking bk8g4l2r thanks", counterparty="X"),
        txn("T2", "2025-03-11", "300.00", reference="TSVABK9H5M3S", counterparty="AURORA TRAVEL"),
    ])
    assert [(a[0], a[1], a[3]) for a in allocations(result)] == [
        ("T1", "INV-2025-000102", "booking_reference"), ("T2", "INV-2025-000103", "booking_reference")]


def test_typo_in_reference_is_tolerated(run):
    # two transposed digits, and a transposition in a booking ref
    result = run([
        txn("T1", "2025-03-10", "1200.00", reference="INV-2025-000016", counterparty="DELTA VOYAGES"),
        txn("T2", "2025-03-10", "750.00", reference="BKBK7P5U".replace("7P", "P7"), counterparty="CEDAR HOLIDAYS"),
    ])
    assert [(a[0], a[1], a[3]) for a in allocations(result)] == [
        ("T1", "INV-2025-000106", "fuzzy_reference"), ("T2", "INV-2025-000105", "fuzzy_reference")]


def test_dropped_zero_padding_is_the_same_number_not_a_typo(run):
    result = run([txn("T1", "2025-03-10", "1200.00", reference="INV-2025-00106", counterparty="DELTA VOYAGES")])
    assert [(a[0], a[1], a[3]) for a in allocations(result)] == [("T1", "INV-2025-000106", "invoice_reference")]


def test_typo_that_hits_another_existing_number_follows_amount_and_payer(run):
    # 000102 mistyped as 000101 (exists: Aurora, 1000.00); amount and payer fit 000102 exactly.
    result = run([txn("T1", "2025-03-10", "500.00", reference="INV-2025-000101", counterparty="AURORA TRAVEL")])
    allocs = allocations(result)
    assert (allocs and allocs[0][1] == "INV-2025-000102") or reasons(result).get("T1") == "ambiguous"
    assert applied(result, "INV-2025-000101") == 0


def test_amount_currency_date_and_name_without_reference(run):
    result = run([txn("T1", "2025-03-20", "1200.00", counterparty="Delta Voyages SARL", description="transfer")])
    assert [(a[0], a[1], a[3]) for a in allocations(result)] == [("T1", "INV-2025-000106", "amount_date_name")]


def test_amount_without_reference_or_name_is_only_a_suggestion(run):
    result = run([txn("T1", "2025-03-20", "1200.00", counterparty="SOMEONE ELSE", description="transfer")])
    assert allocations(result) == []
    assert reasons(result)["T1"] == "low_confidence"
    assert "INV-2025-000106" in result.exceptions["suggestions"][0]


def test_same_amount_invoices_of_one_agency_without_reference_are_ambiguous(run):
    result = run([txn("T1", "2025-03-20", "800.00", counterparty="GARNET TOURS", description="transfer")])
    assert allocations(result) == []
    assert reasons(result)["T1"] == "ambiguous"


def test_cross_currency_within_tolerance_settles_invoice(run):
    # 2000 GBP on 2025-03-12 is about 2385 EUR; paid 2390 EUR (inside the 1.5% spread).
    result = run([txn("T1", "2025-03-12", "2390.00", reference="INV-2025-000104", counterparty="BALTIC TOURS")])
    assert allocations(result) == [("T1", "INV-2025-000104", 200000, "invoice_reference+fx")]
    assert result.matches["currency"][0] == "GBP"


def test_cross_currency_far_outside_tolerance_is_partial(run):
    result = run([txn("T1", "2025-03-12", "1192.50", reference="INV-2025-000104", counterparty="BALTIC TOURS")])
    (row,) = allocations(result)
    assert row[1] == "INV-2025-000104" and 99000 < row[2] < 101000


def test_gateway_fee_is_added_back_gross(run):
    result = run([txn("T1", "2025-03-10", "985.20", fee="14.80", source="stripe", reference="pi_3Nx9",
                      description="Card payment BK7F3K9Q", counterparty="AURORA TRAVEL")])
    assert allocations(result) == [("T1", "INV-2025-000101", 100000, "booking_reference+fee")]


def test_deposit_and_balance_pay_one_invoice(run):
    result = run([
        txn("T1", "2025-03-06", "225.00", reference="BKBK7P5U deposit", counterparty="CEDAR HOLIDAYS"),
        txn("T2", "2025-03-30", "525.00", reference="INV-2025-000105", counterparty="CEDAR HOLIDAYS"),
    ])
    assert applied(result, "INV-2025-000105") == 75000
    assert len(allocations(result)) == 2 and not reasons(result)


def test_one_payment_for_several_quoted_invoices(run):
    result = run([txn("T1", "2025-03-20", "1800.00", description="INV-2025-000101 INV-2025-000102 INV-2025-000103",
                      counterparty="AURORA TRAVEL")])
    assert {(a[1], a[2]) for a in allocations(result)} == {
        ("INV-2025-000101", 100000), ("INV-2025-000102", 50000), ("INV-2025-000103", 30000)}
    assert {a[3] for a in allocations(result)} == {"multi_invoice_reference"}


def test_one_payment_for_an_agency_batch_without_reference(run):
    result = run([txn("T1", "2025-03-20", "650.00", counterparty="EMERALD TRIPS LIMITED", description="batch")])
    assert {(a[1], a[2]) for a in allocations(result)} == {("INV-2025-000107", 40000), ("INV-2025-000108", 25000)}


def test_duplicate_payment_is_an_exception_not_allocated(run):
    result = run([
        txn("T1", "2025-03-10", "300.00", reference="INV-2025-000103", counterparty="AURORA TRAVEL"),
        txn("T2", "2025-03-12", "300.00", reference="INV-2025-000103", counterparty="AURORA TRAVEL"),
    ])
    assert [a[0] for a in allocations(result)] == ["T1"]
    assert reasons(result) == {"T2": "duplicate"}
    assert result.summary["duplicates"] == 1


def test_payment_to_settled_invoice_after_window_is_overpayment(run):
    result = run([
        txn("T1", "2025-03-10", "300.00", reference="INV-2025-000103", counterparty="AURORA TRAVEL"),
        txn("T2", "2025-05-30", "300.00", reference="INV-2025-000103", counterparty="AURORA TRAVEL"),
    ])
    assert reasons(result) == {"T2": "overpayment"}


def test_refund_across_month_end_allocates_negatively(run):
    result = run([
        txn("T1", "2025-03-10", "1000.00", reference="INV-2025-000101", counterparty="AURORA TRAVEL"),
        txn("T2", "2025-04-02", "-250.00", reference="INV-2025-000101", counterparty="AURORA TRAVEL",
            description="refund"),
    ])
    assert allocations(result)[1] == ("T2", "INV-2025-000101", -25000, "refund")
    assert applied(result, "INV-2025-000101") == 75000


def test_refund_never_exceeds_what_was_paid(run):
    result = run([
        txn("T1", "2025-03-10", "300.00", reference="INV-2025-000103", counterparty="AURORA TRAVEL"),
        txn("T2", "2025-04-02", "-500.00", reference="INV-2025-000103", counterparty="AURORA TRAVEL"),
    ])
    assert applied(result, "INV-2025-000103") == 0
    assert reasons(result) == {"T2": "refund_exceeds_payments"}


def test_refund_without_a_payment_is_an_exception(run):
    result = run([txn("T1", "2025-04-02", "-100.00", reference="INV-2025-000109", counterparty="FJORD")])
    assert allocations(result) == [] and reasons(result) == {"T1": "refund_without_payment"}


def test_overpayment_allocates_the_open_amount_and_reports_the_rest(run):
    result = run([txn("T1", "2025-03-10", "1100.00", reference="INV-2025-000101", counterparty="AURORA TRAVEL")])
    assert applied(result, "INV-2025-000101") == 100000
    exc = result.exceptions.row(0, named=True)
    assert exc["reason"] == "overpayment" and exc["unallocated"] == 10000


def test_underpayment_leaves_the_invoice_open(run):
    result = run([
        txn("T1", "2025-03-10", "900.00", reference="INV-2025-000101", counterparty="AURORA TRAVEL"),
        txn("T2", "2025-03-20", "100.00", reference="INV-2025-000101", counterparty="AURORA TRAVEL"),
    ])
    assert [a[2] for a in allocations(result)] == [90000, 10000]


def test_unrelated_transaction_goes_to_the_exception_queue_with_age(run):
    result = run([
        txn("T1", "2025-03-01", "12.34", counterparty="NOBODY", description="misc"),
        txn("T2", "2025-03-31", "1000.00", reference="INV-2025-000101", counterparty="AURORA"),
    ])
    exc = result.exceptions.row(0, named=True)
    assert (exc["txn_id"], exc["reason"], exc["age_days"], exc["unallocated"]) == ("T1", "no_match", 30, 1234)
    assert result.summary["match_rate"] == 0.5


def test_never_allocates_the_same_money_twice(run):
    # Three payments quoting one 300.00 invoice: only 300.00 can ever be applied.
    result = run([txn(f"T{k}", f"2025-03-{10 + 10 * k}", "200.00", reference="INV-2025-000103",
                      counterparty="AURORA TRAVEL") for k in range(3)])
    assert applied(result, "INV-2025-000103") == 30000
    per_txn = result.matches.group_by("txn_id").agg(__import__("polars").col("amount_applied").sum())
    assert all(v <= 20000 for v in per_txn["amount_applied"])


# --- pairs a person unmatched -------------------------------------------------------------------


def _exclude(*pairs):
    import polars as pl

    return pl.DataFrame(list(pairs), schema={"txn_id": pl.String, "invoice_number": pl.String}, orient="row")


def test_an_excluded_pair_is_never_allocated_and_the_transaction_is_queued(tmp_path, receivables_csv, rates):
    from tests.unit.reconcile.conftest import write_csv
    from tourstack.reconcile import read_receivables, read_transactions, reconcile
    from tourstack.reconcile.io import TRANSACTION_COLUMNS

    t = write_csv(tmp_path / "t.csv", TRANSACTION_COLUMNS, [
        txn("T1", "2025-03-10", "1000.00", reference="INV-2025-000101", counterparty="AURORA TRAVEL")])
    txns, inv = read_transactions(t), read_receivables(receivables_csv)
    result = reconcile(txns, inv, rates=rates, exclude=_exclude(("T1", "INV-2025-000101")))
    assert allocations(result) == []
    assert reasons(result) == {"T1": "no_match"}
    # other transactions and other pairs are untouched
    again = reconcile(txns, inv, rates=rates, exclude=_exclude(("T1", "INV-2025-000102"), ("T9", "INV-2025-000101")))
    assert allocations(again) == [("T1", "INV-2025-000101", 100000, "invoice_reference")]


def test_an_excluded_pair_lets_the_transaction_match_elsewhere(tmp_path, receivables_csv, rates):
    from tests.unit.reconcile.conftest import write_csv
    from tourstack.reconcile import read_receivables, read_transactions, reconcile
    from tourstack.reconcile.io import TRANSACTION_COLUMNS

    # No reference, and the agency has two open invoices for the amount: a human must choose ...
    t = write_csv(tmp_path / "t.csv", TRANSACTION_COLUMNS, [
        txn("T1", "2025-03-20", "800.00", counterparty="GARNET TOURS", description="transfer")])
    txns, inv = read_transactions(t), read_receivables(receivables_csv)
    assert reasons(reconcile(txns, inv, rates=rates)) == {"T1": "ambiguous"}
    # ... and once a person took it off one of them, the other is the only fit.
    result = reconcile(txns, inv, rates=rates, exclude=_exclude(("T1", "INV-2025-000110")))
    assert [a[:3] for a in allocations(result)] == [("T1", "INV-2025-000111", 80000)]
    assert reasons(result) == {}


# --- refunds that name the payment they return --------------------------------------------------


def test_refund_quoting_a_gateway_charge_id_follows_the_payment(run):
    result = run([
        txn("T1", "2025-03-10", "985.20", fee="14.80", source="stripe", reference="ch_3PQx7",
            description="Card payment BK7F3K9Q", counterparty="AURORA TRAVEL"),
        txn("T2", "2025-04-05", "-200.00", source="stripe", reference="ch_3PQx7", description="refund"),
    ])
    assert allocations(result) == [("T1", "INV-2025-000101", 100000, "booking_reference+fee"),
                                   ("T2", "INV-2025-000101", -20000, "refund_of_payment")]
    assert reasons(result) == {}


def test_refund_quoting_the_payment_txn_id_follows_it_even_when_sorted_first(run):
    # Same day; "A-REFUND" sorts before "B-PAY": the refund waits for the payment it returns.
    result = run([
        txn("B-PAY", "2025-03-10", "500.00", reference="INV-2025-000102", counterparty="AURORA TRAVEL"),
        txn("A-REFUND", "2025-03-10", "-500.00", reference="B-PAY", counterparty="AURORA TRAVEL"),
    ])
    assert ("A-REFUND", "INV-2025-000102", -50000, "refund_of_payment") in allocations(result)
    assert applied(result, "INV-2025-000102") == 0


def test_refund_of_a_duplicate_payment_leaves_the_invoice_settled(run):
    result = run([
        txn("T1", "2025-03-10", "300.00", reference="INV-2025-000103", counterparty="AURORA TRAVEL"),
        txn("T2", "2025-03-12", "300.00", reference="INV-2025-000103", counterparty="AURORA TRAVEL"),
        txn("T3", "2025-03-20", "-300.00", reference="T2", counterparty="AURORA TRAVEL"),
    ])
    assert applied(result, "INV-2025-000103") == 30000
    assert reasons(result) == {"T2": "duplicate", "T3": "refund_of_unallocated"}
    assert result.exceptions.filter(__import__("polars").col("txn_id") == "T3")["suggestions"][0] == "refund of T2"


def test_linked_refund_never_takes_back_more_than_the_payment_put_on_the_invoice(run):
    result = run([
        txn("T1", "2025-03-10", "400.00", reference="pay_9Q", description="BK7F3K9Q", counterparty="AURORA"),
        txn("T2", "2025-03-11", "600.00", reference="INV-2025-000101", counterparty="AURORA"),
        txn("T3", "2025-04-01", "-500.00", reference="pay_9Q", counterparty="AURORA"),
    ])
    assert ("T3", "INV-2025-000101", -40000, "refund_of_payment") in allocations(result)
    exc = result.exceptions.row(0, named=True)
    assert (exc["txn_id"], exc["reason"], exc["unallocated"]) == ("T3", "refund_exceeds_payments", -10000)
