"""The complaint (业主投诉) state machine, written once. The board's columns are its states.

received (登记: forwarded by the employee who took it)
  ─register→ investigating (调查中: in the CS work log, forwarded, validity being investigated)
  ─judge_valid→ handling (处理中: record, corrective actions, penalty; serious: inspection, 48 h)
  ─record_result→ awaiting_reply (待回复)
investigating ─judge_invalid→ awaiting_reply (an invalid complaint is answered by an explanation)
awaiting_reply ─close→ closed (已关闭: answered, every corrective action checked)
received / investigating ─close_on_spot→ closed (solved on the spot, confirmed by CS)

The other steps fill the record within a state (target None). Object rules that a role cannot
express — only the receiving employee escalates, only the owner marks an action done — are checked
by the services (`services/complaints/access.py`).
"""
from __future__ import annotations

from enum import StrEnum

from ..models.org import Role
from . import StateMachine, Transition


class ComplaintState(StrEnum):
    RECEIVED = "received"  # 登记
    INVESTIGATING = "investigating"  # 调查中
    HANDLING = "handling"  # 处理中
    AWAITING_REPLY = "awaiting_reply"  # 待回复
    CLOSED = "closed"  # 已关闭


S = ComplaintState
COLUMNS = [S.RECEIVED, S.INVESTIGATING, S.HANDLING, S.AWAITING_REPLY, S.CLOSED]
OPEN_STATES = frozenset(set(S) - {S.CLOSED})
RECORD_STATES = frozenset({S.HANDLING, S.AWAITING_REPLY})

# every employee of a project may take a complaint (B2: 项目部任一员工)
EMPLOYEES = frozenset(set(Role) - {Role.ADMIN})
CS = frozenset({Role.CLERK, Role.CS_SUPERVISOR})  # 客服部: first owner of every complaint
MANAGERS = frozenset({Role.CS_SUPERVISOR, Role.PROJECT_MANAGER})
# who writes the 顾客投诉处理记录表 and sets corrective actions: CS, the department head, the managers
RECORDERS = frozenset({Role.CLERK, Role.DEPT_HEAD, Role.CS_SUPERVISOR, Role.PROJECT_MANAGER})
PENALTY_ROLES = frozenset({Role.DEPT_HEAD, Role.CS_SUPERVISOR, Role.PROJECT_MANAGER})
BOARD_ROLES = RECORDERS  # the board; a department head sees their department's complaints
SEE_ALL = frozenset({Role.CLERK, Role.CS_SUPERVISOR, Role.PROJECT_MANAGER})
REVIEW_ROLES = MANAGERS


def _t(name, sources, target, roles) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(roles))


COMPLAINT = StateMachine([
    _t("register", {S.RECEIVED}, S.INVESTIGATING, CS),
    _t("close_on_spot", {S.RECEIVED, S.INVESTIGATING}, S.CLOSED, CS),
    _t("forward", {S.INVESTIGATING, S.HANDLING, S.AWAITING_REPLY}, None, CS),
    _t("decide_repeat", OPEN_STATES, None, CS),
    _t("judge_valid", {S.INVESTIGATING}, S.HANDLING, CS),
    _t("judge_invalid", {S.INVESTIGATING}, S.AWAITING_REPLY, CS),
    _t("overrule", {S.HANDLING, S.AWAITING_REPLY, S.CLOSED}, None, {Role.PROJECT_MANAGER}),
    _t("assign", OPEN_STATES, None, MANAGERS),
    _t("refer", {S.INVESTIGATING, S.HANDLING}, None, {Role.DEPT_HEAD}),
    _t("fill_record", RECORD_STATES, None, RECORDERS),
    _t("confirm", RECORD_STATES, None, EMPLOYEES),
    _t("inspect", RECORD_STATES, None, MANAGERS),
    _t("set_action", RECORD_STATES, None, RECORDERS),
    _t("action_done", RECORD_STATES, None, EMPLOYEES),
    _t("verify_action", RECORD_STATES, None, CS),
    _t("decide_penalty", RECORD_STATES, None, PENALTY_ROLES),
    _t("record_result", {S.HANDLING}, S.AWAITING_REPLY, RECORDERS),
    _t("contact", {S.INVESTIGATING, S.HANDLING, S.AWAITING_REPLY}, None, CS),
    _t("reply", {S.AWAITING_REPLY}, None, CS),
    _t("close", {S.AWAITING_REPLY}, S.CLOSED, CS | MANAGERS),
    _t("review", set(S), None, REVIEW_ROLES),
    _t("escalate", OPEN_STATES, None, EMPLOYEES),
])
