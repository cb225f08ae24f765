"""Importing statement files: atomic, duplicate files refused, overlapping statements booked once;
the inbox asset moving files, and the `tourstack bank import` CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tourstack.bankfiles import BankFileError, DuplicateFileError, import_file, process_inbox
from tourstack.db.engine import make_engine
from tourstack.db.models import BankStatementImport, BankStatementLine

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bankfiles"
WEEK1 = FIXTURES / "statement_2026_03_week1.csv"
WEEK1_2 = FIXTURES / "statement_2026_03_week1_2.csv"
CAMT02 = FIXTURES / "statement_camt053_v02.xml"


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _count(engine, model) -> int:
    with engine.connect() as c:
        return c.execute(select(func.count()).select_from(model)).scalar_one()


def _file_lines(engine) -> list[tuple]:
    with engine.connect() as c:
        return c.execute(select(BankStatementLine.entry_id, BankStatementLine.amount_minor,
                                BankStatementLine.import_id)
                         .where(BankStatementLine.entry_id.is_not(None))
                         .order_by(BankStatementLine.entry_id)).all()


def test_import_csv_records_the_file_and_its_lines(engine):
    before = _count(engine, BankStatementLine)
    result = import_file(engine, WEEK1)
    assert (result.format, result.line_count, result.lines_imported, result.duplicates_skipped) == ("csv", 3, 3, 0)
    assert _count(engine, BankStatementLine) == before + 3
    with engine.connect() as c:
        record = c.execute(select(BankStatementImport)).one()
    assert record.file_name == WEEK1.name and len(record.sha256) == 64
    assert str(record.period_start) == "2026-03-02" and record.bank_account == "DE89370400440532013000"
    assert {row.import_id for row in _file_lines(engine)} == {result.import_id}


def test_same_file_again_is_refused(engine, tmp_path):
    import_file(engine, WEEK1)
    copy = tmp_path / "renamed.csv"
    shutil.copyfile(WEEK1, copy)  # a new name does not make it a new statement
    with pytest.raises(DuplicateFileError, match="already imported as import #"):
        import_file(engine, copy)
    assert _count(engine, BankStatementImport) == 1


def test_overlapping_statements_do_not_duplicate_lines(engine):
    import_file(engine, WEEK1)
    second = import_file(engine, WEEK1_2)
    assert (second.lines_imported, second.duplicates_skipped) == (2, 1)
    lines = _file_lines(engine)
    assert [row.entry_id for row in lines] == ["2026030200001", "2026030300002", "2026030500003",
                                              "2026030900004", "2026031000005"]
    # the CAMT export of the same month overlaps the CSV lines of the same account
    camt = import_file(engine, CAMT02)
    assert (camt.lines_imported, camt.duplicates_skipped) == (0, 3)


def test_a_bad_line_imports_nothing(engine, tmp_path):
    bad = tmp_path / "bad.csv"
    text = WEEK1.read_text().splitlines()
    text[3] = text[3].replace("4870.15", "4870.1.5")
    bad.write_text("\n".join(text) + "\n")
    before = _count(engine, BankStatementLine)
    with pytest.raises(BankFileError, match="line 4: amount"):
        import_file(engine, bad)
    assert _count(engine, BankStatementLine) == before
    assert _count(engine, BankStatementImport) == 0


def test_database_failure_midway_rolls_back_the_whole_file(engine, monkeypatch):
    """Atomicity below the parser: the unique index fires on the third line (as when another
    import races us) after the import row and two lines were written; nothing stays."""
    import datetime as dt

    import tourstack.bankfiles.importer as importer
    from sqlalchemy.orm import Session

    with Session(engine) as s, s.begin():
        s.add(BankStatementLine(bank_account="DE89370400440532013000", booked_on=dt.date(2026, 3, 5),
                                value_on=dt.date(2026, 3, 5), amount_minor=487015, currency="EUR",
                                entry_id="2026030500003"))
    monkeypatch.setattr(importer, "_booked_entry_ids", lambda session, statement: set())
    before = _count(engine, BankStatementLine)
    with pytest.raises(BankFileError, match="concurrent import"):
        import_file(engine, WEEK1)
    assert _count(engine, BankStatementLine) == before
    assert _count(engine, BankStatementImport) == 0


def test_entry_id_repeated_inside_a_file_is_an_error(engine, tmp_path):
    bad = tmp_path / "twice.csv"
    rows = WEEK1.read_text().splitlines()
    bad.write_text("\n".join([*rows, rows[1].replace("1250.00", "1.00")]) + "\n")
    with pytest.raises(BankFileError, match="line 5: entry_id '2026030200001' repeats line 2"):
        import_file(engine, bad)


def test_inbox_moves_files_to_processed_and_rejected(engine, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copyfile(WEEK1, inbox / "a_week1.csv")
    shutil.copyfile(WEEK1, inbox / "b_week1_again.csv")
    shutil.copyfile(WEEK1_2, inbox / "c_week2.csv")
    (inbox / "d_broken.xml").write_text("<Document><BkToCstmrStmt>")
    (inbox / "e_uploading.csv.part").write_text("half")
    report = process_inbox(engine, inbox)
    assert (report.files, report.lines_imported, report.duplicates_skipped) == (4, 5, 1)
    assert set(report.rejected) == {"b_week1_again.csv", "d_broken.xml"} and report.duplicate_files == 1
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == ["a_week1.csv", "c_week2.csv"]
    rejected = sorted(p.name for p in (inbox / "rejected").iterdir())
    assert rejected == ["b_week1_again.csv", "b_week1_again.csv.error.txt",
                        "d_broken.xml", "d_broken.xml.error.txt"]
    assert "broken XML" in (inbox / "rejected" / "d_broken.xml.error.txt").read_text()
    assert [p.name for p in inbox.iterdir() if p.is_file()] == ["e_uploading.csv.part"]


def test_dagster_asset_imports_the_inbox(db_url, tmp_path):
    from dagster import materialize

    from orchestration.defs.bankfiles import bank_statement_files
    from orchestration.defs.resources import OperationalDatabase
    from orchestration.defs.services import settings_backed_resources

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copyfile(CAMT02, inbox / "march.xml")
    (inbox / "bad.csv").write_text("bank_account\nX\n")
    result = materialize(
        [bank_statement_files], resources={"operational_db": OperationalDatabase(url=db_url), **settings_backed_resources()},
        run_config={"ops": {"bank_statement_files": {"config": {"inbox": str(inbox)}}}},
    )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    meta = {k: v.value for k, v in event.event_specific_data.materialization.metadata.items()}
    assert (meta["files"], meta["lines_imported"], meta["rejected"]) == (2, 3, 1)
    assert (inbox / "processed" / "march.xml").exists()
    assert "missing column(s)" in (inbox / "rejected" / "bad.csv.error.txt").read_text()


def test_sensor_requests_a_run_once_per_new_set_of_files(tmp_path, monkeypatch):
    from dagster import RunRequest, SkipReason, build_sensor_context

    from orchestration.defs.bankfiles import bank_inbox_sensor
    from orchestration.defs.services import settings_backed_resources
    from tourstack.settings import get_settings

    monkeypatch.setenv("TOURSTACK_BANK_INBOX", str(tmp_path))
    get_settings.cache_clear()
    try:
        assert isinstance(bank_inbox_sensor(build_sensor_context(resources=settings_backed_resources())), SkipReason)
        shutil.copyfile(WEEK1, tmp_path / "week1.csv")
        context = build_sensor_context(resources=settings_backed_resources())
        request = bank_inbox_sensor(context)
        assert isinstance(request, RunRequest)
        again = bank_inbox_sensor(build_sensor_context(cursor=context.cursor, resources=settings_backed_resources()))
        assert isinstance(again, SkipReason)
    finally:
        get_settings.cache_clear()


def test_cli_imports_files_and_fails_with_one_line_on_a_bad_file(db_url, tmp_path):
    from cli.app import app

    bad = tmp_path / "bad.csv"
    bad.write_text(WEEK1.read_text().replace("EUR", "EURO", 1))
    runner = CliRunner()
    ok = runner.invoke(app, ["bank", "import", str(WEEK1), str(CAMT02), "--database-url", db_url])
    assert ok.exit_code == 0, ok.output
    assert "statement_2026_03_week1.csv: csv, account DE89370400440532013000, 3 of 3 lines imported" in ok.output
    assert "0 of 3 lines imported, 3 already booked" in ok.output
    failed = runner.invoke(app, ["bank", "import", str(bad), str(WEEK1_2), "--database-url", db_url])
    assert failed.exit_code == 2
    assert "bad.csv, line 2: currency: unknown currency 'EURO'" in failed.output
    assert "2 of 3 lines imported" in failed.output  # the good file still went in
    assert "Traceback" not in failed.output


HEADER = "bank_account,booked_on,value_on,amount,currency,reference,counterparty,description,entry_id\n"
GOOD_ROW = "DE89370400440532013000,2026-03-02,2026-03-02,10.00,EUR,TS-B00042,Alpine Travel GmbH,Deposit,1\n"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        pytest.param("huge.csv", HEADER + GOOD_ROW.replace("10.00", "9" * 5000 + ".00"), "huge.csv, line 2: amount",
                     id="5000-digit-amount"),
        ("nul.csv", (HEADER + GOOD_ROW.replace("TS-B00042", "TS\x00B00042")).encode(), "nul.csv, line 2"),
        ("nul-header.csv", b"\x00\x00" + HEADER.encode() + GOOD_ROW.encode(), "nul-header.csv"),
        ("binary.csv", bytes(range(256)) * 4, "binary.csv"),
        ("latin1.csv", (HEADER + GOOD_ROW.replace("Alpine", "Alp\xefne")).encode("latin-1"), "latin1.csv"),
        ("camt.xml", b"<Document><BkToCstmrStmt>\x00</Document>", "camt.xml"),
        ("empty.csv", b"", "empty.csv"),
    ],
)
def test_cli_refuses_a_hostile_file_with_one_line_and_exit_2(db_url, tmp_path, name, content, expected):
    from cli.app import app

    path = tmp_path / name
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    result = CliRunner().invoke(app, ["bank", "import", str(path), "--database-url", db_url])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and expected in lines[0], result.output
    assert len(lines[0]) < 400  # the offending value is not echoed whole


def test_cli_refuses_a_missing_file_a_directory_and_an_unmigrated_database(db_url, tmp_path):
    from cli.app import app

    runner = CliRunner()
    missing = runner.invoke(app, ["bank", "import", str(tmp_path / "nope.csv"), "--database-url", db_url])
    assert missing.exit_code == 2 and "nope.csv" in missing.output and "Traceback" not in missing.output
    folder = runner.invoke(app, ["bank", "import", str(tmp_path), "--database-url", db_url])
    assert folder.exit_code == 2 and "is a directory" in folder.output.lower(), folder.output
    empty_db = f"sqlite:///{tmp_path / 'empty.db'}"
    unmigrated = runner.invoke(app, ["bank", "import", str(WEEK1), "--database-url", empty_db])
    assert unmigrated.exit_code == 2, unmigrated.output
    assert "tourstack migrate" in unmigrated.output
    assert "Traceback" not in unmigrated.output
