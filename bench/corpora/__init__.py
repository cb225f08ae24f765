"""Labelled evaluation corpora for the reconciliation benchmark.

Each corpus is written from a description of how the world behaves (docs/reconciliation.md,
"How B2B payers really pay"), not from the matcher's rules, and lives outside `tourstack/` so the
matcher can never import it.
"""
