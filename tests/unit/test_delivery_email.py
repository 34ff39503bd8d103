"""Email by SMTP (a real aiosmtpd server): escalations, and the managers' daily digest once a day."""
from __future__ import annotations

import email
from datetime import timedelta
from email import policy

import pytest

from tests.unit.test_deadlines import sh
from wuye.database import transaction
from wuye.extensions import db
from wuye.models import Delivery, DeliveryAddress, DeliveryState, DigestDay, Notification
from wuye.services.delivery import worker
from wuye.services.delivery.digest import make_digests
from wuye.services.notifications import notify

S = DeliveryState


@pytest.fixture
def manager(org, smtp):
    pm = db.session.merge(org.users["project_manager"])
    with transaction():
        db.session.add(DeliveryAddress(user_id=pm.id, channel="email", address="pm@cuihu.example.cn"))
    return pm


def mails(smtp):
    return [email.message_from_bytes(raw, policy=policy.default) for _f, _t, raw in smtp.received]


def test_an_escalation_reaches_the_project_manager_by_email(manager, clock, smtp, app):
    app.config["WUYE_PUBLIC_URL"] = "https://wuye.example.cn"
    with transaction():
        notify(manager, "deadline_escalate", link="/desk/repairs/BX-20261127-0007", number="BX-20261127-0007",
               unit="3栋2单元1201", deadline="arrival_emergency", due="2026-11-27T06:15:00+00:00", level=3,
               responsible="张伟")
    assert worker.run(at=clock()).delivered == 1
    [(sender, to, _raw)] = smtp.received
    [mail] = mails(smtp)
    assert sender == "wuye@cuihu.example.cn" and to == ["pm@cuihu.example.cn"]
    assert "BX-20261127-0007" in mail["Subject"] and mail["Subject"].startswith("[紧急]")
    body = mail.get_content()
    assert "3栋2单元1201" in body and "11-27 14:15" in body and "https://wuye.example.cn/desk/repairs/BX-20261127-0007" in body
    d = db.session.scalar(db.select(Delivery))
    assert d.gateway_id == mail["Message-ID"]


def test_a_new_job_is_not_emailed_to_a_manager_by_default(manager, clock, smtp):
    with transaction():
        notify(manager, "repair_dispatched", number="BX-1", unit="3栋", urgency="normal")
    assert db.session.scalar(db.select(Delivery)) is None


def test_a_refused_mailbox_fails_at_once_and_a_busy_one_is_retried(manager, org, clock, smtp):
    cs = db.session.merge(org.users["cs_supervisor"])
    with transaction():
        db.session.get(DeliveryAddress, 1).address = "bad@cuihu.example.cn"
        db.session.add(DeliveryAddress(user_id=cs.id, channel="email", address="busy@cuihu.example.cn"))
        for u in (manager, cs):
            notify(u, "deadline_escalate", number="BX-2", deadline="arrival_emergency", level=2)
    worker.run(at=clock())
    db.session.expire_all()
    bad, busy = db.session.scalars(db.select(Delivery).order_by(Delivery.id)).all()
    assert bad.state == S.FAILED and "550" in bad.last_error
    assert busy.state == S.PENDING and "451" in busy.last_error
    assert smtp.received == []


def test_the_daily_digest_is_made_once_at_8_and_mailed_to_the_managers(manager, org, make_order, clock, smtp):
    clock.set(sh("10:00") - timedelta(days=1))
    make_order(technician=db.session.merge(org.users["technician"]))
    assert make_digests(sh("07:59")) == 0  # not before 08:00
    assert make_digests(sh("08:00")) == 2  # P1 and P2
    assert make_digests(sh("08:05")) == 0  # once a day, whoever asks
    assert db.session.scalar(db.select(db.func.count()).select_from(DigestDay)) == 2
    told = db.session.scalars(db.select(Notification).where(Notification.kind == "daily_digest").order_by(Notification.id)).all()
    assert {n.user_id for n in told} == {db.session.merge(org.users[r]).id
                                         for r in ("dept_head", "cs_supervisor", "project_manager")}
    assert told[0].params["new_repairs"] == 1
    worker.run(at=sh("08:00"))
    [mail] = mails(smtp)
    assert mail["To"] == "pm@cuihu.example.cn" and "每日简报" in mail["Subject"] and "新报修 1 单" in mail["Subject"]
