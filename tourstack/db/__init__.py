"""Operational database: typed models, engine/session helpers and Alembic migrations."""
