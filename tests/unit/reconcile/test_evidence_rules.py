"""The evidence rules that keep the matcher from guessing (docs/reconciliation.md, "Rules for how
B2B payers really pay"): each one with a case it must decide and an ambiguous case it must send
to the exceptions queue with suggestions."""

from __future__ import annotations

import pytest

from tests.unit.reconcile.conftest import RECEIVABLE_COLUMNS, allocations, reasons, reconciler, txn, write_csv

SILVER = "Silver Sands Holidays Private Limited"
BOOK = [
    # number, booking, agency, customer, amount due, currency, issued, due
    ("INV/2025-26/000123", "TB4K2M9XQ", "Kailash Tours & Travels Private Limited", "Mr. Arun Shah x 2",
     "94500.00", "INR", "2025-06-02", "2025-06-17"),
    ("INV/2025-26/000124", "TB7PQ3RST", "Kailash Tours & Travels Private Limited", "Ms. Neha Rao",
     "61234.50", "INR", "2025-06-03", "2025-06-18"),
    ("INV/2025-26/000131", "TB9ZZ8YYW", "Kailash Tours & Travels Private Limited", "Dr. Omar Iyer x 4",
     "38765.25", "INR", "2025-06-05", "2025-06-20"),
    # one booking invoiced in two parts
    ("INV/2025-26/000200", "TBXGRM3A4", "Tusker Voyages Private Limited", "Ms. Ingrid Jensen x 24",
     "140354.26", "INR", "2025-06-01", "2025-07-01"),
    ("INV/2025-26/000201", "TBXGRM3A4", "Tusker Voyages Private Limited", "Dr. Jack Joshi x 2",
     "54308.35", "INR", "2025-06-03", "2025-07-03"),
    # sequence numbers one keystroke apart
    ("INV/2025-26/000006", "TBS1VS0AA", SILVER, "Mr. Ravi Kapoor", "36020.33", "INR", "2025-04-01", "2025-04-30"),
    ("INV/2025-26/000065", "TBS2VS0BB", SILVER, "Ms. Asha Menon", "151636.18", "INR", "2025-04-10", "2025-05-10"),
    ("INV/2025-26/000932", "TBTH9320A", "Thar Holidays Private Limited", "Mr. Dev Rathore", "186590.58", "INR",
     "2025-11-01", "2025-11-30"),
    ("INV/2025-26/000938", "TBJA9380B", "Jasmine Trips Private Limited", "Ms. Lila Shah", "85000.00", "INR",
     "2025-11-02", "2025-11-30"),
    ("INV/2025-26/001331", "TBJA1331C", "Jasmine Trips Private Limited", "Mr. Om Bose", "87884.17", "INR",
     "2026-01-05", "2026-02-05"),
    ("INV/2025-26/000001", "TBQQ0001D", "Peacock Leisure Private Limited", "Mrs. Uma Das", "65601.41", "INR",
     "2025-04-01", "2025-04-30"),
    # booking refs written out as a batch; JS9 covers two invoices
    ("INV/2025-26/000300", "TBJS9CFVE", "Konkan Travel Services Private Limited", "Mrs. Nikhil Shah x 3",
     "100000.00", "INR", "2025-10-28", "2025-11-12"),
    ("INV/2025-26/000301", "TBJS9CFVE", "Konkan Travel Services Private Limited", "Mrs. Nikhil Bhatia x 12",
     "90000.00", "INR", "2025-11-11", "2025-11-26"),
    ("INV/2025-26/000302", "TBXHM7TWT", "Konkan Travel Services Private Limited", "Dr. Pooja Khan x 8",
     "80000.00", "INR", "2025-11-12", "2025-11-27"),
    ("INV/2025-26/000303", "TBWSL6CFH", "Konkan Travel Services Private Limited", "Mr. Noah Menon x 3",
     "40000.00", "INR", "2025-11-13", "2025-11-28"),
    # identical invoices of one agency, two of them issued together
    ("INV/2025-26/000140", "TBKK2LL3M", "Konkan Leisure Private Limited", "Mrs. Emma Gupta x 2",
     "50000.00", "INR", "2025-06-06", "2025-06-21"),
    ("INV/2025-26/000141", "TBMM4NN5P", "Konkan Leisure Private Limited", "Mr. Jack Nair x 2",
     "50000.00", "INR", "2025-06-08", "2025-06-23"),
    ("INV/2025-26/000142", "TBPP4NN5Q", "Konkan Leisure Private Limited", "Mr. Raj Nair",
     "27559.17", "INR", "2025-06-06", "2025-06-21"),
    # a round invoice and an installment plan whose last part is the same round figure
    ("INV/2025-26/000121", "TBLFK8YXU", "Odyssey Travels Private Limited", "Mr. Sam Roy", "45000.00", "INR",
     "2025-05-03", "2025-06-02"),
    ("INV/2025-26/000122", "TBVKPBFRM", "Odyssey Travels Private Limited", "Ms. Ria Sen x 4", "116419.75", "INR",
     "2025-05-04", "2025-06-03"),
    # euro invoices of one payer wiring SHA
    ("EXP/2024-25/000744", "TBHI7440E", "Highland Tours SARL", "Mme Claire Roux", "1450.00", "EUR",
     "2025-02-01", "2025-03-01"),
    ("EXP/2024-25/000811", "TBHI8110F", "Highland Tours SARL", "M. Paul Roux", "967.78", "EUR",
     "2025-02-20", "2025-03-20"),
    ("EXP/2024-25/000750", "TBHI7500G", "Highland Tours SARL", "M. Luc Blanc x 2", "3000.00", "EUR",
     "2025-02-03", "2025-03-03"),
]


@pytest.fixture
def pay(tmp_path, rates):
    return reconciler(tmp_path, rates, write_csv(tmp_path / "r.csv", RECEIVABLE_COLUMNS, BOOK))


def pairs(result) -> list[tuple[str, str, int]]:
    return [(a[0], a[1], a[2]) for a in allocations(result)]


def test_a_deposit_naming_a_booking_invoiced_in_two_parts_is_queued(pay):
    result = pay([txn("T1", "2025-06-10", "16000.00", "INR", counterparty="TUSKER VOYAGES PVT LTD",
                      description="IMPS-528996850794-TUSKER VOYAGES PVT L-KKBK-ADVANCE TBXGRM3A4")])
    assert pairs(result) == []
    assert reasons(result) == {"T1": "ambiguous"}


def test_a_booking_ref_with_the_open_amount_of_one_of_its_invoices_is_that_invoice(pay):
    result = pay([txn("T1", "2025-06-10", "54308.35", "INR", counterparty="TUSKER VOYAGES PVT LTD",
                      description="NEFT CR-HDFC0498711-TUSKER VOYAGES PVT LTD-TBXGRM3A4")])
    assert pairs(result) == [("T1", "INV/2025-26/000201", 5430835)]


def test_the_same_payment_again_for_more_than_is_open_is_a_duplicate(pay):
    nar = "NEFT CR-PUNB0583955-KAILASH TOURS & TRAVELS P-INV 2025-26 000124"
    result = pay([txn("T1", "2025-06-10", "40000.00", "INR", counterparty="KAILASH TOURS & TRAVELS PVT LTD",
                      description=nar),
                  txn("T2", "2025-06-20", "40000.00", "INR", counterparty="KAILASH TOURS & TRAVELS PVT LTD",
                      description=nar)])
    assert pairs(result) == [("T1", "INV/2025-26/000124", 4000000)]
    assert reasons(result) == {"T2": "duplicate"}


def test_the_balance_after_a_part_payment_is_no_duplicate(pay):
    nar = "NEFT CR-PUNB0583955-KAILASH TOURS & TRAVELS P-INV 2025-26 000124"
    result = pay([txn("T1", "2025-06-10", "40000.00", "INR", counterparty="KAILASH TOURS & TRAVELS PVT LTD",
                      description=nar),
                  txn("T2", "2025-06-20", "21234.50", "INR", counterparty="KAILASH TOURS & TRAVELS PVT LTD",
                      description=nar)])
    assert pairs(result) == [("T1", "INV/2025-26/000124", 4000000), ("T2", "INV/2025-26/000124", 2123450)]


def _silver(amount: str) -> list[tuple]:
    return [txn("T1", "2025-04-15", "25000.00", "INR", counterparty="SILVER SANDS HOLIDAYS PVT LTD",
                description="IMPS-511912622301-SILVER SANDS HOLIDAY-CNRB-INV/2025-26/000006"),
            txn("T2", "2025-04-29", amount, "INR", counterparty="SILVER SANDS HOLIDAYS PVT LTD",
                description="IMPS-511912622396-SILVER SANDS HOLIDAY-CNRB-INV/2025-26/000006")]


def test_an_overpaid_number_goes_to_the_neighbour_the_amount_settles_exactly(pay):
    # 000006 has 11,020.33 open; 151,636.18 is exactly what 000065 (a digit dropped) has open
    result = pay(_silver("151636.18"))
    assert pairs(result) == [("T1", "INV/2025-26/000006", 2500000), ("T2", "INV/2025-26/000065", 15163618)]
    assert allocations(result)[1][3] == "fuzzy_reference"


def test_an_overpaid_number_with_a_neighbour_that_could_have_received_it_is_queued(tmp_path, rates):
    book = BOOK + [("INV/2025-26/000060", "TBS3VS0CC", SILVER, "Mr. Ajay Iyer", "160000.00", "INR",
                    "2025-04-12", "2025-05-12")]
    pay = reconciler(tmp_path, rates, write_csv(tmp_path / "r.csv", RECEIVABLE_COLUMNS, book))
    result = pay(_silver("150636.18"))  # fits neither 000065 nor 000060 exactly
    assert pairs(result) == [("T1", "INV/2025-26/000006", 2500000)]
    exc = result.exceptions.filter(result.exceptions["txn_id"] == "T2").row(0, named=True)
    assert exc["reason"] == "ambiguous"
    assert "INV/2025-26/000065" in exc["suggestions"] and "INV/2025-26/000006" in exc["suggestions"]


def test_a_typo_neighbour_does_not_outrank_the_open_invoice_named_as_written(pay):
    # an e-mail address is no agency: 000932 as written (a deposit on it) or a typo for 000938
    result = pay([txn("T1", "2025-11-15", "82994.00", "INR", fee="2006.00", source="razorpay",
                      reference="pay_ANFGQJcshatA2i", counterparty="accounts@thartravel.in",
                      description="Deposit for INV/2025-26/000932")])
    assert pairs(result) == []
    assert reasons(result) == {"T1": "ambiguous"}


def test_a_typo_neighbour_confirmed_by_the_payer_and_the_amount_is_matched(pay):
    result = pay([txn("T1", "2025-11-15", "85000.00", "INR", counterparty="JASMINE TRIPS PVT LTD",
                      description="NEFT CR-HDFC0966713-JASMINE TRIPS PVT LTD-INV/2025-26/000932")])
    assert pairs(result) == [("T1", "INV/2025-26/000938", 8500000)]


def test_a_batch_of_booking_refs_settles_the_ones_naming_one_invoice_and_queues_the_rest(pay):
    result = pay([txn("T1", "2025-12-29", "250000.00", "INR", counterparty="KONKAN TRAVEL SERVICES P LTD",
                      reference="TBWSL6CFH,TBXHM7TWT/TBJS9CFVE",
                      description="NEFT-UBINN53633869491-KONKAN TRAVEL SERVIC-TBWSL6CFH,TBXHM7TWT/TBJS9CFVE")])
    assert sorted(pairs(result)) == [("T1", "INV/2025-26/000302", 8000000), ("T1", "INV/2025-26/000303", 4000000)]
    exc = result.exceptions.row(0, named=True)
    assert (exc["reason"], exc["unallocated"]) == ("ambiguous", 13000000)
    assert "INV/2025-26/000300" in exc["suggestions"] and "INV/2025-26/000301" in exc["suggestions"]


def test_a_number_cut_at_the_end_of_the_narration_is_the_whole_number_in_the_reference(pay):
    result = pay([txn("T1", "2026-01-16", "25000.00", "INR", reference="ADVANCE INV-2025-26-1331",
                      description="NEFT-BARBN60167621095-JASMINE TRIPS PRIVAT-ADVANCE INV-2025-26-1")])
    assert pairs(result) == [("T1", "INV/2025-26/001331", 2500000)]


def test_two_fitting_combinations_are_queued_even_when_one_was_issued_on_one_day(pay):
    # 50,000 (000140, issued with 000142) or 50,000 (000141, two days later), + 27,559.17
    result = pay([txn("T1", "2025-06-20", "77559.17", "INR", counterparty="KONKAN LEISURE PVT LTD",
                      description="NEFT CR-SBIN0001234-KONKAN LEISURE PVT LTD-PAYMENT")])
    assert pairs(result) == []
    assert reasons(result) == {"T1": "ambiguous"}


def test_one_fitting_combination_is_matched(pay):
    result = pay([txn("T1", "2025-06-20", "133265.25", "INR", counterparty="KAILASH TOURS & TRAVELS PVT LTD",
                      description="NEFT CR-SBIN0001234-KAILASH TOURS & TRAVELS P-PAYMENT")])
    assert sorted(pairs(result)) == [("T1", "INV/2025-26/000123", 9450000), ("T1", "INV/2025-26/000131", 3876525)]


def test_a_round_amount_equal_to_an_untouched_invoice_is_matched(pay):
    result = pay([txn("T1", "2025-06-18", "45000.00", "INR", counterparty="ODYSSEY TRAVELS PVT LTD",
                      description="NEFT CR-PUNB0413477-ODYSSEY TRAVELS PVT LTD-PAYMENT")])
    assert pairs(result) == [("T1", "INV/2025-26/000121", 4500000)]


def test_a_round_amount_that_a_balance_equals_as_well_is_queued(pay):
    result = pay([txn("T0", "2025-05-20", "71419.75", "INR", counterparty="ODYSSEY TRAVELS PVT LTD",
                      description="NEFT CR-PUNB0413477-ODYSSEY TRAVELS PVT LTD-INV/2025-26/000122"),
                  txn("T1", "2025-06-18", "45000.00", "INR", counterparty="ODYSSEY TRAVELS PVT LTD",
                      description="NEFT CR-PUNB0413477-ODYSSEY TRAVELS PVT LTD-PAYMENT")])
    assert pairs(result) == [("T0", "INV/2025-26/000122", 7141975)]
    assert reasons(result)["T1"] == "ambiguous"


def test_a_wire_short_by_charges_settles_one_invoice(pay):
    result = pay([txn("T1", "2025-03-18", "2965.00", "EUR", reference="IRM250318596201",
                      counterparty="HIGHLAND TOURS SARL", description="INWARD REMITTANCE-HIGHLAND TOURS SARL-")])
    assert pairs(result) == [("T1", "EXP/2024-25/000750", 296500)]
    assert allocations(result)[0][3] == "agency_amount_less_charges"


def test_several_invoices_adding_up_inside_the_charges_window_are_queued(pay):
    result = pay([txn("T1", "2025-03-18", "2345.12", "EUR", reference="IRM250318596202",
                      counterparty="HIGHLAND TOURS SARL", description="INWARD REMITTANCE-HIGHLAND TOURS SARL-")])
    assert pairs(result) == []
    assert reasons(result) == {"T1": "ambiguous"}


def _many(extra: list[tuple] = ()) -> list[tuple]:
    """71 open invoices of one agency (more than the subset search takes), two issued together."""
    rows = [(f"INV/2025-26/{500 + k:06d}", f"TBSA{k:05d}", "Safari Tours & Travels LLP", f"Guest {k}",
             f"{10000 + k * 173.29:.2f}", "INR", "2025-04-14" if k < 2 else f"2025-03-{1 + k % 28:02d}",
             "2025-05-30") for k in range(71)]
    return rows + list(extra)


@pytest.mark.parametrize("twin, queued", [(False, False), (True, True)])
def test_a_shortcut_for_a_search_too_large_is_checked_by_a_deeper_search(tmp_path, rates, twin, queued):
    # 10,000.00 + 10,173.29 (issued together); the twin is a third invoice equal to the first
    extra = [("INV/2025-26/000999", "TBSATWIN9", "Safari Tours & Travels LLP", "Guest twin", "10000.00", "INR",
              "2025-04-18", "2025-05-30")] if twin else []
    pay = reconciler(tmp_path, rates, write_csv(tmp_path / "r.csv", RECEIVABLE_COLUMNS, _many(extra)))
    result = pay([txn("T1", "2025-04-21", "20173.29", "INR", counterparty="SAFARI TOURS & TRAVELS LLP",
                      description="NEFT CR-BARB0495352-SAFARI TOURS & TRAVELS LLP-OUTSTANDING CLEARED")])
    if queued:
        assert pairs(result) == []
        assert reasons(result) == {"T1": "ambiguous"}
    else:
        assert sorted(pairs(result)) == [("T1", "INV/2025-26/000500", 1000000), ("T1", "INV/2025-26/000501", 1017329)]


def test_a_combination_equal_to_the_paisa_needs_no_margin(tmp_path, rates):
    # 30,000.00 + 20,000.55 is the only combination equal to 50,000.55; 29,800.00 + 20,000.00
    # would fit within INR 500, but only the exact one is a reading of the amount
    book = [(f"INV/2025-26/0007{k:02d}", f"TBMA{k:05d}", "Marigold Leisure LLP", f"Guest {k}", amount, "INR",
             "2025-05-01", "2025-05-31") for k, amount in enumerate(["30000.00", "20000.55", "29800.00", "20000.00"])]
    pay = reconciler(tmp_path, rates, write_csv(tmp_path / "r.csv", RECEIVABLE_COLUMNS, book))
    result = pay([txn("T1", "2025-05-20", "50000.55", "INR", counterparty="MARIGOLD LEISURE LLP",
                      description="NEFT CR-HDFC0001234-MARIGOLD LEISURE LLP-PAYMENT")])
    assert sorted(pairs(result)) == [("T1", "INV/2025-26/000700", 3000000), ("T1", "INV/2025-26/000701", 2000055)]


def test_a_tds_fit_with_another_combination_close_by_is_queued(tmp_path, rates):
    # 49,000.54 is 50,000.55 less 2 % TDS, and within INR 500 of 29,800 + 20,000 less TDS too
    book = [(f"INV/2025-26/0007{k:02d}", f"TBMA{k:05d}", "Marigold Leisure LLP", f"Guest {k}", amount, "INR",
             "2025-05-01", "2025-05-31") for k, amount in enumerate(["30000.00", "20000.55", "29800.00", "20000.00"])]
    pay = reconciler(tmp_path, rates, write_csv(tmp_path / "r.csv", RECEIVABLE_COLUMNS, book))
    result = pay([txn("T1", "2025-05-20", "49000.54", "INR", counterparty="MARIGOLD LEISURE LLP",
                      description="NEFT CR-HDFC0001234-MARIGOLD LEISURE LLP-PAYMENT")])
    assert pairs(result) == []
    assert reasons(result) == {"T1": "ambiguous"}


def test_a_partial_reading_of_the_payers_invoice_plus_the_rest(pay):
    # "INV 124 +": 61,234.50 named in a short form, the rest 38,765.25 is exactly 000131
    result = pay([txn("T1", "2025-06-20", "99999.75", "INR", counterparty="KAILASH TOURS & TRAVELS PVT LTD",
                      description="NEFT CR-YESB0663452-KAILASH TOURS & TRAVELS P-INV 124 +")])
    assert sorted(pairs(result)) == [("T1", "INV/2025-26/000124", 6123450), ("T1", "INV/2025-26/000131", 3876525)]


def test_an_overpaid_number_and_a_neighbour_in_another_currency(tmp_path, rates):
    # a USD wire quoting EXP/25-26/543 (GBP, 331.48 open): 2,727.80 USD is exactly 000541's due
    book = [("EXP/2025-26/000543", "TBKE5430A", "Kestrel Journeys Travel Ltd", "Mr. Manoj Menon", "331.48", "GBP",
             "2026-01-02", "2026-02-01"),
            ("EXP/2025-26/000541", "TBKE5410B", "Kestrel Journeys Travel Ltd", "Ms. Vik Malhotra", "2727.80", "USD",
             "2026-01-01", "2026-01-16")]
    pay = reconciler(tmp_path, rates, write_csv(tmp_path / "r.csv", RECEIVABLE_COLUMNS, book))
    result = pay([txn("T1", "2026-02-02", "2727.80", "USD", counterparty="KESTREL JOURNEYS TRAVEL LTD",
                      reference="/INV/BALANCE EXP/25-26/543",
                      description="INWARD REMITTANCE-KESTREL JOURNEYS TRAVEL LTD-/INV/BALANCE EXP/25-26/543")])
    assert pairs(result) == [("T1", "EXP/2025-26/000541", 272780)]
