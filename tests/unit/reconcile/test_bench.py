"""The reconciliation benchmark script: its documented command lines parse, and it writes its
results file on a fresh checkout (where bench/results/ does not exist yet)."""

from __future__ import annotations

import json
import re
import shlex

import bench.reconcile as bench


def test_every_documented_command_line_parses():
    lines = [line.split("#")[0].strip() for line in bench.__doc__.splitlines() if "bench/reconcile.py" in line]
    assert len(lines) >= 2
    for line in lines:
        args = shlex.split(line)[2:]  # drop the interpreter and the script
        parsed = bench.parser().parse_args(args)
        assert parsed.runs >= 1
    flags = set(re.findall(r"--[a-z0-9-]+", bench.__doc__))
    known = {opt for action in bench.parser()._actions for opt in action.option_strings}
    assert flags <= known, flags - known


def test_results_land_in_a_results_folder_that_does_not_exist_yet(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    assert not (tmp_path / "bench").exists()
    assert bench.main(["--sizes", "300", "--runs", "1", "--runs-1m", "0"]) == 0
    (written,) = (tmp_path / "bench" / "results").glob("reconcile-*.json")
    payload = json.loads(written.read_text())
    assert payload["summary"][0]["n"] == 300 and payload["met"]["seconds_1m"] is None
    assert "| 300 |" in capsys.readouterr().out
