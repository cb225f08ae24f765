"""The Dagster code location: `orchestration.definitions` assembles one module per domain."""
