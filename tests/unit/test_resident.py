"""D residents: the private link, the timeline in the resident's words, the 服务单 (A2 quality
record) and its rules, 回访 for low scores, and asking for another appointment."""
from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from tests.fixtures.journey import Journey
from wuye.extensions import db
from wuye.models import AuditEvent, Deadline, RepairOrder, ResidentLink, ReturnVisit, ServiceForm
from wuye.services import Actor, DomainError, InvalidInput, NotAllowed
from wuye.services.residents import appointments
from wuye.services.residents import link as svc
from wuye.services.residents import service_form as forms
from wuye.services.residents.service_form import Answers


@pytest.fixture
def clerk(org):
    return Actor(org.users["clerk"], "10.0.0.2")


@pytest.fixture
def order(org, make_order, clock):
    return make_order(technician=org.users["technician2"])  # 李志强


@pytest.fixture
def link(clerk, order):
    return svc.issue_link(clerk, order)[0]


def fresh(order) -> RepairOrder:
    return db.session.get(RepairOrder, order.id)


def words(order) -> list[str]:
    return [s.word for s in svc.timeline(fresh(order))]


GOOD = Answers(overall=5, timeliness=4, attitude=5, quality=4, comments="师傅很专业")
LOW = Answers(overall=2, timeliness=3, attitude=4, quality=3, comments="来晚了")


# ---- the link -------------------------------------------------------------------------------

def test_a_token_carries_at_least_128_random_bits_and_only_its_digest_is_stored(clerk, order):
    tokens = [svc.issue_link(clerk, order)[1] for _ in range(50)]
    assert len(set(tokens)) == 50
    for token in tokens:
        assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128
    stored = db.session.scalars(db.select(ResidentLink.digest).order_by(ResidentLink.id)).all()
    assert set(stored) == {svc.digest(t) for t in tokens}
    everything = " ".join(str(e.changes) for e in db.session.scalars(db.select(AuditEvent)))
    assert not any(t in everything or t in stored for t in tokens)


def test_a_revoked_link_resolves_like_an_unknown_one(clerk, order):
    link, token = svc.issue_link(clerk, order)
    assert svc.resolve(token).id == link.id
    svc.revoke_link(clerk, fresh(order), link.id)
    assert svc.resolve(token) is None
    assert svc.resolve("x" * 43) is None


def test_revoke_all_and_issue_a_new_link_ends_every_live_link(clerk, order):
    old = [svc.issue_link(clerk, order)[1] for _ in range(2)]
    _link, new = svc.reissue(clerk, fresh(order))
    assert [svc.resolve(t) for t in old] == [None, None]
    assert svc.resolve(new) is not None
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.subject_id == order.id).order_by(AuditEvent.id)).all()
    assert actions.count("resident_link_revoke") == 2 and actions.count("resident_link_issue") == 3


def test_only_the_desk_issues_links(org, order):
    with pytest.raises(NotAllowed):
        svc.issue_link(Actor(org.users["technician"], "x"), order)


# ---- what the page shows ----------------------------------------------------------------------

def test_the_technician_is_shown_as_surname_and_master_only(ctx):
    assert svc.technician_title("李志强") == "李师傅"
    assert svc.technician_title("欧阳娜娜") == "欧阳师傅"


def test_the_unit_is_masked_to_building_and_entrance(org, order):
    assert svc.mask_unit(fresh(order).unit) == "3栋2单元***"


def test_the_timeline_follows_the_order_in_the_residents_words(order, clock):
    assert words(order) == ["已受理", "已派工"]
    journey = Journey(order).to("arrive")
    assert words(order) == ["已受理", "已派工", "师傅已出发", "师傅已到达"]
    journey.to("pay")
    assert words(order) == ["已受理", "已派工", "师傅已出发", "师傅已到达", "维修中", "待验收", "已验收", "已完成"]
    v = svc.view(fresh(order))
    assert v.status.word == "已完成" and not v.is_open and v.form_open


def test_cannot_fix_now_shows_as_rescheduled_with_the_new_time(order, clock):
    start = clock.now + timedelta(days=1)
    Journey(order).to("consent").cannot_fix(start)
    last = svc.timeline(fresh(order))[-1]
    assert (last.word, last.new_start, last.new_end) == ("改约", start, start + timedelta(hours=2))
    assert svc.view(fresh(order)).status.word == "改约"


def test_a_declined_order_shows_declined_and_opens_the_form_asking_why(order, link, clock):
    Journey(order).to("arrive").decline()
    assert words(order)[-1] == "已谢绝"
    with pytest.raises(InvalidInput):
        forms.submit(link, Answers(overall=3, timeliness=4, attitude=4), "1.2.3.4")
    form = forms.submit(link, Answers(overall=3, timeliness=4, attitude=4, quality=5, declined_reason="price"),
                        "1.2.3.4")
    assert form.quality is None and form.declined_reason == "price"


# ---- the 服务单 ---------------------------------------------------------------------------------

def test_the_service_form_opens_only_when_the_work_is_completed(order, link, clock):
    journey = Journey(order).to("sign_acceptance")
    with pytest.raises(DomainError):
        forms.submit(link, GOOD, "1.2.3.4")
    journey.to("pay")
    assert forms.submit(link, GOOD, "1.2.3.4").overall == 5


def test_the_service_form_is_sent_once(order, link, clock):
    Journey(order).to("pay")
    forms.submit(link, GOOD, "1.2.3.4")
    with pytest.raises(DomainError):
        forms.submit(link, GOOD, "1.2.3.4")
    assert db.session.scalar(db.select(db.func.count()).select_from(ServiceForm)) == 1


def test_scores_are_1_to_5_for_every_question(order, link, clock):
    Journey(order).to("pay")
    for bad in (Answers(0, 3, 3, 3), Answers(6, 3, 3, 3), Answers(3, None, 3, 3), Answers(3, 3, 3, None)):
        with pytest.raises(InvalidInput):
            forms.submit(link, bad, "1.2.3.4")


def test_the_service_form_can_be_changed_within_24_hours_and_not_after(order, link, clock):
    Journey(order).to("pay")
    forms.submit(link, GOOD, "1.2.3.4")
    clock.advance(hours=23, minutes=59)
    changed = forms.change(link, Answers(overall=4, timeliness=4, attitude=4, quality=4), "1.2.3.4")
    assert changed.overall == 4 and changed.updated_at == clock.now
    clock.advance(minutes=2)
    with pytest.raises(DomainError):
        forms.change(link, GOOD, "1.2.3.4")
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "service_form_change"))
    assert event.changes["previous"]["overall"] == 5 and event.changes["overall"] == 4


def test_a_score_of_2_or_less_opens_one_return_visit(org, order, link, clock):
    Journey(order).to("pay")
    forms.submit(link, LOW, "1.2.3.4")
    visit = db.session.scalar(db.select(ReturnVisit))
    assert (visit.order_id, visit.score, visit.reason, visit.done_at) == (order.id, 2, "low_score", None)
    forms.change(link, Answers(overall=1, timeliness=1, attitude=1, quality=1), "1.2.3.4")
    assert db.session.scalar(db.select(db.func.count()).select_from(ReturnVisit)) == 1  # still the one open
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "return_visit_open")) is not None


def test_a_score_of_3_opens_no_return_visit(order, link, clock):
    Journey(order).to("pay")
    forms.submit(link, Answers(overall=3, timeliness=3, attitude=3, quality=3), "1.2.3.4")
    assert db.session.scalar(db.select(ReturnVisit)) is None


def test_a_change_to_a_low_score_opens_a_return_visit_too(order, link, clock):
    Journey(order).to("pay")
    forms.submit(link, GOOD, "1.2.3.4")
    forms.change(link, LOW, "1.2.3.4")
    assert db.session.scalar(db.select(ReturnVisit)).score == 2


def test_customer_service_closes_a_return_visit_with_a_note(org, clerk, order, link, clock):
    Journey(order).to("pay")
    forms.submit(link, LOW, "1.2.3.4")
    visit = db.session.scalar(db.select(ReturnVisit))
    with pytest.raises(InvalidInput):
        forms.complete_return_visit(clerk, visit.id, org.p1.id, "")
    with pytest.raises(DomainError):
        forms.complete_return_visit(Actor(org.users["p2_clerk"], "x"), visit.id, org.p2.id, "电话回访")
    forms.complete_return_visit(clerk, visit.id, org.p1.id, "已电话回访，业主表示理解")
    assert db.session.get(ReturnVisit, visit.id).done_by_id == org.users["clerk"].id
    assert forms.return_visits(org.p1.id) == []


# ---- another time -------------------------------------------------------------------------------

def test_the_resident_asks_for_another_time_and_the_desk_moves_the_appointment(org, clerk, order, link, clock):
    start = clock.now + timedelta(days=2)
    req = appointments.request_change(link, start, start + timedelta(hours=2), "白天上班", "1.2.3.4")
    assert fresh(order).appointment_start != start  # the request alone changes nothing
    with pytest.raises(DomainError):
        appointments.request_change(link, start, start + timedelta(hours=2), "", "1.2.3.4")  # one open at a time
    appointments.answer_request(clerk, req, True, "")
    assert (fresh(order).appointment_start, fresh(order).appointment_end) == (start, start + timedelta(hours=2))
    arrival = db.session.scalar(db.select(Deadline).where(
        Deadline.subject_id == order.id, Deadline.kind == "appointment_arrival", Deadline.closed_at.is_(None)))
    assert arrival.due_at == start
    last = svc.timeline(fresh(order))[-1]
    assert (last.word, last.new_start) == ("改约", start)


def test_a_refusal_needs_a_note_for_the_resident(clerk, order, link, clock):
    start = clock.now + timedelta(days=1)
    req = appointments.request_change(link, start, start + timedelta(hours=2), "", "1.2.3.4")
    with pytest.raises(DomainError):
        appointments.answer_request(clerk, req, False, "")
    appointments.answer_request(clerk, req, False, "当天师傅排满，请改选其他时间")
    assert svc.view(fresh(order)).request.state == "refused"


def test_no_new_time_once_the_technician_has_left(order, link, clock):
    Journey(order).to("depart")
    start = clock.now + timedelta(days=1)
    with pytest.raises(DomainError):
        appointments.request_change(link, start, start + timedelta(hours=2), "", "1.2.3.4")


def test_a_time_in_the_past_is_refused(order, link, clock):
    with pytest.raises(DomainError):
        appointments.request_change(link, clock.now - timedelta(hours=3), clock.now - timedelta(hours=1), "", "1.2.3.4")
