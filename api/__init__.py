"""The Tourstack HTTP API. Build it with `api.app.create_app()`."""
