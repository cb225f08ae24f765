"""Data-quality suites (Great Expectations) for the raw tables landed by ingestion."""
