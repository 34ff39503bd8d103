"""One watcher process of the concurrent-tick test: its own app and pool on the test's database.

    python -m tests.unit.tick_worker URL START_ISO END_ISO STEP_SECONDS

Prints "ready" once its app is up, waits for "go" on stdin, then ticks at every STEP_SECONDS of
the given span (twice at each moment, as two watchers of one process would), and ends with one
JSON line: what its ticks did in total, and when its first tick began and its last ended.
"""
from __future__ import annotations

import json
import sys
import time
import traceback
from datetime import datetime, timedelta

from wuye import create_app
from wuye.extensions import db
from wuye.services.deadlines.tick import tick


def main(url: str, start: datetime, end: datetime, step: timedelta) -> dict:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WUYE_NOTIFIERS": ["log"]})
    totals = {"warned": 0, "breached": 0, "escalated": 0, "lost": 0, "failed": 0}
    result: dict = {"totals": totals, "errors": [], "ticks": 0}
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))  # connected before the start line
        db.session.rollback()
        print("ready", flush=True)
        sys.stdin.readline()
        result["began"] = time.time()
        moment = start
        while moment <= end:
            for _ in range(2):
                try:
                    report = tick(moment)
                except Exception:
                    result["errors"].append(traceback.format_exc())
                    db.session.rollback()
                    continue
                result["ticks"] += 1
                for key in totals:
                    totals[key] += getattr(report, key)
            moment += step
        result["ended"] = time.time()
        db.session.remove()
        db.engine.dispose()
    return result


if __name__ == "__main__":
    url, start, end, step = sys.argv[1:]
    outcome = main(url, datetime.fromisoformat(start), datetime.fromisoformat(end), timedelta(seconds=float(step)))
    print(json.dumps(outcome), flush=True)
