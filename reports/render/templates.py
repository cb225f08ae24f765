"""Jinja2 environments for the HTML every page, e-mail and PDF is made from.

Why one factory: HTML templates escape by default and text templates do not, and blocks trim
their own whitespace; the e-mails and the invoice documents must agree on both.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape


@lru_cache(maxsize=None)
def environment(folder: Path) -> Environment:
    """The environment over one template folder (cached per folder)."""
    return Environment(
        loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]),
        trim_blocks=True, lstrip_blocks=True,
    )
