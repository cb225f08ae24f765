"""`tourstack fx convert` and `tourstack fx sync` through Typer's CliRunner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()


def test_convert_happy_path_states_the_carry_forward():
    result = runner.invoke(app, ["fx", "convert", "100", "GBP", "INR", "--on", "2025-03-09"])
    assert result.exit_code == 0, result.output
    assert "100.00 GBP = 11,231.51 INR" in result.output
    assert "rate: 1 GBP = 112.31507468" in result.output
    assert "rate date: 2025-03-07" in result.output
    assert "source: ecb" in result.output
    assert "2025-03-09 is not a publication day" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["abc", "GBP", "INR"], "amount must be a number"),
        (["100", "GBP", "XXX", "--on", "2025-03-07"], "not an ISO 4217 currency code"),
        (["100", "GBP", "INR", "--on", "1990-01-01"], "no GBP rate on or before 1990-01-01"),
        (["100", "GBP", "INR", "--on", "07/03/2025"], "--on must be a date"),
        (["100", "GBP", "KWD", "--on", "2025-03-07"], "publishes no KWD"),
        (["100", "GBP", "INR", "--source", "oxr"], "--source must be ecb-offline or db"),
    ],
)
def test_convert_bad_input_exits_2_without_traceback(args, message):
    result = runner.invoke(app, ["fx", "convert", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_sync_then_convert_from_the_database(migrated_sqlite_url):
    sync = ["fx", "sync", "--source", "ecb-offline", "--start", "2025-03-03", "--end", "2025-03-10",
            "--database-url", migrated_sqlite_url]
    first = runner.invoke(app, sync)
    assert first.exit_code == 0, first.output
    assert "rows inserted or updated" in first.output and not first.output.startswith("0 ")
    again = runner.invoke(app, sync)
    assert again.exit_code == 0 and "0 fx_rates rows" in again.output

    result = runner.invoke(app, ["fx", "convert", "250", "USD", "AED", "--on", "2025-03-08",
                                 "--source", "db", "--database-url", migrated_sqlite_url])
    assert result.exit_code == 0, result.output
    assert "250.00 USD = 918.12 AED" in result.output  # 918.125 rounds half-even to 918.12
    assert "source: ecb_derived" in result.output
    missing = runner.invoke(app, ["fx", "convert", "1", "USD", "GBP", "--on", "2025-03-01",
                                  "--source", "db", "--database-url", migrated_sqlite_url])
    assert missing.exit_code == 2 and "no USD rate" in missing.output


def test_sync_bad_input(migrated_sqlite_url):
    result = runner.invoke(app, ["fx", "sync", "--start", "2025-03-10", "--end", "2025-03-01",
                                 "--database-url", migrated_sqlite_url])
    assert result.exit_code == 2 and "is before --start" in result.output
    result = runner.invoke(app, ["fx", "sync", "--source", "oxr", "--start", "2025-03-10",
                                 "--database-url", migrated_sqlite_url], env={"TOURSTACK_OXR_APP_ID": ""})
    assert result.exit_code == 2 and "TOURSTACK_OXR_APP_ID" in result.output


def test_convert_json_carries_amount_rate_date_source_and_note():
    import json

    result = runner.invoke(app, ["fx", "convert", "1,250.50", "GBP", "INR", "--on", "2025-03-09", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc == {
        "amount_given": "1,250.50", "amount": "1250.50", "currency": "GBP",
        "converted_amount": "140450.00", "converted_currency": "INR",
        "rate": doc["rate"], "rate_date": "2025-03-07", "requested_date": "2025-03-09",
        "carried_forward": True, "source": "ecb",
        "note": "ECB reference rate of 2025-03-07 (Friday); 2025-03-09 is not a publication day",
    }
    assert doc["rate"].startswith("112.31507468")
    # every figure is a decimal string: a JSON reader never sees a binary float
    assert all(isinstance(doc[k], str) for k in ("amount", "converted_amount", "rate"))


@pytest.mark.parametrize(("amount", "currency"), [("75000.50", "JPY"), ("10.001", "EUR"), ("1.0005", "KWD")])
def test_excess_precision_is_refused_not_rounded(amount, currency):
    for extra in ([], ["--json"]):
        result = runner.invoke(app, ["fx", "convert", amount, currency, "INR", "--on", "2025-03-07", *extra])
        assert result.exit_code == 2, result.output
        assert f"{amount} {currency} has more decimals than {currency} allows" in result.output
        assert result.stdout.strip() == "" or "error:" in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_trailing_zeros_within_the_minor_unit_are_accepted():
    result = runner.invoke(app, ["fx", "convert", "75000.00", "JPY", "INR", "--on", "2025-03-07", "--json"])
    assert result.exit_code == 0, result.output
    assert '"amount": "75000"' in result.stdout


@pytest.mark.parametrize("amount", ["1,5", "1.2.3", "12,34.00", "1e3", "NaN", "--"])
def test_ambiguous_amount_text_is_refused(amount):
    result = runner.invoke(app, ["fx", "convert", "--", amount, "EUR", "INR"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
