"""The bank inbox folder: every file dropped there is imported, then moved out of the way.

    <inbox>/statement.xml            waiting
    <inbox>/processed/statement.xml  imported (or every line already booked)
    <inbox>/rejected/statement.xml   refused, beside statement.xml.error.txt saying why

Moving (not deleting) keeps the evidence, and an empty inbox means nothing is waiting. Names
starting with '.' and ending in .part/.tmp are left alone: uploaders write those first and
rename when complete, so a half-written file is never imported. A name already taken in
processed/ or rejected/ gets a numeric suffix instead of overwriting the earlier file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from tourstack.bankfiles.errors import BankFileError, DuplicateFileError
from tourstack.bankfiles.importer import ImportResult, import_file

PROCESSED = "processed"
REJECTED = "rejected"
_IN_FLIGHT_SUFFIXES = (".part", ".tmp", ".error.txt")


@dataclass
class InboxReport:
    imported: list[ImportResult] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # file name -> reason

    @property
    def files(self) -> int:
        return len(self.imported) + len(self.rejected)

    @property
    def lines_imported(self) -> int:
        return sum(r.lines_imported for r in self.imported)

    @property
    def duplicates_skipped(self) -> int:
        return sum(r.duplicates_skipped for r in self.imported)

    @property
    def duplicate_files(self) -> int:
        return sum(1 for reason in self.rejected.values() if "already imported" in reason)


def pending_files(inbox: Path) -> list[Path]:
    """Files waiting in the inbox, oldest name first (statements carry dates in their names)."""
    if not inbox.is_dir():
        return []
    return sorted(
        p for p in inbox.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(_IN_FLIGHT_SUFFIXES)
    )


def process_inbox(engine: Engine, inbox: Path,
                  log: Callable[[str], None] = lambda _msg: None) -> InboxReport:
    report = InboxReport()
    for path in pending_files(inbox):
        try:
            result = import_file(engine, path)
        except BankFileError as exc:
            reason = str(exc)
            if isinstance(exc, DuplicateFileError):
                reason += "\n(the same bytes were imported before; delete this copy)"
            report.rejected[path.name] = reason
            target = _move(path, inbox / REJECTED)
            target.with_name(target.name + ".error.txt").write_text(reason + "\n", encoding="utf-8")
            log(f"rejected {path.name}: {exc}")
            continue
        report.imported.append(result)
        _move(path, inbox / PROCESSED)
        log(f"imported {path.name}: {result.lines_imported} new lines, "
            f"{result.duplicates_skipped} already booked")
    return report


def _move(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    counter = 1
    while target.exists() or target.with_name(target.name + ".error.txt").exists():
        counter += 1
        target = folder / f"{path.stem}-{counter}{path.suffix}"
    return path.replace(target)
