"""Words for the complaint codes, in the reader's language (the seed's lists of B3 and B4)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..labels import ACTIONS as REPAIR_ACTIONS
from ..labels import ROLES, label
from ..models.org import Role
from ..workflow.complaint import MANAGERS

STATES = {
    "received": _l("To register"),  # 登记
    "investigating": _l("Investigating"),  # 调查中
    "handling": _l("Handling"),  # 处理中
    "awaiting_reply": _l("Awaiting reply"),  # 待回复
    "closed": _l("Closed"),  # 已关闭
}

CHANNELS = {
    "phone": _l("Phone"),
    "visit": _l("Visit to the office"),
    "written": _l("In writing"),
    "media": _l("Media exposure"),
    "government": _l("Referred by government"),
    "company": _l("Referred by the company"),
    "other": _l("Other"),
}

TOPICS = {
    "attitude": _l("Staff attitude"),
    "repair": _l("Repair quality"),
    "timeliness": _l("Timeliness of service"),
    "facilities": _l("Public facilities"),
    "environment": _l("Cleaning and environment"),
    "security": _l("Order and safety"),
    "fees": _l("Charges"),
    "noise": _l("Noise"),
    "other": _l("Other"),
}

VALIDITY = {"valid": _l("Valid"), "invalid": _l("Invalid")}

INVALID_REASONS = {
    "unaware_of_rules": _l("The complainant does not know the industry standard or the project's rules"),
    "insufficient_basis": _l("Insufficient basis: a subjective judgement without knowing the cause and course"),
    "other_body": _l("Must be solved by government or another body; not directly related to our service"),
}

VALID_REASONS = {
    "attitude": _l("Staff attitude impolite or language not as required"),
    "procedure": _l("Staff unfamiliar with the procedure; service not timely, punctual or efficient"),
    "facilities": _l("Public facilities or repair tools badly managed, not usable"),
    "materials": _l("Repair materials, parts or products of sub-standard quality"),
    "area": _l("The area badly managed: order, environment or safety affected"),
}

REASONS = {**INVALID_REASONS, **VALID_REASONS}

SEVERITY = {"normal": _l("Normal"), "serious": _l("Serious")}

NORMAL_KINDS = {
    "rework": _l("Ended by rework or repair by staff"),
    "concession": _l("Ended by a concession that meets the need"),
}

CRITERIA = {
    "several_departments": _l("Involves several departments"),
    "media": _l("Exposed in public media (TV, radio, press, magazines) with bad social effect"),
    "image": _l("Seriously harms the company's image, reputation or interests"),
    "system_doubt": _l("Casts doubt on the company's management system"),
    "repeated": _l("Repeated complaint from a household within a short time: not solved, or the correction failed"),
    "quality_system": _l("Caused by a defect of the quality system (goes to management review)"),
}

FORWARD_MODES = {"phone": _l("By phone"), "verbal": _l("In person"), "written": _l("In writing")}

CONTACT_CHANNELS = {
    "phone": _l("Phone"),
    "visit": _l("Home visit"),
    "desk": _l("At the service desk"),
    "message": _l("Text or WeChat message"),
    "written": _l("Letter"),
}

CONTACT_PURPOSES = {
    "explain": _l("Explanation"),
    "other_units": _l("Other units involved: explained, following up"),
    "progress": _l("Progress"),
    "reply": _l("Answer with the handling result"),
}

SATISFACTION = {"satisfied": _l("Satisfied"), "basically": _l("Basically satisfied"),
                "dissatisfied": _l("Dissatisfied")}

ACTION_STATES = {
    "open": _l("To do"),
    "done": _l("Done, to be checked"),
    "effective": _l("Checked: effective"),
    "ineffective": _l("Not effective: to do again"),
}

REPEAT = {"suggested": _l("Possible repeat complaint"), "confirmed": _l("Repeat complaint confirmed"),
          "dismissed": _l("Not a repeat")}

# 越权上报 goes past the superior to the managers, in the order of rank
ESCALATION_ROLES = {role.value: ROLES[role.value] for role in Role if role in MANAGERS}

ACTIONS = {
    "take": _l("Complaint taken"),
    "register": _l("Registered in the CS work log"),
    "forward": _l("Forwarded"),
    "assign": _l("Handler named"),
    "refer": _l("Referred to the CS supervisor"),
    "repeat_suggested": _l("Possible repeat of earlier complaints"),
    "repeat_confirmed": _l("Repeat complaint confirmed"),
    "repeat_dismissed": _l("Repeat suggestion dismissed"),
    "classify": _l("Classified"),
    "overrule": _l("Classification overruled by the project manager"),
    "management_review": _l("Put on the management review list"),
    "management_review_withdrawn": _l("Taken off the management review list"),
    "review": _l("Management review concluded"),
    "record": _l("Cause and responsibility recorded"),
    "confirm": _l("Findings confirmed by the responsible person"),
    "inspect": _l("On-site inspection recorded"),
    "action_set": _l("Corrective action set"),
    "action_done": _l("Corrective action done"),
    "action_verified": _l("Corrective action checked: effective"),
    "action_ineffective": _l("Corrective action checked: not effective"),
    "penalty": _l("Penalty decision recorded"),
    "result": _l("Handling result recorded"),
    "contact": _l("Complainant contacted"),
    "reply": _l("Answer given to the complainant"),
    "escalate": _l("Escalated past the superior"),
    "close_on_spot": _l("Closed: solved on the spot"),
    "close": _l("Closed"),
}


def action_label(code: str) -> str:
    """A complaint's timeline entry; deadline events share the repair words."""
    return label(ACTIONS, code, label(REPAIR_ACTIONS, code))


def register(app) -> None:
    tables = {"state": STATES, "channel": CHANNELS, "topic": TOPICS, "validity": VALIDITY, "reason": REASONS,
              "severity": SEVERITY, "normal_kind": NORMAL_KINDS, "criterion": CRITERIA, "forward": FORWARD_MODES,
              "contact_channel": CONTACT_CHANNELS, "purpose": CONTACT_PURPOSES, "satisfaction": SATISFACTION,
              "action_state": ACTION_STATES, "repeat": REPEAT, "escalation_role": ESCALATION_ROLES}
    app.jinja_env.globals.update(
        complaint_word=lambda table, code: label(tables[table], code),
        complaint_action_label=action_label,
    )
