"""Page weight of the technician view (a measurement, not a test).

Starts the app on a fresh SQLite database with the demo data, opens /tech/ and a job page in
Debian's Chromium on a phone-sized screen with an empty cache, and prints the bytes of HTML, CSS
and JS each page pulls — as sent and gzip-compressed (what a gzip-enabled front server sends;
the aim is at most 80 KB compressed for both together). Then it reloads both pages with the
network cut and prints how many requests and bytes still reached the network (aim: zero).

    .venv/bin/python bench/page_weight.py
"""
from __future__ import annotations

import gzip
import os
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="wuye-weight-")
    os.environ["WUYE_INSTANCE_PATH"] = tmp
    from flask_migrate import upgrade
    from playwright.sync_api import sync_playwright
    from sqlalchemy import select
    from werkzeug.serving import make_server

    from wuye import create_app
    from wuye.demo import DEMO_PASSWORD, seed
    from wuye.extensions import db
    from wuye.models import RepairOrder, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/weight.db", "WUYE_WATCHER": False})
    with app.app_context():
        upgrade()
        seed()
        tech = db.session.scalar(select(User).where(User.username == "tech1"))
        job = db.session.scalar(select(RepairOrder).where(RepairOrder.technician_id == tech.id,
                                                          RepairOrder.state == "dispatched"))
        number = job.number
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
        context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844}, is_mobile=True,
                                      has_touch=True, locale="zh-CN")
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("用户名").fill("tech1")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/tech/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")

        def weigh(url: str) -> tuple[int, int, int]:
            seen: list = []
            fresh = browser.new_context(base_url=base, viewport={"width": 390, "height": 844}, is_mobile=True,
                                        storage_state=context.storage_state())
            p = fresh.new_page()
            p.on("response", lambda r: seen.append(r))
            p.goto(url, wait_until="networkidle")
            raw = packed = count = 0
            for r in seen:
                kind = r.request.resource_type
                if kind not in ("document", "stylesheet", "script"):
                    continue
                body = r.body()
                raw += len(body)
                packed += len(gzip.compress(body, 6))
                count += 1
            fresh.close()
            return count, raw, packed

        total = 0
        for url in ("/tech/", f"/tech/jobs/{number}"):
            count, raw, packed = weigh(url)
            total += packed
            print(f"{url:32} {count} files  {raw / 1024:6.1f} KB as sent  {packed / 1024:5.1f} KB gzip")
        print(f"{'both pages, first load':32}          {total / 1024:5.1f} KB gzip (aim <= 80 KB)")

        # offline: both pages again, from the service worker
        page.goto(f"/tech/jobs/{number}")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.goto("/tech/")
        net: list = []
        page.on("requestfinished", lambda r: net.append(r))
        context.set_offline(True)
        page.reload()
        page.goto(f"/tech/jobs/{number}")
        page.wait_for_load_state("load")
        leaked = [r for r in net if not (r.response() and r.response().from_service_worker)]
        bytes_out = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in leaked)
        print(f"offline reload of both pages: {len(net)} requests, {len(leaked)} reached the network, "
              f"{bytes_out} bytes")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
