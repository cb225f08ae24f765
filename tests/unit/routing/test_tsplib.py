"""TSPLIB 95 parsing and distance rules, checked against published tour lengths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tourstack.routing import tsplib

DATA = Path(__file__).resolve().parents[3] / "bench" / "data" / "tsplib"


@pytest.mark.parametrize(("name", "length"), [("att48", 10628), ("pr76", 108159)])
def test_published_optimal_tours_have_their_published_length(name, length):
    # att48 exercises the pseudo-Euclidean ATT rule, pr76 EUC_2D with nint.
    instance = tsplib.read(DATA / f"{name}.tsp")
    tour = tsplib.read_tour(DATA / f"{name}.opt.tour")
    assert sorted(tour) == list(range(instance.dimension))
    assert tsplib.tour_length(instance.weights, tour) == length


def test_geo_uses_degrees_and_minutes_and_the_documented_constants():
    # burma14 nodes 1 and 2 (16.47 N 96.10 E, 16.47 N 94.44 E): 153 in the TSPLIB matrix.
    text = ("NAME: t\nTYPE: TSP\nDIMENSION: 2\nEDGE_WEIGHT_TYPE: GEO\nNODE_COORD_SECTION\n"
            "1 16.47 96.10\n2 16.47 94.44\nEOF\n")
    assert tsplib.parse(text).weights[0, 1] == 153
    # minutes, not decimals: 16.47 is 16 deg 47 min, so .47 and .28 differ by 19 minutes
    assert tsplib.geo(np.array([[0.0, 10.47], [0.0, 10.28]]))[0, 1] == \
        tsplib.geo(np.array([[0.0, 0.19], [0.0, 0.0]]))[0, 1]


def test_euc_2d_rounds_half_up_and_ceil_2d_rounds_up():
    pts = np.array([[0.0, 0.0], [0.5, 0.0], [3.0, 4.0], [1.2, 0.0]])
    assert tsplib.euc_2d(pts)[0, 1] == 1  # nint(0.5) = 1, not round-half-even's 0
    assert tsplib.euc_2d(pts)[0, 2] == 5
    assert tsplib.ceil_2d(pts)[0, 3] == 2


def test_att_rounds_up_when_nint_falls_short():
    pts = np.array([[0.0, 0.0], [10.0, 0.0]])  # r = sqrt(10) = 3.16 -> t = 3 < r -> 4
    assert tsplib.att(pts)[0, 1] == 4


@pytest.mark.parametrize(
    ("fmt", "values"),
    [
        ("FULL_MATRIX", [0, 1, 2, 1, 0, 3, 2, 3, 0]),
        ("UPPER_ROW", [1, 2, 3]),
        ("LOWER_ROW", [1, 2, 3]),
        ("UPPER_DIAG_ROW", [0, 1, 2, 0, 3, 0]),
        ("LOWER_DIAG_ROW", [0, 1, 0, 2, 3, 0]),
        ("UPPER_COL", [1, 2, 3]),
        ("LOWER_DIAG_COL", [0, 1, 2, 0, 3, 0]),
    ],
)
def test_explicit_formats_give_the_same_matrix(fmt, values):
    expected = np.array([[0, 1, 2], [1, 0, 3], [2, 3, 0]])
    assert (tsplib.explicit(values, 3, fmt) == expected).all()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NAME: x\nTYPE: TSP\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\nEOF", "DIMENSION"),
        ("NAME: x\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 1\nEOF", "has 2 nodes"),
        ("NAME: x\nDIMENSION: 2\nEDGE_WEIGHT_TYPE: MAN_3D\nEOF", "unsupported EDGE_WEIGHT_TYPE"),
        ("NAME: x\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: UPPER_ROW\n"
         "EDGE_WEIGHT_SECTION\n1 2\nEOF", "needs 3 weights"),
        ("NAME: x\nDIMENSION: 2\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 a b\n2 0 0\nEOF", "malformed"),
    ],
)
def test_bad_files_are_clear_errors(text, message):
    with pytest.raises(tsplib.TsplibError, match=message):
        tsplib.parse(text)


def test_every_bundled_instance_parses_to_a_symmetric_matrix():
    files = sorted(DATA.glob("*.tsp"))
    assert len(files) >= 28
    for path in files:
        instance = tsplib.read(path)
        assert instance.weights.shape == (instance.dimension,) * 2
        assert (instance.weights == instance.weights.T).all() and (np.diag(instance.weights) == 0).all()


ATSP_DIMENSIONS = {"br17": 17, "ftv33": 34, "ftv35": 36, "ftv38": 39, "p43": 43, "ftv44": 45, "ftv47": 48,
                   "ry48p": 48, "ft53": 53, "ftv55": 56, "ftv64": 65, "ft70": 70, "ftv70": 71, "kro124p": 100}


def test_every_bundled_atsp_instance_parses_to_its_dimension_and_is_asymmetric():
    # The 14 ATSP instances of TSPLIB 95 with at most 100 nodes (kro124p has 100).
    assert {p.stem for p in DATA.glob("*.atsp")} == set(ATSP_DIMENSIONS)
    for name, n in ATSP_DIMENSIONS.items():
        instance = tsplib.read(DATA / f"{name}.atsp")
        assert instance.dimension == n and instance.weights.shape == (n, n)
        assert (np.diag(instance.weights) == 0).all() and (instance.weights >= 0).all()
        assert not (instance.weights == instance.weights.T).all()
