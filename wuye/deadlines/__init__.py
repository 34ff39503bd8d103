"""Where people see deadlines: the badge every order list and page shows, and the escalation inbox."""
from __future__ import annotations

import math
from datetime import timedelta

from flask import Flask
from flask_babel import gettext as _

from ..services.deadlines import table as deadlines
from ..services.deadlines.table import ASSIGNEE, DISPATCHER


def duration(td: timedelta) -> str:
    """A span in whole minutes, rounded up: "1 min left" until the very end, never "0 min"."""
    minutes = max(1, math.ceil(abs(td.total_seconds()) / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h", d=days, h=hours)
    if hours:
        return _("%(h)d h %(m)d min", h=hours, m=mins)
    return _("%(m)d min", m=mins)


def reached_label(code: str) -> str:
    from ..labels import ROLES, label
    if code == ASSIGNEE:
        return _("the person responsible")
    if code == DISPATCHER:
        return _("the dispatcher")
    return label(ROLES, code)


def register(app: Flask) -> None:
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.globals.update(
        deadline_label=deadlines.label,
        deadline_badge_for=deadlines.badge,
        reached_label=reached_label,
    )
