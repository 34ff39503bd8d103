"""The deadline watcher: a thread that runs the deadline tick every few seconds, and its heartbeat.

`create_app` starts one per serving process: under `flask run` (in the reloader's child, not in
the parent that only watches files), under gunicorn or any WSGI server — and again in a worker
forked from a preloading master, where the master's thread did not survive the fork. It does not
start in other CLI commands (`db upgrade`, `deadlines run`, ...) nor in tests unless a test sets
WUYE_WATCHER. Deployments that prefer one separate process set WUYE_WATCHER=0 on the web processes
and run `flask --app app deadlines run --loop`; the tick is the same, and so is its safety: any
number of watchers may run at once.

After each tick the same thread works off the delivery outbox (services/delivery/worker.py).
Each tick ends with a heartbeat row; `/healthz` reports how old it is (see `health`).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time

import click
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .clock import now as clock_now
from .database import transaction
from .extensions import db
from .models import WatcherHeartbeat

log = logging.getLogger("wuye.watcher")
HEARTBEAT = "deadlines"
_EXTENSION = "wuye.watcher"
_lock = threading.Lock()
_current: Watcher | None = None  # the one watcher thread of this process


def beat() -> None:
    """Record that a tick has just finished (one row, whichever process beat last)."""
    at = clock_now()
    process = f"{socket.gethostname()}:{os.getpid()}"[:100]
    with transaction():
        updated = db.session.execute(
            update(WatcherHeartbeat).where(WatcherHeartbeat.name == HEARTBEAT).values(beat_at=at, process=process)
        ).rowcount
        if not updated:
            try:
                with db.session.begin_nested():
                    db.session.add(WatcherHeartbeat(name=HEARTBEAT, beat_at=at, process=process))
            except IntegrityError:
                pass  # another watcher's first beat landed at the same moment: as good as ours


def run_once(app: Flask):
    """One tick and a heartbeat. Returns the tick's report, or None when the tick failed (logged):
    a database that is down for a minute must not end the watcher."""
    from .services.deadlines.tick import tick
    with app.app_context():
        try:
            report = tick()
            beat()
        except Exception:  # noqa: BLE001 — the loop must outlive any one failure; it is logged
            log.exception("deadline tick failed")
            db.session.rollback()
            return None
        finally:
            db.session.remove()
    if report.breached or report.escalated or report.warned or report.failed:
        log.info("deadline tick: %s", report)
    return report


def loop(app: Flask, interval: float, stopping: threading.Event, deliveries: bool | None = None) -> None:
    """Tick, then send what is due in the delivery outbox (unless WUYE_DELIVERY=0: a separate
    `deliveries run` process does it), then wait."""
    from .services.delivery.worker import run_in
    if deliveries is None:
        deliveries = bool(app.config.get("WUYE_DELIVERY", True))
    while not stopping.is_set():
        run_once(app)
        if deliveries and not stopping.is_set():
            run_in(app)
        stopping.wait(interval)


class Watcher:
    def __init__(self, app: Flask, interval: float):
        self.app, self.interval = app, interval
        self.pid = os.getpid()
        self.started = time.monotonic()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=loop, args=(app, interval, self.stopping),
                                       name="wuye-deadline-watcher", daemon=True)

    def age(self) -> float:
        return time.monotonic() - self.started

    def alive(self) -> bool:
        return self.pid == os.getpid() and self.thread.is_alive()

    def stop(self, timeout: float = 10) -> None:
        self.stopping.set()
        if self.pid == os.getpid() and self.thread.is_alive():
            self.thread.join(timeout)


def _cli_command() -> click.Command | None:
    ctx = click.get_current_context(silent=True)
    return ctx.command if ctx is not None else None


def wanted(app: Flask) -> bool:
    setting = app.config.get("WUYE_WATCHER")
    if setting is None:
        setting = not app.testing
    if not setting:
        return False
    command = _cli_command()
    if command is None:
        return True  # a WSGI server importing app.py, or a test that asked for it
    from flask.cli import run_command
    if command is not run_command:
        return False  # a one-off command: `deadlines run` is the CLI's own way to tick
    reload = click.get_current_context().params.get("reload")
    if reload is None:
        reload = app.debug
    # with the reloader, `flask run` is two processes: only the child (WERKZEUG_RUN_MAIN) serves
    return not reload or os.environ.get("WERKZEUG_RUN_MAIN") == "true"


def start(app: Flask) -> Watcher:
    """Start this process's watcher, once; a later app in the same process shares it."""
    global _current
    with _lock:
        if _current is None or not _current.alive():
            _current = Watcher(app, float(app.config["WUYE_WATCHER_INTERVAL"]))
            _current.thread.start()
            log.info("deadline watcher started in process %s, every %ss", _current.pid, _current.interval)
        return _current


def stop() -> None:
    global _current
    with _lock:
        if _current is not None:
            _current.stop()
            _current = None


def init_app(app: Flask) -> None:
    if not wanted(app):
        app.extensions[_EXTENSION] = None
        return
    app.extensions[_EXTENSION] = start(app)

    @app.before_request
    def _still_running():
        # a worker forked from a preloading master has the master's Watcher but not its thread
        watcher = app.extensions.get(_EXTENSION)
        if watcher is not None and watcher.pid != os.getpid():
            app.extensions[_EXTENSION] = start(app)


def health(app: Flask) -> tuple[dict, bool]:
    """The heartbeat's age, and whether it is acceptable.

    A watcher is expected when this process runs one, or when one has ever beaten against this
    database (the row exists): then silence longer than WUYE_WATCHER_MAX_LAG seconds is an error.
    A test run or a CLI-only installation has never had one and is not failed for it.
    WUYE_WATCHER_MAX_LAG=0 turns the check off (a watcher retired on purpose leaves its row).
    """
    last = db.session.scalar(select(WatcherHeartbeat.beat_at).where(WatcherHeartbeat.name == HEARTBEAT))
    lag = (clock_now() - last).total_seconds() if last is not None else None
    local: Watcher | None = app.extensions.get(_EXTENSION)
    max_lag = float(app.config["WUYE_WATCHER_MAX_LAG"])
    if local is None and last is None:
        state = "off"
    elif local is not None and (lag is None or lag > max_lag) and local.age() < max_lag:
        state = "starting"  # its first tick is on the way
    elif max_lag and (lag is None or lag > max_lag):
        state = "silent"
    else:
        state = "ok"
    return {"watcher": state, "watcher_lag_seconds": round(lag, 1) if lag is not None else None}, state != "silent"
