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
                # a commit does not wait for the disk (~7 ms each here): what a test sees is the same,
                # only a crash of the machine could lose the last commits. Every later connection.
                conn.exec_driver_sql(f'ALTER DATABASE "{conn.engine.url.database}" SET synchronous_commit = off')
        upgrade()
        db.engine.dispose()
    return database_url


def _empty_tables(db) -> None:
    """Every table empty and its ids starting at 1 again, as on a new database. Only the tables that
    hold rows are emptied, with DELETE: a TRUNCATE of all 55 tables took PostgreSQL most of a second
    per test; this takes a few milliseconds. A request of the previous browser test may still be
    running on the live server: on PostgreSQL the tables are locked first (it finishes, or one of the
    two is told of a deadlock), and the emptying is tried again."""
    import time

    from sqlalchemy.exc import OperationalError
    for attempt in range(5):
        try:
            _empty_tables_once(db)
            return
        except OperationalError:
            db.session.rollback()
            if attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


def _empty_tables_once(db) -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]  # children before their parents
    probe = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
    held = [t for t in tables if t in set(db.session.scalars(db.text(probe)))]
    postgres = db.engine.dialect.name == "postgresql"
    if postgres and held:
        db.session.execute(db.text("LOCK TABLE " + ", ".join(f'"{t}"' for t in held) + " IN ACCESS EXCLUSIVE MODE"))
    for name in held:
        db.session.execute(db.text(f'DELETE FROM "{name}"'))
    if postgres:  # a sequence moves on even when its insert rolled back
        used = db.session.scalars(db.text(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL")).all()
        if used:
            db.session.execute(db.text("SELECT " + ", ".join(f"setval('{q}', 1, false)" for q in used)))
    db.session.commit()


TEST_CONFIG = {"TESTING": True, "WUYE_NOTIFIERS": ["log"], "WUYE_PASSWORD_METHOD": "pbkdf2:sha256:1000"}


@pytest.fixture(scope="session")
def _shared_app(migrated):
    """One app for the tests that take `app`: making one (147 routes compiled) cost ~0.1 s a test."""
    from wuye import create_app
    from wuye.extensions import db

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": migrated})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_shared_app):
    """The app with empty tables, and as it was made: what a test changed of its settings, its
    extensions (the clock, the channels made from the settings) or its views is put back after it."""
    from wuye.extensions import db

    app = _shared_app
    config = {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v)
              for k, v in app.config.items()}
    extensions, views, testing = dict(app.extensions), dict(app.view_functions), app.testing
    with app.app_context():
        _empty_tables(db)
    yield app
    with app.app_context():
        db.session.remove()
    app.config.clear()
    app.config.update(config)
    app.extensions.clear()
    app.extensions.update(extensions)
    app.view_functions.clear()
    app.view_functions.update(views)
    app.testing = testing


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


# the longest files first: on several workers a file stays on one, and a long one begun last is the
# run's tail (the bad-input sweep alone is a minute or two; the other worker had nothing left to do)
LONGEST_FIRST = ("tests/web/test_bad_input_sweep.py", "tests/e2e/test_two_instances.py")


def pytest_collection_modifyitems(config, items):
    def rank(item):
        path = item.nodeid.split("::")[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)
    items.sort(key=rank)  # stable: the rest keep their order
