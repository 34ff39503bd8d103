"""B1–B4: taking a complaint, registering and forwarding it, judging it valid or invalid and normal
or serious, repeated complaints, 越权上报, the project manager's final say, management review."""
from __future__ import annotations

from datetime import timedelta

import pytest

from wuye.extensions import db
from wuye.models import AuditEvent, Complaint, Deadline, Notification, User
from wuye.services import DomainError, InvalidInput, NotAllowed
from wuye.services.complaints import classification as classification
from wuye.services.complaints import record as rec
from wuye.services.complaints import intake as complaints

ALL_EMPLOYEES = ["clerk", "technician", "housing_officer", "dept_head", "cs_supervisor", "project_manager", "staff"]


def told(kind: str) -> list[str]:
    return [u for u, in db.session.execute(
        db.select(User.username).join(Notification, Notification.user_id == User.id)
        .where(Notification.kind == kind).order_by(Notification.id))]


def running(c) -> list[str]:
    return sorted(k for k, in db.session.execute(db.select(Deadline.kind).where(
        Deadline.subject_type == "complaint", Deadline.subject_id == c.id, Deadline.met_at.is_(None),
        Deadline.closed_at.is_(None))))


def actions(c) -> list[str]:
    return [a for a, in db.session.execute(db.select(AuditEvent.action).where(
        AuditEvent.subject_type == "complaint", AuditEvent.subject_id == c.id).order_by(AuditEvent.id))]


# ---- B2 投诉的受理 -------------------------------------------------------------------------

@pytest.mark.parametrize("role", ALL_EMPLOYEES)
def test_any_employee_of_the_project_takes_a_complaint(kit, role):
    c = kit.take(by=role)
    assert (c.number, c.state, c.received_by_id) == ("TS-20261127-0001", "received", kit.org.users[role].id)
    assert actions(c) == ["take", "complainant_sms_refused"]  # no SMS: nobody on file agreed, nor at intake


def test_the_administrator_is_no_employee_and_takes_none(kit):
    with pytest.raises(NotAllowed):
        kit.take(by="admin")


def test_complaint_numbers_run_per_project_and_day(kit, clock):
    assert [kit.take().number for _ in range(2)] == ["TS-20261127-0001", "TS-20261127-0002"]
    clock.advance(days=1)
    assert kit.take().number == "TS-20261128-0001"


def test_a_complaint_not_solved_on_the_spot_is_forwarded_to_customer_service_and_reported_to_the_superior(kit):
    c = kit.take(by="staff")
    assert told("complaint_received") == ["clerk", "cs_supervisor"]
    assert told("complaint_reported") == ["dept_head"]  # the staff member's direct superior
    assert not c.solved_on_spot


def test_solved_on_the_spot_is_reported_to_customer_service_and_the_direct_superior(kit):
    c = kit.take(by="staff", solved_on_spot=True, spot_action="当场更换了楼道灯泡")
    assert (c.solved_on_spot, c.spot_action) == (True, "当场更换了楼道灯泡")
    assert told("complaint_solved_on_spot") == ["clerk", "cs_supervisor", "dept_head"]


def test_solved_on_the_spot_says_what_was_done(kit):
    with pytest.raises(InvalidInput):
        kit.take(solved_on_spot=True, spot_action=" ")


def test_the_direct_superior_is_otherwise_the_head_of_the_employees_department(kit):
    kit.take(by="technician")  # 工程部, no superior set: its department head
    assert told("complaint_reported") == ["dept_head"]


def test_every_complaint_gets_an_answer_so_it_needs_a_unit_or_a_phone(kit):
    with pytest.raises(InvalidInput):
        kit.take(unit=None, phone="")
    assert kit.take(unit=None, phone="0755-12345678").complainant_phone == "0755-12345678"


def test_customer_service_confirms_a_solution_on_the_spot_and_closes_it(kit):
    c = kit.take(solved_on_spot=True, spot_action="当场解决")
    complaints.close_on_spot(kit.actor("clerk"), kit.fresh(c), "回访业主：满意")
    c = kit.fresh(c)
    assert (c.state, c.close_note) == ("closed", "回访业主：满意")
    assert told("complaint_closed") == ["staff"]  # 件件有回音: the employee who took it hears


def test_only_a_complaint_solved_on_the_spot_closes_that_way(kit):
    with pytest.raises(NotAllowed):
        complaints.close_on_spot(kit.actor("clerk"), kit.take(), "不适用")


# ---- 越权上报 --------------------------------------------------------------------------------

@pytest.mark.parametrize("to_role", ["cs_supervisor", "project_manager"])
def test_the_employee_who_took_it_escalates_past_the_superior_when_it_is_not_handled(kit, to_role):
    c = kit.take(by="staff")
    e = complaints.escalate(kit.actor("staff"), kit.fresh(c), to_role, "三天了还没人联系业主")
    assert (e.to_role, e.reason) == (to_role, "三天了还没人联系业主")
    assert told("complaint_escalated") == [to_role]
    assert "dept_head" not in told("complaint_escalated")  # past the superior
    assert actions(c)[-1] == "escalate"


def test_only_the_employee_who_took_it_escalates(kit):
    c = kit.take(by="staff")
    with pytest.raises(NotAllowed):
        complaints.escalate(kit.actor("technician"), kit.fresh(c), "cs_supervisor", "没人处理")


def test_an_escalation_says_what_has_not_been_handled(kit):
    c = kit.take(by="staff")
    with pytest.raises(InvalidInput):
        complaints.escalate(kit.actor("staff"), kit.fresh(c), "project_manager", "")
    with pytest.raises(InvalidInput):
        complaints.escalate(kit.actor("staff"), kit.fresh(c), "clerk", "没人处理")


def test_a_closed_complaint_is_not_escalated(kit):
    c = kit.take(by="staff", solved_on_spot=True, spot_action="当场解决")
    complaints.close_on_spot(kit.actor("clerk"), kit.fresh(c), "确认")
    with pytest.raises(DomainError):
        complaints.escalate(kit.actor("staff"), kit.fresh(c), "project_manager", "还没解决")


# ---- B3 登记、转呈 -----------------------------------------------------------------------------

def test_customer_service_registers_it_in_the_work_log_and_forwards_a_normal_complaint_by_phone(kit):
    c = kit.register(kit.take())
    assert (c.state, c.topic, c.severity, c.registered_by_id) == ("investigating", "repair", "normal",
                                                                  kit.org.users["clerk"].id)
    assert [(f.mode, f.to) for f in c.forwardings] == [("phone", "工程部")]
    assert [d.name for d in c.departments] == ["工程部"]
    assert told("complaint_forwarded") == ["dept_head"]
    assert actions(c) == ["take", "complainant_sms_refused", "register", "forward", "assign"]


def test_a_normal_complaint_may_be_forwarded_in_person(kit):
    c = kit.register(kit.take(), mode="verbal")
    assert c.forwardings[0].mode == "verbal"


def test_a_serious_complaint_must_be_forwarded_in_writing(kit):
    c = kit.take()
    with pytest.raises(InvalidInput, match="书面"):
        kit.register(c, severity="serious", criteria=["media"], mode="phone")
    c = kit.register(c, severity="serious", criteria=["media"])
    assert c.written_forwarding is not None


def test_a_complaint_that_becomes_serious_later_is_forwarded_again_in_writing(kit):
    c = kit.register(kit.take())
    c = kit.classify(c, "valid", severity="serious", criteria=["image"])
    assert [f.mode for f in c.forwardings] == ["phone", "written"]
    assert c.forwardings[1].to == "工程部"


def test_the_head_of_the_department_involved_handles_it(kit):
    c = kit.register(kit.take())
    assert c.handler_id == kit.org.users["dept_head"].id
    assert told("complaint_assigned") == ["dept_head"]


@pytest.mark.parametrize("channel", ["government", "company"])
def test_complaints_made_to_the_company_or_to_government_are_the_cs_supervisors(kit, channel):
    c = kit.register(kit.take(channel=channel))
    assert c.handler_id == kit.org.users["cs_supervisor"].id


def test_registering_is_customer_services_work(kit):
    with pytest.raises(NotAllowed):
        kit.register(kit.take(), by="dept_head")


# ---- B3 投诉的分类: 普通 and 严重 ------------------------------------------------------------------

@pytest.mark.parametrize("criterion", ["several_departments", "media", "image", "system_doubt", "repeated",
                                       "quality_system"])
def test_each_serious_criterion_of_the_seed_makes_a_complaint_serious(kit, criterion):
    c = kit.valid(severity="serious", criteria=[criterion])
    assert (c.severity, c.criteria) == ("serious", [criterion])
    assert "serious_result" in running(c)


def test_a_serious_complaint_names_its_criterion(kit):
    c = kit.register(kit.take())
    with pytest.raises(InvalidInput):
        kit.classify(c, "valid", severity="serious", criteria=[])


def test_a_complaint_meeting_a_serious_criterion_is_not_normal(kit):
    c = kit.register(kit.take())
    with pytest.raises(InvalidInput):
        kit.classify(c, "valid", severity="normal", criteria=["media"])


@pytest.mark.parametrize("kind", ["rework", "concession"])
def test_a_normal_complaint_is_ended_by_rework_or_by_a_concession(kit, kind):
    c = kit.register(kit.take())
    with pytest.raises(InvalidInput):
        kit.classify(c, "valid", severity="normal", normal_kind=None)
    assert kit.classify(c, "valid", severity="normal", normal_kind=kind).normal_kind == kind


def test_caused_by_a_quality_system_defect_must_go_to_management_review(kit):
    c = kit.valid(severity="serious", criteria=["quality_system", "several_departments"])
    assert c.management_review
    assert told("complaint_review") == ["cs_supervisor", "project_manager"]
    assert "management_review" in actions(c)
    other = kit.valid(severity="serious", criteria=["media"])
    assert not other.management_review


def test_the_management_review_list_holds_the_quality_system_complaints_until_reviewed(kit, org):
    from wuye.services.complaints.board import review_list
    first = kit.valid(severity="serious", criteria=["quality_system"])
    kit.valid(severity="serious", criteria=["media"])
    second = kit.valid(severity="serious", criteria=["quality_system"])
    assert [c.number for c in review_list(org.p1)] == [second.number, first.number]
    classification.review(kit.actor("project_manager"), kit.fresh(second), "修订《维修服务规程》第5条，增加回访环节")
    listed = review_list(org.p1)
    assert [c.number for c in listed] == [first.number, second.number]  # reviewed ones last
    assert listed[1].review_conclusion.startswith("修订")
    with pytest.raises(NotAllowed):
        classification.review(kit.actor("clerk"), kit.fresh(first), "结论")


def test_a_complaint_off_the_review_list_cannot_be_reviewed(kit):
    with pytest.raises(NotAllowed):
        classification.review(kit.actor("project_manager"), kit.valid(), "结论")


# ---- B4 无效投诉和有效投诉 -----------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["unaware_of_rules", "insufficient_basis", "other_body"])
def test_each_invalid_reason_of_the_seed_makes_a_complaint_invalid_to_be_explained(kit, reason):
    c = kit.register(kit.take())
    c = kit.classify(c, "invalid", reason=reason)
    assert (c.validity, c.validity_reason, c.state) == ("invalid", reason, "awaiting_reply")
    assert running(c) == ["invalid_contact"]


@pytest.mark.parametrize("reason", ["attitude", "procedure", "facilities", "materials", "area"])
def test_each_valid_reason_of_the_seed_makes_a_complaint_valid_to_be_corrected(kit, reason):
    c = kit.register(kit.take())
    c = kit.classify(c, "valid", reason=reason)
    assert (c.validity, c.validity_reason, c.state) == ("valid", reason, "handling")
    assert running(c) == ["valid_record"]


def test_a_reason_must_be_picked_and_match_the_validity(kit):
    c = kit.register(kit.take())
    for validity, reason in (("valid", "unaware_of_rules"), ("invalid", "attitude"), ("valid", ""),
                             ("maybe", "attitude")):
        with pytest.raises(InvalidInput):
            kit.classify(c, validity, reason=reason or "none")
    assert kit.fresh(c).validity is None


def test_a_valid_complaints_corrective_action_enters_the_system_before_its_result(kit):
    c = kit.valid()
    kit.findings(c)
    with pytest.raises(DomainError, match="纠正措施"):
        kit.result(c)
    kit.action(c)
    assert kit.result(c).state == "awaiting_reply"


def test_a_serious_complaints_result_needs_the_on_site_inspection(kit):
    c = kit.valid(severity="serious", criteria=["several_departments"])
    kit.findings(c)
    kit.action(c)
    with pytest.raises(DomainError, match="现场查看"):
        kit.result(c)
    with pytest.raises(NotAllowed):
        kit.inspect(c, by="clerk")  # led by the customer-service manager
    kit.inspect(c)
    assert kit.result(c).state == "awaiting_reply"


# ---- 短时间内重复投诉 ---------------------------------------------------------------------------

def test_a_complaint_from_the_same_unit_within_30_days_is_a_suggested_repeat(kit, clock):
    first = kit.take()
    clock.advance(days=29)
    second = kit.take()
    assert second.repeat_status == "suggested"
    assert [e.number for e in second.earlier] == [first.number]
    assert told("complaint_repeat") == ["clerk", "cs_supervisor"]
    assert actions(second) == ["take", "complainant_sms_refused", "repeat_suggested"]


def test_repeated_complaints_from_a_household_are_found_across_categories(kit, clock):
    """短时间内业户重复投诉: the household complains again — about the lift after the lights, or
    without saying what about — and it is the household that repeats, not the topic."""
    lights = kit.take(topic="repair")
    clock.advance(days=3)
    noise = kit.take(topic="noise")
    assert noise.repeat_status == "suggested" and [e.number for e in noise.earlier] == [lights.number]
    clock.advance(days=3)
    untold = kit.take(topic=None)
    assert [e.number for e in untold.earlier] == [lights.number, noise.number]


def test_no_repeat_after_the_window_or_for_another_unit(kit, clock):
    kit.take()
    assert kit.take(unit=1).repeat_status is None
    assert kit.take(unit=None).repeat_status is None  # a phone number alone is no household
    clock.advance(days=31)
    assert kit.take(unit=2).repeat_status is None


def test_the_repeat_window_is_configurable(kit, clock, app):
    app.config["WUYE_COMPLAINT_REPEAT_DAYS"] = 7
    kit.take()
    clock.advance(days=8)
    assert kit.take().repeat_status is None


def test_an_earlier_complaint_closed_and_corrected_is_no_repeat(kit, clock):
    first = kit.take(solved_on_spot=True, spot_action="当场解决")
    complaints.close_on_spot(kit.actor("clerk"), kit.fresh(first), "业主满意")
    clock.advance(days=3)
    assert kit.take().repeat_status is None


def _closed_valid(kit, satisfaction="satisfied", fail_first=False):
    c = kit.valid()
    kit.findings(c)
    a = kit.action(c)
    rec.action_done(kit.actor("dept_head"), kit.fresh(c), a.id, "已更换")
    if fail_first:
        rec.verify_action(kit.actor("clerk"), kit.fresh(c), a.id, False, "灯又坏了", a.due_at + timedelta(days=2))
        rec.action_done(kit.actor("dept_head"), kit.fresh(c), a.id, "整体更换线路")
    rec.verify_action(kit.actor("clerk"), kit.fresh(c), a.id, True, "已修好")
    kit.result(c)
    kit.reply(c, satisfaction)
    return complaints.close(kit.actor("clerk"), kit.fresh(c))


def test_a_repeat_when_the_earlier_corrective_action_failed(kit, clock):
    first = _closed_valid(kit, fail_first=True)
    assert first.state == "closed"
    clock.advance(days=5)
    assert kit.take().repeat_status == "suggested"


def test_a_repeat_when_the_earlier_complainant_was_not_satisfied(kit, clock):
    _closed_valid(kit, satisfaction="dissatisfied")
    clock.advance(days=5)
    assert kit.take().repeat_status == "suggested"


def test_customer_service_confirms_a_repeat_and_it_becomes_serious(kit, clock):
    kit.take()
    clock.advance(days=2)
    second = kit.register(kit.take())
    c = classification.decide_repeat(kit.actor("clerk"), kit.fresh(second), True, "同一问题第二次投诉，未解决")
    assert (c.repeat_status, c.severity, c.criteria) == ("confirmed", "serious", ["repeated"])
    assert c.written_forwarding is not None
    assert "serious_result" in running(c)


def test_customer_service_dismisses_a_repeat_with_a_reason(kit, clock):
    kit.take()
    second = kit.take()
    with pytest.raises(InvalidInput):
        classification.decide_repeat(kit.actor("clerk"), kit.fresh(second), False, "")
    c = classification.decide_repeat(kit.actor("clerk"), kit.fresh(second), False, "业主反映的是另一盏灯")
    assert (c.repeat_status, c.repeat_reason, c.severity) == ("dismissed", "业主反映的是另一盏灯", None)
    with pytest.raises(DomainError):
        classification.decide_repeat(kit.actor("clerk"), kit.fresh(second), True, "再改")


def test_a_suggested_repeat_proposes_the_repeated_complaints_criterion_at_registration(kit, clock):
    kit.take()
    clock.advance(days=2)
    second = kit.take(topic="noise")
    assert classification.proposed_severity(kit.fresh(second)) == ("serious", ["repeated"])
    assert classification.proposed_severity(kit.fresh(kit.take(unit=1))) == ("normal", [])


def test_registering_a_suggested_repeat_as_repeated_confirms_it(kit, clock):
    kit.take()
    clock.advance(days=2)
    second = kit.register(kit.take(), severity="serious", criteria=["repeated"])
    assert (second.repeat_status, second.severity, second.criteria) == ("confirmed", "serious", ["repeated"])
    assert second.repeat_decided_by.username == "clerk" and second.repeat_reason
    assert actions(second) == ["take", "complainant_sms_refused", "repeat_suggested", "register", "repeat_confirmed", "forward", "assign"]
    assert "serious_result" in running(second)


def test_registering_a_suggested_repeat_as_normal_leaves_the_suggestion_to_decide(kit, clock):
    kit.take()
    second = kit.register(kit.take())
    assert (second.repeat_status, second.severity) == ("suggested", "normal")


# ---- one place for each rule: the service decides the classification -------------------------

def test_every_fault_of_a_registration_is_named_at_its_input(kit):
    c = kit.take()
    with pytest.raises(InvalidInput) as refused:
        classification.register(kit.actor("clerk"), kit.fresh(c), classification.Registration(
            topic="", work_log=" ", severity="serious", criteria=[],
            forwarding=classification.Forwarding("phone")))
    assert set(refused.value.problems) == {"topic", "work_log", "criteria", "mode", "department_ids"}
    assert "writing" in refused.value.problems["mode"] or "书面" in refused.value.problems["mode"]
    assert kit.fresh(c).state == "received"


def test_a_normal_complaint_meeting_a_serious_criterion_is_refused_by_the_service(kit):
    c = kit.register(kit.take())
    with pytest.raises(InvalidInput) as refused:
        kit.classify(c, "valid", severity="normal", criteria=["media"], normal_kind=None)
    assert set(refused.value.problems) == {"severity", "normal_kind"}
    with pytest.raises(InvalidInput) as refused:
        kit.classify(c, "invalid", reason="procedure")  # a reason of a valid complaint
    assert set(refused.value.problems) == {"reason"}
    assert kit.fresh(c).validity is None


# ---- B1 职责: handler, referral, the project manager's final say --------------------------------

def test_the_cs_supervisor_assigns_a_manager_to_handle_it(kit):
    c = kit.valid(severity="serious", criteria=["image"])
    c = classification.assign(kit.actor("cs_supervisor"), kit.fresh(c), kit.org.users["project_manager"].id)
    assert c.handler_id == kit.org.users["project_manager"].id
    serious = db.session.scalar(db.select(Deadline).where(Deadline.subject_id == c.id,
                                                          Deadline.kind == "serious_result"))
    assert serious.responsible_id == kit.org.users["project_manager"].id
    with pytest.raises(NotAllowed):
        classification.assign(kit.actor("clerk"), kit.fresh(c), kit.org.users["dept_head"].id)
    with pytest.raises(InvalidInput):  # a technician is no manager
        classification.assign(kit.actor("cs_supervisor"), kit.fresh(c), kit.org.users["technician"].id)


def test_a_department_that_cannot_resolve_it_refers_it_to_the_cs_supervisor(kit):
    c = kit.valid()
    c = classification.refer(kit.actor("dept_head"), kit.fresh(c), "涉及开发商遗留问题，部门无权处理")
    assert c.handler_id == kit.org.users["cs_supervisor"].id
    assert told("complaint_referred") == ["cs_supervisor"]


def test_a_department_head_handles_only_complaints_of_their_department(kit):
    c = kit.take()
    kit.register(c, depts=("security",))
    c = kit.classify(c, "valid")
    with pytest.raises(NotAllowed):
        kit.findings(c, by="dept_head")
    with pytest.raises(NotAllowed):
        classification.refer(kit.actor("dept_head"), kit.fresh(c), "不归我们")


def test_the_project_manager_overrules_a_classification_with_a_reason(kit):
    c = kit.valid()
    k = classification.Classification(validity="invalid", reason="other_body", severity="normal")
    with pytest.raises(InvalidInput):
        classification.overrule(kit.actor("project_manager"), kit.fresh(c), k, "")
    with pytest.raises(NotAllowed):
        classification.overrule(kit.actor("cs_supervisor"), kit.fresh(c), k, "应由自来水公司处理")
    c = classification.overrule(kit.actor("project_manager"), kit.fresh(c), k, "应由自来水公司处理")
    assert (c.validity, c.validity_reason, c.state, c.overrule_reason) == (
        "invalid", "other_body", "awaiting_reply", "应由自来水公司处理")
    assert running(c) == ["invalid_contact"]
    assert told("complaint_overruled") == ["clerk", "dept_head"]
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "overrule")).one()
    assert event.changes["before"]["validity"] == "valid"


def test_overruling_to_serious_starts_the_48_hours_from_the_receipt(kit, clock):
    c = kit.take()
    clock.advance(hours=5)
    c = kit.classify(kit.register(c), "valid")
    k = classification.Classification(validity="valid", reason="procedure", severity="serious", criteria=["image"])
    c = classification.overrule(kit.actor("project_manager"), kit.fresh(c), k, "已上本地论坛热帖")
    serious = db.session.scalar(db.select(Deadline).where(Deadline.subject_id == c.id,
                                                          Deadline.kind == "serious_result"))
    assert serious.due_at == c.received_at + timedelta(hours=48)


# ---- the record and the answer ---------------------------------------------------------------

def test_the_responsible_person_confirms_the_findings(kit):
    c = kit.valid()
    kit.findings(c, person="technician")
    assert told("complaint_confirm") == ["technician"]
    with pytest.raises(InvalidInput):  # on their behalf: say how they confirmed
        rec.confirm(kit.actor("clerk"), kit.fresh(c), "")
    c = rec.confirm(kit.actor("technician"), kit.fresh(c))
    assert c.confirmed_by_id == kit.org.users["technician"].id
    with pytest.raises(NotAllowed):  # someone else not on the record
        rec.confirm(kit.actor("staff"), kit.fresh(c), "签字")


def test_changed_findings_need_confirming_again(kit):
    c = kit.valid()
    kit.findings(c)
    rec.confirm(kit.actor("technician"), kit.fresh(c))
    c = kit.findings(c, person="technician2")
    assert c.confirmed_at is None


def test_the_penalty_decision_is_recorded_with_its_rule_and_no_amount_is_computed(kit):
    c = kit.valid()
    with pytest.raises(DomainError):
        rec.decide_penalty(kit.actor("dept_head"), kit.fresh(c), "通报批评", "《员工考核及奖惩办法》第12条")
    kit.findings(c)
    with pytest.raises(NotAllowed):
        rec.decide_penalty(kit.actor("clerk"), kit.fresh(c), "通报批评", "第12条")
    c = rec.decide_penalty(kit.actor("dept_head"), kit.fresh(c), "通报批评，扣当月考核分5分",
                           "《员工考核及奖惩办法》第12条")
    assert (c.penalty_decision, c.penalty_reference) == ("通报批评，扣当月考核分5分", "《员工考核及奖惩办法》第12条")


def test_a_corrective_action_found_not_effective_is_done_again_by_a_new_due_date(kit, clock):
    c = kit.valid()
    a = kit.action(c)
    with pytest.raises(DomainError):  # only an action reported done is checked
        rec.verify_action(kit.actor("clerk"), kit.fresh(c), a.id, True)
    rec.action_done(kit.actor("dept_head"), kit.fresh(c), a.id, "已更换灯泡")
    with pytest.raises(NotAllowed):  # customer service checks it
        rec.verify_action(kit.actor("dept_head"), kit.fresh(c), a.id, True)
    with pytest.raises(InvalidInput):
        rec.verify_action(kit.actor("clerk"), kit.fresh(c), a.id, False, "灯又坏了", None)
    due = clock.now + timedelta(days=5)
    a = rec.verify_action(kit.actor("clerk"), kit.fresh(c), a.id, False, "灯又坏了", due)
    assert (a.state, a.failed_checks, a.due_at, a.done_at) == ("ineffective", 1, due, None)
    assert told("complaint_action_ineffective") == ["dept_head"]
    d = db.session.scalar(db.select(Deadline).where(Deadline.subject_type == "corrective_action",
                                                    Deadline.subject_id == a.id, Deadline.met_at.is_(None)))
    assert d.due_at == due


def test_only_the_owner_or_the_recorders_report_an_action_done(kit):
    c = kit.valid()
    a = kit.action(c, owner="technician")
    with pytest.raises(NotAllowed):
        rec.action_done(kit.actor("staff"), kit.fresh(c), a.id, "做完了")
    assert rec.action_done(kit.actor("technician"), kit.fresh(c), a.id, "已更换").state == "done"
    assert told("complaint_action_done") == ["clerk"]


def test_every_matter_has_an_owner_every_complaint_an_answer_before_it_closes(kit):
    c = kit.valid()
    kit.findings(c)
    a = kit.action(c)
    kit.result(c)
    with pytest.raises(DomainError) as refused:
        complaints.close(kit.actor("clerk"), kit.fresh(c))
    assert "答复" in refused.value.message and "#1" in refused.value.message
    kit.reply(c)
    with pytest.raises(DomainError, match="#1"):
        complaints.close(kit.actor("clerk"), kit.fresh(c))
    kit.done_and_verified(c, a)
    c = complaints.close(kit.actor("clerk"), kit.fresh(c), "已回访")
    assert (c.state, c.satisfaction) == ("closed", "satisfied")
    assert running(c) == []
    assert actions(c)[-1] == "close"


def test_an_invalid_complaint_closes_once_explained(kit):
    c = kit.invalid()
    with pytest.raises(DomainError):
        complaints.close(kit.actor("clerk"), kit.fresh(c))
    contact = kit.reply(c, "basically")
    assert contact.purpose == "explain"
    assert complaints.close(kit.actor("clerk"), kit.fresh(c)).state == "closed"


def test_each_decision_is_an_audit_event(kit):
    c = _closed_valid(kit)
    assert actions(c) == ["take", "complainant_sms_refused", "register", "forward", "assign", "classify", "record",
                          "action_set", "action_done", "action_verified", "result", "reply", "close"]
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.subject_type == "complaint").order_by(AuditEvent.id)).all()
    assert all(e.actor_id for e in events)


def test_a_complaint_of_another_project_is_out_of_reach(kit, org):
    from wuye.services import Actor
    c = kit.take()
    p2 = Actor(db.session.get(User, org.users["p2_clerk"].id), "x")
    with pytest.raises(NotAllowed):
        classification.register(p2, kit.fresh(c), classification.Registration(
            "repair", "x", "normal", classification.Forwarding("phone", [kit.depts["eng"].id])))
    assert db.session.get(Complaint, c.id).state == "received"
