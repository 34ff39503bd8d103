"""Serving for real: compressed answers, static files under content-hashed URLs, request ids, JSON logs."""
from __future__ import annotations

import gzip
import json
import logging
import re

import brotli


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def _raw(browser, url, **kw):
    """A GET whose body the test decodes itself (Browser.get reads HTML as text)."""
    from tests.fixtures.web import _as_another_client
    return _as_another_client(browser.client.get, url, **kw)


def test_pages_css_and_js_are_compressed_for_a_client_that_takes_it(org, as_role):
    clerk = as_role("clerk")
    page = _raw(clerk, "/desk/repairs", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["Vary"]
    assert "报修" in gzip.decompress(page.get_data()).decode()
    page = _raw(clerk, "/desk/repairs", headers={"Accept-Encoding": "br, gzip"})
    assert page.headers["Content-Encoding"] == "br"
    urls = _static_urls(brotli.decompress(page.get_data()).decode())
    css = next(u for u in urls if u.startswith("/static/css/"))
    sheet = _raw(clerk, css, headers={"Accept-Encoding": "br"})
    assert sheet.headers["Content-Encoding"] == "br"
    assert b"{" in brotli.decompress(sheet.get_data())
    plain = clerk.get("/desk/repairs")
    assert "Content-Encoding" not in plain.headers and "报修" in plain.get_data(as_text=True)


def test_a_static_url_carries_its_files_hash_and_is_cached_for_a_year(org, as_role, app):
    clerk = as_role("clerk")
    urls = _static_urls(clerk.get("/desk/repairs").get_data(as_text=True))
    assert urls and all(re.search(r"\?v=[0-9a-f]{12}$", u) for u in urls), urls
    r = clerk.get(urls[0])
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    stale = clerk.get(urls[0].split("?")[0] + "?v=000000000000")
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-cache"
    bare = clerk.get(urls[0].split("?")[0])
    assert bare.headers["Cache-Control"] == "no-cache"


def test_a_changed_static_file_gets_a_new_url_and_a_new_service_worker_version(app, tmp_path, anon):
    from pathlib import Path
    static = Path(app.static_folder) / "js" / "app.js"
    before_sw = anon.get("/tech/sw.js").get_data(as_text=True)
    before = re.search(r"/static/js/app\.js\?v=(\w+)", before_sw).group(1)
    original = static.read_bytes()
    try:
        static.write_bytes(original + b"\n// changed\n")
        from wuye.tech.offline import _asset_version
        _asset_version.cache_clear()
        after_sw = anon.get("/tech/sw.js").get_data(as_text=True)
    finally:
        static.write_bytes(original)
        _asset_version.cache_clear()
    after = re.search(r"/static/js/app\.js\?v=(\w+)", after_sw).group(1)
    assert after != before
    version = re.compile(r'const VERSION = "(\w+)"')
    assert version.search(after_sw).group(1) != version.search(before_sw).group(1)


def test_every_answer_names_its_request_id_and_keeps_a_sane_one_from_the_proxy(anon):
    r = anon.get("/login")
    assert re.fullmatch(r"[0-9a-f]{16}", r.headers["X-Request-ID"])
    assert anon.get("/login", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    forged = anon.get("/login", headers={"X-Request-ID": "a\"b<script>"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", forged)


def test_json_logs_are_one_object_a_line_with_the_request_id(migrated, capsys):
    from wuye import create_app
    from wuye.serving import JsonLines
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": migrated, "WUYE_LOG_JSON": True})
    root = logging.getLogger()
    saved = root.handlers[:]
    try:
        assert any(isinstance(h.formatter, JsonLines) for h in root.handlers)
        app.test_client().get("/login", headers={"X-Request-ID": "req-42"})
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    finally:
        root.handlers[:] = saved
    access = [line for line in lines if line["logger"] == "wuye.access"]
    assert access and access[-1]["request_id"] == "req-42" and "GET /login 200" in access[-1]["message"]


def test_healthz_names_the_database_the_watcher_and_the_process(anon):
    r = anon.get("/healthz")
    body = r.get_json()
    assert body["database"] == "ok" and "watcher" in body and isinstance(body["process"], int)
