"""WeCom group robots per department for escalations: one markdown message per escalation step
in the group, with the order number, unit, deadline and a link; 20 a minute, batched, never dropped."""
from __future__ import annotations

from datetime import timedelta

import pytest

from wuye.database import transaction
from wuye.extensions import db
from wuye.models import Delivery, DeliveryState, Department
from wuye.services.delivery import worker
from wuye.services.notifications import notify

S = DeliveryState


@pytest.fixture
def cs(org, wecom, app):
    app.config["WUYE_PUBLIC_URL"] = "https://wuye.example.cn"
    with transaction():
        dept = Department(project_id=org.p1.id, code="CS", name="客服部")
        db.session.add(dept)
        db.session.flush()
        for name in ("cs_supervisor", "project_manager", "clerk"):
            db.session.merge(org.users[name]).department_id = dept.id
    return [db.session.merge(org.users[n]) for n in ("cs_supervisor", "project_manager", "clerk")]


def escalate(people, number: str, level: int = 2):
    with transaction():
        for u in people:
            notify(u, "deadline_escalate", link=f"/desk/repairs/{number}", number=number, unit="3栋2单元1201",
                   deadline="arrival_emergency", due="2026-11-27T06:15:00+00:00", level=level, responsible="张伟")


def robot_rows():
    db.session.expire_all()
    return list(db.session.scalars(db.select(Delivery).where(Delivery.channel == "wecom_robot")))


def test_an_escalation_reaches_the_departments_group_once_with_number_unit_deadline_and_link(cs, clock, wecom):
    escalate(cs[:2], "BX-20261127-0001")  # the supervisor and the manager, both of 客服部
    assert len(robot_rows()) == 1
    worker.run(at=clock())
    [(key, body)] = wecom.robot
    content = body["markdown"]["content"]
    assert key == "robot-key-cs" and body["msgtype"] == "markdown"
    assert "BX-20261127-0001" in content and "3栋2单元1201" in content and "11-27 14:15" in content
    assert "(https://wuye.example.cn/desk/repairs/BX-20261127-0001)" in content
    assert robot_rows()[0].state == S.DELIVERED


def test_a_normal_notice_does_not_go_to_the_group(cs, clock, wecom):
    with transaction():
        notify(cs[2], "repair_dispatched", number="BX-1", unit="3栋", urgency="normal")
    assert robot_rows() == []


def test_escalations_due_together_go_as_one_message_and_the_21st_in_a_minute_waits(cs, clock, wecom):
    for i in range(5):
        escalate(cs[:1], f"BX-20261127-{i:04d}")
    worker.run(at=clock())
    assert len(wecom.robot) == 1 and all(f"BX-20261127-{i:04d}" in wecom.robot[0][1]["markdown"]["content"]
                                         for i in range(5))
    assert {d.state for d in robot_rows()} == {S.DELIVERED}
    # nineteen more messages this minute, one at a time, then the limit
    for i in range(19):
        escalate(cs[:1], f"BX-20261127-1{i:03d}")
        worker.run(at=clock())
    assert len(wecom.robot) == 20
    escalate(cs[:1], "BX-20261127-9999")
    assert worker.run(at=clock()).held == 1
    [late] = [d for d in robot_rows() if d.state == S.PENDING]
    assert late.next_at == clock() + timedelta(minutes=1) and late.attempts == 0
    assert worker.run(at=clock() + timedelta(minutes=1)).delivered == 1 and len(wecom.robot) == 21
