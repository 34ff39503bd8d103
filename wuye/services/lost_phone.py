"""A lost or reassigned technician's phone: which of the jobs it holds are still the technician's,
and what becomes of the steps still on it once the account is disabled — each is kept as a
refused action the desk sees on its order (never lost, never applied)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..database import transaction
from ..extensions import db
from ..models import RepairOrder, User
from ..models.offline import RefusedAction
from . import Actor
from .audit import record
from .idempotency import KEY_RE


def still_assigned(user: User, numbers: list[str]) -> list[str]:
    """Those of `numbers` that are this technician's jobs today."""
    if not numbers:
        return []
    return sorted(db.session.scalars(select(RepairOrder.number).where(
        RepairOrder.project_id == user.project_id, RepairOrder.technician_id == user.id,
        RepairOrder.number.in_(numbers))))


@dataclass
class HeldStep:
    """A step as the phone describes it: its outbox key, job number, action and phone time."""
    key: str
    number: str
    action: str
    happened_at: datetime | None


def held_steps(raw: list, limit: int) -> list[HeldStep]:
    """The phone's list as JSON; anything malformed is left out (its key is not acknowledged, so
    the phone keeps it)."""
    steps = []
    for item in raw[:limit]:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not KEY_RE.match(item["key"]):
            continue
        number = str(item.get("number", ""))[:40]
        steps.append(HeldStep(key=item["key"], number="" if "\x00" in number else number,
                              action=str(item.get("action", "")).replace("\x00", "")[:40],
                              happened_at=_phone_time(item.get("happened_at"))))
    return steps


def _phone_time(raw) -> datetime | None:
    try:
        at = datetime.fromisoformat(str(raw).replace("Z", "+00:00")) if raw else None
    except ValueError:
        return None
    return at if at is not None and at.tzinfo is not None else None


def refuse_held_steps(actor: Actor, steps: list[HeldStep]) -> list[str]:
    """The account is disabled: every step becomes a refused action (once per key) with an audit
    event on its order. Returns the keys now kept, which the phone may delete."""
    user = actor.user
    message = _("The account was disabled before this action reached the server; it was not applied.")
    orderless = 0
    with transaction():
        for s in steps:
            if db.session.scalar(select(RefusedAction.id).where(RefusedAction.user_id == user.id,
                                                                RefusedAction.key == s.key)) is not None:
                continue
            order = db.session.scalar(select(RepairOrder).where(
                RepairOrder.project_id == user.project_id, RepairOrder.number == s.number)) if s.number else None
            db.session.add(RefusedAction(user_id=user.id, key=s.key, order_id=order.id if order else None,
                                         action=s.action, status_code=403, message=message,
                                         happened_at=s.happened_at))
            if order is not None:
                record(actor, "offline_refused", "repair_order", order.id, order.project_id,
                       step=s.action, message=message)
            else:
                orderless += 1
        if orderless:
            record(actor, "offline_refused", "user", user.id, user.project_id, steps=orderless, message=message)
    return [s.key for s in steps]
