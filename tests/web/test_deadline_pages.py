"""Where people see deadlines: badges on the board, the order page and the phone, the overdue
filter, the escalation inbox, the notices and /healthz."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit.test_deadlines import arrive, sh
from wuye.extensions import db
from wuye.models import WatcherHeartbeat
from wuye.services.deadlines.tick import tick


@pytest.fixture
def emergency(org, make_order, clock):
    clock.set(sh("14:45"))
    return make_order(urgency="emergency", technician=org.users["technician"])


@pytest.mark.parametrize("at, tone", [("14:50", "deadline-ok"), ("14:58", "deadline-warn"),
                                      ("15:05", "deadline-late")])
def test_the_board_shows_each_orders_running_deadline(emergency, clock, as_role, at, tone):
    clock.set(sh(at))
    html = as_role("clerk").get("/desk/repairs").get_data(as_text=True)
    assert f'class="deadline {tone}"' in html


def test_the_overdue_filter_shows_only_orders_past_their_deadline(org, emergency, make_order, clock, as_role):
    on_time = make_order()  # appointment at 16:45
    clock.set(sh("15:05"))
    clerk = as_role("clerk")
    everything = clerk.get("/desk/repairs").get_data(as_text=True)
    assert emergency.number in everything and on_time.number in everything
    overdue = clerk.get("/desk/repairs?overdue=y").get_data(as_text=True)
    assert emergency.number in overdue and on_time.number not in overdue
    arrive(emergency, sh("15:04"))
    assert emergency.number not in clerk.get("/desk/repairs?overdue=y").get_data(as_text=True)


def test_the_order_page_lists_its_deadlines_and_refreshes_them(emergency, clock, as_role):
    clerk = as_role("clerk")
    page = clerk.get(f"/desk/repairs/{emergency.number}").get_data(as_text=True)
    assert 'id="order-deadlines"' in page and 'class="deadline deadline-ok"' in page
    clock.set(sh("15:03"))
    part = clerk.get(f"/desk/repairs/{emergency.number}?part=deadlines", headers={"HX-Request": "true"})
    html = part.get_data(as_text=True)
    assert part.status_code == 200 and "<html" not in html and 'class="deadline deadline-late"' in html


def test_the_technicians_job_list_shows_the_deadline(emergency, clock, as_role):
    clock.set(sh("14:58"))
    html = as_role("technician").get("/tech/").get_data(as_text=True)
    assert 'class="deadline deadline-warn"' in html


def test_the_escalation_inbox_lists_open_breaches_with_who_is_responsible(org, emergency, as_role):
    tick(sh("15:11"))
    supervisor = as_role("cs_supervisor")
    html = supervisor.get("/desk/escalations").get_data(as_text=True)
    assert f'href="/desk/repairs/{emergency.number}"' in html and org.users["technician"].name in html
    assert 'href="/desk/escalations"' in html  # in the nav
    assert 'href="/desk/escalations"' not in as_role("clerk").get("/desk/repairs").get_data(as_text=True)
    arrive(emergency, sh("15:12"))
    assert emergency.number not in supervisor.get("/desk/escalations").get_data(as_text=True)


def test_each_escalation_lands_in_the_receivers_notifications(org, emergency, as_role):
    tick(sh("15:31"))
    for user in ("technician", "clerk", "cs_supervisor", "project_manager"):
        html = as_role(user).get("/notifications/").get_data(as_text=True)
        assert emergency.number in html, user


def test_healthz_reports_no_watcher_where_none_ever_ran(app, anon):
    r = anon.get("/healthz")
    assert r.status_code == 200
    assert (r.json["watcher"], r.json["watcher_lag_seconds"]) == ("off", None)


def test_healthz_answers_503_when_the_watcher_has_been_silent_too_long(ctx, anon, clock):
    db.session.add(WatcherHeartbeat(name="deadlines", beat_at=clock.now - timedelta(seconds=61), process="x:1"))
    db.session.commit()
    r = anon.get("/healthz")
    assert r.status_code == 503
    assert (r.json["status"], r.json["watcher"], r.json["watcher_lag_seconds"]) == ("error", "silent", 61.0)
    clock.advance(seconds=-55)
    r = anon.get("/healthz")
    assert r.status_code == 200 and r.json["watcher"] == "ok" and r.json["watcher_lag_seconds"] == 6.0


def test_healthz_lag_check_can_be_turned_off(ctx, anon, clock, monkeypatch):
    db.session.add(WatcherHeartbeat(name="deadlines", beat_at=clock.now - timedelta(hours=3), process="x:1"))
    db.session.commit()
    monkeypatch.setitem(ctx.config, "WUYE_WATCHER_MAX_LAG", 0)
    assert anon.get("/healthz").status_code == 200


def test_each_board_row_shows_the_orders_most_urgent_running_deadline_and_none_once_met(
        org, emergency, make_order, clock, app, as_role):
    """The board joins each order's deadline into its query; the badge is the one the order page's
    rule gives (running_by_subject: the most urgent not met, not closed), or none."""
    import re

    from wuye.deadlines import badge_html
    from wuye.services.deadlines.table import running_by_subject
    plain = make_order()
    arrived = make_order(urgency="emergency", technician=org.users["technician"])
    clock.set(sh("14:58"))
    arrive(arrived, sh("14:57"))
    from wuye.models import Deadline
    own = db.session.scalars(db.select(Deadline).where(Deadline.subject_id == emergency.id,
                                                       Deadline.subject_type == "repair_order")).all()
    # a second running deadline of another rule, due later: the board must still show the sooner one
    later = own[0].due_at + timedelta(hours=5)
    db.session.add(Deadline(subject_type="repair_order", subject_id=emergency.id, project_id=emergency.project_id,
                            kind="preparation", started_at=own[0].started_at, due_at=later, warn_at=later))
    db.session.commit()
    html = as_role("clerk").get("/desk/repairs").get_data(as_text=True)
    rows = {m.group(1): m.group(0) for m in re.finditer(r"<tr>\s*<td><a [^>]*>([^<]+)</a>.*?</tr>", html, re.S)}
    assert {emergency.number, plain.number, arrived.number} <= set(rows)
    with app.test_request_context("/"):
        from flask_login import login_user
        login_user(org.users["clerk"])
        for order in (emergency, plain, arrived):
            d = running_by_subject("repair_order", [order.id]).get(order.id)
            expected = str(badge_html(d)) if d else ""
            cell = re.findall(r"<td>(.*?)</td>", rows[order.number], re.S)[7]  # the 期限 column
            assert cell == expected, (order.number, cell, expected)
    assert 'class="deadline' in rows[emergency.number]
