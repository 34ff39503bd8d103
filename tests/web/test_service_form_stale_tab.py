"""服务单 from a stale second tab: answers saved since the form was opened are never silently
replaced — the resident sees what is saved now and sends again to replace it."""
from __future__ import annotations

import re

import pytest

from tests.fixtures.journey import Journey
from wuye.extensions import db
from wuye.models import AuditEvent, ServiceForm
from wuye.services import Actor
from wuye.services.residents import link as svc

SCORES = ("overall", "timeliness", "attitude", "quality")


@pytest.fixture
def token(org, make_order, clock):
    order = make_order(technician=org.users["technician"])
    Journey(order).to("pay")
    return svc.issue_link(Actor(org.users["clerk"], "x"), order)[1]


def _version(html: str) -> str:
    return re.search(r'name="version" value="([^"]*)"', html).group(1)


def _answers(score: int, version: str, comments: str = "") -> dict:
    return {**{q: str(score) for q in SCORES}, "comments": comments, "version": version}


def _stored() -> ServiceForm:
    db.session.expire_all()
    return db.session.scalar(db.select(ServiceForm))


def _changes() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "service_form_change"))


def test_a_first_answer_from_a_stale_tab_does_not_replace_the_answers_sent_from_another(anon, token):
    tab_a = _version(anon.get(f"/s/{token}").get_data(as_text=True))
    tab_b = _version(anon.get(f"/s/{token}").get_data(as_text=True))
    assert tab_a == tab_b == ""  # nothing sent yet
    assert anon.post(f"/s/{token}/form", _answers(5, tab_b, "很好")).status_code == 303
    r = anon.post(f"/s/{token}/form", _answers(1, tab_a, "太慢"))
    html = r.get_data(as_text=True)
    assert r.status_code == 409
    assert _stored().overall == 5 and _stored().comments == "很好" and _changes() == 0
    # the page shows what is saved now, keeps what this tab typed, and asks to send again
    assert "现在保存的答案" in html and "很好" in html and "太慢" in html and "用这次的答案替换" in html
    assert anon.post(f"/s/{token}/form", _answers(1, _version(html), "太慢")).status_code == 303
    assert _stored().overall == 1 and _changes() == 1


def test_a_change_from_a_stale_tab_does_not_replace_a_later_change(anon, token, clock):
    anon.post(f"/s/{token}/form", _answers(4, ""))
    tab_a = _version(anon.get(f"/s/{token}/form").get_data(as_text=True))
    tab_b = _version(anon.get(f"/s/{token}/form").get_data(as_text=True))
    clock.advance(minutes=5)
    assert anon.post(f"/s/{token}/form", _answers(2, tab_b)).status_code == 303
    r = anon.post(f"/s/{token}/form", _answers(5, tab_a), htmx=True)
    assert r.status_code == 409 and _stored().overall == 2
    assert "2 / 5" in r.get_data(as_text=True)


def test_a_change_over_the_answers_on_screen_goes_through_at_once(anon, token):
    anon.post(f"/s/{token}/form", _answers(4, ""))
    seen = _version(anon.get(f"/s/{token}/form").get_data(as_text=True))
    assert anon.post(f"/s/{token}/form", _answers(3, seen)).status_code == 303
    assert _stored().overall == 3


def test_a_change_without_the_version_it_was_opened_on_asks_first(anon, token):
    anon.post(f"/s/{token}/form", _answers(4, ""))
    data = _answers(1, "")
    del data["version"]
    assert anon.post(f"/s/{token}/form", data).status_code == 409 and _stored().overall == 4


def test_an_incomplete_form_comes_back_still_opened_on_the_answers_it_was_opened_on(anon, token):
    anon.post(f"/s/{token}/form", _answers(4, ""))
    tab_a = _version(anon.get(f"/s/{token}/form").get_data(as_text=True))
    anon.post(f"/s/{token}/form", _answers(2, tab_a))  # the other tab changes them
    r = anon.post(f"/s/{token}/form", {"overall": "5", "version": tab_a})
    assert r.status_code == 422 and _version(r.get_data(as_text=True)) == tab_a
    assert anon.post(f"/s/{token}/form", _answers(5, tab_a)).status_code == 409
