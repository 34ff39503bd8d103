"""Who gets what, and when: the defaults per role and kind of notice, a user's own choices over
them, and the quiet hours (project local time) that hold all but emergencies and escalations."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from ...extensions import db
from ...i18n import zone
from ...models import DeliveryAddress, DeliveryPreference, User

ALL = "*"
STAFF_ALL = {ALL: ALL}
MANAGERS = ("dept_head", "cs_supervisor", "project_manager")
ESCALATIONS = {"deadline_escalate", "deadline_breach", "complaint_escalated"}

# channel → role → the kinds of notice that role receives there by default (ALL: every kind)
DEFAULTS: dict[str, dict[str, object]] = {
    "log": STAFF_ALL,
    "wecom": STAFF_ALL,  # what the staff carry
    "wecom_robot": {ALL: ESCALATIONS},  # the department's group
    "push": {"technician": ALL},  # the installed phone view
    "email": {role: ESCALATIONS | {"daily_digest"} for role in MANAGERS},
    "sms": {"technician": {"repair_dispatched_emergency"}},  # an emergency must reach a phone without data
}

# the kinds a user may switch on or off on the settings page, per channel
CHOOSABLE_KINDS = ("repair_dispatched", "repair_dispatched_emergency", "repair_reassigned_away", "repair_cancelled",
                   "repair_charge_changed", "appointment_changed", "deadline_warn", "deadline_breach", "deadline_escalate", "daily_digest")


def is_urgent(kind: str, params: dict) -> bool:
    """Emergencies and escalations pass quiet hours and are sent first."""
    return params.get("urgency") == "emergency" or "escalat" in kind


def rule_kind(kind: str, params: dict) -> str:
    """An emergency dispatch is its own kind for the defaults: it alone wakes a technician by SMS."""
    if kind == "repair_dispatched" and params.get("urgency") == "emergency":
        return "repair_dispatched_emergency"
    return kind


def default_for(role: str, kind: str, channel: str) -> bool:
    table = DEFAULTS.get(channel, {})
    kinds = table.get(role, table.get(ALL))
    return kinds == ALL or (kinds is not None and kind in kinds)


def preferences(user_id: int) -> dict[tuple[str, str], bool]:
    return {(p.kind, p.channel): p.enabled for p in db.session.scalars(
        select(DeliveryPreference).where(DeliveryPreference.user_id == user_id))}


def wanted(user: User, kind: str, channel: str, prefs: dict | None = None) -> bool:
    prefs = preferences(user.id) if prefs is None else prefs
    chosen = prefs.get((kind, channel))
    return default_for(user.role, kind, channel) if chosen is None else chosen


def _clock(raw: str) -> time:
    h, m = raw.strip().split(":")
    return time(int(h), int(m))


def quiet_hours() -> tuple[time, time] | None:
    raw = (current_app.config.get("WUYE_QUIET_HOURS") or "").strip()
    if not raw:
        return None
    start, end = raw.split("-")
    return _clock(start), _clock(end)


def release_at(moment: datetime, tz: str | None, urgent: bool) -> datetime:
    """When a notice made at `moment` may leave: at once, or at the end of the quiet hours."""
    hours = quiet_hours()
    if urgent or hours is None:
        return moment
    start, end = hours
    local = moment.astimezone(zone(tz))
    t = local.time()
    quiet = (start <= t or t < end) if start > end else (start <= t < end)
    if not quiet:
        return moment
    morning = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    return morning.astimezone(moment.tzinfo)


def address_of(user_id: int, channel: str) -> str | None:
    return db.session.scalar(select(DeliveryAddress.address).where(
        DeliveryAddress.user_id == user_id, DeliveryAddress.channel == channel))


def set_preferences(actor, user: User, chosen: set[tuple[str, str]], channel_names: list[str],
                    email: str | None = None) -> None:
    """The user's own choice for every choosable kind on every configured channel (one transaction,
    audited); a choice equal to the role's default is stored too, so a later change of the default
    does not override what the user said."""
    from ...database import transaction
    from ..audit import record
    with transaction():
        current = {(p.kind, p.channel): p for p in db.session.scalars(
            select(DeliveryPreference).where(DeliveryPreference.user_id == user.id))}
        changed = []
        for kind in CHOOSABLE_KINDS:
            for channel in channel_names:
                on = (kind, channel) in chosen
                row = current.get((kind, channel))
                if row is None:
                    db.session.add(DeliveryPreference(user_id=user.id, kind=kind, channel=channel, enabled=on))
                elif row.enabled != on:
                    row.enabled = on
                else:
                    continue
                changed.append(f"{kind}:{channel}:{'on' if on else 'off'}")
        if email is not None:
            row = db.session.scalar(select(DeliveryAddress).where(
                DeliveryAddress.user_id == user.id, DeliveryAddress.channel == "email"))
            if not email and row is not None:
                db.session.delete(row)
                changed.append("email:removed")
            elif email and row is None:
                db.session.add(DeliveryAddress(user_id=user.id, channel="email", address=email))
                changed.append("email:set")
            elif email and row.address != email:
                row.address = email
                changed.append("email:changed")
        record(actor, "delivery_preferences", "user", user.id, user.project_id, changes=changed)
