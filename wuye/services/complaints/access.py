"""Who may see a complaint and take which step, beyond what a role alone says.

Customer service and the managers see every complaint of their project. A department head sees
the complaints of their department (involved, responsible, or handed to them). Anyone else sees
the complaints they took, and those in which they are involved, responsible or own a corrective
action; a direct superior sees what their people took. The state machine says which role may take
a step; these rules say on which complaint.
"""
from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models import Complaint, CorrectiveAction, Role, User
from ...workflow.complaint import COMPLAINT, RECORDERS, SEE_ALL, ComplaintState


def superior_of(user: User) -> User | None:
    """The direct superior (直属上级): as set on the user, else the head of their department."""
    if user.superior_id:
        boss = db.session.get(User, user.superior_id)
        if boss is not None and boss.active:
            return boss
    if user.department_id and user.role != Role.DEPT_HEAD:
        return db.session.scalar(select(User).where(
            User.project_id == user.project_id, User.department_id == user.department_id,
            User.role == Role.DEPT_HEAD, User.active.is_(True)).order_by(User.id).limit(1))
    return None


def in_department_scope(user: User, c: Complaint) -> bool:
    """B1(3): a department head handles the complaints within their department's scope."""
    if c.handler_id == user.id:
        return True
    if user.department_id is None:
        return False
    return (user.department_id in {d.id for d in c.departments}
            or c.responsible_department_id == user.department_id)


def involved(user: User, c: Complaint) -> bool:
    return (c.received_by_id == user.id or c.responsible_user_id == user.id or c.handler_id == user.id
            or any(p.id == user.id for p in c.people) or any(a.owner_id == user.id for a in c.actions))


def can_see(user: User, c: Complaint) -> bool:
    if user.project_id != c.project_id:
        return False
    if user.role in SEE_ALL:
        return True
    if user.role == Role.DEPT_HEAD and in_department_scope(user, c):
        return True
    if involved(user, c):
        return True
    boss = superior_of(c.received_by)  # the direct superior was told of it (B1, B2): may follow it
    return boss is not None and boss.id == user.id


def may_record(user: User, c: Complaint) -> bool:
    """Fill the record, set actions, decide a penalty: CS and managers always, a department head
    within their scope."""
    if user.role not in RECORDERS:
        return False
    return user.role != Role.DEPT_HEAD or in_department_scope(user, c)


def object_allows(step: str, user: User, c: Complaint, action: CorrectiveAction | None = None) -> bool:
    """The rule of one step on this complaint (the role and state are the state machine's)."""
    if step == "escalate":
        return c.received_by_id == user.id
    if step == "confirm":
        return c.responsibility is not None and (c.responsible_user_id == user.id or may_record(user, c))
    if step == "action_done":
        return action is not None and action.open and (action.owner_id == user.id or may_record(user, c))
    if step in ("fill_record", "set_action", "decide_penalty", "record_result", "refer"):
        return may_record(user, c)
    if step == "close_on_spot":
        return c.solved_on_spot
    if step == "review":
        return c.management_review
    return True


def steps(user: User, c: Complaint) -> set[str]:
    """Every step this user may take on this complaint now (per-action steps: `action_steps`)."""
    if not can_see(user, c):
        return set()
    return {name for name in COMPLAINT.available(c.state, user.role)
            if name == "action_done" or object_allows(name, user, c)}


def action_steps(user: User, c: Complaint, action: CorrectiveAction) -> set[str]:
    out = set()
    if c.state in COMPLAINT.transitions["action_done"].sources and object_allows("action_done", user, c, action):
        out.add("action_done")
    if (COMPLAINT.allows("verify_action", c.state, user.role) and action.state == "done"):
        out.add("verify_action")
    return out


def is_open(c: Complaint) -> bool:
    return c.state != ComplaintState.CLOSED
