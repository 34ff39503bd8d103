"""Small pieces of the technician's job page written in Python rather than as Jinja macros (each
macro call builds a new template context: the page made ~20 of them per request)."""
from __future__ import annotations

from functools import lru_cache

from flask import url_for
from markupsafe import Markup, escape

from ..i18n import money
from ..services.repairs import technician as svc


@lru_cache(maxsize=64)
def step_states(*names: str) -> tuple[str, ...]:
    """The states any of these steps may be taken from (the workflow's, computed once per process)."""
    return tuple(svc.REPAIR.sources(*names))


def price_options(price_list) -> Markup:
    """The price list's options, written once: each of the quote's three material lines repeats them."""
    return Markup("".join(
        f'<option value="{p.id}" data-name="{escape(p.name)}" data-unit="{escape(p.unit)}" '
        f'data-price="{p.price_fen / 100:.2f}">{escape(p.name)} · {escape(money(p.price_fen))}/{escape(p.unit)}</option>'
        for p in price_list))


def helpers(state: str, number: str, csrf: str) -> dict:
    base = url_for("job.job", number=number)

    def job_url(name: str) -> str:
        """url_for("job." + name, number=number): every page and step of a job is /tech/jobs/<n>/<name>
        (tests/unit/test_render_speed.py holds it to url_for); the page names fifteen of them."""
        return f"{base}/{name}"

    def shown(*steps: str, states: tuple[str, ...] | list[str] | None = None) -> Markup:
        """A section's states (offline.js re-applies them) and `hidden` outside them."""
        states = step_states(*steps) if states is None else states
        return Markup(f'data-states="{escape(" ".join(states))}"{"" if state in states else " hidden"}')

    def step_button(name: str, label: str, cls: str = "primary big") -> Markup:
        """A step that is only a button: its CSRF token and the time it happened on the phone."""
        return Markup(
            f'<form method="post" action="{escape(job_url(name))}" class="step">\n'
            f'  <input type="hidden" name="csrf_token" value="{escape(csrf)}">\n'
            f'  <input type="hidden" name="s-happened_at" class="happened-at">\n'
            f'  <button type="submit" class="{escape(cls)}">{escape(label)}</button>\n</form>')

    return {"shown": shown, "step_button": step_button, "step_states": step_states, "job_url": job_url}
