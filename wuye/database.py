"""Database plumbing: SQLite pragmas, BEGIN IMMEDIATE for writes, one transaction per state change.

SQLite in WAL mode lets readers run beside one writer. A transaction that reads and then writes
must take the write lock when it begins (BEGIN IMMEDIATE), otherwise two of them deadlock on the
upgrade and one fails at once instead of waiting for the busy timeout.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator

from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from .extensions import db

def prepared(build: Callable):
    """`build()` runs once per process: it makes a statement whose values are bindparam()s, and the
    caller executes it with them as parameters. SQLAlchemy spends longer building a statement (its
    elements and their cache key, each request) than a small indexed query takes to run: the queries
    every page makes are built once."""
    return functools.cache(build)


def rows(statement, params: dict | None = None) -> list:
    """The rows of a read of columns (not ORM objects), run on the session's connection in its
    transaction. The ORM's result handling, which a column read does not need, takes as long as the
    query for fifty rows. It does not flush the session first: for what a page shows, not for a read
    inside a change."""
    return db.session.connection().execute(statement, params or {}).all()


_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("wuye_write_intent", default=False)


def _wants_write() -> bool:
    # only transaction() writes; the reads a POST makes first (the login check, loading the order)
    # stay plain read transactions, so they never queue behind another request's write lock
    return _write_intent.get()


def configure_engine(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    busy_ms = int(app.config["WUYE_SQLITE_BUSY_MS"])

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # we issue BEGIN ourselves (below); the driver's implicit transactions would hide it
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = _wants_write()
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        conn.info["immediate"] = immediate


# Run at the start of every transaction() and just before its commit. The offline action's
# idempotency claim registers here (create_app), so that a replay is answered before any effect
# without this module importing the services.
_hooks: dict[str, tuple[Callable[[], None], Callable[[], None]]] = {}


def register_transaction_hook(name: str, begin: Callable[[], None], before_commit: Callable[[], None]) -> None:
    _hooks[name] = (begin, before_commit)


@contextlib.contextmanager
def transaction() -> Iterator[None]:
    """One unit of work: commit everything on success, nothing on error.

    A read transaction already open (the login check, a permission lookup) is ended first, so the
    write transaction starts fresh and, on SQLite, holds the write lock from its first statement.
    """
    session = db.session()
    if session.in_transaction() and not session.connection().info.get("immediate", True):
        session.commit()
    token = _write_intent.set(True)
    try:
        for begin, _ in _hooks.values():
            begin()
        yield
        for _, before_commit in _hooks.values():
            before_commit()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _write_intent.reset(token)


def locked(row_or_model, id: int | None = None):
    """Re-read a row under a row lock — FOR UPDATE on PostgreSQL; on SQLite the transaction already
    holds the write lock — refreshing what the session had of it. `locked(order)` or
    `locked(RepairOrder, order_id)`; None when no such row."""
    model, id = (row_or_model, id) if id is not None else (type(row_or_model), row_or_model.id)
    return db.session.execute(select(model).where(model.id == id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one_or_none()
