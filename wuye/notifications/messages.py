"""What each kind of notification says, in the reader's language."""
from __future__ import annotations

from flask_babel import gettext as _

from ..models import Notification


def text(n: Notification) -> str:
    p = n.params or {}
    if n.kind == "repair_dispatched":
        if p.get("urgency") == "emergency":
            return _("Emergency job %(number)s: %(unit)s", number=p.get("number"), unit=p.get("unit"))
        return _("New job %(number)s: %(unit)s", number=p.get("number"), unit=p.get("unit"))
    if n.kind == "repair_reassigned_away":
        return _("Job %(number)s was given to someone else: %(reason)s", number=p.get("number"),
                 reason=p.get("reason"))
    if n.kind == "repair_cancelled":
        return _("Job %(number)s was cancelled: %(reason)s", number=p.get("number"), reason=p.get("reason"))
    return _("Notice: %(kind)s", kind=n.kind)
