"""What the technician's phone needs to work without signal: the service worker (served from the
app so its scope is /tech/), the web app manifest, a fresh CSRF token for the outbox, and what a
lost or reassigned phone needs to forget: which of its cached jobs are still this technician's
(`/tech/offline/mine`), and — once the account is disabled and no session works any more — a
way to hand the steps still on the phone to the desk as refused actions (`/tech/offline/surrender`,
authorised by the phone token the pages carry, not by the dead session)."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeSerializer

from ..extensions import csrf, db
from ..models import Role, User
from ..permissions import PUBLIC, roles
from ..services import Actor, lost_phone
from ..web import client_address

bp = Blueprint("offline", __name__, url_prefix="/tech")

# every file the technician's pages load; the worker's cache is versioned by their content
ASSETS = [
    "css/app.css",
    "js/app.js",
    "js/charge.js",
    "js/job.js",
    "js/offline-page.js",
    "js/offline.js",
    "js/offline-guard.js",
    "js/gallery.js",
    "js/push.js",
    "js/poll.js",
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
                           home=url_for("tech.home"), manifest=url_for("offline.manifest"),
                           offline_days=current_app.config["WUYE_OFFLINE_DAYS"],
                           expired_message=_("The copy of this page on the phone is older than %(days)s days "
                                             "and is no longer shown. Connect to the network to open it.",
                                             days="%g" % current_app.config["WUYE_OFFLINE_DAYS"]),
                           expired_link=_("My jobs"))
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


# ---- a lost or reassigned phone ---------------------------------------------------------------

MAX_NUMBERS = 200   # job numbers one phone asks about at once
MAX_ITEMS = 200     # steps one phone hands over at once


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="wuye-phone")


@bp.app_template_global("phone_token")
def phone_token() -> str:
    """Names the technician to the surrender endpoint after their sessions have ended."""
    return _serializer().dumps(current_user.id) if current_user.is_authenticated else ""


@bp.route("/offline/mine")
@roles(Role.TECHNICIAN)
def mine():
    """Which of the jobs the phone holds are still this technician's; the phone forgets the rest."""
    numbers = [n[:40] for n in request.args.getlist("n")[:MAX_NUMBERS]]
    response = jsonify(user=current_user.id, mine=lost_phone.still_assigned(current_user, numbers),
                       days=current_app.config["WUYE_OFFLINE_DAYS"])
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/offline/surrender", methods=["POST"])
@roles(PUBLIC)
@csrf.exempt  # authorised by the phone token in the body, not by a cookie: nothing to forge
def surrender():
    """A disabled technician's phone hands over the steps it still holds, then forgets everything.
    For an account that is still active nothing happens (the technician signs in again and the
    steps are sent)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("items", []), list):
        abort(400)
    try:
        user_id = _serializer().loads(str(data.get("token", "")))
    except BadSignature:
        abort(403)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.role != Role.TECHNICIAN:
        abort(403)
    if user.active:
        return jsonify(state="active")
    steps = lost_phone.held_steps(data.get("items", []), MAX_ITEMS)
    return jsonify(state="disabled", recorded=lost_phone.refuse_held_steps(Actor(user, client_address()), steps))
