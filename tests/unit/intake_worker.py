"""One desk server of the concurrent-intake test: its own process and app, N clerks at once.

    python -m tests.unit.intake_worker URL PROJECT_ID UNIT_ID CLERK_ID AT_ISO THREADS

Each thread loads the project and the clerk (as the desk view does before calling the service),
then waits at a start line. The worker prints "ready" once every thread is there, releases them
all when "go" arrives on stdin, and ends with one JSON line: the numbers it got, the failures, and
when its first intake began and its last ended (wall clock, to show the processes overlapped).
"""
from __future__ import annotations

import json
import sys
import threading
import time
import traceback
from datetime import datetime

from tests.fixtures.data import phone_intake
from wuye import create_app
from wuye.extensions import db
from wuye.models import Project, User
from wuye.services import Actor
from wuye.services.repairs import intake as repairs


def main(url: str, project_id: int, unit_id: int, clerk_id: int, at: datetime, threads: int) -> dict:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WUYE_NOTIFIERS": ["log"],
                      # every clerk holds a connection while waiting at the start line
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": threads}})
    loaded = threading.Barrier(threads + 1, timeout=30)
    start = threading.Barrier(threads + 1, timeout=30)
    lock = threading.Lock()
    result: dict = {"numbers": [], "errors": [], "began": None, "ended": None}

    def take_call(i: int) -> None:
        try:
            with app.app_context():
                project = db.session.get(Project, project_id)
                clerk = Actor(db.session.get(User, clerk_id), f"10.0.0.{i}")
                loaded.wait()
                start.wait()
                began = time.time()
                number = repairs.create_order(clerk, project, phone_intake(unit_id, at), now=at).number
                with lock:
                    result["numbers"].append(number)
                    result["began"] = min(result["began"] or began, began)
                    result["ended"] = max(result["ended"] or 0, time.time())
        except Exception:
            loaded.abort()  # a clerk who cannot start must not leave the others waiting out the timeout
            start.abort()
            with lock:
                result["errors"].append(traceback.format_exc())

    clerks = [threading.Thread(target=take_call, args=(i,)) for i in range(threads)]
    for t in clerks:
        t.start()
    try:
        loaded.wait()
        print("ready", flush=True)
        sys.stdin.readline()
        start.wait()
    except threading.BrokenBarrierError:
        pass  # the failing clerk has recorded why
    for t in clerks:
        t.join()
    with app.app_context():
        db.engine.dispose()
    return result


if __name__ == "__main__":
    url, project_id, unit_id, clerk_id, at, threads = sys.argv[1:]
    outcome = main(url, int(project_id), int(unit_id), int(clerk_id), datetime.fromisoformat(at), int(threads))
    print(json.dumps(outcome, ensure_ascii=False), flush=True)
