"""The repair board's rows, written in Python: fifty a page, and a row written by the template cost
~150 template steps (each cell's escape, attribute look-up and call its own). One call per row
here, with every word and the order URL found once per request.

The markup is the one the board always had (templates/desk/board.html keeps the table around it)."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from ..deadlines import badge_html
from ..i18n import formatter
from ..labels import STATES, URGENCIES, category_label, label
from ..serving import number_url

SOON = _l("As soon as possible")
LOWEST = _l("Lowest score %(n)s")


class RowWriter:
    def __init__(self, deadlines: dict, feedback: dict):
        self.env = current_app.jinja_env
        self.deadlines, self.feedback = deadlines, feedback
        self.soon = f'<span class="muted">{escape(str(SOON))}</span>'
        self.lowest = str(LOWEST)
        self.day_time, self.time = formatter("MM-dd HH:mm"), formatter("HH:mm")
        self.words: dict = {}  # (table, code) → the escaped word: a page has a few of each

    def word(self, table: dict | None, code: str) -> str:
        key = (id(table), code)
        w = self.words.get(key)
        if w is None:
            w = self.words[key] = str(escape(category_label(code) if table is None else label(table, code)))
        return w

    def __call__(self, o) -> Markup:
        """o: a row of services.repairs.board.search."""
        if o.appointment_start:
            appointment = f'{self.day_time(o.appointment_start)}–{self.time(o.appointment_end)}'
        else:
            appointment = self.soon
        d = self.deadlines.get(o.id)
        f = self.feedback.get(o.id)
        score = (f'<span class="score score-{"low" if f.lowest <= 2 else "ok"}" '
                 f'title="{escape(self.lowest % {"n": f.lowest})}">{escape(f.overall)}/5</span>') if f else ""
        return Markup(
            f'<tr>\n        <td><a href="{escape(number_url("desk.order", o.number))}">{escape(o.number)}</a></td>\n'
            f'        <td>{escape(o.unit_label)}<div class="muted small">{escape(o.contact_name)} · '
            f'{escape(o.contact_phone)}</div></td>\n'
            f'        <td>{self.word(None, o.category)}<div class="muted small">'
            f'{escape(do_truncate(self.env, o.description, 24))}</div></td>\n'
            f'        <td><span class="tag tag-{escape(o.urgency)}">{self.word(URGENCIES, o.urgency)}</span></td>\n'
            f'        <td>{appointment}</td>\n'
            f'        <td>{escape(o.technician_name) if o.technician_name else "—"}</td>\n'
            f'        <td><span class="tag state-{escape(o.state)}">{self.word(STATES, o.state)}</span></td>\n'
            f'        <td>{badge_html(d) if d else ""}</td>\n'
            f'        <td>{score}</td>\n'
            f'        <td>{self.day_time(o.created_at)}</td>\n      </tr>\n')
