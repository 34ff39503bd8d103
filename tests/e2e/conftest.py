"""Playwright against a live server in a thread, on the same database as the test.

Debian's Chromium is used (Playwright cannot download its own here). If it cannot start, the
test errors: browser tests never skip.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

# an assertion waits as long as an action does: on a loaded CI machine the outbox may take longer
# than Playwright's 5 s default to move a page on (a wait, never a fixed sleep)
expect.set_options(timeout=10_000)

SHOTS = Path(os.environ.get("WUYE_SCREENSHOTS", "/tmp/wuye-screenshots"))
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium"}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
            "viewport": {"width": 1366, "height": 768}}


def _closing(app):
    """Every response's body closed as soon as it has been sent (or dropped), by us, not only by the
    server: werkzeug's development server closes it after draining the socket, and a read there that
    fails when Chromium has reset the connection skips the close. A static file left open that way
    (a CI run: `tech-192.png`, after two 206 answers for it) fails the test running when it is
    collected, since warnings are errors. Not reproduced on demand; gunicorn serves production."""
    def wrapped(environ, start_response):
        body = app(environ, start_response)

        def sent():
            try:
                yield from body
            finally:
                if hasattr(body, "close"):
                    body.close()
        return sent()
    return wrapped


@pytest.fixture(scope="session")
def live_server(migrated):
    from wuye import create_app
    from wuye.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": migrated, "WUYE_PASSWORD_METHOD": "pbkdf2:sha256:1000",
                      "WUYE_BOARD_POLL_SECONDS": 2})
    app.wsgi_app = _closing(app.wsgi_app)  # tests reach the app as live_server.app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_server):
    return f"http://127.0.0.1:{live_server.server_port}"


@pytest.fixture
def shot():
    """shot(page, "name") saves a screenshot to look at (WUYE_SCREENSHOTS, /tmp by default)."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = True):
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)
    return take


@pytest.fixture
def tech_phone(browser, base_url):
    """(context, page): the technician signed in on a 390×844 touch phone, the worker ready."""
    from playwright.sync_api import expect

    from tests.fixtures.data import PASSWORD
    context = browser.new_context(base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    context.set_default_timeout(10000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("用户名").fill("technician")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工单")).to_be_visible()
    yield context, page
    context.close()


@pytest.fixture
def login():
    def do(page, username: str, password: str):
        page.goto("/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
    return do
