"""Signing in and out, with sessions the server can end and failed attempts that slow guessing."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from blinker import Namespace
from flask import current_app
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import now
from ..database import prepared, transaction
from ..extensions import db
from ..models import LoginAttempt, LoginSession, User
from . import Actor
from .audit import record


class Throttled(Exception):
    """Too many failed sign-ins: `by` is "username" (that name is locked for the window, right
    password or not) or "address" (a wrong password from that address; a right one still signs in)."""

    def __init__(self, by: str):
        super().__init__(by)
        self.by = by


# sent on every password check, with the hash method: a real path tests and metrics can count
password_checked = Namespace().signal("password-checked")
_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of a random password in the configured method, made once per process: an unknown or
    disabled user costs the same check as a real one, so the time does not tell them apart."""
    method = current_app.config["WUYE_PASSWORD_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_urlsafe(24), method=method)
    return _dummy_hashes[method]


def verify_password(stored_hash: str, password: str) -> bool:
    ok = check_password_hash(stored_hash, password)
    password_checked.send(current_app._get_current_object(), method=stored_hash.split("$", 1)[0])
    return ok


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _recent_failures(username: str, address: str) -> tuple[int, int]:
    since = now() - timedelta(minutes=current_app.config["WUYE_LOGIN_WINDOW_MINUTES"])
    failures = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.success.is_(False), LoginAttempt.at >= since)
    return (db.session.scalar(failures.where(LoginAttempt.username == username)),
            db.session.scalar(failures.where(LoginAttempt.address == address)))


def sign_in(username: str, password: str, address: str) -> tuple[User, str] | None:
    """The user and a new session token, or None for a wrong name or password.

    Failures are throttled, not people: past WUYE_LOGIN_MAX_FAILURES for one username that name is
    refused (Throttled("username")) before its password is checked; past
    WUYE_LOGIN_MAX_FAILURES_PER_ADDRESS from one address (an office behind one router) a wrong
    password is refused (Throttled("address")) and still counted against its username, while a right
    one signs in. The password is checked for every name, known, unknown or disabled, at the cost of
    one hash of the configured method.
    """
    username, address = username.strip(), address[:64]
    cfg = current_app.config
    with transaction():
        by_name, by_address = _recent_failures(username[:50], address)
        if by_name >= cfg["WUYE_LOGIN_MAX_FAILURES"]:
            raise Throttled("username")
        user = db.session.scalar(select(User).where(User.username == username))
        usable = user is not None and user.active
        ok = verify_password(user.password_hash if usable else _dummy_hash(), password) and usable
        db.session.add(LoginAttempt(username=username[:50], address=address, success=ok, at=now()))
        if ok:
            token = secrets.token_urlsafe(32)
            db.session.add(LoginSession(
                digest=_digest(token), user_id=user.id, address=address,
                expires_at=now() + timedelta(hours=cfg["WUYE_SESSION_HOURS"])))
            record(Actor(user, address), "login", "user", user.id, user.project_id)
    if not ok:
        if by_address >= cfg["WUYE_LOGIN_MAX_FAILURES_PER_ADDRESS"]:
            raise Throttled("address")  # after the commit: this failure counts too
        return None
    return user, token


@prepared
def _session_user_statement():
    # the user's project comes with it: nearly every page asks for it (web.current_project)
    return select(User).options(joinedload(User.project)).join(LoginSession, LoginSession.user_id == User.id).where(
        LoginSession.digest == bindparam("digest"), User.id == bindparam("user_id"),
        LoginSession.expires_at > bindparam("now"))


def session_user(user_id: int, token: str | None) -> User | None:
    """The user behind a cookie, only while its login session still exists and the user is active."""
    if not token:
        return None
    user = db.session.scalar(_session_user_statement(), {"digest": _digest(token), "user_id": user_id, "now": now()})
    return user if user is not None and user.active else None  # one query on every request


def sign_out(user: User, token: str | None, address: str) -> None:
    with transaction():
        if token:
            db.session.execute(delete(LoginSession).where(LoginSession.digest == _digest(token)))
        record(Actor(user, address), "logout", "user", user.id, user.project_id)


def set_locale(actor: Actor, locale: str) -> None:
    with transaction():
        u = db.session.get(User, actor.user.id)
        u.locale = locale
        record(actor, "set_language", "user", u.id, u.project_id, locale=locale)
