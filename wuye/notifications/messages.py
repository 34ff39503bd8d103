"""What each kind of notification says, in the reader's language."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from ..i18n import when
from ..models import Notification


def _deadline_params(p: dict) -> dict:
    from ..services.deadlines.table import label
    due = p.get("due")
    return {"number": p.get("number"), "deadline": label(p.get("deadline") or ""),
            "due": when(datetime.fromisoformat(due), "MM-dd HH:mm") if due else "",
            "responsible": p.get("responsible") or _("nobody assigned")}


def text(n: Notification) -> str:
    p = n.params or {}
    if n.kind.startswith("complaint_"):
        from ..complaints.messages import text as complaint_text
        return complaint_text(n)
    if n.kind == "repair_dispatched":
        if p.get("urgency") == "emergency":
            return _("Emergency job %(number)s: %(unit)s", number=p.get("number"), unit=p.get("unit"))
        return _("New job %(number)s: %(unit)s", number=p.get("number"), unit=p.get("unit"))
    if n.kind == "repair_reassigned_away":
        return _("Job %(number)s was given to someone else: %(reason)s", number=p.get("number"),
                 reason=p.get("reason"))
    if n.kind == "repair_cancelled":
        return _("Job %(number)s was cancelled: %(reason)s", number=p.get("number"), reason=p.get("reason"))
    if n.kind == "repair_charge_changed":
        from ..labels import label
        from ..services.repairs.charging import CHARGE_TYPES
        return _("Job %(number)s: who pays is now %(charge)s (%(reason)s)", number=p.get("number"),
                 charge=label(CHARGE_TYPES, p.get("charge_type")), reason=p.get("reason"))
    if n.kind == "deadline_warn":
        return _("%(number)s: %(deadline)s is due at %(due)s", **_deadline_params(p))
    if n.kind == "deadline_breach":
        return _("%(number)s: %(deadline)s missed, it was due at %(due)s", **_deadline_params(p))
    if n.kind == "deadline_escalate":
        return _("Escalated: %(number)s: %(deadline)s missed since %(due)s; responsible: %(responsible)s",
                 **_deadline_params(p))
    if n.kind == "invoice_to_deliver":
        return _("Invoice %(invoice)s for %(number)s is ready: take it to the customer", invoice=p.get("invoice"),
                 number=p.get("number"))
    if n.kind == "fee_difference":
        from ..i18n import money
        return _("Fees for %(number)s: the housing officer received %(received)s, you collected %(expected)s",
                 number=p.get("number"), received=money(p.get("received")), expected=money(p.get("expected")))
    if n.kind == "appointment_requested":
        return _("%(number)s: the resident asks for another appointment", number=p.get("number"))
    if n.kind == "appointment_changed":
        from datetime import datetime as moment

        from ..i18n import when as shown
        start = p.get("start")
        return _("%(number)s: the appointment moved to %(start)s", number=p.get("number"),
                 start=shown(moment.fromisoformat(start), "MM-dd HH:mm") if start else "")
    if n.kind == "return_visit_opened":
        return _("%(number)s: the resident scored %(score)s of 5; call them back", number=p.get("number"),
                 score=p.get("score"))
    if n.kind == "daily_digest":
        return _("Daily digest %(day)s: %(new)s new repairs, %(open)s open, %(breaches)s deadlines missed, "
                 "%(complaints)s complaints open", day=p.get("day"), new=p.get("new_repairs"),
                 open=p.get("open_repairs"), breaches=p.get("breaches"), complaints=p.get("open_complaints"))
    return _("Notice: %(kind)s", kind=n.kind)
