"""Errors a statement file can cause, worded for the person who dropped the file."""

from __future__ import annotations


class BankFileError(ValueError):
    """The file cannot be imported as it stands; the message names where and which field.

    `location` is "line 7" for CSV and "entry 3 (AcctSvcrRef X)" or an element path for XML,
    so the message can be put in front of an operator as it is.
    """

    def __init__(self, file_name: str, location: str | None, problem: str) -> None:
        self.file_name, self.location, self.problem = file_name, location, problem
        where = f"{file_name}, {location}" if location else file_name
        super().__init__(f"{where}: {problem}")


class DuplicateFileError(BankFileError):
    """The same bytes were imported before: booking them again would double every line."""

    def __init__(self, file_name: str, import_id: int, imported_at: str) -> None:
        self.import_id = import_id
        super().__init__(file_name, None,
                         f"already imported as import #{import_id} on {imported_at}; nothing done")
