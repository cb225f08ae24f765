"""The configured backend, built from settings by the entry points (API, Dagster, CLI)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tourstack.search.backend import SearchBackend
from tourstack.search.config import SearchConfig, default_config
from tourstack.search.errors import SearchUnavailable

if TYPE_CHECKING:
    from tourstack.settings import Settings


def build_backend(settings: Settings, config: SearchConfig | None = None) -> SearchBackend:
    """`TOURSTACK_SEARCH_BACKEND`: tantivy under `search_dir`, or Typesense at `typesense_url`."""
    if settings.search_backend == "typesense":
        from tourstack.search.typesense_backend import TypesenseBackend

        if settings.typesense_api_key is None:
            raise SearchUnavailable("TOURSTACK_TYPESENSE_API_KEY is not set")
        return TypesenseBackend(
            settings.typesense_url, settings.typesense_api_key.get_secret_value(),
            config or default_config(), prefix=settings.typesense_collection_prefix,
        )
    from tourstack.search.tantivy_backend import TantivyBackend

    return TantivyBackend(settings.search_dir / "tantivy")
