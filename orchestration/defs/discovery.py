"""How the code location finds its definitions: by convention, not by lists of names.

Each folder under orchestration/defs/ is a domain and has a `definitions.py` exposing `defs`:
either a `Definitions` built from whatever its modules define at module scope (assets, asset
checks, jobs, schedules, sensors; `folder_definitions`), or a `@dagster.definitions` function
where a step must come first (the dbt manifest). orchestration/definitions.py merges them all.
Adding an asset or a scheduled job is therefore one edit in one module of one folder.
"""

from __future__ import annotations

import importlib
import pkgutil
import warnings
from types import ModuleType

from dagster import Definitions, PreviewWarning, load_definitions_from_modules


def _submodules(package: ModuleType) -> list[ModuleType]:
    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if info.name != "definitions"
    ]


def folder_definitions(package_name: str) -> Definitions:
    """Everything the modules of this folder define at module scope.

    `load_definitions_from_modules` is a preview API in Dagster 1.13; its warning is silenced
    because tests/unit/orchestration/test_definitions_load.py pins what it finds to the recorded list of
    assets, checks, jobs, schedules and sensors, so a change in its behaviour fails a test.
    """
    package = importlib.import_module(package_name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PreviewWarning)
        return load_definitions_from_modules(_submodules(package))


def domain_folders(root: ModuleType) -> list[str]:
    """The package names of the domain folders under `root`, sorted."""
    return sorted(f"{root.__name__}.{info.name}" for info in pkgutil.iter_modules(root.__path__) if info.ispkg)


def merge_domains(root: ModuleType) -> Definitions:
    """`Definitions.merge` of every domain folder's `defs` (called if it is lazy)."""
    loaded = []
    for name in domain_folders(root):
        try:
            module = importlib.import_module(f"{name}.definitions")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.definitions":
                raise
            raise LookupError(f"{name} has no definitions.py: every folder under {root.__name__} "
                              "exposes its `defs` there") from None
        defs = module.defs
        loaded.append(defs if isinstance(defs, Definitions) else defs())
    merged = Definitions.merge(*loaded)
    # A module that uses another folder's object (the refresh job selects the ingest assets,
    # the dashboards sensor watches the refresh job) holds it at module scope too, so it is
    # found in both folders: keep each object once.
    return Definitions(
        assets=_once(merged.assets), asset_checks=_once(merged.asset_checks), jobs=_once(merged.jobs),
        schedules=_once(merged.schedules), sensors=_once(merged.sensors), resources=merged.resources,
    )


def _once(objects) -> list:
    return list({id(obj): obj for obj in objects or ()}.values())
