"""What the technician's phone needs to work without signal: the service worker (served from the
app so its scope is /tech/), the web app manifest, and a fresh CSRF token for the outbox."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, jsonify, make_response, render_template, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from ..models import Role
from ..permissions import PUBLIC, roles

bp = Blueprint("offline", __name__, url_prefix="/tech")

# every file the technician's pages load; the worker's cache is versioned by their content
ASSETS = [
    "css/app.css",
    "js/app.js",
    "js/charge.js",
    "js/job.js",
    "js/offline.js",
    "vendor/htmx-2.0.11/htmx.min.js",
    "vendor/signature_pad-5.1.4/signature_pad.umd.min.js",
    "icons/tech-192.png",
    "icons/tech-512.png",
]


@lru_cache(maxsize=1)
def _asset_version(static_folder: str) -> str:
    h = hashlib.sha256()
    for name in ASSETS:
        h.update(name.encode())
        h.update((Path(static_folder) / name).read_bytes())
    return h.hexdigest()[:16]


def asset_version() -> str:
    return _asset_version(current_app.static_folder)


@bp.route("/sw.js")
@roles(PUBLIC)
def service_worker():
    body = render_template("tech/sw.js", version=asset_version(),
                           assets=[url_for("static", filename=a) for a in ASSETS],
                           home=url_for("tech.home"), manifest=url_for("offline.manifest"))
    response = make_response(body)
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "max-age=0, no-cache"
    response.headers["Service-Worker-Allowed"] = "/tech/"
    return response


@bp.route("/manifest.webmanifest")
@roles(PUBLIC)
def manifest():
    response = jsonify({
        "name": _("Wuye repairs"),
        "short_name": _("Repairs"),
        "lang": "zh-CN",
        "start_url": url_for("tech.home"),
        "scope": "/tech/",
        "display": "standalone",
        "background_color": "#f3f5f8",
        "theme_color": "#0b5cab",
        "icons": [
            {"src": url_for("static", filename="icons/tech-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="icons/tech-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    })
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/csrf")
@roles(Role.TECHNICIAN)
def csrf_token():
    """The outbox asks for a fresh token when the one on the cached page no longer works."""
    response = jsonify(token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response
