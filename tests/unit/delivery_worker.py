"""One delivery worker process of the two-workers test: its own app and pool on the test's database.

    python -m tests.unit.delivery_worker URL WECOM_URL BATCH

Prints "ready", waits for "go", drains the outbox in batches of BATCH until nothing is due, and
ends with one JSON line: the ids it recorded as delivered, and when it began and ended.
"""
from __future__ import annotations

import json
import sys
import time
import traceback

from wuye import create_app
from wuye.extensions import db
from wuye.services.delivery.worker import run


def main(url: str, wecom_url: str, batch: int) -> dict:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WUYE_NOTIFIERS": [],
                      "WUYE_WECOM_API": wecom_url, "WUYE_WECOM_CORP_ID": "corp-1", "WUYE_WECOM_SECRET": "secret-1",
                      "WUYE_WECOM_AGENT_ID": "1000002"})
    result: dict = {"sent": [], "errors": [], "batches": 0}
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))
        db.session.rollback()
        print("ready", flush=True)
        sys.stdin.readline()
        result["began"] = time.time()
        idle = 0
        while idle < 2:
            try:
                report = run(batch)
            except Exception:
                result["errors"].append(traceback.format_exc())
                db.session.rollback()
                continue
            result["batches"] += 1
            result["sent"] += report.sent_ids
            idle = idle + 1 if report.claimed == 0 else 0
        result["ended"] = time.time()
        db.session.remove()
        db.engine.dispose()
    return result


if __name__ == "__main__":
    url, wecom_url, batch = sys.argv[1:]
    print(json.dumps(main(url, wecom_url, int(batch))), flush=True)
