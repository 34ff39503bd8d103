"""The complaint board's cards, written in Python: a board shows a hundred of them, and a card
written by the template cost ~120 template steps (each escape, attribute and call its own). One
call per card here, with every word, URL and option list found once per request.

The markup is the one the board always had (templates/complaints/board.html loops over the columns)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from ..deadlines import badge_html
from ..i18n import formatter
from ..labels import label
from ..serving import number_url
from . import labels

WORDS = {"serious": _l("Serious"), "review": _l("Management review"), "suggested": _l("Possible repeat"),
         "confirmed": _l("Repeat complaint"), "escalated": _l("Escalated past the superior"),
         "spot": _l("Solved on the spot"), "handler": _l("Handled by"), "assign": _l("Assign")}
HANDLED_BY = _l("Handled by %(name)s")


class CardWriter:
    def __init__(self, app, urgent: dict, handler_choices=None):
        self.env = app.jinja_env
        self.urgent = urgent
        self.words = {k: escape(str(v)) for k, v in WORDS.items()}  # in the reader's language, once
        self.handled_by = str(HANDLED_BY)
        self.choices = handler_choices  # the supervisor names the handler from a card
        self.options: dict[int, str] = {}
        self.csrf = escape(generate_csrf()) if handler_choices is not None else ""
        self.received = formatter("MM-dd HH:mm")
        self.labels: dict = {}  # (table, code) → the escaped word: a board has a few of each

    def _label(self, table: dict, code: str) -> str:
        key = (id(table), code)
        w = self.labels.get(key)
        if w is None:
            w = self.labels[key] = str(escape(label(table, code)))
        return w

    def _options(self, handler_id: int | None) -> str:
        key = handler_id or 0
        html = self.options.get(key)
        if html is None:
            html = self.options[key] = "".join(
                f'<option value="{escape(o.value)}"{" selected" if o.value == key else ""}>{escape(o.label)}</option>'
                for o in self.choices)
        return html

    def __call__(self, c) -> Markup:
        w = self.words
        tags = []
        if c.severity == "serious":
            tags.append(f'<span class="tag tag-serious">{w["serious"]}</span>')
        if c.validity:
            tags.append(f'<span class="tag tag-{escape(c.validity)}">{self._label(labels.VALIDITY, c.validity)}</span>')
        if c.management_review:
            tags.append(f'<span class="tag tag-review">{w["review"]}</span>')
        if c.repeat_status in ("suggested", "confirmed"):
            tags.append(f'<span class="tag tag-repeat">{w[c.repeat_status]}</span>')
        if c.escalated:
            tags.append(f'<span class="tag tag-escalated">{w["escalated"]}</span>')
        if c.solved_on_spot:
            tags.append(f'<span class="tag tag-spot">{w["spot"]}</span>')
        who = escape(c.unit_label or c.complainant_name)
        if c.topic:
            who = f"{who} · {self._label(labels.TOPICS, c.topic)}"
        d = self.urgent.get(c.id)
        deadline = f'<span class="ccard-deadline">{badge_html(d)}</span>' if d else ""
        if self.choices is not None and c.state != "closed":
            url = number_url("complaints.assign", c.number)
            foot = (f'<form method="post" action="{url}" class="card-assign" hx-post="{url}" hx-target="next .card-msg"'
                    f' hx-swap="innerHTML"><input id="assign-csrf_token" name="assign-csrf_token" type="hidden"'
                    f' value="{self.csrf}">'
                    f'<input type="hidden" name="back" value="board">'
                    f'<label for="assign-{c.id}" class="sr-only">{w["handler"]}</label>'
                    f'<select name="assign-handler" id="assign-{c.id}">{self._options(c.handler_id)}</select>'
                    f' <button type="submit" class="small-button">{w["assign"]}</button></form>'
                    f'<div class="card-msg" aria-live="polite"></div>')
        elif c.handler_name:
            foot = f'<span class="muted small">{escape(self.handled_by % {"name": c.handler_name})}</span>'
        else:
            foot = ""
        return Markup(
            f'<li class="ccard{" ccard-serious" if c.severity == "serious" else ""}">'
            f'<a href="{escape(number_url("complaints.show", c.number))}" class="ccard-link">'
            f'<span class="ccard-top"><strong class="mono">{escape(c.number)}</strong>'
            f'<span class="muted small">{self.received(c.received_at)}</span></span>'
            f'<span class="ccard-who">{who}</span>'
            f'<span class="ccard-text">{escape(do_truncate(self.env, c.content, 46))}</span></a>'
            f'<span class="ccard-tags">{"".join(tags)}</span>{deadline}{foot}</li>\n')
