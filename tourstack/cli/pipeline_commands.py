"""Placeholder module: its commands are registered as the feature lands."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    return None
