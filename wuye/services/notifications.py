"""Telling people: every notice is stored in-app — the record, whatever the channels do — and its
deliveries to the outside channels are queued with it (services/delivery)."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import bindparam, func, select, update

from ..clock import now
from ..database import prepared
from ..extensions import db
from ..models import Notification, User


def notify(user: User, kind: str, link: str = "", **params) -> Notification:
    """Store an in-app notice and its deliveries to the outside channels, in the current transaction:
    a rolled-back change tells nobody, a committed one is sent by the delivery worker."""
    from .delivery import enqueue
    n = Notification(user_id=user.id, kind=kind, params=params, link=link, created_at=now())
    db.session.add(n)
    enqueue(user, n)
    return n


@contextlib.contextmanager
def savepoint() -> Iterator[None]:
    """A SAVEPOINT: a part of a transaction that failed takes its notices and deliveries with it."""
    with db.session.begin_nested():
        yield


@prepared
def _unread_statement():
    return (select(func.count()).select_from(Notification)
            .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)))


def unread_count(user_id: int) -> int:
    return db.session.scalar(_unread_statement(), {"user_id": user_id}) or 0


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
