"""The repair board's rows, written in Python: fifty a page, and a row written by the template cost
~150 template steps (each cell's escape, attribute look-up and call its own). One call writes
the page's rows, with every word and the order URL found once per request; a cell with nothing to
escape is written as it is.

The markup is the one the board always had (templates/desk/board.html keeps the table around it)."""
from __future__ import annotations

import re
from datetime import datetime
from typing import NamedTuple

from flask import current_app
from flask_babel import lazy_gettext as _l
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from ..deadlines import badge_html
from ..i18n import formatter, lazy_text
from ..labels import STATES, URGENCIES, category_label, label
from ..models.resident import lowest_score
from ..serving import _PLAIN_NUMBER, number_url

SOON = _l("As soon as possible")
LOWEST = _l("Lowest score %(n)s")


_SPECIAL = re.compile(r"[&<>\"']")


def _text(value) -> str:
    """A cell's text, escaped as markupsafe does — most cells have nothing to escape, and a look for
    the five characters costs a fraction of building the Markup."""
    if value is None:
        return ""
    value = str(value)
    return str(escape(value)) if _SPECIAL.search(value) else value


class Running(NamedTuple):
    """What a badge reads of a running deadline (services.deadlines.table.badge)."""
    kind: str
    due_at: datetime
    warn_at: datetime | None
    breached_at: datetime | None
    running: bool = True


class RowWriter:
    def __init__(self):
        self.env = current_app.jinja_env
        self.soon = f'<span class="muted">{escape(lazy_text(SOON))}</span>'
        self.lowest = lazy_text(LOWEST)
        self.day_time, self.time = formatter("MM-dd HH:mm"), formatter("HH:mm")
        self.words: dict = {}  # (table, code) → the escaped word: a page has a few of each
        self.tags: dict = {}  # prefix + code → the cell's tag, its class and word escaped
        # the order URL split once; a plain number goes in its place
        self.url_head, _, self.url_tail = str(escape(number_url("desk.order", "NUMBER-SLOT"))).partition("NUMBER-SLOT")

    def word(self, table: dict | None, code: str) -> str:
        key = (id(table), code)
        w = self.words.get(key)
        if w is None:
            w = self.words[key] = str(escape(category_label(code) if table is None else label(table, code)))
        return w

    def tag(self, table: dict, prefix: str, code: str) -> str:
        key = prefix + code
        t = self.tags.get(key)
        if t is None:
            t = self.tags[key] = f'<span class="tag {prefix}{escape(code)}">{self.word(table, code)}</span>'
        return t

    def href(self, number: str) -> str:
        if _PLAIN_NUMBER.match(number):
            return f"{self.url_head}{number}{self.url_tail}"
        return str(escape(number_url("desk.order", number)))

    def all(self, orders) -> Markup:
        """The page's rows, in one call from the template."""
        return Markup("\n      ".join([self.html(o) for o in orders]))

    def html(self, o) -> str:
        """o: a row of services.repairs.board.search."""
        (_id, number, contact_name, contact_phone, category, description, urgency, start, end, state, created,
         unit_label, technician_name, kind, due_at, warn_at, breached_at, overall, *scores) = o
        appointment = f"{self.day_time(start)}–{self.time(end)}" if start else self.soon
        badge = badge_html(Running(kind, due_at, warn_at, breached_at)) if kind else ""
        if overall is None:
            score = ""
        else:
            lowest = lowest_score(overall, *scores)
            score = (f'<span class="score score-{"low" if lowest <= 2 else "ok"}" '
                     f'title="{escape(self.lowest % {"n": lowest})}">{escape(overall)}/5</span>')
        return (
            f'<tr>\n        <td><a href="{self.href(number)}">{_text(number)}</a></td>\n'
            f'        <td>{_text(unit_label)}<div class="muted small">{_text(contact_name)} · '
            f'{_text(contact_phone)}</div></td>\n'
            f'        <td>{self.word(None, category)}<div class="muted small">'
            f'{_text(do_truncate(self.env, description, 24))}</div></td>\n'
            f'        <td>{self.tag(URGENCIES, "tag-", urgency)}</td>\n'
            f'        <td>{appointment}</td>\n'
            f'        <td>{_text(technician_name) if technician_name else "—"}</td>\n'
            f'        <td>{self.tag(STATES, "state-", state)}</td>\n'
            f'        <td>{badge}</td>\n'
            f'        <td>{score}</td>\n'
            f'        <td>{self.day_time(created)}</td>\n      </tr>\n')
