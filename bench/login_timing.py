"""Benchmark (not a test): does a failed sign-in take as long for an unknown or disabled username as
for a real one? If not, the time alone tells an attacker which names exist.

    .venv/bin/python bench/login_timing.py [--runs 15] [--method scrypt]

It builds a throw-away SQLite database with one active and one disabled user (passwords hashed with
the production method, scrypt by default), lifts the failure limits so nothing is throttled, and
times POST /login through the whole app (form, CSRF off, service, database) for
- a real user with a wrong password,
- an unknown username,
- a disabled user (with their right password: still refused),
- a real user with the right password (for reference: it also opens a session),
printing the median, the fastest and the slowest of `--runs` attempts each, after one warm-up.
On a shared machine the spread is noise; the medians are what to compare.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "bench-password-2026"


def make_app(method: str):
    folder = tempfile.mkdtemp(prefix="wuye-bench-login-")
    os.environ.setdefault("WUYE_INSTANCE_PATH", folder)
    from wuye import create_app
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                       "WUYE_WATCHER": False, "WUYE_NOTIFIERS": [], "WTF_CSRF_ENABLED": False,
                       "WUYE_PASSWORD_METHOD": method, "WUYE_LOGIN_MAX_FAILURES": 10**6,
                       "WUYE_LOGIN_MAX_FAILURES_PER_ADDRESS": 10**6})


def setup(app) -> None:
    from wuye.extensions import db
    from wuye.services import Actor, orgs
    with app.app_context():
        db.create_all()
        cli = Actor(None, "cli")
        orgs.add_project(cli, "B1", "Bench")
        orgs.add_user(cli, "real", "clerk", "B1", PASSWORD, name="Real")
        gone = orgs.add_user(cli, "gone", "clerk", "B1", PASSWORD, name="Gone")
        orgs.set_active(cli, gone, False)


def timed(client, username: str, password: str, expect: int, runs: int) -> list[float]:
    out = []
    for i in range(runs + 1):
        start = time.perf_counter()
        r = client.post("/login", data={"username": username, "password": password})
        took = (time.perf_counter() - start) * 1000
        assert r.status_code == expect, (username, r.status_code)
        if r.status_code == 303:
            client.post("/logout")
        if i:  # the first is a warm-up (the dummy hash is made once per process)
            out.append(took)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--method", default="scrypt")
    args = p.parse_args()
    app = make_app(args.method)
    setup(app)
    client = app.test_client()
    cases = [("real user, wrong password", "real", "wrong-password", 401),
             ("unknown username", "nobody", "wrong-password", 401),
             ("disabled user, right password", "gone", PASSWORD, 401),
             ("real user, right password", "real", PASSWORD, 303)]
    print(f"POST /login, {args.runs} runs each, hash method {args.method}")
    print(f"{'case':32} {'median':>9} {'min':>9} {'max':>9}")
    for name, username, password, expect in cases:
        t = timed(client, username, password, expect, args.runs)
        print(f"{name:32} {statistics.median(t):7.1f}ms {min(t):7.1f}ms {max(t):7.1f}ms")


if __name__ == "__main__":
    main()
