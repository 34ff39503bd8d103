"""The repair order (报修单) state machine, written once.

new ─dispatch→ dispatched ─accept→ accepted ─depart→ en_route ─arrive→ on_site
on_site ─consent→ in_progress ─finish→ awaiting_acceptance ─sign_acceptance→ accepted_by_customer
accepted_by_customer ─pay→ completed
on_site ─decline→ declined (客户谢绝, the quote is kept)
in_progress ─pause→ paused ─resume→ in_progress (missing tools: going back for them)
on_site / in_progress / paused ─cannot_fix→ scheduled ─depart→ en_route (the follow-up visit)
Every open state can be cancelled by the desk; dispatched ones reassigned.
Views ask `REPAIR.available(...)`; services check `REPAIR.allows(...)`.
"""
from __future__ import annotations

from enum import StrEnum

from ..models.org import Role
from . import StateMachine, Transition


class RepairState(StrEnum):
    NEW = "new"  # 已受理, waiting for dispatch
    DISPATCHED = "dispatched"  # 已派工, waiting for the technician to accept
    ACCEPTED = "accepted"  # 已接单: preparing (checklist)
    EN_ROUTE = "en_route"  # 已出发
    ON_SITE = "on_site"  # 已到达: at the door, quoting
    IN_PROGRESS = "in_progress"  # 维修中: the customer consented to the quote
    PAUSED = "paused"  # 暂停: gone back for missing tools
    SCHEDULED = "scheduled"  # 改约: cannot fix now, next visit booked
    AWAITING_ACCEPTANCE = "awaiting_acceptance"  # 待验收
    SIGNED = "signed"  # 已验收签字, waiting for payment
    COMPLETED = "completed"  # 已完成
    DECLINED = "declined"  # 客户谢绝
    CANCELLED = "cancelled"  # 已取消


S = RepairState
CLOSED_STATES = frozenset({S.COMPLETED, S.DECLINED, S.CANCELLED})
OPEN_STATES = frozenset(set(S) - CLOSED_STATES)
# the technician holds the job from accepting it until it is closed
WITH_TECHNICIAN = frozenset(OPEN_STATES - {S.NEW, S.DISPATCHED})

DESK = frozenset({Role.CLERK, Role.CS_SUPERVISOR, Role.PROJECT_MANAGER})
INTAKE_ROLES = DESK  # who fills the 报修单 at the front desk
TECH = frozenset({Role.TECHNICIAN})
RESIDENT = "resident"  # no account: on their private link


def _t(name, sources, target, roles) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(roles))


REPAIR = StateMachine([
    _t("dispatch", {S.NEW}, S.DISPATCHED, DESK),
    _t("reassign", {S.DISPATCHED, S.ACCEPTED, S.SCHEDULED}, S.DISPATCHED, DESK),
    _t("cancel", OPEN_STATES, S.CANCELLED, DESK),
    _t("accept", {S.DISPATCHED}, S.ACCEPTED, TECH),
    _t("depart", {S.ACCEPTED, S.SCHEDULED}, S.EN_ROUTE, TECH),
    _t("arrive", {S.EN_ROUTE}, S.ON_SITE, TECH),
    _t("consent", {S.ON_SITE}, S.IN_PROGRESS, TECH),
    _t("decline", {S.ON_SITE}, S.DECLINED, TECH),
    _t("pause", {S.IN_PROGRESS}, S.PAUSED, TECH),
    _t("resume", {S.PAUSED}, S.IN_PROGRESS, TECH),
    _t("cannot_fix", {S.ON_SITE, S.IN_PROGRESS, S.PAUSED}, S.SCHEDULED, TECH),
    _t("finish", {S.IN_PROGRESS}, S.AWAITING_ACCEPTANCE, TECH),
    _t("sign_acceptance", {S.AWAITING_ACCEPTANCE}, S.SIGNED, TECH),
    _t("pay", {S.SIGNED}, S.COMPLETED, TECH),
    # steps recorded within a state
    _t("checklist", {S.ACCEPTED, S.SCHEDULED}, None, TECH),  # ticked before leaving
    _t("at_door", {S.ON_SITE, S.IN_PROGRESS}, None, TECH),  # shoe covers, furniture
    _t("change_charge", {S.ON_SITE}, None, TECH),  # who pays, seen at the door, before the quote (A3)
    # who pays, changed by the desk until payment (services/repairs/desk_charge: what it does to the quote)
    _t("desk_change_charge", OPEN_STATES, None, DESK),
    _t("request_time", {S.NEW, S.DISPATCHED, S.ACCEPTED, S.SCHEDULED}, None, {RESIDENT}),  # before leaving
])
