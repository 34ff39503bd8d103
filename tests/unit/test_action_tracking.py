"""B5 5): "根据纠正措施应完成的时间，客服部对投诉的纠正措施及时进行跟踪检查" — the follow-up lists
customer service works from: reported done and waiting for the check, past the due date, under way."""
from __future__ import annotations

from datetime import timedelta

from wuye.extensions import db
from wuye.models import User
from wuye.services.complaints import board as boards
from wuye.services.complaints import record as rec


def user(kit, username: str) -> User:
    return db.session.get(User, kit.org.users[username].id)


def test_customer_service_follows_up_each_corrective_action_by_the_date_it_is_due(kit, clock):
    c = kit.valid()
    kit.findings(c)
    late = rec.set_action(kit.actor("dept_head"), kit.fresh(c), "更换楼道灯", kit.org.users["technician"].id,
                          clock.now + timedelta(days=1))
    soon = rec.set_action(kit.actor("dept_head"), kit.fresh(c), "巡检同楼层照明", kit.org.users["dept_head"].id,
                          clock.now + timedelta(days=3))
    later = rec.set_action(kit.actor("dept_head"), kit.fresh(c), "修订巡检表", kit.org.users["dept_head"].id,
                           clock.now + timedelta(days=5))
    clock.advance(days=2)  # the first is now a day late
    rec.action_done(kit.actor("dept_head"), kit.fresh(c), later.id, "巡检表已修订")

    t = boards.action_tracking(user(kit, "clerk"))
    assert [a.id for a in t.to_check] == [later.id]
    assert [a.id for a in t.overdue] == [late.id]
    assert [a.id for a in t.running] == [soon.id]
    assert boards.actions_to_check(user(kit, "clerk")) == 1

    # checked effective: it leaves the list; found not effective: back to its owner with a new date
    rec.verify_action(kit.actor("clerk"), kit.fresh(c), later.id, True, "已核对")
    rec.action_done(kit.actor("technician"), kit.fresh(c), late.id, "已更换")
    rec.verify_action(kit.actor("clerk"), kit.fresh(c), late.id, False, "灯又坏了", clock.now + timedelta(days=4))
    t = boards.action_tracking(user(kit, "clerk"))
    assert t.to_check == [] and t.overdue == []
    assert [a.id for a in t.running] == [soon.id, late.id]  # next due first
    assert t.running[1].failed_checks == 1
    assert boards.actions_to_check(user(kit, "clerk")) == 0


def test_a_department_head_follows_the_actions_of_their_own_people_only(kit, clock):
    c = kit.valid()
    kit.findings(c)
    ours = rec.set_action(kit.actor("dept_head"), kit.fresh(c), "更换楼道灯", kit.org.users["technician"].id,
                          clock.now + timedelta(days=2))
    theirs = rec.set_action(kit.actor("cs_supervisor"), kit.fresh(c), "秩序部加强夜间巡逻",
                            kit.org.users["staff"].id, clock.now + timedelta(days=2))
    assert [a.id for a in boards.action_tracking(user(kit, "dept_head")).running] == [ours.id]  # 工程部
    assert [a.id for a in boards.action_tracking(user(kit, "cs_supervisor")).running] == [ours.id, theirs.id]
    assert [a.id for a in boards.action_tracking(user(kit, "project_manager")).running] == [ours.id, theirs.id]

    # the board's count of what waits for the check follows the same rule (its statement is built once)
    rec.action_done(kit.actor("technician"), kit.fresh(c), ours.id, "已更换")
    rec.action_done(kit.actor("staff"), kit.fresh(c), theirs.id, "已加强巡逻")
    assert boards.actions_to_check(user(kit, "dept_head")) == 1
    assert boards.actions_to_check(user(kit, "cs_supervisor")) == 2
    head = user(kit, "dept_head")
    head.department_id = None  # a head not (yet) heading a department follows no one's
    assert boards.actions_to_check(head) == 0 and len(boards.action_tracking(head)) == 0
    db.session.rollback()


def test_the_follow_up_lists_stay_inside_the_project(kit, clock):
    c = kit.valid()
    kit.findings(c)
    a = kit.action(c)
    rec.action_done(kit.actor("dept_head"), kit.fresh(c), a.id, "已更换")
    assert len(boards.action_tracking(user(kit, "clerk"))) == 1
    assert len(boards.action_tracking(user(kit, "p2_clerk"))) == 0
    assert boards.actions_to_check(user(kit, "p2_clerk")) == 0
