"""Fragment or page, decided in one place.

A view names its template and the block htmx asks for; a plain request (or the back button's
history restore) gets the whole page, an htmx request just the block. Every HTML answer varies on
HX-Request so a cache never hands one to the other.
"""
from __future__ import annotations

import json

from flask import Response, make_response, redirect, render_template, request, url_for
from htmx_flask import make_response as hx_make_response
from jinja2_fragments.flask import render_block


def is_fragment_request() -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request and not request.htmx.boosted


def render(template: str, block: str | None = None, status: int = 200, **context) -> Response:
    if block and is_fragment_request():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    return make_response(body, status)


def add_trigger(response: Response, event: str, detail=None) -> Response:
    """Add an HX-Trigger event without losing the ones already set."""
    raw = response.headers.get("HX-Trigger")
    events: dict = {}
    if raw:
        try:
            parsed = json.loads(raw)
            events = parsed if isinstance(parsed, dict) else {raw: None}
        except ValueError:
            events = {name.strip(): None for name in raw.split(",") if name.strip()}
    events[event] = detail
    response.headers["HX-Trigger"] = json.dumps(events, ensure_ascii=False)
    return response


def redirect_to(location: str) -> Response:
    """After a successful form: htmx follows HX-Redirect, a plain browser a 303."""
    if request.htmx:
        return hx_make_response("", 204, redirect=location)
    return redirect(location, code=303)


def login_required_response() -> Response:
    """An expired session: htmx must not swap the login page into a fragment."""
    login = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if request.htmx:
        return hx_make_response("", 401, redirect=login)
    return redirect(login)


def vary_on_htmx(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.vary.add("HX-Request")
    return response
