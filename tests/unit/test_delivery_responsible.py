"""Whose group robot hears of an escalation — the department responsible for the order or the
complaint, not each recipient's own — and staff messages with their times in the reader's project
zone, against the WeCom stand-in."""
from __future__ import annotations

from datetime import timedelta

import pytest

from wuye.database import transaction
from wuye.extensions import db
from wuye.models import Notification, User
from wuye.services import Actor
from wuye.services.complaints import intake as complaints
from wuye.services.deadlines.tick import tick
from wuye.services.delivery import worker
from wuye.services.notifications import notify

KEYS = {"CS": "robot-key-cs", "ENG": "robot-key-eng", "OFFICE": "robot-key-office", "SECURITY": "robot-key-sec"}


@pytest.fixture
def robots(app, wecom, depts):
    """A group robot for each of P1's departments: 客服部, 工程部 (the technicians), 项目办 (the manager)."""
    app.config["WUYE_WECOM_ROBOTS"] = ",".join(f"{k}={v}" for k, v in KEYS.items())
    app.extensions.pop("wuye.delivery.channels", None)
    return wecom


def test_an_emergency_repairs_breach_and_escalations_go_to_the_group_of_the_technicians_department(
        org, make_order, clock, robots):
    make_order(urgency="emergency", technician=org.users["technician"])
    for minutes in (16, 26, 46, 90):  # breach (the technician), then the CS supervisor, then the manager
        tick(clock() + timedelta(minutes=minutes))
        worker.run(at=clock() + timedelta(minutes=minutes))
    told = db.session.scalars(db.select(User.username).join(Notification, Notification.user_id == User.id).order_by(Notification.id)).all()
    assert {"technician", "cs_supervisor", "project_manager"} <= set(told)  # people in three departments
    assert len(robots.robot) == 3 and {key for key, _body in robots.robot} == {"robot-key-eng"}


def test_a_complaint_escalated_past_the_superior_goes_to_the_group_of_the_department_it_concerns(
        org, kit, clock, robots):
    c = kit.take()  # taken by the staff member of 秩序部, registered and forwarded to 工程部
    kit.register(c, depts=("eng",))
    staff = Actor(db.session.get(User, org.users["staff"].id), "10.0.0.7")
    complaints.escalate(staff, kit.fresh(c), "project_manager", "一周了还没人处理")
    worker.run(at=clock())
    assert [key for key, _body in robots.robot] == ["robot-key-eng"]
    assert c.number in robots.robot[0][1]["markdown"]["content"]


def test_a_staff_message_shows_the_deadline_in_the_readers_project_zone(org, clock, robots):
    with transaction():
        db.session.merge(org.p1).timezone = "Asia/Urumqi"
        db.session.merge(org.users["cs_supervisor"]).wecom_userid = "wufang"
    with transaction():
        notify(db.session.get(User, org.users["cs_supervisor"].id), "deadline_warn", link="/desk/repairs/BX-1",
               number="BX-20261127-0001", unit="3栋2单元1201", deadline="emergency_arrival",
               due="2026-11-27T06:15:00+00:00", level=0)
    worker.run(at=clock())
    [sent] = [m for m in robots.sent if m["touser"] == "wufang"]
    assert "12:15" in sent["text"]["content"] and "14:15" not in sent["text"]["content"]  # Urumqi, not Shanghai
