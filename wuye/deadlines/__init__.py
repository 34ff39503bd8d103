"""Where people see deadlines: the badge every order list and page shows, and the escalation inbox."""
from __future__ import annotations

import math
from datetime import timedelta

from flask import Flask
from flask_babel import gettext as _

from markupsafe import Markup, escape

from ..i18n import formatter, gettext_once, request_cache, request_translations
from ..services.deadlines import table as deadlines
from ..services.deadlines.table import ASSIGNEE, DISPATCHER, REGISTRAR


def duration(td: timedelta, words=None) -> str:
    """A span in whole minutes, rounded up: "1 min left" until the very end, never "0 min".
    `words`: a request's _BadgeWords (its three patterns translated once)."""
    minutes = max(1, math.ceil(abs(td.total_seconds()) / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if words is not None:
        if days:
            return words.days % {"d": days, "h": hours}
        return words.hours % {"h": hours, "m": mins} if hours else words.minutes % {"m": mins}
    if days:  # a board shows one per row: the catalog is found once per request
        return gettext_once("%(d)d d %(h)d h", d=days, h=hours)
    if hours:
        return gettext_once("%(h)d h %(m)d min", h=hours, m=mins)
    return gettext_once("%(m)d min", m=mins)


def deadline_label(kind: str) -> str:
    """A rule's name in the reader's language, translated once per request."""
    from ..labels import word
    rule = deadlines.TABLE.get(kind)
    return word(rule.label) if rule else kind


class _BadgeWords:
    """What every badge of one request shares: "now", the catalog's sentences, each rule's name."""

    def __init__(self):
        ugettext = request_translations().ugettext
        self.now = deadlines.clock_now()
        self.due = ugettext("due %(at)s")
        self.overdue = ugettext("overdue by %(time)s")
        self.left = ugettext("%(time)s left")
        self.days, self.hours = ugettext("%(d)d d %(h)d h"), ugettext("%(h)d h %(m)d min")
        self.minutes = ugettext("%(m)d min")
        self.kinds: dict[str, Markup] = {}
        self.at = formatter("MM-dd HH:mm")  # the pattern and zone found once, not per badge

    def kind(self, code: str) -> Markup:
        word = self.kinds.get(code)
        if word is None:
            word = self.kinds[code] = escape(deadline_label(code))
        return word


def _badge_words() -> _BadgeWords:
    cache = request_cache()
    if cache is None:
        return _BadgeWords()
    words = cache.get("badge_words")
    if words is None:
        words = cache["badge_words"] = _BadgeWords()
    return words


def badge_html(d, with_kind: bool = True) -> Markup:
    """The running deadline of an order or complaint: green with time left, amber past the warning,
    red overdue (the `deadline_badge` macro; written here because boards show one per row: "now",
    the sentences and the rule names are found once per request, the parts escaped and joined)."""
    if d is None or not d.running:
        return Markup("")
    words = _badge_words()
    b = deadlines.badge(d, words.now)
    kind = words.kind(b.kind)
    due = escape(words.due % {"at": words.at(b.due_at)})
    if b.tone == "late":
        text = escape(words.overdue % {"time": duration(b.overdue, words)})
    else:
        text = escape(words.left % {"time": duration(b.left, words)})
    head = f'<span class="deadline-kind">{kind}</span> ' if with_kind else ""
    return Markup(f'<span class="deadline deadline-{b.tone}" title="{kind} · {due}">{head}{text}</span>')


def length(td: timedelta) -> str:
    """A rule's length as the seed says it — "1 day", "48 hours", "3 days", "10 minutes": whole days
    from three days on (and one day), hours below, so a project's own policy reads the same way."""
    minutes = int(td.total_seconds() // 60)
    days = minutes // (24 * 60)
    if minutes and minutes % (24 * 60) == 0 and days != 2:
        n = days
        return _("1 day") if n == 1 else _("%(n)d days", n=n)
    if minutes and minutes % 60 == 0:
        n = minutes // 60
        return _("1 hour") if n == 1 else _("%(n)d hours", n=n)
    return _("1 minute") if minutes == 1 else _("%(n)d minutes", n=minutes)


def reached_label(code: str) -> str:
    from ..labels import ROLES, label
    if code == ASSIGNEE:
        return _("the person responsible")
    if code == DISPATCHER:
        return _("the dispatcher")
    if code == REGISTRAR:
        return _("the customer service clerk who registered it")
    return label(ROLES, code)


def register(app: Flask) -> None:
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["deadline_length"] = length
    app.jinja_env.globals.update(
        deadline_label=deadline_label,
        deadline_badge_for=deadlines.badge,
        deadline_badge_html=badge_html,
        reached_label=reached_label,
    )
