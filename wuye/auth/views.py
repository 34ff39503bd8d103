"""Sign in at /login, sign out at /logout, each role to its own home."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..htmx import render
from ..permissions import ANY_USER, PUBLIC, roles
from ..services.auth import Throttled, set_locale, sign_in, sign_out
from ..web import actor, client_address, home_url
from .forms import LanguageForm, LoginForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@roles(PUBLIC)
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(home_url(current_user))
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            result = sign_in(form.username.data, form.password.data, client_address())
        except Throttled as t:
            minutes = current_app.config["WUYE_LOGIN_WINDOW_MINUTES"]
            if t.by == "address":  # the right password still signs in from here
                error = _("Wrong username or password. Too many failed sign-ins from this network: "
                          "check the username and password before trying again.")
            else:
                error = _("Too many failed sign-ins for this username. Wait %(n)d minutes and try again.",
                          n=minutes)
            status = 429
        else:
            if result is None:
                error, status = _("Wrong username or password."), 401
            else:
                user, token = result
                chosen = session.get("lang")  # a language picked on the login page outlives the old session
                session.clear()
                session["sid"] = token
                login_user(user)
                if chosen and chosen != user.locale:
                    session["lang"] = chosen
                    set_locale(actor(), chosen)
                return redirect(_safe_next(request.args.get("next")) or home_url(user), code=303)
    elif request.method == "POST":
        status = 422
    return render("auth/login.html", form=form, error=error, status=status)


@bp.route("/logout", methods=["POST"])
@roles(ANY_USER)
def logout():
    sign_out(current_user, session.get("sid"), client_address())
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"), code=303)


@bp.route("/lang", methods=["POST"])
@roles(PUBLIC)
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            set_locale(actor(), form.lang.data)
        session["lang"] = form.lang.data
    back = _safe_next(request.form.get("back")) or url_for("main.home")
    return redirect(back, code=303)
