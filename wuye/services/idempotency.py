"""Exactly once for actions replayed from a phone's outbox.

A request with an `Idempotency-Key` header sets a claim; `database.transaction()` honours it:
right after its transaction begins it looks the key up (a stored answer ends the request at once),
and just before commit it inserts the record, so the key and the action's effect commit together
or not at all. Two copies racing on PostgreSQL: the second fails on UNIQUE(user, key) at commit,
rolls back its effect, and answers with the first one's record. A copy arriving while the first
is still running answers 409 (a per-process registry, plus an advisory lock on PostgreSQL).
"""
from __future__ import annotations

import contextvars
import hashlib
import re
import threading
from dataclasses import dataclass

from flask import request
from sqlalchemy import select, text

from ..extensions import db
from ..models.offline import IdempotencyRecord

KEY_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")
_claim: contextvars.ContextVar[Claim | None] = contextvars.ContextVar("wuye_idempotency_claim", default=None)
_running: set[tuple[int, str]] = set()
_running_lock = threading.Lock()


@dataclass
class Claim:
    user_id: int
    key: str
    digest: str
    location: str
    record: IdempotencyRecord | None = None


class Replayed(Exception):
    """The key was used before; `record` holds the stored answer."""

    def __init__(self, record: IdempotencyRecord):
        super().__init__(record.key)
        self.record = record


class StillRunning(Exception):
    pass


def request_digest() -> str:
    """What makes two requests "the same": method, path, form fields and files — not the CSRF token,
    which the phone may have refreshed between two tries."""
    h = hashlib.sha256()
    h.update(f"{request.method} {request.path}\n".encode())
    for name in sorted(request.form):
        if name == "csrf_token":
            continue
        for value in request.form.getlist(name):
            h.update(f"{name}={value}\n".encode())
    for name in sorted(request.files):
        for f in request.files.getlist(name):
            data = f.stream.read()
            f.stream.seek(0)
            h.update(f"{name}:{hashlib.sha256(data).hexdigest()}\n".encode())
    return h.hexdigest()


def current() -> Claim | None:
    return _claim.get()


def begin(claim: Claim):
    """Mark the key as running in this process; raises StillRunning for a concurrent copy."""
    with _running_lock:
        if (claim.user_id, claim.key) in _running:
            raise StillRunning()
        _running.add((claim.user_id, claim.key))
    return _claim.set(claim)


def end(claim: Claim, token) -> None:
    _claim.reset(token)
    with _running_lock:
        _running.discard((claim.user_id, claim.key))


def on_transaction_begin() -> None:
    """Inside the write transaction, before any effect: a stored answer ends the request here."""
    claim = _claim.get()
    if claim is None:
        return
    session = db.session()
    if session.get_bind().dialect.name == "postgresql":
        got = session.execute(text("SELECT pg_try_advisory_xact_lock(hashtext(:k))"),
                              {"k": f"{claim.user_id}:{claim.key}"}).scalar()
        if not got:
            raise StillRunning()
    existing = lookup(claim.user_id, claim.key)
    if existing is not None:
        raise Replayed(existing)


def on_transaction_commit() -> None:
    """Claim the key in the action's own transaction."""
    claim = _claim.get()
    if claim is None or claim.record is not None:
        return
    claim.record = IdempotencyRecord(user_id=claim.user_id, key=claim.key, request_digest=claim.digest,
                                     status_code=303, location=claim.location)
    db.session.add(claim.record)


def lookup(user_id: int, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.user_id == user_id,
                                                             IdempotencyRecord.key == key))
