"""Several instances: nginx (deploy/nginx-wuye.conf, with a throwaway certificate) in front of two
gunicorn instances on one PostgreSQL database, each instance with its own deadline watcher.

Through nginx a clerk signs in and takes a call, a technician does a step offline that is replayed,
the resident opens the link; the client's own address reaches the app (WUYE_PROXY_COUNT=1), order
numbers stay gapless while both instances take orders at once, and each escalation notice goes out
once although two watchers tick the same deadlines.

The database is the suite's PostgreSQL server's, named after the suite's own database with
`_instances` appended (wuye_test_gw0_instances … in CI; `_instances_sqlite_pass` on the SQLite
pass), dropped and made anew.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, make_url, select, text

from tests.fixtures.data import PASSWORD

from .conftest import PHONE
from .test_offline import open_job, wait_synced
from .test_resident_link import take_a_call

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SUITE_PG = "postgresql://wuye:wuye@127.0.0.1:5432/wuye_test"
SECRET = "two-instances-test-secret-key-0123456789abcdef"
CLIENT = "127.0.0.5"  # the "real client" address: a loopback address the test binds its requests to
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database(suite_url: str) -> str:
    """The PostgreSQL pass's own database (a worker's, wuye_test_gw0 …) names it; the SQLite pass, which
    may run at the same time, has one of its own."""
    base_url = make_url(suite_url)
    name = f"{base_url.database}_instances"
    if base_url.get_backend_name() != "postgresql":
        base_url = make_url(SUITE_PG)
        name = f"{base_url.database}_instances_sqlite_pass"
    admin = create_engine(base_url.set(database="postgres"), isolation_level="AUTOCOMMIT")  # the maintenance db
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base_url.set(database=name).render_as_string(hide_password=False)


def _seed(url: str) -> None:
    """Project P1 with the units and users of tests/fixtures/data.py's `org`."""
    from wuye import create_app
    from wuye.database import transaction
    from wuye.extensions import db
    from wuye.models import Role
    from wuye.services import Actor, orgs
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WUYE_WATCHER": False, "WUYE_PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        cli = Actor(None, "cli")
        p1 = orgs.add_project(cli, "P1", "翠湖花园")
        with transaction():
            b = orgs.add_building(p1, "3栋")
            for n in (1201, 1202, 301):
                orgs.add_unit(p1, b, f"3栋2单元{n}", f"业主{n}", f"1380000{n:04d}")
        for role in Role:
            orgs.add_user(cli, role.value, role.value, None if role == Role.ADMIN else "P1", PASSWORD,
                          name=f"{role.value}-name")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _nginx_conf(tmp: Path, https: int, http_port: int, upstreams: list[int]) -> Path:
    """deploy/nginx-wuye.conf with this machine's ports, paths and a throwaway certificate."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")], check=True, capture_output=True)
    shutil.copy(ROOT / "deploy" / "wuye-proxy.conf", tmp / "wuye-proxy.conf")
    site = (ROOT / "deploy" / "nginx-wuye.conf").read_text()
    replacements = {
        "    server 127.0.0.1:8000;": "\n".join(f"    server 127.0.0.1:{p};" for p in upstreams),
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
        "/etc/letsencrypt/live/wuye.example.com/fullchain.pem": str(tmp / "cert.pem"),
        "/etc/letsencrypt/live/wuye.example.com/privkey.pem": str(tmp / "key.pem"),
        "/srv/wuye/static/": f"{ROOT / 'static'}/",
        "/etc/nginx/wuye-proxy.conf": str(tmp / "wuye-proxy.conf"),
    }
    site = re.sub(r"^\s*listen \[::\]:.*\n", "", site, flags=re.M)  # no IPv6 in the test's sandbox
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx-wuye.conf no longer has {old!r}"
        site = site.replace(old, new)
    user = "user root;" if os.geteuid() == 0 else ""
    conf = tmp / "nginx.conf"
    conf.write_text(f"""{user}
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
{site}
}}
""")
    return conf


def _wait_http(url: str, what: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    ctx = ssl._create_unverified_context()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} ended at start:\n{log.read_text()[-3000:]}")
        try:
            import urllib.request
            urllib.request.urlopen(url, timeout=2, context=ctx).read()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{what} did not answer {url}:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, database_url):
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed (bash .ci/setup --test installs it)")
    tmp = tmp_path_factory.mktemp("instances")
    url = _database(database_url)
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, WUYE_INSTANCE_PATH=str(tmp / "instance"),
               WUYE_PROXY_COUNT="1", WUYE_WATCHER="1", WUYE_WATCHER_INTERVAL="1", WUYE_COMPRESS="0",
               WUYE_PASSWORD_METHOD="pbkdf2:sha256:1000", WEB_CONCURRENCY="1", WUYE_THREADS="4",
               WUYE_ACCESS_LOG="/dev/null", WUYE_LINK_POLL_SECONDS="2")
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    _seed(url)
    ports, https, http_port = [_free_port(), _free_port()], _free_port(), _free_port()
    env["WUYE_PUBLIC_URL"] = f"https://127.0.0.1:{https}"
    procs, logs = [], []
    try:
        for port in ports:
            log = tmp / f"gunicorn-{port}.log"
            logs.append(open(log, "w"))
            proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "app:app"],
                                    cwd=ROOT, env=dict(env, WUYE_BIND=f"127.0.0.1:{port}"),
                                    stdout=subprocess.DEVNULL, stderr=logs[-1])
            procs.append(proc)
            _wait_http(f"http://127.0.0.1:{port}/login", f"gunicorn on {port}", proc, log)
        conf = _nginx_conf(tmp, https, http_port, ports)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        logs.append(open(tmp / "nginx.out", "w"))
        proc = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=logs[-1])
        procs.append(proc)
        _wait_http(f"https://127.0.0.1:{https}/login", "nginx", proc, tmp / "nginx.out")
        yield {"url": url, "base": f"https://127.0.0.1:{https}", "direct": [f"http://127.0.0.1:{p}" for p in ports],
               "http": f"http://127.0.0.1:{http_port}", "tmp": tmp}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        for log in logs:
            log.close()


@pytest.fixture(scope="module")
def engine(cluster):
    e = create_engine(cluster["url"])
    yield e
    e.dispose()


@pytest.fixture(scope="module")
def secure_browser(browser_type):
    """Debian's Chromium that accepts the throwaway certificate (service workers included)."""
    browser = browser_type.launch(executable_path="/usr/bin/chromium", args=["--ignore-certificate-errors"])
    yield browser
    browser.close()


def _sign_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_through_nginx_a_call_is_taken_a_step_done_offline_is_replayed_and_the_resident_follows_it(
        cluster, engine, secure_browser):
    base = cluster["base"]
    desk = secure_browser.new_context(base_url=base, locale="zh-CN", timezone_id="Asia/Shanghai",
                                      ignore_https_errors=True, viewport={"width": 1366, "height": 768})
    desk.set_default_timeout(15000)
    page = desk.new_page()
    _sign_in(page, "clerk")
    expect(page.get_by_role("heading", name="维修看板")).to_be_visible()
    take_a_call(page)
    number = re.search(r"BX-\d{8}-\d{4}", page.get_by_text(re.compile(r"报修单 BX-\d{8}-\d{4} 已保存")).inner_text()).group(0)
    link = page.get_by_role("textbox", name="业主链接").input_value()
    assert link.startswith(f"{base}/s/")

    phone = secure_browser.new_context(base_url=base, locale="zh-CN", timezone_id="Asia/Shanghai",
                                       ignore_https_errors=True, **PHONE)
    phone.set_default_timeout(15000)
    tech = phone.new_page()
    _sign_in(tech, "technician")
    expect(tech.get_by_role("heading", name="我的工单")).to_be_visible()
    tech.evaluate("navigator.serviceWorker.ready.then(() => true)")
    open_job(tech, number)
    tech.get_by_role("button", name="接单").click()
    wait_synced(tech, answered=1)
    phone.set_offline(True)
    tech.get_by_role("checkbox", name="我已详细了解工作内容").click()
    expect(tech.get_by_role("checkbox", name="我已详细了解工作内容")).to_have_attribute("aria-checked", "true")
    assert tech.evaluate("window.wuyeOutbox.all('outbox').then(items => items.length)") == 1
    reloaded = tech.reload()
    assert reloaded.from_service_worker  # the job page itself came from the phone, not through nginx
    phone.set_offline(False)
    tech.evaluate("window.dispatchEvent(new Event('online'))")
    wait_synced(tech, answered=1)
    with engine.connect() as conn:
        order_id = conn.execute(text("SELECT id FROM repair_order WHERE number = :n"), {"n": number}).scalar_one()
        actions = Counter(conn.execute(text(
            "SELECT action FROM audit_event WHERE subject_type = 'repair_order' AND subject_id = :id"),
            {"id": order_id}).scalars())
    assert actions["accept"] == 1 and actions["check"] == 1, actions

    resident = secure_browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", ignore_https_errors=True, **PHONE)
    res = resident.new_page()
    res.goto(link)
    expect(res.get_by_text("3栋2单元***")).to_be_visible()
    expect(res.get_by_role("heading", name="已派工")).to_be_visible()  # the resident's word for dispatched and accepted
    for context in (desk, phone, resident):
        context.close()


def _request(base: str, method: str, path: str, *, body: dict | None = None, headers: dict | None = None,
             cookie: str = "", source: str | None = None) -> tuple[int, dict, str]:
    parsed = urllib.parse.urlsplit(base)
    address = (source, 0) if source else None
    if parsed.scheme == "https":
        conn = http.client.HTTPSConnection(parsed.hostname, parsed.port, timeout=30, source_address=address,
                                           context=ssl._create_unverified_context())
    else:
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30, source_address=address)
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = cookie
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=data, headers=h)
    r = conn.getresponse()
    out = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode("utf-8", "replace")
    conn.close()
    return out


def _session(base: str, username: str) -> tuple[str, str]:
    status, headers, html = _request(base, "GET", "/login")
    cookie = headers["set-cookie"].split(";")[0]
    token = TOKEN.search(html).group(1)
    status, headers, _ = _request(base, "POST", "/login", body={"username": username, "password": PASSWORD},
                                  headers={"X-CSRFToken": token}, cookie=cookie)
    assert status == 303, status
    cookie = headers["set-cookie"].split(";")[0]
    status, headers, html = _request(base, "GET", "/desk/repairs/new", cookie=cookie)  # a signed-in page's token
    assert status == 200, status
    if "set-cookie" in headers:  # the session now holds that token
        cookie = headers["set-cookie"].split(";")[0]
    return cookie, TOKEN.search(html).group(1)


def test_the_app_sees_the_clients_own_address_through_nginx_not_a_forged_one(cluster, engine):
    _, headers, html = _request(cluster["base"], "GET", "/login", source=CLIENT)
    cookie, token = headers["set-cookie"].split(";")[0], TOKEN.search(html).group(1)
    status, _, page = _request(cluster["base"], "POST", "/login", body={"username": "clerk", "password": "wrong-one"},
                               headers={"X-Forwarded-For": "198.51.100.7", "X-CSRFToken": token,
                                        "Referer": f"{cluster['base']}/login"}, cookie=cookie,
                               source=CLIENT)
    assert status in (200, 401, 422), status
    with engine.connect() as conn:
        seen = conn.execute(text("SELECT address FROM login_attempt ORDER BY id DESC LIMIT 1")).scalar_one()
    assert seen == CLIENT  # nginx's own 127.0.0.1 is the proxy; the forged address before it is ignored
    status, headers, _ = _request(cluster["http"], "GET", "/login")
    assert status == 301 and headers["location"].startswith("https://")


def test_order_numbers_stay_gapless_while_both_instances_take_orders_at_once(cluster, engine):
    with engine.connect() as conn:
        unit = conn.execute(text("SELECT id FROM unit ORDER BY id LIMIT 1")).scalar_one()
    sessions = [_session(base, "clerk") for base in cluster["direct"]]
    local = datetime.now(ZoneInfo("Asia/Shanghai"))
    form = {"source": "phone", "unit_id": str(unit), "contact_name": "王先生", "contact_phone": "138 1234 5678",
            "category": "plumbing_electric", "description": "厨房水龙头漏水", "urgency": "normal",
            "called_at": local.strftime("%Y-%m-%dT%H:%M"),
            "appointment_date": (local + timedelta(days=1)).strftime("%Y-%m-%d"),
            "appointment_window": "10:00-12:00", "technician": "0", "reported_by": "0"}
    statuses: list[int] = []

    def take(base, cookie, token):
        for _ in range(6):
            status, _, _ = _request(base, "POST", "/desk/repairs/new", body={**form, "csrf_token": token},
                                    headers={"X-CSRFToken": token}, cookie=cookie)
            statuses.append(status)

    threads = [threading.Thread(target=take, args=(base, *sessions[i]))
               for i, base in enumerate(cluster["direct"]) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert statuses == [303] * 24, statuses
    day = local.strftime("%Y%m%d")
    with engine.connect() as conn:
        numbers = conn.execute(text("SELECT number FROM repair_order WHERE number LIKE :p"), {"p": f"BX-{day}-%"}).scalars().all()
    sequence = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert sequence == list(range(1, len(sequence) + 1)) and len(sequence) >= 24, sequence


def test_each_escalation_notice_goes_out_once_although_two_watchers_tick(cluster, engine):
    from wuye import create_app
    from wuye.extensions import db
    from wuye.models import Project, User
    from wuye.services import Actor
    from wuye.services.repairs import intake as repairs
    from tests.fixtures.data import phone_intake

    # The heartbeat is one row, whichever watcher beat last; two watchers ticking in step overwrite
    # each other within milliseconds, so sampling the row can miss one. A trigger records every beat.
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS test_beat_log (process TEXT NOT NULL)"))
        conn.execute(text(
            "CREATE OR REPLACE FUNCTION test_log_beat() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN INSERT INTO test_beat_log (process) VALUES (NEW.process); RETURN NEW; END $$"))
        conn.execute(text("DROP TRIGGER IF EXISTS test_log_beat ON watcher_heartbeat"))
        conn.execute(text("CREATE TRIGGER test_log_beat AFTER INSERT OR UPDATE ON watcher_heartbeat"
                          " FOR EACH ROW EXECUTE FUNCTION test_log_beat()"))

    app = create_app({"SQLALCHEMY_DATABASE_URI": cluster["url"], "WUYE_WATCHER": False})
    with app.app_context():
        project = db.session.scalar(select(Project).where(Project.code == "P1"))
        clerk = db.session.scalar(select(User).where(User.username == "clerk"))
        tech = db.session.scalar(select(User).where(User.username == "technician"))
        unit_id = db.session.execute(text("SELECT id FROM unit ORDER BY id LIMIT 1")).scalar_one()
        at = datetime.now(ZoneInfo("UTC")) - timedelta(hours=3)
        order = repairs.create_order(Actor(clerk, "127.0.0.1"), project, phone_intake(unit_id, at, "emergency", tech.id),
                                     now=at)
        order_id, number = order.id, order.number
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    processes: set[str] = set()
    deadline = time.monotonic() + 30
    notices = []
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            processes.update(conn.execute(text("SELECT DISTINCT process FROM test_beat_log")).scalars())
            notices = conn.execute(text(
                "SELECT n.deadline_id, n.level, n.kind FROM deadline_notice n JOIN deadline d ON d.id = n.deadline_id"
                " WHERE d.subject_type = 'repair_order' AND d.subject_id = :id"), {"id": order_id}).all()
        if notices and len(processes) >= 2:
            break
        time.sleep(0.3)
    assert notices, "no watcher breached the overdue emergency"
    time.sleep(4)  # several more ticks of both watchers
    with engine.connect() as conn:
        notices = conn.execute(text(
            "SELECT n.deadline_id, n.level, n.kind FROM deadline_notice n JOIN deadline d ON d.id = n.deadline_id"
            " WHERE d.subject_type = 'repair_order' AND d.subject_id = :id"), {"id": order_id}).all()
        sent = conn.execute(text("SELECT user_id, kind, CAST(params AS TEXT) FROM notification"
                                 " WHERE kind LIKE 'deadline%'")).all()
    assert len(processes) >= 2, f"only one watcher beat: {processes}"
    assert Counter(notices).most_common(1)[0][1] == 1, notices
    about_it = [row for row in sent if json.loads(row[2]).get("number") == number]
    assert about_it, sent
    assert Counter((u, k, json.dumps(json.loads(p), sort_keys=True)) for u, k, p in about_it).most_common(1)[0][1] == 1
    statuses = {json.loads(_request(base, "GET", "/healthz")[2])["watcher"] for base in cluster["direct"]}
    assert statuses <= {"ok", "starting"}, statuses
