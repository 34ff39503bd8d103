"""Every route × every role has its expected answer; a route missing from the matrix fails the test."""
from __future__ import annotations

import pytest

from wuye.extensions import db
from wuye.models import Notification, User

ROLES = ["clerk", "technician", "housing_officer", "dept_head", "cs_supervisor", "project_manager", "staff",
         "admin", None]  # None: not signed in
DESK = {"clerk", "cs_supervisor", "project_manager"}
SIGNED_IN = set(ROLES) - {None}
PUBLIC = set(ROLES)
# complaints (issue 7): any employee takes one; CS registers; the board for CS, department heads, managers
EMPLOYEES = SIGNED_IN - {"admin"}
CS = {"clerk", "cs_supervisor"}
MANAGERS = {"cs_supervisor", "project_manager"}
BOARD = {"clerk", "dept_head", "cs_supervisor", "project_manager"}
REPORTS = {"cs_supervisor", "project_manager", "admin", "dept_head"}
ADMINS = {"admin", "project_manager"}

# endpoint → (method, url template, roles that get through)
MATRIX = {
    "static": ("GET", "/static/css/app.css", PUBLIC),
    "main.home": ("GET", "/", PUBLIC),
    "main.workbench": ("GET", "/me", SIGNED_IN),
    "main.healthz": ("GET", "/healthz", PUBLIC),
    "auth.login": ("GET", "/login", PUBLIC),
    "auth.logout": ("POST", "/logout", SIGNED_IN),
    "auth.language": ("POST", "/lang", PUBLIC),
    "desk.intake": ("GET", "/desk/repairs/new", DESK),
    "desk.unit_search": ("GET", "/desk/units/search?unit_query=12", DESK),
    "desk.unit_pick": ("GET", "/desk/units/{unit}/pick", DESK),
    "desk.board": ("GET", "/desk/repairs", DESK),
    "desk.order": ("GET", "/desk/repairs/{number}", DESK),
    "desk.dispatch": ("POST", "/desk/repairs/{number}/dispatch", DESK),
    "desk.reassign": ("POST", "/desk/repairs/{number}/reassign", DESK),
    "desk.cancel": ("POST", "/desk/repairs/{number}/cancel", DESK),
    "desk.print_order": ("GET", "/desk/repairs/{number}/print", DESK),
    "desk.sheet": ("GET", "/desk/repairs/{number}/sheet", DESK),
    "desk.signature": ("GET", "/desk/repairs/{number}/signatures/999", DESK),
    "desk.photo_file": ("GET", "/desk/repairs/{number}/photos/999/thumb", DESK),
    "desk.correct_sheet": ("POST", "/desk/repairs/{number}/correct-sheet", DESK),
    "desk.charge_proposal": ("GET", "/desk/repairs/charge-proposal?unit_id={unit}&category=leak", DESK),
    "desk.change_charge": ("POST", "/desk/repairs/{number}/charge", DESK),
    "deadlines.escalations": ("GET", "/desk/escalations", {"cs_supervisor", "project_manager"}),
    "tech.home": ("GET", "/tech/", {"technician"}),
    "job.job": ("GET", "/tech/jobs/{number}", {"technician"}),
    "offline.service_worker": ("GET", "/tech/sw.js", PUBLIC),
    "offline.manifest": ("GET", "/tech/manifest.webmanifest", PUBLIC),
    "offline.csrf_token": ("GET", "/tech/csrf", {"technician"}),
    "offline.mine": ("GET", "/tech/offline/mine?n={number}", {"technician"}),
    # authorised by the phone token in its body (a form post without one: 400)
    "offline.surrender": ("POST", "/tech/offline/surrender", PUBLIC),
    "job.show": ("GET", "/tech/jobs/{number}/show", {"technician"}),
    "job.sheet": ("GET", "/tech/jobs/{number}/sheet", {"technician"}),
    "job.signature": ("GET", "/tech/jobs/{number}/signatures/999", {"technician"}),
    "job.photo_file": ("GET", "/tech/jobs/{number}/photos/999/full", {"technician"}),
    "job.accept": ("POST", "/tech/jobs/{number}/accept", {"technician"}),
    "job.tick": ("POST", "/tech/jobs/{number}/tick", {"technician"}),
    "job.depart": ("POST", "/tech/jobs/{number}/depart", {"technician"}),
    "job.arrive": ("POST", "/tech/jobs/{number}/arrive", {"technician"}),
    "job.door": ("POST", "/tech/jobs/{number}/door", {"technician"}),
    "job.consent": ("POST", "/tech/jobs/{number}/consent", {"technician"}),
    "job.decline": ("POST", "/tech/jobs/{number}/decline", {"technician"}),
    "job.note": ("POST", "/tech/jobs/{number}/note", {"technician"}),
    "job.photo": ("POST", "/tech/jobs/{number}/photo", {"technician"}),
    "job.pause": ("POST", "/tech/jobs/{number}/pause", {"technician"}),
    "job.resume": ("POST", "/tech/jobs/{number}/resume", {"technician"}),
    "job.cannot_fix": ("POST", "/tech/jobs/{number}/cannot_fix", {"technician"}),
    "job.finish": ("POST", "/tech/jobs/{number}/finish", {"technician"}),
    "job.sign_acceptance": ("POST", "/tech/jobs/{number}/sign_acceptance", {"technician"}),
    "job.pay": ("POST", "/tech/jobs/{number}/pay", {"technician"}),
    "job.invoice_delivered": ("POST", "/tech/jobs/{number}/invoice_delivered", {"technician"}),
    "job.change_charge": ("POST", "/tech/jobs/{number}/change_charge", {"technician"}),
    "job.no_charge": ("POST", "/tech/jobs/{number}/no_charge", {"technician"}),
    "complaints.new": ("GET", "/complaints/new", EMPLOYEES),
    "complaints.units": ("GET", "/complaints/units?unit_query=12", EMPLOYEES),
    "complaints.sms_consent": ("GET", "/complaints/consent?complainant_phone=13800001201", EMPLOYEES),
    "complaints.mine": ("GET", "/complaints/mine", EMPLOYEES),
    "complaints.board": ("GET", "/complaints/", BOARD),
    "complaints.review_list": ("GET", "/complaints/review", MANAGERS),
    "complaints.actions": ("GET", "/complaints/actions", BOARD),
    "complaints.show": ("GET", "/complaints/{complaint}", EMPLOYEES),
    "complaints.print_forwarding": ("GET", "/complaints/{complaint}/forwarding", BOARD),
    "complaints.print_record": ("GET", "/complaints/{complaint}/print", BOARD),
    "complaints.register": ("POST", "/complaints/{complaint}/register", CS),
    "complaints.forward": ("POST", "/complaints/{complaint}/forward", CS),
    "complaints.repeat": ("POST", "/complaints/{complaint}/repeat", CS),
    "complaints.classify": ("POST", "/complaints/{complaint}/classify", CS),
    "complaints.overrule": ("POST", "/complaints/{complaint}/overrule", {"project_manager"}),
    "complaints.assign": ("POST", "/complaints/{complaint}/assign", MANAGERS),
    "complaints.refer": ("POST", "/complaints/{complaint}/refer", {"dept_head"}),
    "complaints.record": ("POST", "/complaints/{complaint}/record", BOARD),
    "complaints.confirm": ("POST", "/complaints/{complaint}/confirm", EMPLOYEES),
    "complaints.inspect": ("POST", "/complaints/{complaint}/inspect", MANAGERS),
    "complaints.set_action": ("POST", "/complaints/{complaint}/actions", BOARD),
    "complaints.action_done": ("POST", "/complaints/{complaint}/actions/999/done", EMPLOYEES),
    "complaints.verify_action": ("POST", "/complaints/{complaint}/actions/999/verify", CS),
    "complaints.penalty": ("POST", "/complaints/{complaint}/penalty", BOARD - {"clerk"}),
    "complaints.result": ("POST", "/complaints/{complaint}/result", BOARD),
    "complaints.contact": ("POST", "/complaints/{complaint}/contacts", CS),
    "complaints.reply": ("POST", "/complaints/{complaint}/reply", CS),
    "complaints.close": ("POST", "/complaints/{complaint}/close", DESK),
    "complaints.close_on_spot": ("POST", "/complaints/{complaint}/close-on-spot", CS),
    "complaints.review": ("POST", "/complaints/{complaint}/review", MANAGERS),
    "complaints.escalate": ("POST", "/complaints/{complaint}/escalate", EMPLOYEES),
    "notifications.index": ("GET", "/notifications/", SIGNED_IN),
    "notifications.badge": ("GET", "/notifications/badge", SIGNED_IN),
    "notifications.open_one": ("POST", "/notifications/{notification}/open", SIGNED_IN),
    "notifications.read_all": ("POST", "/notifications/read-all", SIGNED_IN),
    "desk.issue_link": ("POST", "/desk/repairs/{number}/resident-links", DESK),
    "desk.reissue_link": ("POST", "/desk/repairs/{number}/resident-links/reissue", DESK),
    "desk.revoke_link": ("POST", "/desk/repairs/{number}/resident-links/999/revoke", DESK),
    "desk.answer_request": ("POST", "/desk/appointment-requests/999", DESK),
    "desk.return_visits": ("GET", "/desk/return-visits", DESK),
    "desk.return_visit_done": ("POST", "/desk/return-visits/999/done", DESK),
    "resident.page": ("GET", "/s/{token}", PUBLIC),
    "resident.service_form": ("POST", "/s/{token}/form", PUBLIC),
    "resident.change_appointment": ("POST", "/s/{token}/appointment", PUBLIC),
    "resident.photo_file": ("GET", "/s/{token}/photos/999/thumb", PUBLIC),
    "resident.robots": ("GET", "/robots.txt", PUBLIC),
    # administration (issue 11): admin everything, a project manager their own project
    "admin.users": ("GET", "/admin/users", ADMINS),
    "admin.disable": ("POST", "/admin/users/{victim}/disable", ADMINS),
    "admin.enable": ("POST", "/admin/users/{victim}/enable", ADMINS),
    "admin.projects": ("GET", "/admin/projects", ADMINS),
    "admin.project_new": ("POST", "/admin/projects/new", {"admin"}),
    "admin.project": ("GET", "/admin/projects/{project}", ADMINS),
    "admin.deadline_policy": ("POST", "/admin/projects/{project}/deadlines/preparation", ADMINS),
    "admin.buildings": ("GET", "/admin/projects/{project}/buildings", ADMINS),
    "admin.building": ("GET", "/admin/buildings/{building}", ADMINS),
    "admin.units": ("GET", "/admin/projects/{project}/units", ADMINS),
    "admin.unit_new": ("GET", "/admin/projects/{project}/units/new", ADMINS),
    "admin.unit": ("GET", "/admin/units/{unit}", ADMINS),
    "admin.departments": ("GET", "/admin/projects/{project}/departments", ADMINS),
    "admin.department": ("GET", "/admin/departments/{department}", ADMINS),
    "admin.user_new": ("GET", "/admin/users/new", ADMINS),
    "admin.user": ("GET", "/admin/users/{victim}", ADMINS),
    "admin.reset_password": ("POST", "/admin/users/{victim}/password", ADMINS),
    "admin.categories": ("GET", "/admin/projects/{project}/categories", ADMINS),
    "admin.category": ("POST", "/admin/categories/{category}", ADMINS),
    "admin.prices": ("GET", "/admin/projects/{project}/prices", ADMINS),
    "admin.price": ("POST", "/admin/prices/{price}", ADMINS),
    "admin.labour": ("POST", "/admin/projects/{project}/labour", ADMINS),
    "admin.windows": ("GET", "/admin/projects/{project}/windows", ADMINS),
    "admin.window": ("POST", "/admin/windows/{window}", ADMINS),
    "admin.import_file": ("GET", "/admin/projects/{project}/import/units", ADMINS),
    "admin.import_confirm": ("POST", "/admin/projects/{project}/import/units/confirm", ADMINS),
    "admin.import_template": ("GET", "/admin/import/users/template.xlsx", ADMINS),
    "admin.export": ("GET", "/admin/projects/{project}/export/units.xlsx", ADMINS),
    "password.choose": ("GET", "/password", SIGNED_IN),
    "deliveries.index": ("GET", "/admin/deliveries/", {"admin"}),
    "deliveries.retry": ("POST", "/admin/deliveries/999/retry", {"admin"}),
    "message_settings.messages": ("GET", "/settings/messages", SIGNED_IN),
    "message_settings.resident_sms": ("POST", "/settings/resident-sms/{number}", DESK),
    "message_settings.resident_sms_withdraw": ("POST", "/settings/resident-sms/{number}/withdraw", DESK),
    "push.push_key": ("GET", "/tech/push/key", {"technician"}),
    "push.push_subscribe": ("POST", "/tech/push/subscriptions", {"technician"}),
    "invoices.index": ("GET", "/desk/invoices", DESK),
    "invoices.issue": ("POST", "/desk/invoices/999/issue", DESK),
    "fees.index": ("GET", "/fees/", {"housing_officer"}),
    "fees.confirm": ("POST", "/fees/payments/999/confirm", {"housing_officer"}),
    "fees.daily": ("GET", "/fees/daily", {"housing_officer"}),
    "fees.held": ("GET", "/tech/fees", {"technician"}),
    # figures for management review (issue 14): managers and the admin; a dept_head their department's
    "reports.index": ("GET", "/reports/", REPORTS),
    "reports.print_review": ("GET", "/reports/print", REPORTS),
    "reports.chart_css": ("GET", "/reports/charts.css", REPORTS),
    "reports.export_xlsx": ("GET", "/reports/export.xlsx", REPORTS),
    "reports.export_csv": ("GET", "/reports/export.csv", REPORTS),
    "claims.index": ("GET", "/desk/claims/", DESK),
    "claims.export": ("GET", "/desk/claims/export.xlsx?kind=common", DESK),
    "claims.mark": ("POST", "/desk/claims/mark", MANAGERS),
    "claims.warranty_table": ("GET", "/desk/claims/warranty-table", DESK),
    "claims.warranty_item": ("POST", "/desk/claims/warranty-table/waterproofing", {"project_manager"}),
}


LANDS_ON_LOGIN = {"auth.logout", "main.home"}  # their own answer is the login page, by design


def test_every_route_is_in_the_permission_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(MATRIX) == set(), "routes missing from the permission matrix"
    assert set(MATRIX) - endpoints == set(), "matrix lists routes that no longer exist"


# these end the session they are sent with: each gets a login of its own
SESSION_ENDING = {"auth.logout"}


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_each_route_gives_each_role_its_expected_answer(role, app, org, make_order, clock, as_role, anon, kit):
    """One role against every route: allowed roles get through, others 403, strangers the login page."""
    from wuye.services import Actor, orgs
    from wuye.services.residents.link import issue_link
    order = make_order(technician=org.users["technician"])
    complaint = kit.take(by="staff").number
    victim = orgs.add_user(Actor(None, "cli"), "victim", "staff", "P1", "victim-pass-1")
    _link, token = issue_link(Actor(org.users["clerk"], "x"), order)
    from wuye.database import transaction
    from wuye.models import AppointmentWindow, Building, RepairCategory
    from wuye.models.job import PriceItem
    with transaction():
        department = orgs.add_department(db.session.merge(org.p1), "perm", "权限测试部").id
    first = {model: db.session.scalar(db.select(model.id).where(model.project_id == org.p1.id).limit(1))
             for model in (Building, RepairCategory, PriceItem, AppointmentWindow)}
    me = db.session.scalar(db.select(User).where(User.username == (role or "clerk")))
    browser = as_role(role) if role else anon
    if role is None:
        browser.get("/login")  # a token, so the answer is about permission and not CSRF
    for endpoint in sorted(MATRIX, key=lambda e: (e in SESSION_ENDING, e)):
        method, template, allowed = MATRIX[endpoint]
        b = as_role(role) if role and endpoint in SESSION_ENDING else browser
        note = Notification(user_id=me.id, kind="repair_dispatched", params={}, link="/")
        db.session.add(note)
        db.session.commit()
        url = template.format(number=order.number, unit=org.units[0].id, notification=note.id, victim=victim.id,
                              token=token, complaint=complaint, project=org.p1.id, building=first[Building],
                              department=department, category=first[RepairCategory], price=first[PriceItem],
                              window=first[AppointmentWindow])
        r = b.get(url) if method == "GET" else b.post(url, {})
        where = f"{endpoint} as {role or 'anonymous'}: {r.status_code}"
        if role in allowed:
            assert r.status_code not in (401, 403), where
            if endpoint not in LANDS_ON_LOGIN:
                assert "/login" not in r.headers.get("Location", ""), where
        elif role is None:
            assert r.status_code == 302 and "/login" in r.headers["Location"], where
        else:
            assert r.status_code == 403, where


def test_a_technician_opening_another_technicians_job_gets_404(org, make_order, clock, as_role):
    order = make_order(technician=org.users["technician2"])
    assert as_role("technician").get(f"/tech/jobs/{order.number}").status_code == 404


def test_an_order_of_another_project_answers_404(org, make_order, clock, as_role):
    order = make_order()
    assert as_role("p2_clerk").get(f"/desk/repairs/{order.number}").status_code == 404
    assert as_role("p2_clerk").get(f"/desk/units/{org.units[0].id}/pick").status_code == 404


def test_a_notification_of_someone_else_answers_404(org, as_role):
    note = Notification(user_id=org.users["clerk"].id, kind="repair_dispatched", params={}, link="/")
    db.session.add(note)
    db.session.commit()
    r = as_role("technician").post(f"/notifications/{note.id}/open")
    assert r.status_code == 404
    assert db.session.get(Notification, note.id).read_at is None


def test_a_project_manager_administers_only_their_own_project(org, as_role):
    """Another project's pages and objects answer 404 to P1's project manager; the admin sees them."""
    from wuye.models import Building, Unit
    other_building = db.session.scalar(db.select(Building.id).where(Building.project_id == org.p2.id))
    manager, admin = as_role("project_manager"), as_role("admin")
    for url in (f"/admin/projects/{org.p2.id}", f"/admin/projects/{org.p2.id}/units", f"/admin/buildings/{other_building}",
                f"/admin/units/{org.other_unit.id}", f"/admin/users/{org.users['p2_clerk'].id}",
                f"/admin/projects/{org.p2.id}/export/units.xlsx", f"/admin/users/{org.users['admin'].id}"):
        assert manager.get(url).status_code == 404, url
    assert manager.post(f"/admin/units/{org.other_unit.id}", {"room": "999"}).status_code == 404
    assert db.session.get(Unit, org.other_unit.id).room == "101"
    assert admin.get(f"/admin/projects/{org.p2.id}/units").status_code == 200
    assert manager.get(f"/admin/projects/{org.p1.id}/units").status_code == 200
