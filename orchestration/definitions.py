"""The Tourstack Dagster code location: every folder under orchestration/defs/, merged.

Importing this module defines and nothing more: no settings read, no `dbt parse`, no change
to the environment (tests/unit/orchestration/test_definitions_load.py checks it in a fresh interpreter).
Dagster calls `defs` when it loads the code location; that is when the dbt manifest is made
current and the resources are configured from the TOURSTACK_* settings.
"""

from __future__ import annotations

from functools import cache

import dagster as dg

import orchestration.defs
from orchestration.defs.discovery import merge_domains


@cache
def domain_definitions() -> dg.Definitions:
    """Assets, checks, jobs, schedules and sensors of every domain, with the dbt resource:
    everything that does not depend on settings, so it is built once per process."""
    return merge_domains(orchestration.defs)


@dg.definitions
def defs() -> dg.Definitions:
    from orchestration.defs.resources import default_resources

    return dg.Definitions.merge(domain_definitions(), dg.Definitions(resources=default_resources()))
