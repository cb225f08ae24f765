"""The app's handle on the operational database, created lazily on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker


class Database:
    """Either wraps a given sessionmaker or builds an engine from `url` on first use."""

    def __init__(
        self,
        url: str | None = None,
        factory: sessionmaker[Session] | None = None,
        configure: Callable[[sessionmaker[Session]], object] | None = None,
    ):
        """`configure` is applied to the sessionmaker once, e.g. to install flush listeners."""
        if url is None and factory is None:
            raise ValueError("a database needs a URL or a sessionmaker")
        self._url = url
        self._configure = configure
        if factory is not None and configure is not None:
            configure(factory)
        self._factory = factory
        self._engine: Engine | None = None  # only set when this object created it
        self._lock = threading.Lock()

    @property
    def sessionmaker(self) -> sessionmaker[Session]:
        if self._factory is None:
            with self._lock:
                if self._factory is None:
                    from tourstack.db.engine import make_engine, make_sessionmaker

                    assert self._url is not None
                    self._engine = make_engine(self._url)
                    factory = make_sessionmaker(self._engine)
                    if self._configure is not None:
                        self._configure(factory)
                    self._factory = factory
        return self._factory

    @property
    def engine(self) -> Engine | None:
        """The engine behind the sessions, once there is one (for pool metrics)."""
        if self._engine is not None:
            return self._engine
        if self._factory is not None:
            return self._factory.kw.get("bind")
        return None

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
