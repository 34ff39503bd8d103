"""The repair order (报修单) state machine, written once.

The technician issue adds the states between dispatch and completion; every view asks
`REPAIR.available(...)` instead of knowing the rules itself.
"""
from __future__ import annotations

from enum import StrEnum

from ..models.org import Role
from . import StateMachine, Transition


class RepairState(StrEnum):
    NEW = "new"  # 已受理, waiting for dispatch
    DISPATCHED = "dispatched"  # 已派工
    CANCELLED = "cancelled"  # 已取消


OPEN_STATES = frozenset({RepairState.NEW, RepairState.DISPATCHED})

DESK = frozenset({Role.CLERK, Role.CS_SUPERVISOR, Role.PROJECT_MANAGER})
INTAKE_ROLES = DESK  # who fills the 报修单 at the front desk

REPAIR = StateMachine([
    Transition("dispatch", frozenset({RepairState.NEW}), RepairState.DISPATCHED, DESK),
    Transition("reassign", frozenset({RepairState.DISPATCHED}), RepairState.DISPATCHED, DESK),
    Transition("cancel", frozenset(OPEN_STATES), RepairState.CANCELLED, DESK),
])
