"""Who may open which route. Every view declares its roles; a route without a declaration is refused
by `enforce`, so a forgotten check fails closed rather than open."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

from .htmx import login_required_response

PUBLIC = "public"
ANY_USER = "any_user"
_ATTR = "_wuye_roles"


def roles(*allowed: str | Iterable[str]) -> Callable:
    """Allow only these roles (or ANY_USER, or PUBLIC) to reach the view."""
    flat: set[str] = set()
    for item in allowed:
        flat.update([item] if isinstance(item, str) else item)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)
        setattr(wrapper, _ATTR, frozenset(flat))
        return wrapper
    return decorate


def enforce():
    """before_request: check the endpoint's declared roles."""
    if request.endpoint is None:
        return None  # 404/405 are answered by Flask itself
    view = current_app.view_functions.get(request.endpoint)
    allowed = getattr(view, _ATTR, None)
    if allowed is None:
        if request.endpoint == "static":
            return None
        abort(403)
    if PUBLIC in allowed:
        return None
    if not current_user.is_authenticated:
        return login_required_response()
    if ANY_USER in allowed or current_user.role in allowed:
        return None
    abort(403)


def declared_roles(view: Callable) -> frozenset[str] | None:
    return getattr(view, _ATTR, None)
