"""What a lost or reassigned phone asks the server: which of its jobs are still this technician's,
and — once the account is disabled — where the steps still on the phone go (refused actions the
desk sees, never lost)."""
from __future__ import annotations

import re
import uuid

from wuye.extensions import db
from wuye.models import AuditEvent
from wuye.models.offline import RefusedAction
from wuye.services import Actor, orgs
from wuye.services.repairs import intake as repairs

from tests.fixtures.web import _as_another_client


def token_of(page_html: str) -> str:
    m = re.search(r'data-phone-token="([^"]+)"', page_html)
    assert m, "the technician's pages carry the phone token"
    return m.group(1)


def surrender(anon, token, items):
    return _as_another_client(anon.client.post, "/tech/offline/surrender", json={"token": token, "items": items})


def item(order, action="tick"):
    return {"key": str(uuid.uuid4()), "number": order.number, "action": action,
            "happened_at": "2026-11-27T06:05:00.000Z"}


def test_the_phone_learns_which_of_its_jobs_are_still_this_technicians(org, make_order, as_role):
    mine = make_order(technician=org.users["technician"])
    moved = make_order(technician=org.users["technician"])
    theirs = make_order(technician=org.users["technician2"])
    repairs.reassign(Actor(org.users["clerk"], "x"), moved, org.users["technician2"].id, "请假")
    tech = as_role("technician")
    r = tech.get(f"/tech/offline/mine?n={mine.number}&n={moved.number}&n={theirs.number}&n=BX-nonsense")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert r.json["mine"] == [mine.number]
    assert r.json["user"] == org.users["technician"].id and r.json["days"] == 3


def test_a_disabled_technicians_steps_become_refused_actions_the_desk_sees_once(org, make_order, as_role, anon):
    order = make_order(technician=org.users["technician"])
    token = token_of(as_role("technician").get("/tech/").get_data(as_text=True))
    steps = [item(order), item(order, "depart")]

    # still active (a session that merely expired): nothing is taken, the phone keeps its steps
    r = surrender(anon, token, steps)
    assert r.status_code == 200 and r.json == {"state": "active"}
    assert db.session.scalar(db.select(db.func.count()).select_from(RefusedAction)) == 0

    orgs.set_active(Actor(None, "cli"), org.users["technician"], False)  # flask user disable
    r = surrender(anon, token, steps)
    assert r.json["state"] == "disabled" and r.json["recorded"] == [s["key"] for s in steps]
    again = surrender(anon, token, steps)  # the phone lost the answer and sends them again
    assert again.json["recorded"] == [s["key"] for s in steps]
    refused = db.session.scalars(db.select(RefusedAction).order_by(RefusedAction.id)).all()
    assert [(x.action, x.order_id, x.status_code) for x in refused] == [("tick", order.id, 403), ("depart", order.id, 403)]
    assert "停用" in refused[0].message and refused[0].happened_at is not None
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "offline_refused", AuditEvent.subject_id == order.id)) == 2
    # the desk's order page shows them
    assert "停用" in as_role("clerk").get(f"/desk/repairs/{order.number}").get_data(as_text=True)


def test_surrender_refuses_a_forged_or_foreign_token_and_garbage(org, make_order, as_role, anon):
    order = make_order(technician=org.users["technician"])
    token = token_of(as_role("technician").get("/tech/").get_data(as_text=True))
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert surrender(anon, forged, [item(order)]).status_code == 403
    assert surrender(anon, "not-a-token", [item(order)]).status_code == 403
    assert _as_another_client(anon.client.post, "/tech/offline/surrender", data="x").status_code == 400
    assert _as_another_client(anon.client.post, "/tech/offline/surrender", json=[1, 2]).status_code == 400
    assert _as_another_client(anon.client.post, "/tech/offline/surrender",
                              json={"token": "x", "items": "nope"}).status_code == 400
    orgs.set_active(Actor(None, "cli"), org.users["technician"], False)
    assert token == token_of_signed(org)
    r = surrender(anon, token, [{"key": "short"}, {"key": None}, "x", {"key": "k" * 65}, {"key": "a\u0000" * 10},
                                {"key": "a" * 20, "number": "\u0000" * 50, "action": "x\u0000" * 50, "happened_at": "garbage"}])
    assert r.status_code == 200 and r.json["recorded"] == ["a" * 20]
    assert db.session.scalar(db.select(RefusedAction.order_id)) is None


def token_of_signed(org) -> str:
    from itsdangerous import URLSafeSerializer
    from flask import current_app
    return URLSafeSerializer(current_app.secret_key, salt="wuye-phone").dumps(org.users["technician"].id)


def test_the_job_page_lists_the_outbox_keys_it_already_includes(org, make_order, as_role):
    order = make_order(technician=org.users["technician"])
    tech = as_role("technician")
    tech.get(f"/tech/jobs/{order.number}")
    key = str(uuid.uuid4())
    r = tech.post(f"/tech/jobs/{order.number}/accept", {}, htmx=True, headers={"Idempotency-Key": key})
    assert r.status_code == 204
    html = tech.get(f"/tech/jobs/{order.number}").get_data(as_text=True)
    assert key in re.search(r'data-applied="([^"]*)"', html).group(1)
