"""The dbt folder's definitions: built when Dagster loads the code location, after the
manifest is made current, because `@dbt_assets` needs the manifest to exist."""

import dagster as dg

from orchestration.defs.dbt.assets import dbt_models
from orchestration.defs.dbt.project import dbt_cli, ensure_manifest


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[dbt_models(ensure_manifest())], resources={"dbt": dbt_cli()})
