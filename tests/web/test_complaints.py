"""The complaint pages through the test client with CSRF on: intake by any employee, the board and
its filters, the record's steps as htmx fragments, printing, "my complaints", notices."""
from __future__ import annotations

import re

from wuye.extensions import db
from wuye.models import Complaint, Notification
from wuye.services.complaints import classification as classification
from wuye.services.complaints import record as rec
from wuye.services.complaints import intake as complaints
from wuye.services.deadlines.tick import tick

from ..unit.test_deadlines import sh


def html(r) -> str:
    return r.get_data(as_text=True)


def numbers(page: str) -> list[str]:
    return re.findall(r"TS-\d{8}-\d{4}", page)


# ---- intake --------------------------------------------------------------------------------

def test_an_employee_takes_a_complaint_on_the_phone_form_and_finds_it_in_my_complaints(kit, as_role, org):
    b = as_role("staff")
    page = html(b.get("/complaints/new"))
    assert 'name="channel"' in page and 'name="unit_query"' in page
    units = html(b.get("/complaints/units?unit_query=1201"))
    assert f'value="{org.units[0].id}"' in units and "3栋2单元1201" in units
    r = b.post("/complaints/new", {"channel": "phone", "unit_id": org.units[0].id, "complainant_name": "王女士",
                                   "complainant_phone": "138 1234 5678", "topic": "repair",
                                   "content": "楼道灯坏了一周", "received_at": "2026-11-27T13:50"})
    assert r.status_code == 303 and "/complaints/mine?taken=TS-20261127-0001" in r.headers["Location"]
    c = db.session.scalar(db.select(Complaint))
    assert (c.complainant_phone, c.unit_id, c.received_at) == ("13812345678", org.units[0].id, sh("13:50"))
    mine = html(b.get(r.headers["Location"]))
    assert "TS-20261127-0001" in mine and "楼道灯坏了一周" in mine


def test_the_intake_form_says_what_is_missing(kit, as_role):
    b = as_role("technician")
    b.get("/complaints/new")
    r = b.post("/complaints/new", {"channel": "visit", "complainant_name": "", "content": "",
                                   "solved_on_spot": "y", "spot_action": ""})
    page = html(r)
    assert r.status_code == 422
    assert page.count('class="error"') >= 4  # name, content, spot action, unit or phone
    assert db.session.scalar(db.select(db.func.count()).select_from(Complaint)) == 0


def test_solved_on_the_spot_from_the_form(kit, as_role, org):
    b = as_role("staff")
    b.get("/complaints/new")
    r = b.post("/complaints/new", {"channel": "visit", "unit_id": org.units[1].id, "complainant_name": "李先生",
                                   "content": "电梯按钮失灵", "solved_on_spot": "y", "spot_action": "重启电梯控制箱，已恢复"})
    assert r.status_code == 303
    c = db.session.scalar(db.select(Complaint))
    assert c.solved_on_spot and c.spot_action == "重启电梯控制箱，已恢复"
    assert {n.kind for n in db.session.scalars(db.select(Notification))} == {"complaint_solved_on_spot"}


# ---- the board -------------------------------------------------------------------------------

def test_the_board_shows_each_state_as_a_column(kit, as_role):
    kit.take()
    kit.register(kit.take(unit=1))
    kit.valid(unit=2)
    kit.invalid(unit=None, phone="13900001111")
    page = html(as_role("clerk").get("/complaints/"))
    for column in ("登记", "调查中", "处理中", "待回复", "已关闭"):
        assert column in page
    cols = re.findall(r'<section class="kcol kcol-(\w+)".*?</section>', page, re.S)
    assert cols == ["received", "investigating", "handling", "awaiting_reply", "closed"]
    assert len(set(numbers(page))) == 4


def test_the_board_filters_serious_overdue_department_validity_and_review(kit, as_role, clock):
    serious = kit.valid(severity="serious", criteria=["quality_system"])
    normal = kit.valid(unit=1)
    security = kit.take(unit=2)
    kit.register(security, depts=("security",))
    invalid = kit.invalid(unit=None, phone="13900001111")
    b = as_role("clerk")

    def shown(query: str) -> set[str]:
        r = b.get("/complaints/?" + query, headers={"HX-Request": "true"})
        assert r.status_code == 200 and "<html" not in html(r)  # the columns only
        return set(numbers(html(r)))

    assert shown("serious=y") == {serious.number}
    assert shown("review=y") == {serious.number}
    assert shown("validity=invalid") == {invalid.number}
    assert shown("validity=pending") == {security.number}
    assert shown(f"department={kit.depts['security'].id}") == {security.number}
    assert shown(f"q={normal.number}") == {normal.number}
    assert shown("overdue=y") == set()
    clock.advance(days=1, minutes=1)
    assert shown("overdue=y") == {invalid.number}


def test_a_column_shows_a_page_of_the_most_urgent_and_more_shows_the_next_with_the_filters_kept(kit, as_role, clock):
    from wuye.services.complaints.board import PER_COLUMN
    taken = []
    for _ in range(PER_COLUMN + 1):  # each taken a minute after the one before
        taken.append(kit.take(phone="13812345678"))
        clock.advance(minutes=1)
    other = kit.take(phone="13900001111", name="李先生")
    b = as_role("clerk")
    page = html(b.get("/complaints/?q=138123", headers={"HX-Request": "true"}))
    received = re.search(r'<section class="kcol kcol-received".*?</section>', page, re.S).group(0)
    shown = list(dict.fromkeys(numbers(received)))  # each card names its number twice (link, text)
    assert len(shown) == PER_COLUMN and f'<span class="count">{PER_COLUMN + 1}</span>' in received
    assert shown == [c.number for c in taken[:PER_COLUMN]]  # no deadline runs before registration: oldest first
    assert taken[-1].number not in shown and other.number not in page
    more = re.search(r'<a class="button more-cards" href="([^"]+)"', received).group(1).replace("&amp;", "&")
    assert "q=138123" in more and "page_received=2" in more
    second = html(b.get(more, headers={"HX-Request": "true"}))  # the 21st is on the second page, the filter kept
    assert set(numbers(second)) == {c.number for c in taken} and "more-cards" not in second
    assert f'hx-get="{more.replace("&", "&amp;")}"' in second  # the board refreshes itself as it now is
    full = html(b.get(more))  # without htmx: the whole page, the filter in its box
    assert 'value="138123"' in full and taken[-1].number in full


def test_an_open_column_puts_the_nearest_deadline_first_whenever_it_was_received(kit, as_role, clock):
    first, second = kit.take(), kit.take(unit=1)
    kit.register(first)
    kit.register(second)
    kit.classify(second, "valid")  # the later complaint judged first: its three days end first
    clock.advance(hours=2)
    kit.classify(first, "valid")
    page = html(as_role("clerk").get("/complaints/"))
    state = kit.fresh(first).state
    assert kit.fresh(second).state == state != "closed"
    column = re.search(rf'<section class="kcol kcol-{state}".*?</section>', page, re.S).group(0)
    assert list(dict.fromkeys(numbers(column))) == [second.number, first.number]


def test_a_page_number_that_is_not_one_shows_the_first_page(kit, as_role):
    c = kit.take()
    b = as_role("clerk")
    for bad in ("abc", "-3", "0", "99999999999999999999", "1e9"):
        r = b.get(f"/complaints/?page_received={bad}")
        assert r.status_code == 200 and c.number in html(r), bad


def test_a_department_head_sees_the_complaints_of_the_department(kit, as_role):
    ours = kit.valid()
    theirs = kit.take(unit=1, by="clerk")
    kit.register(theirs, depts=("security",))
    b = as_role("dept_head")
    assert set(numbers(html(b.get("/complaints/")))) == {ours.number}
    assert b.get(f"/complaints/{theirs.number}").status_code == 404


def test_each_reader_of_the_board_sees_their_own_project_even_as_the_boards_statement_is_reused(kit, as_role):
    """The board as it opens is one statement per kind of reader, built once with the reader as a
    parameter: a clerk of another project opening it right after gets their project, not this one."""
    c = kit.take()
    assert c.number in html(as_role("clerk").get("/complaints/"))
    assert c.number not in html(as_role("p2_clerk").get("/complaints/"))
    assert c.number in html(as_role("clerk").get("/complaints/"))


def test_an_employee_sees_only_the_complaints_they_are_part_of(kit, as_role):
    c = kit.take(by="staff")
    assert as_role("staff").get(f"/complaints/{c.number}").status_code == 200
    assert as_role("technician").get(f"/complaints/{c.number}").status_code == 404
    assert as_role("p2_clerk").get(f"/complaints/{c.number}").status_code == 404


def test_the_direct_superior_opens_the_complaint_they_were_told_of(kit, as_role):
    c = kit.take(by="staff")  # the staff member of 秩序部 reports to the 工程部 head
    b = as_role("dept_head")
    note = db.session.scalar(db.select(Notification).where(Notification.kind == "complaint_reported"))
    assert note.link == f"/complaints/{c.number}"
    assert b.get(note.link).status_code == 200
    assert c.number not in html(b.get("/complaints/"))  # not their department's to handle


# ---- the record and its steps -----------------------------------------------------------------

def test_a_step_through_htmx_answers_with_the_record_fragment(kit, as_role):
    c = kit.take()
    b = as_role("clerk")
    b.get(f"/complaints/{c.number}")
    r = b.post(f"/complaints/{c.number}/register", {
        "register-topic": "repair", "register-work_log": "业主称楼道灯坏一周", "register-severity": "serious",
        "register-criteria": ["media", "image"], "register-departments": [kit.depts["eng"].id],
        "register-forward_mode": "written", "register-forward_note": "书面转呈工程部"}, htmx=True)
    page = html(r)
    assert r.status_code == 200 and "<html" not in page
    assert "Registered and forwarded." in page or "已登记" in page or "alert-ok" in page
    assert "complaint-changed" in r.headers["HX-Trigger"]
    c = kit.fresh(c)
    assert (c.state, c.severity, c.criteria) == ("investigating", "serious", ["image", "media"])


def test_a_step_with_errors_comes_back_as_the_form_with_422(kit, as_role):
    c = kit.take()
    b = as_role("clerk")
    b.get(f"/complaints/{c.number}")
    r = b.post(f"/complaints/{c.number}/register", {
        "register-topic": "repair", "register-work_log": "记录", "register-severity": "serious",
        "register-departments": [kit.depts["eng"].id], "register-forward_mode": "phone"}, htmx=True)
    page = html(r)
    assert r.status_code == 422 and "<html" not in page
    assert page.count('class="error"') >= 2  # no criterion; not in writing
    assert kit.fresh(c).state == "received"


def checked(page: str, name: str, value: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*value="{value}"[^>]*>', page) or re.search(
        rf'<input[^>]*value="{value}"[^>]*name="{name}"[^>]*>', page)
    assert tag, (name, value)
    return "checked" in tag.group(0)


def test_when_a_repeat_is_suggested_the_registration_form_ticks_repeated_complaints(kit, as_role, clock):
    lights = kit.take(topic="repair")
    clock.advance(days=4)
    lift = kit.take(topic="facilities", content="电梯又坏了")
    page = html(as_role("clerk").get(f"/complaints/{lift.number}"))
    assert f'href="/complaints/{lights.number}"' in page  # the earlier one, across categories, with its link
    assert checked(page, "register-criteria", "repeated")
    assert checked(page, "register-severity", "serious") and not checked(page, "register-severity", "normal")
    assert checked(page, "register-forward_mode", "written")
    plain = html(as_role("clerk").get(f"/complaints/{kit.take(unit=1).number}"))
    assert not checked(plain, "register-criteria", "repeated") and checked(plain, "register-severity", "normal")


def test_the_form_only_parses_and_the_services_refusal_comes_back_at_its_field(kit, as_role):
    c = kit.register(kit.take())
    b = as_role("clerk")
    b.get(f"/complaints/{c.number}")
    r = b.post(f"/complaints/{c.number}/classify", {
        "classify-validity": "valid", "classify-valid_reason": "procedure", "classify-severity": "normal"}, htmx=True)
    assert r.status_code == 422
    page = html(r)
    kinds = page.split('class="field checks normal-kinds')[1].split("</fieldset>")[0]
    assert "has-error" in kinds.split(">")[0]
    assert "rework or repair, or a concession" in kinds or "返工返修，或让步处理" in kinds  # the service's words
    assert kit.fresh(c).validity is None


def test_a_refusal_by_the_procedure_is_said_on_the_record(kit, as_role):
    c = kit.valid()
    b = as_role("clerk")
    b.get(f"/complaints/{c.number}")
    r = b.post(f"/complaints/{c.number}/result", {"result-result": "已处理"}, htmx=True)
    assert r.status_code == 409
    assert 'role="alert"' in html(r)
    assert kit.fresh(c).state == "handling"


def test_a_plain_form_post_redirects_to_the_record(kit, as_role):
    c = kit.take()
    b = as_role("clerk")
    b.get(f"/complaints/{c.number}")
    r = b.post(f"/complaints/{c.number}/classify", {"classify-validity": "valid"})
    assert r.status_code == 422  # not registered yet: the form is back
    kit.register(c)
    r = b.post(f"/complaints/{c.number}/classify", {
        "classify-validity": "invalid", "classify-invalid_reason": "unaware_of_rules",
        "classify-severity": "normal"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/complaints/{c.number}")
    assert kit.fresh(c).validity == "invalid"


def test_the_record_page_shows_only_the_steps_the_reader_may_take(kit, as_role):
    c = kit.valid()
    clerk = html(as_role("clerk").get(f"/complaints/{c.number}"))
    assert f"/complaints/{c.number}/record" in clerk and f"/complaints/{c.number}/overrule" not in clerk
    manager = html(as_role("project_manager").get(f"/complaints/{c.number}"))
    assert f"/complaints/{c.number}/overrule" in manager
    staff = html(as_role("staff").get(f"/complaints/{c.number}"))  # took it: may follow and escalate
    assert f"/complaints/{c.number}/escalate" in staff and f"/complaints/{c.number}/record" not in staff


def test_escalating_from_my_complaints_comes_back_there(kit, as_role):
    c = kit.take(by="staff")
    b = as_role("staff")
    b.get("/complaints/mine")
    r = b.post(f"/complaints/{c.number}/escalate", {"escalate-to_role": "project_manager",
                                                    "escalate-reason": "两天没人联系", "back": "mine"})
    assert r.status_code == 303 and "/complaints/mine" in r.headers["Location"]
    page = html(b.get(r.headers["Location"]))
    assert "两天没人联系" in page


def test_the_owner_reports_a_corrective_action_done_from_my_complaints(kit, as_role):
    c = kit.valid()
    a = kit.action(c, owner="technician")
    b = as_role("technician")
    page = html(b.get("/complaints/mine"))
    assert a.number in page
    r = b.post(f"/complaints/{c.number}/actions/{a.id}/done", {f"done{a.id}-note": "已更换灯泡", "back": "mine"})
    assert r.status_code == 303
    db.session.expire_all()
    assert kit.fresh(c).actions[0].state == "done"
    page = html(b.get("/complaints/mine"))  # still in sight until customer service has checked it
    assert a.number in page and "已完成，待检查" in page and f'name="done{a.id}-note"' not in page
    rec.verify_action(kit.actor("clerk"), kit.fresh(c), a.id, True, "灯已亮")
    assert a.number not in html(b.get("/complaints/mine"))


def test_the_management_review_list_and_its_figures(kit, as_role):
    c = kit.valid(severity="serious", criteria=["quality_system"])
    kit.invalid(unit=1)
    page = html(as_role("project_manager").get("/complaints/review"))
    assert c.number in page
    assert page.count('<table class="board figure">') == 4
    r = as_role("project_manager").post(f"/complaints/{c.number}/review",
                                        {"review-conclusion": "修订维修服务规程", "back": "review"})
    assert r.status_code == 303 and "/complaints/review" in r.headers["Location"]
    assert kit.fresh(c).review_conclusion == "修订维修服务规程"


# ---- printing ----------------------------------------------------------------------------------

def test_the_written_forwarding_and_the_complaint_record_print(kit, as_role):
    c = kit.valid(severity="serious", criteria=["media"])
    kit.findings(c)
    kit.action(c)
    b = as_role("clerk")
    forwarding = html(b.get(f"/complaints/{c.number}/forwarding"))
    assert c.number in forwarding and "工程部" in forwarding and "print.css" in forwarding
    record = html(b.get(f"/complaints/{c.number}/print"))
    assert "维修工未按约定时间上门" in record and "更换楼道灯并巡检同楼层照明" in record


def test_the_printed_complaint_record_shows_the_missed_deadlines(kit, as_role, clock):
    """顾客投诉处理记录表: a valid complaint's record is due within 3 days; a corrective action by its date."""
    clock.set(sh("09:00"))
    c = kit.valid()
    kit.findings(c)
    a = kit.action(c, days=1)  # done late; the record is completed by the action, on time
    b = as_role("clerk")
    on_time = html(b.get(f"/complaints/{c.number}/print"))
    assert "未按时限完成" in on_time or "Missed deadlines" in on_time
    assert "截至目前各项时限均按时完成" in on_time or "every deadline met on time" in on_time
    tick(sh("09:01", 28))
    clock.set(sh("10:00", 28))
    rec.action_done(kit.actor("dept_head"), kit.fresh(c), a.id, "已更换")
    late = html(b.get(f"/complaints/{c.number}/print"))
    missed = late.split('class="missed"')[1].split("</table>")[0]
    assert "纠正措施 #1" in missed or "Corrective action #1" in missed
    assert "2026-11-28 09:00" in missed and "11-28 10:00" in missed  # due then, met late at that time
    assert missed.count("<tr>") == 2  # the heading and the action: the record itself was on time


def test_the_written_forwarding_reads_the_48_hours_from_the_project_policy(kit, as_role, clock):
    from wuye.services import Actor
    from wuye.services.deadlines import table as deadlines
    c = kit.valid(severity="serious", criteria=["media"])
    b = as_role("clerk")
    page = html(b.get(f"/complaints/{c.number}/forwarding"))
    assert "48 小时内" in page or "within 48 hours" in page
    deadlines.set_policy(Actor(None, "cli"), kit.org.p1, "serious_result", minutes=24 * 60)
    again = kit.take(unit=2)
    kit.register(again, severity="serious", criteria=["media"])
    page = html(b.get(f"/complaints/{again.number}/forwarding"))
    assert "1 天内" in page or "within 1 day" in page
    assert "48 小时" not in page and "48 hours" not in page


# ---- notices and the deadline pages ------------------------------------------------------------

def test_every_complaint_notice_reads_as_a_sentence(kit, as_role, clock):
    c = kit.take(by="staff", solved_on_spot=False)
    complaints.escalate(kit.actor("staff"), kit.fresh(c), "cs_supervisor", "没人联系")
    kit.register(c)
    c = kit.classify(c, "valid", severity="serious", criteria=["quality_system"])
    classification.assign(kit.actor("cs_supervisor"), kit.fresh(c), kit.org.users["project_manager"].id)
    kit.findings(c)
    a = kit.action(c, owner="technician")
    rec.action_done(kit.actor("technician"), kit.fresh(c), a.id, "完成")
    rec.verify_action(kit.actor("clerk"), kit.fresh(c), a.id, False, "无效", clock.now.replace(year=2027))
    kit.inspect(c)
    kit.result(c)
    kit.reply(c, "dissatisfied")
    from wuye.notifications.messages import text
    notes = db.session.scalars(db.select(Notification).order_by(Notification.id)).all()
    kinds = {n.kind for n in notes}
    assert {"complaint_received", "complaint_reported", "complaint_escalated", "complaint_forwarded",
            "complaint_assigned", "complaint_review", "complaint_confirm", "complaint_action_set",
            "complaint_action_done", "complaint_action_ineffective", "complaint_result",
            "complaint_dissatisfied"} <= kinds
    from flask import current_app
    with current_app.test_request_context():
        for n in notes:
            assert c.number in text(n) and "Notice:" not in text(n), n.kind


def test_a_complaint_breach_is_in_the_escalation_inbox_with_its_link(kit, as_role, clock):
    clock.set(sh("14:00"))
    c = kit.valid(severity="serious", criteria=["media"])
    tick(sh("14:01", 29))
    page = html(as_role("cs_supervisor").get("/desk/escalations"))
    assert f'href="/complaints/{c.number}"' in page
    notes = html(as_role("cs_supervisor").get("/notifications/"))
    assert c.number in notes


def test_homes_reach_new_complaint_and_my_complaints(kit, as_role):
    for role in ("staff", "housing_officer", "technician", "dept_head"):
        page = html(as_role(role).get("/me"))
        assert "/complaints/mine" in page and "/complaints/new" in page, role


def test_a_department_heads_home_is_the_complaint_board(kit, as_role):
    r = as_role("dept_head").get("/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/complaints/")


def test_the_record_offers_as_handlers_and_escalation_targets_exactly_whom_the_procedure_allows(kit, as_role):
    """B1: a complaint is handled by a department head, the CS supervisor or the project manager;
    越权上报 goes past the superior to the CS supervisor or the project manager — one list each, which
    the page offers and the service checks."""
    from wuye.models import Role, User
    c = kit.valid()
    page = html(as_role("cs_supervisor").get(f"/complaints/{c.number}"))
    handlers = page.split('name="assign-handler"')[1].split("</select>")[0]
    offered = set(re.findall(r'value="(\d+)"', handlers)) - {"0"}
    expected = {str(u.id) for u in db.session.scalars(db.select(User).where(
        User.project_id == kit.org.p1.id, User.role.in_(["dept_head", "cs_supervisor", "project_manager"])))}
    assert offered == expected
    staff = html(as_role("staff").get(f"/complaints/{c.number}"))
    targets = set(re.findall(r'name="escalate-to_role"[^>]*value="([a-z_]+)"', staff)) | set(
        re.findall(r'value="([a-z_]+)"[^>]*name="escalate-to_role"', staff))
    assert targets == {"cs_supervisor", "project_manager"}
    for role in Role:
        if role.value in targets:
            continue
        b = as_role("staff")
        b.get(f"/complaints/{c.number}")
        r = b.post(f"/complaints/{c.number}/escalate", {"escalate-to_role": role.value, "escalate-reason": "没人处理"})
        assert r.status_code == 422, role


def test_the_cs_supervisor_names_the_handler_from_a_board_card(kit, as_role):
    c = kit.valid()
    pm = kit.org.users["project_manager"].id
    b = as_role("cs_supervisor")
    assert f"/complaints/{c.number}/assign" in html(b.get("/complaints/"))
    assert f"/complaints/{c.number}/assign" not in html(as_role("clerk").get("/complaints/"))
    r = b.post(f"/complaints/{c.number}/assign", {"assign-handler": pm, "back": "board"}, htmx=True)
    assert r.status_code == 204 and "complaint-changed" in r.headers["HX-Trigger"]
    assert kit.fresh(c).handler_id == pm
    again = b.post(f"/complaints/{c.number}/assign", {"assign-handler": pm, "back": "board"}, htmx=True)
    assert again.status_code == 409 and "<html" not in html(again)


def test_a_board_cards_handler_form_works_without_htmx_as_the_page_wrote_it(kit, as_role):
    c = kit.valid()
    pm = kit.org.users["project_manager"].id
    b = as_role("cs_supervisor")
    page = html(b.get("/complaints/"))
    form = re.search(rf'<form method="post" action="/complaints/{c.number}/assign".*?</form>', page, re.S).group(0)
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    assert set(fields) == {"assign-csrf_token", "back"}
    assert re.findall(r'<option value="(\d+)" selected>', form) == [str(kit.fresh(c).handler_id or 0)]
    assert f'<option value="{pm}">' in form
    r = b.post(f"/complaints/{c.number}/assign", {**fields, "assign-handler": pm}, token=False)  # the form's token only
    assert r.status_code == 303 and kit.fresh(c).handler_id == pm
    again = html(b.get("/complaints/"))
    assert f'<option value="{pm}" selected>' in again  # the card now names its handler


def test_the_deadlines_card_refreshes_on_its_own(kit, as_role):
    c = kit.valid(severity="serious", criteria=["media"])
    r = as_role("clerk").get(f"/complaints/{c.number}?part=deadlines", headers={"HX-Request": "true"})
    page = html(r)
    assert r.status_code == 200 and "<html" not in page and "<form" not in page
    assert "严重投诉处理结果" in page and "剩余" in page


def test_customer_service_checks_an_action_reported_done_from_the_follow_up_list(kit, as_role):
    c = kit.valid()
    kit.findings(c)
    a = kit.action(c, owner="technician")
    rec.action_done(kit.actor("technician"), kit.fresh(c), a.id, "已更换灯泡")
    clerk = as_role("clerk")
    board = html(clerk.get("/complaints/"))
    assert "/complaints/actions" in board and '<span class="badge"' in board  # one waits for the check
    page = html(clerk.get("/complaints/actions"))
    assert "已更换灯泡" in page and f'name="verify{a.id}-outcome"' in page
    # not effective needs the reason and a new date: nothing is saved without them
    r = clerk.post(f"/complaints/{c.number}/actions/{a.id}/verify",
                   {f"verify{a.id}-outcome": "ineffective", f"verify{a.id}-note": "", "back": "actions"})
    assert r.status_code == 422
    assert "请说明纠正措施无效的原因。" in html(r) and "请设定新的完成期限。" in html(r)  # in the user's language
    assert "<h1>纠正措施跟踪</h1>" in html(r)  # back on the list it was sent from, the row's answers kept
    assert re.search(r'<input checked[^>]*value="ineffective"', html(r))
    assert kit.fresh(c).actions[0].state == "done"
    r = clerk.post(f"/complaints/{c.number}/actions/{a.id}/verify",
                   {f"verify{a.id}-outcome": "effective", f"verify{a.id}-note": "现场查看，灯已亮", "back": "actions"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/complaints/actions?done={c.number}")
    assert kit.fresh(c).actions[0].state == "effective"
    page = html(clerk.get(r.headers["Location"]))
    assert f'name="verify{a.id}-outcome"' not in page and c.number in page  # the saved message names it


def test_a_department_head_sees_the_follow_up_but_customer_service_does_the_check(kit, as_role):
    c = kit.valid()
    kit.findings(c)
    a = kit.action(c, owner="technician")
    rec.action_done(kit.actor("technician"), kit.fresh(c), a.id, "已更换灯泡")
    page = html(as_role("dept_head").get("/complaints/actions"))
    assert "已更换灯泡" in page and f'name="verify{a.id}-outcome"' not in page
    r = as_role("dept_head").post(f"/complaints/{c.number}/actions/{a.id}/verify",
                                  {f"verify{a.id}-outcome": "effective", "back": "actions"})
    assert r.status_code == 403
    assert kit.fresh(c).actions[0].state == "done"
