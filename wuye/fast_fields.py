"""The `field` and `radios` macros of templates/_macros/forms.html, written in Python for the
technician's job page: it holds every step's form (the offline page needs them all), ~35 fields,
and each went through a Jinja macro, WTForms' render_field/meta/widget chain and a lazy label
translated again per use. Text inputs, text areas, check boxes and radios are written here
directly from the field's name, value and flags; anything else is left to its WTForms widget.
tests/unit/test_render_speed.py holds the output to the macros'."""
from __future__ import annotations

from markupsafe import Markup, escape
from wtforms import fields as wf

from .i18n import lazy_text as text
from .widgets import html_params

_TEXT = (wf.StringField,)  # and the project's parsed fields (formkit), all StringField's kind
_INPUT_FLAGS = ("required", "maxlength", "minlength", "pattern")
_AREA_FLAGS = ("required", "maxlength", "minlength")


def _options(f) -> str:
    """A select's options as WTForms' Select writes them."""
    out, value, coerce = [], f.data, f.coerce
    for c in f.choices:
        label = escape(text(c.label) or c.value)
        if c.render_kw or isinstance(c.value, bool):
            attrs = {"value": str(c.value) if isinstance(c.value, bool) else c.value, **(c.render_kw or {})}
            if coerce(c.value) == value:
                attrs["selected"] = True
            out.append(f"<option {html_params(**attrs)}>{label}</option>")
        else:
            selected = "selected " if coerce(c.value) == value else ""
            out.append(f'<option {selected}value="{escape(c.value)}">{label}</option>')
    return "".join(out)


def _flags(f, names, kwargs: dict) -> None:
    flags = f.flags
    for name in names:
        if name not in kwargs:
            value = getattr(flags, name, None)
            if value is not None and value is not False:
                kwargs[name] = value


def widget(f, **kwargs) -> Markup:
    """What `f(**kwargs)` writes, for the plain kinds of field."""
    kwargs.setdefault("id", f.id)
    if isinstance(f, wf.TextAreaField):
        _flags(f, _AREA_FLAGS, kwargs)
        return Markup(f"<textarea {html_params(name=f.name, **kwargs)}>\r\n{escape(f._value())}</textarea>")
    if isinstance(f, wf.BooleanField):
        if f.data:
            kwargs["checked"] = True
        kwargs.setdefault("type", "checkbox")
        if "value" not in kwargs:
            kwargs["value"] = f._value()
        _flags(f, ("required",), kwargs)
        return Markup(f"<input {html_params(name=f.name, **kwargs)}>")
    if type(f) is wf.SelectField and not f.has_groups():
        _flags(f, ("required",), kwargs)
        return Markup(f"<select {html_params(name=f.name, **kwargs)}>{_options(f)}</select>")
    if isinstance(f, _TEXT) and type(f.widget).__name__ == "TextInput":
        kwargs.setdefault("type", "text")
        if "value" not in kwargs:
            kwargs["value"] = f._value()
        _flags(f, _INPUT_FLAGS, kwargs)
        return Markup(f"<input {html_params(name=f.name, **kwargs)}>")
    return f(**kwargs)


def label(f) -> Markup:
    """What `f.label()` writes."""
    return Markup(f'<label for="{escape(f.id)}">{escape(text(f.label.text))}</label>')


def field(f, hint=None, class_: str = "", **kwargs) -> Markup:
    errors = f.errors
    out = [f'<div class="field {escape(class_)} {"has-error" if errors else ""}">',
           f'<label for="{escape(f.id)}">{text(f.label.text)}</label>']
    describedby = f"{f.id}-error" if errors else (f"{f.id}-hint" if hint else False)
    out.append(widget(f, aria_invalid="true" if errors else False, aria_describedby=describedby, **kwargs))
    if hint:
        out.append(f'<small class="hint" id="{escape(f.id)}-hint">{escape(hint)}</small>')
    out.extend(f'<small class="error" id="{escape(f.id)}-error">{escape(e)}</small>' for e in errors)
    out.append("</div>")
    return Markup("\n".join(out))


def radios(f, class_: str = "") -> Markup:
    errors = f.errors
    out = [f'<fieldset class="field radios {escape(class_)} {"has-error" if errors else ""}">',
           f"<legend>{escape(text(f.label.text))}</legend>"]
    required = bool(getattr(f.flags, "required", False))
    name, value, prefix, coerce = f.name, f.data, f.id, f.coerce
    opts = []
    req = " required" if required else ""
    for i, choice in enumerate(f.choices):
        label = escape(text(choice.label))
        if choice.render_kw:
            attrs = {"id": f"{prefix}-{i}", "type": "radio", "value": choice.value, **choice.render_kw}
            if required:
                attrs["required"] = True
            if coerce(choice.value) == value:
                attrs["checked"] = True
            opts.append(f'<label class="radio"><input {html_params(name=name, **attrs)}> {label}</label>')
            continue
        checked = "checked " if coerce(choice.value) == value else ""
        opts.append(f'<label class="radio"><input {checked}id="{escape(prefix)}-{i}" name="{escape(name)}"{req} '
                    f'type="radio" value="{escape(choice.value)}"> {label}</label>')
    out.append("".join(opts))
    out.extend(f'<small class="error">{escape(e)}</small>' for e in errors)
    out.append("</fieldset>")
    return Markup("\n".join(out))


def csrf(form, token: str) -> Markup:
    """`{{ form.csrf_token }}` with the request's token found once (the form itself may be built
    without its CSRF field: it is only shown)."""
    name = escape(f"{form._prefix}csrf_token")
    return Markup(f'<input id="{name}" name="{name}" type="hidden" value="{escape(token)}">')
