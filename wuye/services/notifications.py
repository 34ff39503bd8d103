"""Telling people: every notice is stored in-app, then handed to the configured outside channels.

A channel is anything with `send(user, notification)`; SMS or WeChat join by adding one here and
naming it in WUYE_NOTIFIERS. Channels are called after the commit, so a slow gateway never holds
the transaction and a rolled-back change sends nothing.
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Protocol

from flask import current_app
from sqlalchemy import func, select, update

from ..clock import now
from ..extensions import db
from ..models import Notification, User

log = logging.getLogger("wuye.notify")


class Channel(Protocol):
    def send(self, user: User, notification: Notification) -> None: ...


class LoggingChannel:
    """Writes each notice to the log — the stand-in for SMS until a gateway is contracted."""

    def send(self, user: User, notification: Notification) -> None:
        log.info("notify user=%s kind=%s params=%s link=%s", user.username, notification.kind,
                 notification.params, notification.link)


CHANNELS: dict[str, type] = {"log": LoggingChannel}
_PENDING_KEY = "wuye_pending_notices"


def notify(user: User, kind: str, link: str = "", **params) -> Notification:
    """Store an in-app notice in the current transaction; outside channels run after commit."""
    n = Notification(user_id=user.id, kind=kind, params=params, link=link)
    db.session.add(n)
    db.session.info.setdefault(_PENDING_KEY, []).append((user, n))
    return n


@contextlib.contextmanager
def savepoint() -> Iterator[None]:
    """A SAVEPOINT whose rollback also forgets the notices queued inside it, so a part of a
    transaction that failed sends nothing to the outside channels when the rest commits."""
    pending = db.session.info.setdefault(_PENDING_KEY, [])
    mark = len(pending)
    try:
        with db.session.begin_nested():
            yield
    except BaseException:
        del db.session.info.get(_PENDING_KEY, [])[mark:]
        raise


def flush_channels(session) -> None:
    """Session after_commit hook: hand the committed notices to the outside channels."""
    pending = session.info.pop(_PENDING_KEY, [])
    if not pending:
        return
    names = [name.strip() for name in current_app.config["WUYE_NOTIFIERS"] if name.strip()]
    for name in names:
        channel = CHANNELS.get(name)
        if channel is None:
            log.warning("unknown notifier %r", name)
            continue
        for user, notification in pending:
            try:
                channel().send(user, notification)
            except Exception:  # a broken gateway must not break the request that already committed
                log.exception("notifier %s failed", name)


def discard_channels(session) -> None:
    session.info.pop(_PENDING_KEY, None)


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0


def recent(user_id: int, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user_id)
        .order_by(Notification.id.desc()).limit(limit)
    ))


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one (or all) of the user's notices read; returns how many changed."""
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return db.session.execute(stmt.values(read_at=now())).rowcount
