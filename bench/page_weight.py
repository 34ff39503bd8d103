"""Page weight of the technician view (a measurement, not a test).

Starts the app on a fresh SQLite database with the demo data, opens /tech/ and then a job page in
Debian's Chromium on a phone-sized screen with an empty cache, and prints the bytes of HTML, CSS
and JS that crossed the network — the pages' and the service worker's precache — at their size on
the wire (the app compresses them; a file already in the cache costs nothing: static URLs carry
their content hash and are cached for a year). The aim is at most 40 KB for both. Then it reloads
both pages with the network cut and prints how many requests and bytes still reached the network
(aim: zero).

    .venv/bin/python bench/page_weight.py
"""
from __future__ import annotations

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

        # first load: a phone with an empty cache opens /tech/, then a job page, as a technician does.
        # Counted: every HTML, CSS and JS response that crossed the network, page's or service
        # worker's (its precache), at its size on the wire (the app compresses; a cached file is 0)
        seen: list = []
        fresh = browser.new_context(base_url=base, viewport={"width": 390, "height": 844}, is_mobile=True,
                                    storage_state=context.storage_state())
        fresh.on("requestfinished", lambda r: seen.append(r))
        p = fresh.new_page()
        total = prefetched = 0
        for url in ("/tech/", f"/tech/jobs/{number}"):
            seen.clear()
            p.goto(url, wait_until="networkidle")
            p.wait_for_timeout(500)
            wire = decoded = count = ahead = 0
            for r in seen:
                path = r.url.split("?")[0]
                response = r.response()
                if response is None or response.from_service_worker:
                    continue
                kind = response.headers.get("content-type", "")
                if not kind.startswith(("text/html", "text/css", "text/javascript", "application/javascript")):
                    continue
                sizes = r.sizes()
                if sizes["responseBodySize"] <= 0:
                    continue  # answered from the HTTP cache (or nothing sent)
                if r.resource_type == "fetch" and kind.startswith("text/html"):
                    ahead += sizes["responseBodySize"]  # the service worker fetching jobs for offline use
                    continue
                wire += sizes["responseBodySize"]
                decoded += len(response.body())
                count += 1
                if os.environ.get("WUYE_WEIGHT_FILES"):
                    print(f"    {sizes['responseBodySize'] / 1024:6.1f} KB  {r.resource_type:10} {path}")
            total += wire
            prefetched += ahead
            print(f"{url:32} {count} files from the network  {decoded / 1024:6.1f} KB decoded  "
                  f"{wire / 1024:5.1f} KB compressed on the wire")
        print(f"{'both pages, first load':32} {total / 1024:5.1f} KB compressed (aim <= 40 KB)")
        print(f"{'and the worker fetched ahead':32} {prefetched / 1024:5.1f} KB of job pages for offline use")
        fresh.close()

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
