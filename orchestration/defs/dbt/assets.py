"""Every dbt model as a Dagster asset and every dbt test as an asset check.

One `dbt build` invocation per run (not one per model): each dbt start-up costs seconds.
Sources named `raw` map to the ingest assets' keys ["raw", table].

`@dbt_assets` reads the manifest when it decorates, so the assets are built by a function
called once the manifest is current (orchestration/defs/dbt/definitions.py), not at import.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.pools import WAREHOUSE_WRITER
from orchestration.defs.resources import WarehouseResource

DBT_ASSETS_NAME = "tourstack_dbt_models"


class TourstackTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            # A source may name the asset that lands it (gateway feeds land in raw/...).
            declared = (dbt_resource_props.get("meta") or {}).get("dagster", {}).get("asset_key")
            if declared:
                return AssetKey(list(declared))
            return AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return AssetKey([dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if len(fqn) > 3 and fqn[1] == "finance":
            # models/finance/<area>/ -> "finance_<area>": the "finance" group holds the Python
            # finance assets (FX sync), which the warehouse refresh job leaves out.
            return f"finance_{fqn[2]}"
        return fqn[1] if len(fqn) > 2 else "dbt"


@cache
def dbt_models(manifest: Path) -> AssetsDefinition:
    """The dbt assets of this manifest; cached so every load shares one definition object."""

    @dbt_assets(
        manifest=manifest,
        name=DBT_ASSETS_NAME,
        dagster_dbt_translator=TourstackTranslator(),
        pool=WAREHOUSE_WRITER,
    )
    def _models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
        warehouse.apply_dbt_env()
        yield from dbt.cli(["build"], context=context).stream()

    return _models
