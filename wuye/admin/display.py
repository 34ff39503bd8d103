"""How the admin pages show fields and values of audit events and import previews, in the reader's language."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from ..extensions import db
from ..labels import CONTACT_KINDS, ROLES, UNIT_STATUSES, label
from ..models import Building, Department, User
from ..services.import_units import show_area
from ..services.imports import ACTION_WORDS

FIELDS = {
    "name": _l("Title or name"), "timezone": _l("Time zone"), "address": _l("Address"), "code": _l("Code"),
    "completed_on": _l("Completion acceptance (竣工验收)"), "developer": _l("Developer"),
    "main_contractor": _l("Main contractor"), "building_id": _l("Building"), "building": _l("Building"),
    "unit_no": _l("Entrance (单元)"), "floor": _l("Floor"), "room": _l("Room"), "label": _l("Unit"),
    "area_centi": _l("Area (m²)"), "status": _l("Status"), "contacts": _l("Contacts"), "head_id": _l("Head"),
    "role": _l("Role"), "department_id": _l("Department"), "superior_id": _l("Direct superior"),
    "superior": _l("Direct superior"), "phone": _l("Phone"), "active": _l("Active"), "position": _l("Sort order"),
    "unit": _l("Unit of sale"), "price_fen": _l("Price"), "kind": _l("Kind"), "starts": _l("Starts at"), "ends": _l("Ends at"),
    "must_change_password": _l("Must choose a password"), "username": _l("Username"), "file": _l("File"),
    "common_area": _l("Common parts (no charge to residents)"), "common_parts": _l("Common facility (no charge)"),
    "minutes": _l("Length (minutes)"), "escalation_minutes": _l("Escalation delays (minutes)"),
    "warn_percent": _l("Warning at (percent of the length)"), "warn_minutes": _l("Warning before (minutes)"),
    "added": _l("Added"), "changed": _l("Changed"), "unchanged": _l("Unchanged"),
}
HIDDEN = {"search_key", "short_key", "sha256", "source", "row"}


def field_label(key: str) -> str:
    return label(FIELDS, key)


def _name(model, value) -> str:
    obj = db.session.get(model, value) if isinstance(value, int) else None
    return getattr(obj, "name", None) or str(value)


def field_value(key: str, value) -> Markup:
    if value is None or value == "" or value == []:
        return Markup('<span class="muted">—</span>')
    if isinstance(value, bool):
        return escape(_("yes") if value else _("no"))
    if key == "area_centi" and isinstance(value, int):
        return escape(show_area(value))
    if key == "price_fen" and isinstance(value, int):
        return escape(f"¥{value / 100:,.2f}")
    if key == "status":
        return escape(label(UNIT_STATUSES, value))
    if key == "role":
        return escape(label(ROLES, value))
    if key == "building_id":
        return escape(_name(Building, value))
    if key == "department_id":
        return escape(_name(Department, value))
    if key in ("superior_id", "head_id"):
        return escape(_name(User, value))
    if key == "contacts" and isinstance(value, list):
        parts = []
        for c in value:
            phones = " / ".join(p for p in (c.get("phone"), c.get("phone2")) if p)
            quiet = "" if c.get("may_receive_messages", True) else f" ({_('no messages')})"
            parts.append(f"{label(CONTACT_KINDS, c.get('kind'))} {c.get('name', '')} {phones}{quiet}".strip())
        return escape("；".join(parts))
    return escape(str(value))


def import_summary(row) -> Markup:
    """What an added row brings, in one line."""
    v = row.values
    if "contacts" in v:
        return field_value("contacts", v["contacts"])
    return escape(f"{v.get('name', '')} · {label(ROLES, v.get('role'))}")


def register(bp) -> None:
    bp.add_app_template_global(field_label, "field_label")
    bp.add_app_template_filter(field_label, "field_label")
    bp.add_app_template_global(field_value, "field_value")
    bp.add_app_template_global(import_summary, "import_summary")
    bp.add_app_template_global(lambda a: label(ACTION_WORDS, a), "import_action_label")
    bp.add_app_template_global(HIDDEN, "hidden_fields")
