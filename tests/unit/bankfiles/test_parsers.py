"""CSV and CAMT.053 parsing: happy paths on the fixture files, and every way a file is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tourstack.bankfiles import BankFileError
from tourstack.bankfiles.reader import parse_bytes, read_statement

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bankfiles"
HEADER = "bank_account,booked_on,value_on,amount,currency,reference,counterparty,description,entry_id\n"
GOOD_ROW = "DE89370400440532013000,2026-03-02,2026-03-02,1250.00,EUR,R1,Agency,Deposit,E1\n"


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(rows)).encode()


def test_csv_fixture_exact_minor_units_and_period():
    parsed = read_statement(FIXTURES / "statement_2026_03_week1.csv")
    s = parsed.statement
    assert (s.format, s.bank_account) == ("csv", "DE89370400440532013000")
    assert (s.period_start, s.period_end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 5))
    assert [line.amount_minor for line in s.lines] == [125000, -8540, 487015]
    assert s.lines[0].description == "Booking TS-B00042, deposit"
    assert s.lines[1].reference is None and s.lines[1].value_on == dt.date(2026, 3, 4)
    assert len(parsed.sha256) == 64


@pytest.mark.parametrize(("amount", "currency", "minor"), [
    ("1000", "JPY", 1000), ("12.345", "KWD", 12345), ("-0.01", "USD", -1), ("+7.5", "EUR", 750),
])
def test_csv_amount_uses_the_currency_exponent(amount, currency, minor):
    row = f"ACC1,2026-03-02,2026-03-02,{amount},{currency},,,,\n"
    assert parse_bytes(_csv(row), "s.csv").lines[0].amount_minor == minor


def test_csv_with_bom_and_reordered_columns():
    header = "entry_id,amount,currency,bank_account,booked_on,value_on,reference,counterparty,description\n"
    data = b"\xef\xbb\xbf" + _csv("E9,-3.10,GBP,GB29 NWBK 6016 1331 9268 19,2026-01-05,2026-01-05,,,\n",
                                   header=header)
    line = parse_bytes(data, "s.csv").lines[0]
    assert (line.bank_account, line.amount_minor, line.entry_id) == ("GB29NWBK60161331926819", -310, "E9")


def test_camt053_v02_fixture():
    s = read_statement(FIXTURES / "statement_camt053_v02.xml").statement
    assert (s.format, s.bank_account) == ("camt.053", "DE89370400440532013000")
    assert (s.period_start, s.period_end) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    first, second, third = s.lines
    assert (first.amount_minor, first.reference, first.counterparty, first.entry_id) == (
        125000, "TS-B00042", "Alpine Travel GmbH", "2026030200001")
    # a debit: the counterparty is the creditor, NOTPROVIDED is no reference, DtTm gives the date
    assert (second.amount_minor, second.reference, second.counterparty) == (-8540, None, "Stadtwerke Jaipur Office")
    assert second.booked_on == dt.date(2026, 3, 3) and second.description == "Utilities February"
    assert third.description == "Stripe payout po_1Q2w3e4r" and third.counterparty is None


def test_camt053_v08_fixture_other_account_id_and_nested_party_names():
    s = read_statement(FIXTURES / "statement_camt053_v08.xml").statement
    assert s.bank_account == "50200012345678"
    assert [(l.amount_minor, l.currency, l.counterparty) for l in s.lines] == [
        (24530050, "INR", "Razorpay Software Pvt Ltd"), (-1800000, "INR", "Amber Fort Guides Cooperative")]


@pytest.mark.parametrize(("data", "expected"), [
    (_csv("ACC,2026-03-02,2026-03-02,12.5O,EUR,,,,\n"), "line 2: amount: '12.5O' is not a decimal"),
    (_csv("ACC,2026-03-02,2026-03-02,1.234,EUR,,,,\n"), "line 2: amount: '1.234' has more decimals than EUR"),
    (_csv("ACC,2026-03-02,2026-03-02,1e3,EUR,,,,\n"), "line 2: amount: '1e3' is not a decimal"),
    (_csv("ACC,2026-03-02,2026-03-02,1,250.00,EUR,,,,\n"), "line 2: 10 fields where the header has 9"),
    (_csv(GOOD_ROW, "ACC,2026-03-02,2026-03-02,10.00,XYZ,,,,\n"), "line 3: currency: unknown currency 'XYZ'"),
    (_csv("ACC,2026-03-02,2026-03-02,10.00,,,,,\n"), "line 2: currency: is empty"),
    (_csv("ACC,02/03/2026,2026-03-02,10.00,EUR,,,,\n"), "line 2: booked_on: '02/03/2026' is not a date"),
    (_csv(",2026-03-02,2026-03-02,10.00,EUR,,,,\n"), "line 2: bank_account: is empty"),
    (_csv(GOOD_ROW, header=HEADER.replace(",currency", "")), "line 1: missing column(s): currency"),
    (_csv(GOOD_ROW, header=HEADER.replace("entry_id", "entry")), "missing column(s): entry_id"),
    (_csv(), "no statement lines after the header"),
    (b"", "the file is empty"),
    (_csv(GOOD_ROW, "OTHER,2026-03-02,2026-03-02,1.00,EUR,,,,E2\n"), "the file mixes accounts"),
    (_csv("ACC,2026-03-02,2026-03-02,1.00,EUR,,," + "x" * 281 + ",\n"), "line 2: description: is 281 characters"),
    (b"bank_account,booked_on\n\xff\xfe", "line 2: not UTF-8"),
])
def test_csv_errors_name_line_and_field(data, expected):
    with pytest.raises(BankFileError) as raised:
        parse_bytes(data, "bad.csv")
    assert expected in str(raised.value)
    assert str(raised.value).startswith("bad.csv")


def _camt(entry: str, namespace: str = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02") -> bytes:
    return f"""<?xml version="1.0"?>
<Document xmlns="{namespace}"><BkToCstmrStmt><Stmt>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
{entry}
</Stmt></BkToCstmrStmt></Document>""".encode()


GOOD_ENTRY = ("<Ntry><Amt Ccy='EUR'>10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
              "<BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>"
              "<AcctSvcrRef>REF1</AcctSvcrRef></Ntry>")


@pytest.mark.parametrize(("data", "expected"), [
    (_camt(GOOD_ENTRY.replace("<CdtDbtInd>CRDT</CdtDbtInd>", "")),
     "entry 1 (AcctSvcrRef REF1): CdtDbtInd: is missing"),
    (_camt(GOOD_ENTRY.replace("CRDT", "CRED")), "CdtDbtInd: is 'CRED', expected CRDT or DBIT"),
    (_camt(GOOD_ENTRY.replace("10.00", "ten")), "entry 1 (AcctSvcrRef REF1): Amt: 'ten' is not"),
    (_camt(GOOD_ENTRY.replace("10.00", "-10.00")), "Amt: '-10.00' is not an unsigned decimal"),
    (_camt(GOOD_ENTRY.replace("Ccy='EUR'", "Ccy='EUX'")), "Amt@Ccy: unknown currency 'EUX'"),
    (_camt(GOOD_ENTRY.replace(" Ccy='EUR'", "")), "Amt@Ccy: is empty"),
    (_camt(GOOD_ENTRY.replace("<BookgDt><Dt>2026-03-02</Dt></BookgDt>", "")), "BookgDt: is empty"),
    (_camt(GOOD_ENTRY.replace("<Sts>BOOK</Sts>", "<Sts>PDNG</Sts>")), "Sts: is PDNG"),
    (_camt(GOOD_ENTRY + GOOD_ENTRY.replace("10.00", "1.0.0").replace("REF1", "REF2")),
     "entry 2 (AcctSvcrRef REF2): Amt"),
    (_camt(GOOD_ENTRY).replace(b"<IBAN>DE89370400440532013000</IBAN>", b""), "Stmt 1: Acct/Id/IBAN"),
    (_camt(GOOD_ENTRY)[:-20], "broken XML"),
    (_camt(GOOD_ENTRY).replace(b"</Ntry>", b"</Entry>"), "line 4, column"),
    (_camt(GOOD_ENTRY, "urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"), "not a CAMT.053"),
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><d>&x;</d>', "DOCTYPE/entity declarations"),
])
def test_camt_errors_name_entry_and_element(data, expected):
    with pytest.raises(BankFileError) as raised:
        parse_bytes(data, "bad.xml")
    assert expected in str(raised.value)


def test_camt_entry_without_period_uses_booked_dates():
    s = parse_bytes(_camt(GOOD_ENTRY), "s.xml")
    assert s.period_start == s.period_end == dt.date(2026, 3, 2)
    assert s.lines[0].amount_minor == 1000


def test_camt_v08_status_code():
    entry = GOOD_ENTRY.replace("<Sts>BOOK</Sts>", "<Sts><Cd>BOOK</Cd></Sts>")
    ns = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
    assert parse_bytes(_camt(entry, ns), "s.xml").lines[0].entry_id == "REF1"


def test_xml_sniffed_without_extension():
    assert parse_bytes(_camt(GOOD_ENTRY), "STMT_0302").format == "camt.053"
