"""The resident's private link (/s/<token>): issuing and revoking it, letting a request through,
and what the page may show — masked, and in the resident's words.

Token design: `secrets.token_urlsafe(32)` (256 random bits); only its SHA-256 is stored. The plain
token lives only in the answer that issued it: the desk shows the link right after intake (and
after each "issue a new link"), and each printed 报修单 either carries the link the desk is
showing at that moment or gets a link of its own. An order may hold several live links; revoking
ends one, "revoke all and issue a new one" ends them all. A lost link is never shown again: a new
one is issued, which is the same number of clicks and keeps the database free of anything that
opens a resident's page.
"""
from __future__ import annotations

import hashlib
import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, func, select

from ...clock import now as clock_now
from ...database import prepared, transaction
from ...extensions import db
from ...labels import CATEGORIES
from ...models import AppointmentRequest, LinkHit, Project, RepairCategory, RepairOrder, ResidentLink, ServiceForm
from ...phone import mask_phone
from ...workflow.repair import DESK, OPEN_STATES, REPAIR, RESIDENT, RepairState
from .. import Actor, DomainError, NotAllowed
from ..audit import history, record

SUBJECT = "repair_order"
TOKEN_BYTES = 32
CHANNELS = ("message", "print")
S = RepairState


class Throttled(Exception):
    """Too many requests (or too many wrong links) from one client address."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _desk(actor: Actor) -> None:
    if actor.role not in DESK:
        raise NotAllowed(_("Your role may not do this."))


# ---- issuing and revoking -----------------------------------------------------------------

def issue_link(actor: Actor, order: RepairOrder, channel: str = "message") -> tuple[ResidentLink, str]:
    """A new live link for the order, and its token — the only time the token is known."""
    _desk(actor)
    if channel not in CHANNELS:
        raise ValueError(channel)
    with transaction():
        link, token = _new_link(actor, order, channel)
    return link, token


def _new_link(actor: Actor, order: RepairOrder, channel: str) -> tuple[ResidentLink, str]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    at = clock_now()
    link = ResidentLink(order_id=order.id, digest=digest(token), channel=channel, issued_at=at,
                        issued_by_id=actor.user.id if actor.user else None)
    db.session.add(link)
    db.session.flush()
    record(actor, "resident_link_issue", SUBJECT, order.id, order.project_id, at=at, link=link.id, channel=channel)
    return link, token


def revoke_link(actor: Actor, order: RepairOrder, link_id: int) -> ResidentLink:
    _desk(actor)
    with transaction():
        link = db.session.get(ResidentLink, link_id)
        if link is None or link.order_id != order.id:
            raise DomainError(_("No such link for this order."))
        if link.revoked_at is None:
            _revoke(actor, order, link)
    return link


def _revoke(actor: Actor, order: RepairOrder, link: ResidentLink) -> None:
    link.revoked_at = clock_now()
    link.revoked_by_id = actor.user.id if actor.user else None
    record(actor, "resident_link_revoke", SUBJECT, order.id, order.project_id, at=link.revoked_at, link=link.id)


def reissue(actor: Actor, order: RepairOrder) -> tuple[ResidentLink, str]:
    """Revoke every live link of the order and issue a new one, in one transaction."""
    _desk(actor)
    with transaction():
        for link in live_links(order):
            _revoke(actor, order, link)
        return _new_link(actor, order, "message")


# for the outbox (services/delivery/residents.py), which issues and revokes inside its own transaction
check_desk, new_link, revoke = _desk, _new_link, _revoke


@prepared
def _live_links_statement():
    return select(ResidentLink).where(ResidentLink.order_id == bindparam("order_id"),
                                      ResidentLink.revoked_at.is_(None)).order_by(ResidentLink.id)


def live_links(order: RepairOrder) -> list[ResidentLink]:
    return list(db.session.scalars(_live_links_statement(), {"order_id": order.id}))


def live_link_for(order: RepairOrder, token: str | None) -> ResidentLink | None:
    """The live link of this order with this token (a printout reuses the link on screen)."""
    link = resolve(token)
    return link if link is not None and link.order_id == order.id else None


def link_url(token: str) -> str:
    base = current_app.config.get("WUYE_PUBLIC_URL")
    if base and not has_request_context():  # the outbox outside a request (a retry from the CLI, a test)
        return base + current_app.url_map.bind("localhost").build("resident.page", {"token": token})
    if base:
        return base + url_for("resident.page", token=token)
    return url_for("resident.page", token=token, _external=True)


# ---- letting a request through --------------------------------------------------------------

def resolve(token: str | None) -> ResidentLink | None:
    """The live link behind a token; None for an unknown, revoked or expired one alike.

    A link lives until WUYE_LINK_DAYS_AFTER_CLOSE days after its order closed: long enough for the
    服务单 and a look back, not a key to someone's flat for ever."""
    if not token or len(token) > 100:
        return None
    link = db.session.scalar(select(ResidentLink).where(ResidentLink.digest == digest(token),
                                                        ResidentLink.revoked_at.is_(None)))
    if link is None:
        return None
    closed_at = db.session.scalar(select(RepairOrder.closed_at).where(RepairOrder.id == link.order_id))
    days = current_app.config["WUYE_LINK_DAYS_AFTER_CLOSE"]
    if closed_at is not None and clock_now() > closed_at + timedelta(days=days):
        return None
    return link


def guard(token: str | None, address: str) -> ResidentLink | None:
    """Count one request under /s/ and resolve its token (None: unknown, revoked or expired).

    Throttle the failures, not the people (many phones share one carrier address): a live link is
    refused only past WUYE_LINK_MAX_REQUESTS on that link, a wrong token past WUYE_LINK_MAX_MISSES
    from its address, in the window. Counted in the database for every process; refusals not stored.
    """
    cfg = current_app.config
    at = clock_now()
    since = at - timedelta(seconds=cfg["WUYE_LINK_WINDOW_SECONDS"])
    address = address[:64]
    with transaction():
        link = resolve(token)
        if link is not None:
            hits = select(func.count()).select_from(LinkHit).where(LinkHit.link_id == link.id, LinkHit.at >= since)
            if db.session.scalar(hits) >= cfg["WUYE_LINK_MAX_REQUESTS"]:
                raise Throttled()
            if link.first_opened_at is None:
                link.first_opened_at = at
        else:
            misses = select(func.count()).select_from(LinkHit).where(
                LinkHit.address == address, LinkHit.miss.is_(True), LinkHit.at >= since)
            if db.session.scalar(misses) >= cfg["WUYE_LINK_MAX_MISSES"]:
                raise Throttled()
        db.session.add(LinkHit(address=address, at=at, miss=link is None, link_id=link.id if link else None))
        if random.random() < 0.02:  # keep the table small without a job of its own
            db.session.execute(delete(LinkHit).where(LinkHit.at < since))
    return link


# ---- what the page shows ----------------------------------------------------------------------

COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
                     "宇文", "司徒", "夏侯", "令狐", "南宫", "西门", "轩辕", "端木", "独孤", "百里")


def surname(name: str) -> str:
    name = (name or "").strip()
    if name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[:1].upper()


def technician_title(name: str) -> str:
    """李志强 → 李师傅: the surname only, never the full name."""
    return _("Master %(surname)s", surname=surname(name))


def mask_unit(unit) -> str:
    """3栋2单元1201 → 3栋2单元***: the building and entrance, never the room."""
    label, room = unit.label or "", unit.room or ""
    if room and label.endswith(room) and len(label) > len(room):
        return label[: -len(room)] + "***"
    return (unit.building.name if unit.building else "") + "***"


WORDS = {
    "create": _l("Request received"),  # 已受理
    "dispatch": _l("Technician assigned"),  # 已派工
    "reassign": _l("Reassigned to another technician"),  # 已改派给另一位维修师傅
    "depart": _l("Technician on the way"),  # 师傅已出发
    "arrive": _l("Technician has arrived"),  # 师傅已到达
    "consent": _l("Repair in progress"),  # 维修中
    "reschedule": _l("Rescheduled"),  # 改约
    "finish": _l("Awaiting your inspection"),  # 待验收
    "sign_acceptance": _l("Inspected and signed"),  # 已验收
    "pay": _l("Completed"),  # 已完成
    "decline": _l("Declined"),  # 已谢绝
    "cancel": _l("Cancelled"),  # 已取消
}
# audit actions as the resident's steps; the rest (checklists, notes, links...) is not theirs to see
STEPS = {"create": "create", "dispatch": "dispatch", "reassign": "reassign", "depart": "depart",
         "arrive": "arrive", "consent": "consent", "cannot_fix": "reschedule",
         "appointment_request_accept": "reschedule", "finish": "finish", "sign_acceptance": "sign_acceptance",
         "pay": "pay", "decline": "decline", "cancel": "cancel"}
STATUS = {S.NEW: "create", S.DISPATCHED: "dispatch", S.ACCEPTED: "dispatch", S.EN_ROUTE: "depart",
          S.ON_SITE: "arrive", S.IN_PROGRESS: "consent", S.PAUSED: "consent", S.SCHEDULED: "reschedule",
          S.AWAITING_ACCEPTANCE: "finish", S.SIGNED: "sign_acceptance", S.COMPLETED: "pay",
          S.DECLINED: "decline", S.CANCELLED: "cancel"}


@dataclass
class Step:
    at: datetime
    key: str
    new_start: datetime | None = None
    new_end: datetime | None = None

    @property
    def word(self) -> str:
        return str(WORDS[self.key])


def timeline(order: RepairOrder) -> list[Step]:
    """The order's history in the resident's words, oldest first."""
    steps = []
    for e in history(SUBJECT, order.id):
        key = STEPS.get(e.action)
        if key is None:
            continue
        step = Step(e.at, key)
        if key == "reschedule":
            c = e.changes or {}
            start, end = c.get("next_start") or c.get("start"), c.get("next_end") or c.get("end")
            step.new_start = datetime.fromisoformat(start) if start else None
            step.new_end = datetime.fromisoformat(end) if end else None
        steps.append(step)
    return steps


def category_name(order: RepairOrder) -> str:
    if order.category in CATEGORIES:
        return str(CATEGORIES[order.category])
    name = db.session.scalar(select(RepairCategory.name).where(RepairCategory.project_id == order.project_id,
                                                               RepairCategory.code == order.category))
    return name or order.category


@dataclass
class ResidentView:
    """Everything the resident's page shows, already masked: the template never sees the order."""
    number: str
    project: str
    category: str
    unit: str
    phone: str
    emergency: bool
    appointment_start: datetime | None
    appointment_end: datetime | None
    technician: str | None
    status: Step
    is_open: bool
    closed_as: str | None  # completed | declined | cancelled
    steps: list[Step] = field(default_factory=list)
    form: ServiceForm | None = None
    form_open: bool = False
    form_change_until: datetime | None = None
    movable: bool = False  # the order still takes a new time (normal, technician not yet on the way)
    can_request_change: bool = False  # ...and no request of the resident is waiting
    request: AppointmentRequest | None = None
    charge_type: str = "paid"  # who pays (A3): the resident sees 保修期内，免费维修 etc.


def view(order: RepairOrder) -> ResidentView:
    from .service_form import change_until, form_for, form_open
    steps = timeline(order)
    status_key = STATUS[RepairState(order.state)]
    keys = {status_key, "reassign"} if status_key == "dispatch" else {status_key}  # a reassignment is the news
    status = next((s for s in reversed(steps) if s.key in keys), None) or Step(order.updated_at, status_key)
    if steps and steps[-1].key == "reschedule" and order.state in OPEN_STATES:
        status = steps[-1]  # a moved appointment is the news until the technician's next step
    form = form_for(order)
    request = db.session.scalar(select(AppointmentRequest).where(AppointmentRequest.order_id == order.id)
                                .order_by(AppointmentRequest.id.desc()).limit(1))
    return ResidentView(
        number=order.number, project=db.session.get(Project, order.project_id).name,
        category=category_name(order), unit=mask_unit(order.unit), phone=mask_phone(order.contact_phone),
        emergency=order.urgency == "emergency",
        appointment_start=order.appointment_start, appointment_end=order.appointment_end,
        technician=technician_title(order.technician.name) if order.technician else None,
        status=status, is_open=order.state in OPEN_STATES,
        closed_as=None if order.state in OPEN_STATES else order.state,
        steps=steps, form=form, form_open=form_open(order),
        form_change_until=change_until(form) if form else None,
        movable=can_request_change(order),
        can_request_change=can_request_change(order) and not (request and request.state == "open"),
        request=request, charge_type=order.charge_type,
    )


def can_request_change(order: RepairOrder) -> bool:
    return order.urgency == "normal" and REPAIR.allows("request_time", order.state, RESIDENT)


def qr_data_uri(url: str) -> str:
    """The link as a QR code, a PNG data URI (the CSP allows data: images, not inline styles)."""
    import segno
    return segno.make(url, error="m").png_data_uri(scale=6, border=4)
