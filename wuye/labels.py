"""Words for codes: states, urgencies, sources, roles, default categories — in the reader's language."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

STATES = {
    "new": _l("Awaiting dispatch"),
    "dispatched": _l("Dispatched"),
    "accepted": _l("Accepted, preparing"),
    "en_route": _l("On the way"),
    "on_site": _l("On site"),
    "in_progress": _l("Repairing"),
    "paused": _l("Paused: fetching tools"),
    "scheduled": _l("Follow-up visit booked"),
    "awaiting_acceptance": _l("Awaiting inspection"),
    "signed": _l("Signed, awaiting payment"),
    "completed": _l("Completed"),
    "declined": _l("Declined by customer"),
    "cancelled": _l("Cancelled"),
}

URGENCIES = {"emergency": _l("Emergency"), "normal": _l("Normal")}

SOURCES = {"phone": _l("Phone call"), "walk_in": _l("In person"), "staff": _l("Reported by an employee")}

ROLES = {
    "clerk": _l("Front desk"),
    "technician": _l("Technician"),
    "housing_officer": _l("Housing officer"),
    "dept_head": _l("Department head"),
    "cs_supervisor": _l("Customer service supervisor"),
    "project_manager": _l("Project manager"),
    "staff": _l("Employee"),
    "admin": _l("Administrator"),
}

CONTACT_KINDS = {"owner": _l("Owner"), "tenant": _l("Tenant"), "family": _l("Family member")}

UNIT_STATUSES = {"occupied": _l("Occupied"), "vacant": _l("Vacant"), "rented": _l("Rented")}

CATEGORIES = {
    "plumbing_electric": _l("Water & electricity"),
    "doors_windows": _l("Doors & windows"),
    "drain": _l("Drain unblocking"),
    "appliance": _l("Appliances"),
    "walls_floors": _l("Walls & floors"),
    "common_facility": _l("Common facilities"),
    "leak": _l("Leaks and seepage"),
    "heating": _l("Heating"),
    "cooling": _l("Central air conditioning"),
    "structure": _l("Building structure"),
    "other": _l("Other"),
}

ACTIONS = {
    "create": _l("Order taken"),
    "dispatch": _l("Dispatched"),
    "reassign": _l("Reassigned"),
    "cancel": _l("Cancelled"),
    "deadline_warn": _l("Deadline warning sent"),
    "deadline_breach": _l("Deadline missed"),
    "deadline_escalate": _l("Deadline escalated"),
    "deadline_breach_withdrawn": _l("Deadline met after all (time from the phone)"),
    "accept": _l("Job accepted"),
    "check": _l("Checklist item ticked"),
    "uncheck": _l("Checklist item unticked"),
    "depart": _l("Departed"),
    "arrive": _l("Arrived on site"),
    "at_door": _l("At the door: shoe covers and furniture"),
    "consent": _l("Customer consented to the quote and signed"),
    "decline": _l("Customer declined"),
    "note": _l("Note"),
    "photo": _l("Photo"),
    "pause": _l("Paused: fetching tools"),
    "resume": _l("Resumed"),
    "cannot_fix": _l("Cannot fix now: next visit booked"),
    "finish": _l("Work finished"),  # 完工 (not 维修情况, the printed order's box for what was done)
    "sign_acceptance": _l("Customer inspected and signed the dispatch sheet"),
    "pay": _l("Paid on the spot"),
    "invoice_issued": _l("Invoice issued"),
    "invoice_delivered": _l("Invoice delivered"),
    "correct_sheet": _l("Dispatch sheet corrected"),
    "fee_handover": _l("Fees handed to the housing officer"),
    "offline_refused": _l("Offline action refused"),
}


# the preparation checklist (A2 维修前的准备工作), on the job page and on the order's history
CHECKLIST = {
    "understood": _l("I understand the job in detail"),
    "uniform": _l("Company uniform, clean and tidy"),
    "badge": _l("Name badge worn"),
    "cloth_covers": _l("Cloth and shoe covers packed"),
    "tools_parts": _l("Tools and common spare parts complete"),
}


def repair_what(order) -> str:
    """What is repaired, for the greeting "您好，约好来给您维修×××的": the description's first clause."""
    first = re.split(r"[，。；！？,.;!?\n]", (order.description or "").strip(), maxsplit=1)[0].strip()
    return first[:30] or category_label(order.category)


# who acted, when it was no user account (AuditEvent.actor_label keeps the code)
ACTORS = {"resident": _l("Resident (private link)"), "system": _l("System"), "cli": _l("Command line")}


def event_actor(event) -> str:
    return event.actor_label if event.actor_id else label(ACTORS, event.actor_label)


def _word(table: dict, code: str) -> str:
    """table[code] in the reader's language, translated once per request: a board asks for the same
    few words on every row."""
    from .i18n import lazy_text, request_words
    words = request_words()
    if words is None:
        return str(table[code])
    key = (id(table), code)
    word = words.get(key)
    if word is None:
        word = words[key] = lazy_text(table[code])
    return word


def word(lazy) -> str:
    """One lazy string in the reader's language, translated once per request."""
    from .i18n import lazy_text, request_words
    words = request_words()
    if words is None:
        return str(lazy)
    key = id(lazy)
    text = words.get(key)
    if text is None:
        text = words[key] = lazy_text(lazy)
    return text


def label(table: dict, code: str | None, fallback: str | None = None) -> str:
    if code in table:
        return _word(table, code)
    return fallback or code or ""


def category_label(code: str | None) -> str:
    """A default category in the reader's language; a project's own category by its name."""
    if code in CATEGORIES:
        return _word(CATEGORIES, code)
    from flask import g
    from flask_login import current_user
    from sqlalchemy import select

    from .extensions import db
    from .models import RepairCategory
    names = g.get("_category_names")
    if names is None:
        names = {}
        if current_user.is_authenticated and current_user.project_id:
            names = dict(db.session.execute(
                select(RepairCategory.code, RepairCategory.name)
                .where(RepairCategory.project_id == current_user.project_id)).all())
        g._category_names = names
    return names.get(code, code or "")


# the resident's link, the 服务单, 回访 and appointment requests, on the order's history
ACTIONS.update({
    "resident_link_issue": _l("Resident link issued"),
    "resident_link_revoke": _l("Resident link revoked"),
    "service_form_submit": _l("Service form received"),
    "service_form_change": _l("Service form changed by the resident"),
    "return_visit_open": _l("Return visit opened"),
    "return_visit_done": _l("Return visit done"),
    "appointment_request": _l("Resident asked for another time"),
    "appointment_request_accept": _l("Appointment moved at the resident's request"),
    "appointment_request_refuse": _l("Resident's time request refused"),
    "resident_sms_consent": _l("Contact agreed to SMS for this order"),
    "resident_sms_refused": _l("No SMS to the contact for this order"),
    "resident_sms_link": _l("Resident link sent by SMS"),
    "complainant_sms_consent": _l("Complainant agreed to get the reply by SMS"),
    "complainant_sms_refused": _l("No SMS with the reply to the complainant"),
})

ACTIONS.update({
    "project_add": _l("Project created"), "project_change": _l("Project changed"),
    "building_add": _l("Building added"), "building_change": _l("Building changed"),
    "unit_add": _l("Unit added"), "unit_change": _l("Unit changed"),
    "department_add": _l("Department added"), "department_change": _l("Department changed"),
    "user_add": _l("User added"), "user_change": _l("User changed"), "user_enable": _l("User enabled"),
    "user_disable": _l("User disabled"), "password_reset": _l("Password reset by an administrator"),
    "password_change": _l("Password chosen by the user"),
    "repair_category_add": _l("Category added"), "repair_category_change": _l("Category changed"),
    "price_item_add": _l("Price item added"), "price_item_change": _l("Price item changed"),
    "appointment_window_add": _l("Appointment window added"),
    "appointment_window_change": _l("Appointment window changed"),
    "import_units": _l("Units imported"), "import_users": _l("Users imported"),
    "deadline_policy": _l("Deadline rule set for the project"),
})


# who pays (A3) and the cost claims
ACTIONS.update({
    "charge_change": _l("Charge type changed on site"),
    "charge_change_desk": _l("Charge type changed by the desk"),
    "claim_claimed": _l("Cost claimed"), "claim_paid": _l("Claim paid"), "claim_reopened": _l("Claim reopened"),
    "warranty_item_change": _l("Warranty table changed"),
})


def register(app) -> None:
    from .services.repairs.charging import CHARGE_TYPES, RESIDENT_WORDS, reason_of
    from .services.repairs.warranty import describe
    app.jinja_env.globals.update(
        state_label=lambda c: label(STATES, c),
        urgency_label=lambda c: label(URGENCIES, c),
        source_label=lambda c: label(SOURCES, c),
        role_label=lambda c: label(ROLES, c),
        action_label=lambda c: label(ACTIONS, c),
        checklist_label=lambda c: label(CHECKLIST, c),
        repair_what=repair_what,
        category_label=category_label,
        contact_kind_label=lambda c: label(CONTACT_KINDS, c),
        unit_status_label=lambda c: label(UNIT_STATUSES, c),
        event_actor=event_actor,
        charge_label=lambda c: label(CHARGE_TYPES, c),
        charge_resident_words=lambda c: label(RESIDENT_WORDS, c),
        charge_reason=reason_of,
        charge_grounds=describe,
    )
