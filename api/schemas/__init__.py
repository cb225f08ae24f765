"""Request and response bodies of the API (Pydantic v2)."""
