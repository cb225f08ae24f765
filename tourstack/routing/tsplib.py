"""TSPLIB 95 instances: the parser and the distance rules, exactly as the format defines them.

Why here: the public benchmark instances are how routing quality is measured (bench/routing.py),
and `tourstack route solve` accepts a `.tsp` file as well as our JSON. The rules follow
Reinelt's TSPLIB 95 document to the letter, because a benchmark is only comparable with its
published optimum when every edge weight is computed the same way:

- EUC_2D: nint(sqrt(dx² + dy²)); CEIL_2D: the same rounded up.
- ATT (pseudo-Euclidean): r = sqrt((dx² + dy²) / 10); t = nint(r); t + 1 if t < r else t.
- GEO: coordinates are DDD.MM (degrees and minutes, not decimal degrees); PI = 3.141592 and the
  earth radius RRR = 6378.388 as the document fixes them; d = int(RRR · acos(...) + 1).
- EXPLICIT: FULL_MATRIX and the row/column triangular formats, diagonal included or not.

nint(x) is int(x + 0.5), the document's definition (not Python's round-half-even).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

GEO_PI = 3.141592
GEO_RADIUS = 6378.388

COORDINATE_TYPES = ("EUC_2D", "CEIL_2D", "ATT", "GEO")
MATRIX_FORMATS = (
    "FULL_MATRIX", "UPPER_ROW", "LOWER_ROW", "UPPER_DIAG_ROW", "LOWER_DIAG_ROW",
    "UPPER_COL", "LOWER_COL", "UPPER_DIAG_COL", "LOWER_DIAG_COL",
)


class TsplibError(ValueError):
    """A file that is not a TSPLIB instance we can read; the message names the problem."""


@dataclass(frozen=True, slots=True)
class Instance:
    name: str
    dimension: int
    weight_type: str
    weights: np.ndarray  # int64, dimension x dimension, zero diagonal
    comment: str = ""


def _nint(x: np.ndarray) -> np.ndarray:
    return np.floor(x + 0.5).astype(np.int64)


def euc_2d(coords: np.ndarray) -> np.ndarray:
    diff = coords[:, None, :] - coords[None, :, :]
    return _nint(np.sqrt((diff ** 2).sum(axis=2)))


def ceil_2d(coords: np.ndarray) -> np.ndarray:
    diff = coords[:, None, :] - coords[None, :, :]
    return np.ceil(np.sqrt((diff ** 2).sum(axis=2))).astype(np.int64)


def att(coords: np.ndarray) -> np.ndarray:
    diff = coords[:, None, :] - coords[None, :, :]
    r = np.sqrt((diff ** 2).sum(axis=2) / 10.0)
    t = _nint(r)
    return np.where(t < r, t + 1, t)


def _geo_radians(component: np.ndarray) -> np.ndarray:
    # DDD.MM: the integer part is degrees, the fraction is minutes / 100 (so x5/3 gives degrees).
    degrees = np.trunc(component)
    minutes = component - degrees
    return GEO_PI * (degrees + 5.0 * minutes / 3.0) / 180.0


def geo(coords: np.ndarray) -> np.ndarray:
    lat, lon = _geo_radians(coords[:, 0]), _geo_radians(coords[:, 1])
    q1 = np.cos(lon[:, None] - lon[None, :])
    q2 = np.cos(lat[:, None] - lat[None, :])
    q3 = np.cos(lat[:, None] + lat[None, :])
    inner = np.clip(0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3), -1.0, 1.0)
    d = (GEO_RADIUS * np.arccos(inner) + 1.0).astype(np.int64)
    np.fill_diagonal(d, 0)
    return d


_COORDINATE_RULES = {"EUC_2D": euc_2d, "CEIL_2D": ceil_2d, "ATT": att, "GEO": geo}


def explicit(values: list[int], n: int, fmt: str) -> np.ndarray:
    """The full matrix from an EDGE_WEIGHT_SECTION in one of the TSPLIB matrix formats."""
    if fmt not in MATRIX_FORMATS:
        raise TsplibError(f"unsupported EDGE_WEIGHT_FORMAT {fmt}")
    m = np.zeros((n, n), dtype=np.int64)
    if fmt == "FULL_MATRIX":
        if len(values) != n * n:
            raise TsplibError(f"FULL_MATRIX needs {n * n} weights, found {len(values)}")
        return np.asarray(values, dtype=np.int64).reshape(n, n)
    # A column format is the transposed row format: UPPER_COL lists what LOWER_ROW lists.
    row_fmt = {"UPPER_COL": "LOWER_ROW", "LOWER_COL": "UPPER_ROW", "UPPER_DIAG_COL": "LOWER_DIAG_ROW",
               "LOWER_DIAG_COL": "UPPER_DIAG_ROW"}.get(fmt, fmt)
    diag = "DIAG" in row_fmt
    upper = row_fmt.startswith("UPPER")
    cells = [(i, j) for i in range(n) for j in (range(i if diag else i + 1, n) if upper
                                                  else range(0, i + 1 if diag else i))]
    if len(values) != len(cells):
        raise TsplibError(f"{fmt} for dimension {n} needs {len(cells)} weights, found {len(values)}")
    for (i, j), v in zip(cells, values, strict=True):
        m[i, j] = m[j, i] = v
    return m


def parse(text: str, *, name: str = "") -> Instance:
    """A TSPLIB 95 TSP (or ATSP) instance from its text. Raises TsplibError."""
    spec: dict[str, str] = {}
    coords: list[tuple[float, float]] = []
    weights: list[int] = []
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line == "EOF":
            if line == "EOF":
                break
            continue
        key, sep, value = line.partition(":")
        key = key.strip().upper()
        if sep and key.replace("_", "").isalpha():
            spec[key] = value.strip()
            section = None
            continue
        if line.upper() in ("NODE_COORD_SECTION", "EDGE_WEIGHT_SECTION", "DISPLAY_DATA_SECTION",
                            "TOUR_SECTION", "DEMAND_SECTION", "DEPOT_SECTION"):
            section = line.upper()
            continue
        try:
            if section == "NODE_COORD_SECTION":
                parts = line.split()
                coords.append((float(parts[1]), float(parts[2])))
            elif section == "EDGE_WEIGHT_SECTION":
                weights.extend(int(float(v)) for v in line.split())
            elif section is None:
                raise TsplibError(f"unexpected line outside any section: {line[:40]!r}")
        except (IndexError, ValueError) as exc:
            if isinstance(exc, TsplibError):
                raise
            raise TsplibError(f"malformed line in {section}: {line[:40]!r}") from None
    try:
        n = int(spec["DIMENSION"])
    except (KeyError, ValueError):
        raise TsplibError("missing or bad DIMENSION") from None
    weight_type = spec.get("EDGE_WEIGHT_TYPE", "").upper()
    if weight_type in _COORDINATE_RULES:
        if len(coords) != n:
            raise TsplibError(f"DIMENSION is {n} but NODE_COORD_SECTION has {len(coords)} nodes")
        matrix = _COORDINATE_RULES[weight_type](np.asarray(coords, dtype=np.float64))
    elif weight_type == "EXPLICIT":
        matrix = explicit(weights, n, spec.get("EDGE_WEIGHT_FORMAT", "").upper())
    else:
        raise TsplibError(f"unsupported EDGE_WEIGHT_TYPE {weight_type or '(missing)'}")
    np.fill_diagonal(matrix, 0)
    return Instance(name=spec.get("NAME", name).removesuffix(".tsp").removesuffix(".atsp") or name, dimension=n,
                    weight_type=weight_type, weights=matrix, comment=spec.get("COMMENT", ""))


def read(path: str | Path) -> Instance:
    p = Path(path)
    try:
        text = p.read_text(encoding="ascii", errors="strict")
    except UnicodeDecodeError:
        raise TsplibError(f"{p} is not a TSPLIB text file") from None
    return parse(text, name=p.stem)


def read_tour(path: str | Path) -> list[int]:
    """A TOUR_SECTION (1-based node ids ending in -1) as 0-based indices."""
    nodes: list[int] = []
    inside = False
    for line in Path(path).read_text().splitlines():
        token = line.strip()
        if token.upper() == "TOUR_SECTION":
            inside = True
            continue
        if inside:
            for value in token.split():
                if value == "-1":
                    return nodes
                nodes.append(int(value) - 1)
    if not nodes:
        raise TsplibError(f"{path}: no TOUR_SECTION")
    return nodes


def tour_length(weights: np.ndarray, tour: list[int]) -> int:
    """Length of the closed tour (back to its first node)."""
    return int(sum(weights[a, b] for a, b in zip(tour, tour[1:] + tour[:1], strict=True)))


__all__ = ["COORDINATE_TYPES", "Instance", "TsplibError", "att", "ceil_2d", "euc_2d", "explicit",
           "geo", "parse", "read", "read_tour", "tour_length"]
