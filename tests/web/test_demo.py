"""`make run` loads the demo once (`seed-demo --if-empty`): two weeks of work replayed through the
services, so every page has something real to show — including customer service's follow-up list."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.fixtures.web import Browser
from wuye.extensions import db
from wuye.models import Complaint, RepairOrder, User
from wuye.services.complaints import board as boards


def test_the_demo_is_loaded_once_through_the_services_and_its_pages_open(app):
    runner = app.test_cli_runner()
    with app.app_context():
        first = runner.invoke(args=["seed-demo", "--if-empty"])
        assert first.exit_code == 0 and "demo data created" in first.output, first.output
        again = runner.invoke(args=["seed-demo", "--if-empty"])
        assert again.exit_code == 0 and "already present" in again.output
        states = set(db.session.scalars(select(RepairOrder.state).distinct()))
        assert {"new", "dispatched", "completed", "declined"} <= states
        columns = set(db.session.scalars(select(Complaint.state).distinct()))
        assert {"received", "investigating", "handling", "awaiting_reply", "closed"} <= columns
        assert db.session.scalar(select(func.count()).select_from(RepairOrder)) > 20
        clerk = db.session.scalar(select(User).where(User.username == "clerk"))
        tracking = boards.action_tracking(clerk)
        assert len(tracking.to_check) == 1 and len(tracking.overdue) == 1

    b = Browser(app.test_client())
    assert b.login("clerk", "wuye-demo-2026").status_code == 303
    for path in ("/desk/repairs", "/desk/repairs/new", "/complaints/", "/complaints/actions", "/complaints/mine"):
        r = b.get(path)
        assert r.status_code == 200, path
    assert "清掏B2区排水沟并疏通集水井" in b.get("/complaints/actions").get_data(as_text=True)
