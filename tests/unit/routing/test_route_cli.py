"""`tourstack route solve FILE.json` through Typer's CliRunner: the JSON contract and exit 2 on
bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()
MATRIX = [[0, 5, 9, 4], [6, 0, 4, 8], [9, 3, 0, 7], [4, 8, 6, 0]]


def solve(tmp_path, problem, *extra):
    path = tmp_path / "problem.json"
    path.write_text(problem if isinstance(problem, str) else json.dumps(problem))
    return runner.invoke(app, ["route", "solve", str(path), *extra])


def test_closed_tour_json_shape(tmp_path):
    result = solve(tmp_path, {"durations": MATRIX, "start": 0, "end": 0})
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out == {"order": [0, 3, 2, 1, 0], "total": 19, "feasible": True}


def test_open_path_with_windows_and_service(tmp_path):
    problem = {"durations": MATRIX, "start": 1, "end": None,
               "time_windows": [[0, 100], [0, 100], [0, 100], [0, 100]], "service": [5, 0, 5, 5]}
    result = solve(tmp_path, problem, "--details")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["order"][0] == 1 and sorted(out["order"]) == [0, 1, 2, 3]
    assert out["feasible"] is True and out["method"] == "exact" and out["optimal"] is True


def test_infeasible_windows_reported(tmp_path):
    problem = {"durations": [[0, 10, 10], [10, 0, 10], [10, 10, 0]], "start": 0, "end": 0,
               "time_windows": [[0, 1000], [0, 12], [0, 12]]}
    result = solve(tmp_path, problem, "--details")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["feasible"] is False and len(out["violations"]) == 1
    assert out["total"] == 30


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ({"durations": [[0, 1, 2], [1, 0, 2]], "start": 0, "end": None}, "square"),
        ({"durations": [[0, -3], [1, 0]], "start": 0, "end": 0}, "negative"),
        ({"durations": [[0, 1], [1, 0]], "start": 5, "end": None}, "out of range"),
        ({"durations": [[0, 1], [1, 0]], "start": 0, "end": "x"}, "end must be an integer"),
        ({"durations": [[0, 1], [1, 0]], "start": 0, "end": 0, "time_windows": [[0, 9]]}, "time_windows"),
        ({"start": 0, "end": 0}, "missing key: durations"),
        ({"durations": [[0]], "start": 0, "end": 0, "speed": 3}, "unknown keys: speed"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path, problem, message):
    result = solve(tmp_path, problem)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_file_exits_2(tmp_path):
    result = runner.invoke(app, ["route", "solve", str(tmp_path / "nope.json")])
    assert result.exit_code == 2


def test_tsplib_file_is_solved_as_a_closed_tour_in_its_own_node_numbers(tmp_path):
    from pathlib import Path

    instance = Path(__file__).resolve().parents[3] / "bench" / "data" / "tsplib" / "gr17.tsp"
    result = runner.invoke(app, ["route", "solve", str(instance), "--details"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["name"] == "gr17" and out["total"] == 2085  # the published optimum
    assert out["order"][0] == out["order"][-1] == 1 and sorted(out["order"][:-1]) == list(range(1, 18))
    bad = tmp_path / "broken.tsp"
    bad.write_text("NAME: broken\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\nEOF\n")
    result = runner.invoke(app, ["route", "solve", str(bad)])
    assert result.exit_code == 2 and "has 1 nodes" in result.output and "Traceback" not in result.output
