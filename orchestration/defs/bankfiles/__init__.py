"""Bank statement files: the inbox import asset, its job and the sensor that watches the inbox."""

from orchestration.defs.bankfiles.assets import (
    bank_inbox_sensor,
    bank_statement_files,
    bank_statement_import_job,
)

__all__ = ["bank_inbox_sensor", "bank_statement_files", "bank_statement_import_job"]
