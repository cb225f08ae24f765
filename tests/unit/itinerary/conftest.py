"""A tiny demo catalogue seeded once per module, and a session factory over a copy of it."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tourstack.db.engine import make_engine, make_sessionmaker


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> str:
    from tourstack.db.migrate import upgrade
    from tourstack.demo import seed

    path = tmp_path_factory.mktemp("catalogue") / "tiny.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    seed(url, "tiny", seed=11, as_of="2026-06-30", progress=False)
    return str(path)


@pytest.fixture(scope="module")
def catalogue_url(seeded_template, tmp_path_factory) -> str:
    target = tmp_path_factory.mktemp("cat") / "tiny.db"
    shutil.copyfile(seeded_template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def sessions(catalogue_url) -> sessionmaker[Session]:
    engine = make_engine(catalogue_url)
    yield make_sessionmaker(engine)
    engine.dispose()
