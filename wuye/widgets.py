"""WTForms' html_params, the same text in a fifth of the time: the technician's job page renders ~35
fields and each attribute went through Markup.format (string.Formatter in Python). Installed once by
create_app; tests/unit/test_render_speed.py holds it to WTForms' own output."""
from __future__ import annotations

from markupsafe import Markup, escape
from wtforms.widgets import core

_wtforms_html_params = core.html_params
_QUOTE, _QUOTED = Markup('"'), Markup("&quot;")


_KEYS: dict[str, tuple[str, str]] = {}  # a keyword's attribute name, cleaned (and escaped) once per process


def _key(k: str) -> tuple[str, str]:
    names = _KEYS.get(k)
    if names is None:
        clean = core.clean_key(k)
        names = _KEYS[k] = (clean, str(escape(clean)))
    return names


def html_params(**kwargs) -> Markup:
    params = []
    for k, v in sorted(kwargs.items()):
        if v is True:
            params.append(_key(k)[0])
        elif v is not False:
            params.append(f'{_key(k)[1]}="{escape(v).replace(_QUOTE, _QUOTED)}"')
    return Markup(" ".join(params))


def install() -> None:
    core.html_params = html_params  # the widgets' module-level calls
    for widget in (core.Input, core.Button):  # and the two that keep it as a static method
        widget.html_params = staticmethod(html_params)
