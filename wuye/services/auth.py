"""Signing in and out, with sessions the server can end and failed attempts that slow guessing."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from ..clock import now
from ..database import transaction
from ..extensions import db
from ..models import LoginAttempt, LoginSession, User
from . import Actor
from .audit import record


class Throttled(Exception):
    pass


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _too_many_failures(username: str, address: str) -> bool:
    cfg = current_app.config
    since = now() - timedelta(minutes=cfg["WUYE_LOGIN_WINDOW_MINUTES"])
    failures = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.success.is_(False), LoginAttempt.at >= since)
    by_name = db.session.scalar(failures.where(LoginAttempt.username == username))
    by_address = db.session.scalar(failures.where(LoginAttempt.address == address))
    return by_name >= cfg["WUYE_LOGIN_MAX_FAILURES"] or by_address >= cfg["WUYE_LOGIN_MAX_FAILURES_PER_ADDRESS"]


def sign_in(username: str, password: str, address: str) -> tuple[User, str] | None:
    """The user and a new session token, or None for a wrong name or password.

    Raises Throttled after too many recent failures, before the password is even checked.
    """
    username = username.strip()
    with transaction():
        if _too_many_failures(username, address):
            raise Throttled()
        user = db.session.scalar(select(User).where(User.username == username))
        ok = user is not None and user.active and user.check_password(password)
        db.session.add(LoginAttempt(username=username[:50], address=address[:64], success=ok, at=now()))
        if not ok:
            return None
        token = secrets.token_urlsafe(32)
        db.session.add(LoginSession(
            digest=_digest(token), user_id=user.id, address=address[:64],
            expires_at=now() + timedelta(hours=current_app.config["WUYE_SESSION_HOURS"])))
        record(Actor(user, address), "login", "user", user.id, user.project_id)
    return user, token


def session_user(user_id: int, token: str | None) -> User | None:
    """The user behind a cookie, only while its login session still exists and the user is active."""
    if not token:
        return None
    row = db.session.scalar(select(LoginSession).where(LoginSession.digest == _digest(token)))
    if row is None or row.user_id != user_id or row.expires_at <= now():
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


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
