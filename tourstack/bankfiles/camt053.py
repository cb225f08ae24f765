"""ISO 20022 CAMT.053 (bank-to-customer statement) XML, versions 001.02 and 001.08.

Hand-written on the standard library's xml.etree: there is no maintained CAMT parser on PyPI,
and we read a dozen elements. defusedxml is not installed here, so before building the tree
the bytes go through expat once with a handler that refuses any DOCTYPE or entity
declaration: without a DTD there are no entities to expand (billion laughs) or fetch (XXE).

Per Stmt: the account is Acct/Id/IBAN (or Acct/Id/Othr/Id), the period FrToDt. Each Ntry
becomes one line: Amt and its Ccy, sign from CdtDbtInd (DBIT negative), BookgDt and ValDt
(Dt or DtTm), AcctSvcrRef as the entry id. From NtryDtls/TxDtls: Refs/EndToEndId as the
reference (unless NOTPROVIDED), RmtInf/Ustrd as the description (AddtlNtryInf otherwise), and
the other party (RltdPties/Dbtr on credits, Cdtr on debits; .08 nests the name under Pty).
A batch entry with several TxDtls stays one line, as the bank booked it; its remittance texts
are joined. Only booked entries are accepted (Sts BOOK): a statement is not the place for
pending ones, and skipping them would lose them without a trace.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from xml.parsers import expat

from tourstack.bankfiles import fields
from tourstack.bankfiles.errors import BankFileError
from tourstack.bankfiles.records import ParsedStatement, StatementLine

FORMAT = "camt.053"
NAMESPACES = {
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02",
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08",
}


class _Refused(Exception):
    pass


def _refuse_declarations(data: bytes, file_name: str) -> None:
    """One expat pass that rejects DTDs and entity declarations, and reports broken XML."""

    def refuse(*_args) -> None:
        raise _Refused

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except _Refused:
        raise BankFileError(file_name, f"line {parser.CurrentLineNumber}",
                            "DOCTYPE/entity declarations are not accepted in statement files") from None
    except expat.ExpatError as exc:
        raise BankFileError(file_name, f"line {exc.lineno}, column {exc.offset + 1}",
                            f"broken XML: {expat.ErrorString(exc.code)}") from None


class _Tree:
    """Namespace-aware lookups relative to the document's own namespace."""

    def __init__(self, namespace: str) -> None:
        self.ns = namespace

    def path(self, path: str) -> str:
        return "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))

    def find(self, element: ET.Element, path: str) -> ET.Element | None:
        return element.find(self.path(path))

    def text(self, element: ET.Element, *paths: str) -> str | None:
        """Text of the first path present (alternatives for .02 vs .08 layouts)."""
        for path in paths:
            found = element.find(self.path(path))
            if found is not None and (found.text or "").strip():
                return found.text.strip()
        return None

    def all(self, element: ET.Element, path: str) -> list[ET.Element]:
        return element.findall(self.path(path))


def parse_camt053(data: bytes, file_name: str) -> ParsedStatement:
    _refuse_declarations(data, file_name)
    root = ET.fromstring(data)
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    if namespace not in NAMESPACES or root.tag != f"{{{namespace}}}Document":
        raise BankFileError(file_name, "Document", f"not a CAMT.053 .02/.08 document "
                            f"(root {root.tag!r}); accepted: {', '.join(sorted(NAMESPACES))}")
    tree = _Tree(namespace)
    statements = tree.all(root, "BkToCstmrStmt/Stmt")
    if not statements:
        raise BankFileError(file_name, "BkToCstmrStmt", "no Stmt element")
    accounts: set[str] = set()
    lines: list[StatementLine] = []
    starts: list[dt.date] = []
    ends: list[dt.date] = []
    number = 0
    for s_index, stmt in enumerate(statements, start=1):
        where = f"Stmt {s_index}"
        raw_account = tree.text(stmt, "Acct/Id/IBAN", "Acct/Id/Othr/Id")
        try:
            account = fields.text_field((raw_account or "").replace(" ", ""), "bank_account",
                                        required=True)
        except fields.FieldError:
            raise BankFileError(file_name, where, "Acct/Id/IBAN (or Acct/Id/Othr/Id) is missing") from None
        accounts.add(account)
        period = _period(tree, stmt, file_name, where)
        if period:
            starts.append(period[0])
            ends.append(period[1])
        for entry in tree.all(stmt, "Ntry"):
            number += 1
            lines.append(_entry(tree, entry, account, number, file_name))
    if len(accounts) > 1:
        raise BankFileError(file_name, None, "Acct: the file holds statements for accounts "
                            f"{', '.join(sorted(accounts))}; one account per file")
    if not starts:  # no FrToDt: the booked dates are the best statement of the period
        starts = ends = [line.booked_on for line in lines]
    return ParsedStatement(file_name, FORMAT, accounts.pop(), min(starts, default=None),
                           max(ends, default=None), tuple(lines))


def _period(tree: _Tree, stmt: ET.Element, file_name: str, where: str) -> tuple[dt.date, dt.date] | None:
    start, end = tree.text(stmt, "FrToDt/FrDtTm"), tree.text(stmt, "FrToDt/ToDtTm")
    if start is None and end is None:
        return None
    try:
        return fields.iso_date(start, "FrToDt/FrDtTm"), fields.iso_date(end, "FrToDt/ToDtTm")
    except fields.FieldError as exc:
        raise BankFileError(file_name, where, str(exc)) from None


def _entry(tree: _Tree, entry: ET.Element, account: str, number: int, file_name: str) -> StatementLine:
    entry_id = tree.text(entry, "AcctSvcrRef")
    details = tree.all(entry, "NtryDtls/TxDtls")
    if entry_id is None and len(details) == 1:
        entry_id = tree.text(details[0], "Refs/AcctSvcrRef")
    where = f"entry {number}" + (f" (AcctSvcrRef {entry_id})" if entry_id else "")
    try:
        status = tree.text(entry, "Sts/Cd", "Sts")
        if status is not None and status != "BOOK":
            raise fields.FieldError("Sts", f"is {status}; only booked entries (BOOK) can be imported")
        amount = tree.find(entry, "Amt")
        if amount is None:
            raise fields.FieldError("Amt", "is missing")
        code = fields.currency(amount.get("Ccy"), "Amt@Ccy")
        minor = fields.minor_units(amount.text, code, "Amt", unsigned=True)
        indicator = tree.text(entry, "CdtDbtInd")
        if indicator not in ("CRDT", "DBIT"):
            problem = "is missing" if indicator is None else f"is {indicator!r}, expected CRDT or DBIT"
            raise fields.FieldError("CdtDbtInd", problem)
        booked = fields.iso_date(tree.text(entry, "BookgDt/Dt", "BookgDt/DtTm"), "BookgDt")
        valued = fields.iso_date(tree.text(entry, "ValDt/Dt", "ValDt/DtTm"), "ValDt")
        party = "Dbtr" if indicator == "CRDT" else "Cdtr"
        reference = counterparty = None
        texts: list[str] = []
        for tx in details:
            e2e = tree.text(tx, "Refs/EndToEndId")
            if reference is None and e2e and e2e != "NOTPROVIDED":
                reference = e2e
            if counterparty is None:
                counterparty = tree.text(tx, f"RltdPties/{party}/Nm", f"RltdPties/{party}/Pty/Nm")
            texts += [u.text.strip() for u in tree.all(tx, "RmtInf/Ustrd") if (u.text or "").strip()]
        description = " ".join(texts) or tree.text(entry, "AddtlNtryInf")
        return StatementLine(
            bank_account=account, booked_on=booked, value_on=valued,
            amount_minor=-minor if indicator == "DBIT" else minor, currency=code,
            reference=fields.text_field(reference, "reference"),
            counterparty=fields.text_field(counterparty, "counterparty"),
            description=fields.text_field(description, "description"),
            entry_id=fields.text_field(entry_id, "entry_id"), location=where,
        )
    except fields.FieldError as exc:
        raise BankFileError(file_name, where, str(exc)) from None
