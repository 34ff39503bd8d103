"""Serving it for real: compressed answers, static files under content-hashed URLs, JSON logs with
a request id.

- Compression (Flask-Compress): HTML, CSS, JS and JSON are sent with brotli or gzip when the client
  takes it and no proxy in front has compressed them already (a response that already carries a
  Content-Encoding is left alone). WUYE_COMPRESS=0 turns it off when nginx compresses instead.
- `url_for('static', filename=...)` adds `?v=<hash of the file>`: a changed file gets a new URL.
  A request whose `v` is the file's current hash is cached for a year (immutable); any other (no
  `v`, or a stale one during a deploy) is revalidated every time. The technician's service worker
  precaches these same URLs (wuye/tech/offline.py builds its list with url_for), so its cache
  follows the files.
- WUYE_LOG_JSON=1: one JSON object per log line, with the request id (X-Request-ID from the proxy,
  or a new one), which is also sent back in the response's X-Request-ID header.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import json
import logging
import re
import secrets
import time
from functools import lru_cache
from pathlib import Path

import brotli
from flask import Flask, g, has_request_context, request
from flask_compress import Compress

YEAR = 365 * 24 * 3600
PACKED = {"text/css", "text/javascript", "application/javascript", "application/json", "image/svg+xml",
          "application/manifest+json", "text/html"}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@lru_cache(maxsize=512)
def _file_hash(path: str, mtime_ns: int, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()[:12]


@lru_cache(maxsize=8)
def _static_root(folder: str) -> str:
    return os.path.realpath(folder)


def static_hash(app: Flask, filename: str) -> str | None:
    """The content hash of a static file, or None when there is no such file (or it is outside the
    static folder). A page asks for a dozen: one stat each, no path objects."""
    folder = _static_root(app.static_folder)
    path = os.path.normpath(os.path.join(folder, filename))
    if not path.startswith(folder + os.sep) or os.path.islink(path):
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _file_hash(path, st.st_mtime_ns, st.st_size)


_PLAIN_NUMBER = re.compile(r"^[A-Za-z0-9_.-]+$")
_SLOT = "NUMBER-SLOT-0"


def number_url(endpoint: str, number: str) -> str:
    """url_for(endpoint, number=number) for a board's rows: the URL is built once per request and
    endpoint, and each row's number put in its place (an order or complaint number is URL-safe as it
    is; anything else goes through url_for)."""
    from flask import url_for

    from .i18n import request_cache
    cache = request_cache()
    if cache is None or not _PLAIN_NUMBER.match(number):
        return url_for(endpoint, number=number)
    key = ("number_url", endpoint)
    template = cache.get(key)
    if template is None:
        template = cache[key] = url_for(endpoint, number=_SLOT)
    return template.replace(_SLOT, number)


def _init_static(app: Flask) -> None:
    @app.url_defaults
    def _hashed_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = static_hash(app, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _static_cache(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            version = request.args.get("v")
            filename = (request.view_args or {}).get("filename", "")
            if version and version == static_hash(app, filename):
                response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            else:
                response.headers["Cache-Control"] = "no-cache"
        return response


@lru_cache(maxsize=256)
def _packed(path: str, version: str, coding: str) -> bytes:
    """A static file compressed once per process and version (`version` is only part of the key)."""
    data = Path(path).read_bytes()
    # the best brotli: a few hundred ms once per file and process, then every phone gets the smallest
    return brotli.compress(data, quality=11) if coding == "br" else gzip.compress(data, 9, mtime=0)


def _compress_static(app: Flask) -> None:
    """Static CSS and JS compressed once per file, not on each request (Flask-Compress would compress
    the streamed file on every request, and leave it open)."""
    @app.after_request
    def _pack(response):
        if (request.endpoint != "static" or response.status_code != 200 or response.mimetype not in PACKED
                or "Content-Encoding" in response.headers):
            return response
        offered = request.accept_encodings
        coding = "br" if offered["br"] else "gzip" if offered["gzip"] else None
        response.vary.add("Accept-Encoding")
        filename = (request.view_args or {}).get("filename", "")
        version = static_hash(app, filename)
        if coding is None or version is None:
            return response
        body = _packed(str((Path(app.static_folder) / filename).resolve()), version, coding)
        old = response.response
        response.direct_passthrough = False
        response.set_data(body)
        if hasattr(old, "close"):
            old.close()
        response.headers["Content-Encoding"] = coding
        etag, weak = response.get_etag()
        if etag:
            response.set_etag(f"{etag}:{coding}", weak=weak)
        return response


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
                "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                "process": record.process}
        request_id = getattr(record, "request_id", None)
        if request_id:
            line["request_id"] = request_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None) and has_request_context():
            record.request_id = g.get("request_id")
        return True


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def _init_logging(app: Flask) -> None:
    access = logging.getLogger("wuye.access")
    as_json = bool(app.config.get("WUYE_LOG_JSON"))

    @app.before_request
    def _request_id():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.match(given) else secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.after_request
    def _send_request_id(response):
        if g.get("request_id"):
            response.headers["X-Request-ID"] = g.request_id
            if as_json:  # one line per request beside gunicorn's own access log
                access.info("%s %s %s %.1fms", request.method, request.full_path.rstrip("?"), response.status_code,
                            (time.perf_counter() - g.request_started) * 1000)
        return response

    if as_json:
        root = logging.getLogger()
        handler = logging.StreamHandler()
        handler.setFormatter(JsonLines())
        handler.addFilter(_RequestIdFilter())
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["number_url"] = number_url
    _init_static(app)
    _init_logging(app)
    if app.config.get("WUYE_COMPRESS", True):
        app.config.setdefault("COMPRESS_MIMETYPES", ["text/html", "text/css", "text/javascript",
                                                     "application/javascript", "application/json",
                                                     "application/manifest+json", "image/svg+xml"])
        app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
        app.config.setdefault("COMPRESS_STREAMS", False)  # static files: _compress_static
        Compress(app)
        _compress_static(app)  # registered after Compress, so it runs before it
