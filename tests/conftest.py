"""Fixtures shared by unit, web and e2e tests.

The suite runs against one real database per run: a temp SQLite file by default, PostgreSQL when
WUYE_TEST_DATABASE_URL is set (the test command sets it for the second pass). The schema is built
by the Alembic migrations once; every test starts from empty tables.
"""
from __future__ import annotations

import os

import pytest

pytest_plugins = ["tests.fixtures.data", "tests.fixtures.web", "tests.fixtures.complaints", "tests.fixtures.reports",
                  "tests.fixtures.hypo", "tests.fixtures.gateways"]

# no app of the suite starts the deadline watcher thread by accident, testing or not (and neither do
# the worker processes, which inherit this); a test that wants one passes WUYE_WATCHER=True
os.environ["WUYE_WATCHER"] = "0"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("WUYE_TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1 … when the suite runs on several cores
    if url and worker:
        return _worker_database(url, worker)
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _worker_database(url: str, worker: str) -> str:
    """Each xdist worker empties its tables before every test: on PostgreSQL it gets a database of its
    own, named after the suite's (wuye_test_gw0 …), made once and reused."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("instance"))
    os.environ["WUYE_INSTANCE_PATH"] = path
    return path


@pytest.fixture(scope="session")
def migrated(database_url, instance_path) -> str:
    """Build the schema from the migrations, exactly as a deployment does."""
    from flask_migrate import upgrade

    from wuye import create_app
    from wuye.extensions import db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":  # the test database may hold an older run's schema
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        db.engine.dispose()
    return database_url


def _empty_tables(db) -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        quoted = ", ".join(f'"{t}"' for t in tables)
        db.session.execute(db.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(db.text(f"DELETE FROM {name}"))
    db.session.commit()


@pytest.fixture
def app(migrated):
    from wuye import create_app
    from wuye.extensions import db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": migrated, "WUYE_NOTIFIERS": ["log"],
                      "WUYE_PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        _empty_tables(db)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An application context for unit tests that call services directly."""
    with app.app_context():
        yield app


@pytest.fixture
def clock(app):
    """A settable clock: `clock.set(datetime)` / `clock.advance(minutes=...)`."""
    from datetime import UTC, datetime, timedelta

    class Clock:
        def __init__(self):
            self.now = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai

        def __call__(self):
            return self.now

        def set(self, moment):
            self.now = moment

        def advance(self, **kw):
            self.now += timedelta(**kw)

    c = Clock()
    app.extensions["wuye.clock"] = c
    return c
