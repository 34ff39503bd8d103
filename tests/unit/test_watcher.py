"""C: the watcher thread, the CLI that runs the same tick, and the heartbeat."""
from __future__ import annotations

import time

import click
import pytest
from flask.cli import run_command

from tests.unit.test_deadlines import sh, the_deadline, told
from wuye import watcher
from wuye.extensions import db
from wuye.models import WatcherHeartbeat


@pytest.fixture
def serving(app, monkeypatch):
    """The fixture app as a deployment would configure it: not testing, WUYE_WATCHER unset."""
    monkeypatch.setitem(app.config, "WUYE_WATCHER", None)
    monkeypatch.setattr(app, "testing", False)
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    return app


def test_the_watcher_is_off_in_tests_unless_a_test_asks(app):
    assert app.extensions["wuye.watcher"] is None


def test_a_wsgi_server_gets_a_watcher(serving):
    assert watcher.wanted(serving)


def test_the_reloader_parent_starts_no_watcher_and_its_child_does(serving, monkeypatch):
    with click.Context(run_command) as ctx:
        ctx.params["reload"] = True
        assert not watcher.wanted(serving)
        monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
        assert watcher.wanted(serving)


def test_flask_run_without_the_reloader_gets_a_watcher(serving):
    with click.Context(run_command) as ctx:
        ctx.params["reload"] = False
        assert watcher.wanted(serving)


def test_other_cli_commands_start_no_watcher(serving):
    with click.Context(click.Command("upgrade")):
        assert not watcher.wanted(serving)


def test_the_setting_turns_it_off_and_on(serving, monkeypatch):
    monkeypatch.setitem(serving.config, "WUYE_WATCHER", False)
    assert not watcher.wanted(serving)
    monkeypatch.setattr(serving, "testing", True)
    monkeypatch.setitem(serving.config, "WUYE_WATCHER", True)
    assert watcher.wanted(serving)


def _wait_for(condition, seconds=15.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        db.session.commit()  # a fresh snapshot each look
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_watcher_thread_marks_the_breach_and_beats(app, org, make_order, clock, monkeypatch):
    clock.set(sh("14:45"))
    order = make_order(urgency="emergency", technician=org.users["technician"])
    clock.set(sh("15:01"))
    monkeypatch.setitem(app.config, "WUYE_WATCHER_INTERVAL", 0.05)
    w = watcher.start(app)
    try:
        assert _wait_for(lambda: the_deadline(order).breached_at is not None)
        assert _wait_for(lambda: db.session.get(WatcherHeartbeat, "deadlines") is not None)
        time.sleep(0.2)  # a few more ticks: they change nothing
    finally:
        watcher.stop()
    assert not w.thread.is_alive()
    assert db.session.get(WatcherHeartbeat, "deadlines").beat_at == sh("15:01")
    assert told("deadline_breach") == ["technician", "clerk"]


def test_the_watcher_starts_once_per_process(migrated):
    from wuye import create_app
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": migrated, "WUYE_WATCHER": True,
              "WUYE_WATCHER_INTERVAL": 3600}
    first, second = create_app(config), create_app(config)
    try:
        assert first.extensions["wuye.watcher"] is not None
        assert second.extensions["wuye.watcher"] is first.extensions["wuye.watcher"]
    finally:
        watcher.stop()
        for a in (first, second):
            with a.app_context():
                db.engine.dispose()


def test_deadlines_run_once_is_the_same_tick(app, org, make_order, clock):
    clock.set(sh("14:45"))
    make_order(urgency="emergency", technician=org.users["technician"])
    clock.set(sh("15:01"))
    result = app.test_cli_runner().invoke(args=["deadlines", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "breached=1" in result.output
    again = app.test_cli_runner().invoke(args=["deadlines", "run", "--once"])
    assert "breached=0" in again.output
    assert db.session.get(WatcherHeartbeat, "deadlines").beat_at == sh("15:01")


def test_a_project_policy_is_set_and_shown_from_the_cli(app, org, make_order, clock):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["deadlines", "policy", "P1", "emergency_arrival", "--minutes", "20",
                                 "--escalate", "5,10"])
    assert result.exit_code == 0, result.output
    shown = runner.invoke(args=["deadlines", "show", "P1"]).output
    assert "emergency_arrival: called → arrived; due 0:20:00 after called" in shown
    assert "cs_supervisor (+0:05:00) → project_manager (+0:10:00)" in shown
    refused = runner.invoke(args=["deadlines", "policy", "P1", "emergency_arrival", "--escalate", "5"])
    assert refused.exit_code != 0
    clock.set(sh("14:45"))
    assert the_deadline(make_order(urgency="emergency")).due_at == sh("15:05")
