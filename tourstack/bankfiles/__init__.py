"""Bank statements from files: CSV in our documented layout and ISO 20022 CAMT.053 XML.

Parsing is pure (bytes in, `ParsedStatement` out) and strict: a malformed file raises
`BankFileError` naming the line or entry and the field, never drops a line. Importing writes
the file's lines and one `bank_statement_imports` row in a single transaction.
"""

from tourstack.bankfiles.errors import BankFileError, DuplicateFileError
from tourstack.bankfiles.importer import ImportResult, import_file, import_statement
from tourstack.bankfiles.inbox import InboxReport, pending_files, process_inbox
from tourstack.bankfiles.reader import read_statement
from tourstack.bankfiles.records import ParsedStatement, StatementLine

__all__ = [
    "BankFileError", "DuplicateFileError", "ImportResult", "InboxReport", "ParsedStatement",
    "StatementLine", "import_file", "import_statement", "pending_files", "process_inbox",
    "read_statement",
]
