"""What each complaint notice says, in the reader's language (see wuye/notifications/messages.py)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from ..i18n import when
from ..labels import label
from ..models import Notification
from .labels import FORWARD_MODES


def _due(p: dict) -> str:
    due = p.get("due")
    return when(datetime.fromisoformat(due), "MM-dd HH:mm") if due else ""


def text(n: Notification) -> str:
    p = n.params or {}
    number, by = p.get("number"), p.get("by")
    kind = n.kind.removeprefix("complaint_")
    if kind == "received":
        return _("%(by)s forwarded complaint %(number)s (%(unit)s): register it", by=by, number=number,
                 unit=p.get("unit") or "—")
    if kind == "solved_on_spot":
        return _("%(by)s solved complaint %(number)s on the spot: %(action)s", by=by, number=number,
                 action=p.get("action"))
    if kind == "reported":
        return _("%(by)s received complaint %(number)s and forwarded it to customer service", by=by, number=number)
    if kind == "forwarded":
        return _("Complaint %(number)s forwarded to you (%(mode)s) by %(by)s", number=number, by=by,
                 mode=label(FORWARD_MODES, p.get("mode")))
    if kind == "assigned":
        return _("You handle complaint %(number)s (named by %(by)s)", number=number, by=by)
    if kind == "referred":
        return _("%(by)s cannot resolve complaint %(number)s: %(reason)s", by=by, number=number,
                 reason=p.get("reason"))
    if kind == "escalated":
        return _("%(by)s escalated complaint %(number)s past the superior: %(reason)s", by=by, number=number,
                 reason=p.get("reason"))
    if kind == "review":
        return _("Complaint %(number)s goes to management review: a quality-system defect", number=number)
    if kind == "repeat":
        return _("Complaint %(number)s may repeat %(earlier)s: confirm or dismiss", number=number,
                 earlier=p.get("earlier"))
    if kind == "overruled":
        return _("The project manager changed the classification of %(number)s: %(reason)s", number=number,
                 reason=p.get("reason"))
    if kind == "confirm":
        return _("Complaint %(number)s names you responsible: read the findings and confirm", number=number)
    if kind == "action_set":
        return _("Corrective action %(number)s #%(seq)s for you, due %(due)s: %(what)s", number=number,
                 seq=p.get("seq"), due=_due(p), what=p.get("what"))
    if kind == "action_done":
        return _("Corrective action %(number)s #%(seq)s is done: check it", number=number, seq=p.get("seq"))
    if kind == "action_ineffective":
        return _("Corrective action %(number)s #%(seq)s is not effective (%(note)s): do it again by %(due)s",
                 number=number, seq=p.get("seq"), note=p.get("note"), due=_due(p))
    if kind == "result":
        return _("Complaint %(number)s has its handling result: answer the complainant", number=number)
    if kind == "dissatisfied":
        return _("The complainant of %(number)s is not satisfied: %(note)s", number=number, note=p.get("note") or "—")
    if kind == "closed":
        return _("Complaint %(number)s is closed: the complainant has been answered", number=number)
    return _("Notice: %(kind)s", kind=n.kind)
