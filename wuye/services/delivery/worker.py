"""The delivery worker: claim due rows, send each outside any transaction, record what happened.

Claiming takes the rows under `FOR UPDATE SKIP LOCKED` on PostgreSQL (two workers never get the
same row) and under the write lock of BEGIN IMMEDIATE on SQLite; a claimed row is `sending` until
its lease ends. A worker that dies after the gateway answered but before its commit leaves the row
`sending`: when the lease has run out the row is due again and counted in `possible_repeats`, the
one repeat such a crash can cause. A delivered row is never claimed again.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from ...clock import now as clock_now
from ...database import locked, transaction
from ...extensions import db
from ...models import Delivery, DeliveryAttempt, DeliveryState, Notification, User
from . import configured_channels as _channels
from .channels import Later, Message, Permanent, Retry

log = logging.getLogger("wuye.delivery")
S = DeliveryState


@dataclass
class Report:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    held: int = 0
    reclaimed: int = 0  # claims that ran out: each a possible repeat
    sent_ids: list[int] = field(default_factory=list)

    def add(self, other: Report) -> None:
        for k in ("claimed", "delivered", "retried", "failed", "held", "reclaimed"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.sent_ids += other.sent_ids

    def __str__(self) -> str:
        return (f"claimed={self.claimed} delivered={self.delivered} retried={self.retried} failed={self.failed} "
                f"held={self.held} possible_repeats={self.reclaimed}")


def _process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _cfg(name: str) -> float:
    return float(current_app.config[name])


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to the cap (WUYE_DELIVERY_BACKOFF, WUYE_DELIVERY_BACKOFF_MAX)."""
    seconds = _cfg("WUYE_DELIVERY_BACKOFF") * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, _cfg("WUYE_DELIVERY_BACKOFF_MAX")))


def reclaim(at: datetime) -> int:
    """Rows whose worker's lease ran out go back to the queue, each counted as a possible repeat."""
    with transaction():
        rows = list(db.session.scalars(
            select(Delivery).where(Delivery.state == S.SENDING, Delivery.lease_until < at)
            .order_by(Delivery.id).limit(500).with_for_update(skip_locked=True)))
        for d in rows:
            d.state, d.next_at, d.lease_until = S.PENDING, at, None
            d.possible_repeats += 1
            db.session.add(DeliveryAttempt(delivery_id=d.id, started_at=at, outcome="lost", gateway_id="",
                                           error="the claim ran out before the result was recorded",
                                           duration_ms=0, process=_process()))
    if rows:
        log.warning("delivery: %s claims ran out; each may be sent once more: %s", len(rows), [d.id for d in rows])
    return len(rows)


def claim(limit: int, at: datetime) -> list[int]:
    lease = timedelta(seconds=_cfg("WUYE_DELIVERY_LEASE"))
    with transaction():
        ids = list(db.session.scalars(
            select(Delivery.id).where(Delivery.state == S.PENDING, Delivery.next_at <= at)
            .order_by(Delivery.urgent.desc(), Delivery.next_at, Delivery.id).limit(limit)
            .with_for_update(skip_locked=True)))
        if ids:
            db.session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(
                state=S.SENDING, lease_until=at + lease, attempts=Delivery.attempts + 1))
    return ids


def render(n: Notification, user: User) -> Message:
    from ...notifications.messages import text
    from ...i18n import force_zone, when
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    tz = user.project.timezone if user.project is not None else None  # the reader's project, not the default
    p = n.params or {}
    with force_locale(locale), force_zone(tz):
        body, urgent_word = text(n), _("Urgent")
        due = p.get("due") or ""
        if due:
            due = when(datetime.fromisoformat(due), "MM-dd HH:mm", tz=tz)
    base = current_app.config.get("WUYE_PUBLIC_URL") or ""
    url = f"{base}{n.link}" if n.link and base else n.link
    from . import rules
    return Message(kind=n.kind, text=body, url=url, number=str(p.get("number") or ""), unit=str(p.get("unit") or ""),
                   due=str(due), urgent=rules.is_urgent(n.kind, p), urgent_word=urgent_word,
                   template_kind=rules.rule_kind(n.kind, p))


def _send(d: Delivery, at: datetime) -> tuple[str, str, str, datetime | None]:
    """(outcome, gateway id, error, held until) — the gateway call, no transaction open."""
    channel = _channels().get(d.channel)
    if channel is None:
        return "failed", "", f"channel {d.channel} is not configured", None
    if d.notification_id is None:
        return _send_resident(d, channel, at)
    n = db.session.get(Notification, d.notification_id)
    user = db.session.get(User, n.user_id)
    hold = channel.hold_until(d.recipient, at, user.project.timezone if user.project else None)
    if hold is not None:
        db.session.rollback()
        return "held", "", f"{d.channel} limit reached", hold
    message = render(n, user)
    db.session.rollback()  # no read transaction (nor SQLite snapshot) held across the network call
    try:
        return "delivered", channel.send(d.recipient, message) or "", "", None
    except Later as e:
        return "held", "", str(e), e.until
    except Permanent as e:
        return "failed", "", str(e) or type(e).__name__, None
    except Retry as e:
        return "retry", "", str(e) or type(e).__name__, None
    except Exception as e:  # noqa: BLE001 — a bug in a channel is retried and shown, never lost
        log.exception("delivery %s: channel %s raised", d.id, d.channel)
        return "retry", "", f"{type(e).__name__}: {e}", None


def _send_resident(d: Delivery, channel, at: datetime) -> tuple[str, str, str, datetime | None]:
    from ...models import Project, ResidentMessage
    from .residents import message_for
    msg = db.session.get(ResidentMessage, d.resident_message_id)
    project = db.session.get(Project, msg.project_id)
    hold = channel.hold_until(d.recipient, at, project.timezone if project else None)
    message = message_for(msg)
    db.session.rollback()
    if hold is not None:
        return "held", "", f"{d.channel} limit reached", hold
    try:
        return "delivered", channel.send(d.recipient, message) or "", "", None
    except Permanent as e:
        return "failed", "", str(e), None
    except Retry as e:
        return "retry", "", str(e), None
    except Later as e:
        return "held", "", str(e), e.until
    except Exception as e:  # noqa: BLE001
        log.exception("delivery %s: channel %s raised", d.id, d.channel)
        return "retry", "", f"{type(e).__name__}: {e}", None


def _send_group(ds: list[Delivery], at: datetime) -> tuple[str, str, str, datetime | None]:
    """Rows due together for one group address (a robot) go as one message."""
    if len(ds) == 1:
        return _send(ds[0], at)
    first = ds[0]
    channel = _channels().get(first.channel)
    if channel is None:
        return "failed", "", f"channel {first.channel} is not configured", None
    messages = []
    for d in ds:
        n = db.session.get(Notification, d.notification_id)
        messages.append(render(n, db.session.get(User, n.user_id)))
    hold = channel.hold_until(first.recipient, at)
    db.session.rollback()
    if hold is not None:
        return "held", "", f"{first.channel} limit reached", hold
    try:
        return "delivered", channel.send_many(first.recipient, messages) or "", "", None
    except Permanent as e:
        return "failed", "", str(e), None
    except Retry as e:
        return "retry", "", str(e), None
    except Exception as e:  # noqa: BLE001
        log.exception("delivery %s: channel %s raised", [d.id for d in ds], first.channel)
        return "retry", "", f"{type(e).__name__}: {e}", None


def _groups(ids: list[int]) -> list[list[int]]:
    """One group per row, except rows of a batching channel to one address, which go together."""
    found = _channels()
    groups: list[list[int]] = []
    by_address: dict[tuple[str, str], list[int]] = {}
    for delivery_id in ids:
        d = db.session.get(Delivery, delivery_id)
        if getattr(found.get(d.channel), "batches", False):
            key = (d.channel, d.recipient)
            if key not in by_address:
                by_address[key] = []
                groups.append(by_address[key])
            by_address[key].append(delivery_id)
        else:
            groups.append([delivery_id])
    return groups


def _finish(delivery_id: int, started: datetime, outcome: str, gateway_id: str, error: str,
            until: datetime | None, duration_ms: int, at: datetime | None = None) -> str:
    at = at or clock_now()
    with transaction():
        d = locked(Delivery, delivery_id)
        if d.state == S.DELIVERED:
            # our lease ran out and another worker sent it meanwhile: it went twice (counted there)
            outcome = outcome if outcome != "delivered" else "repeat"
        elif outcome == "delivered":
            d.state, d.gateway_id, d.delivered_at, d.last_error = S.DELIVERED, gateway_id[:100], at, ""
        elif outcome == "held":
            d.state, d.next_at, d.attempts, d.last_error = S.PENDING, until, max(0, d.attempts - 1), error
        elif outcome == "retry" and d.attempts < int(current_app.config["WUYE_DELIVERY_MAX_ATTEMPTS"]):
            d.state, d.next_at, d.last_error = S.PENDING, at + backoff(d.attempts), error
        else:
            outcome = "failed"
            d.state, d.last_error = S.FAILED, error or "gave up"
        d.lease_until = None
        if d.resident_message_id and d.state in (S.DELIVERED, S.FAILED):
            from .residents import erase_link
            erase_link(d.resident_message_id)
        db.session.add(DeliveryAttempt(delivery_id=d.id, started_at=started, outcome=outcome, gateway_id=gateway_id[:100],
                                       error=error, duration_ms=duration_ms, process=_process()))
    return outcome


def run(limit: int = 50, at: datetime | None = None) -> Report:
    """One batch: give back the lapsed claims, claim up to `limit` due rows, send them."""
    given, at = at, at or clock_now()
    report = Report(reclaimed=reclaim(at))
    ids = claim(limit, at)
    report.claimed = len(ids)
    for group in _groups(ids):
        ds = [db.session.get(Delivery, i) for i in group]
        started, t0 = clock_now(), time.monotonic()
        sent = _send_group(ds, at)
        for delivery_id in group:
            outcome = _finish(delivery_id, started, *sent, int((time.monotonic() - t0) * 1000), given)
            if outcome == "delivered":
                report.delivered += 1
                report.sent_ids.append(delivery_id)
            elif outcome == "retry":
                report.retried += 1
            elif outcome == "failed":
                report.failed += 1
            elif outcome == "held":
                report.held += 1
    return report


def drain(limit: int = 50, batches: int = 20, at: datetime | None = None) -> Report:
    """Batches until nothing is due (or `batches` were run: the watcher must get back to its tick)."""
    total = Report()
    for _batch in range(batches):
        report = run(limit, at)
        total.add(report)
        if report.claimed < limit:
            break
    return total


def run_in(app: Flask) -> Report | None:
    """The watcher's delivery pass: failures are logged, never end the thread."""
    from .digest import make_digests
    with app.app_context():
        try:
            make_digests(clock_now())
            report = drain()
        except Exception:  # noqa: BLE001
            log.exception("delivery pass failed")
            db.session.rollback()
            return None
        finally:
            db.session.remove()
    if report.claimed or report.reclaimed:
        log.info("deliveries: %s", report)
    return report
