"""Form helpers shared by the blueprints."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from .phone import normalize_phone


def options(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated from WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


def values(field) -> set:
    return {choice.value for choice in field.choices}


class ChinesePhone:
    """A Chinese mobile or landline number; the field keeps it in its one canonical form. An empty
    field is left to DataRequired or Optional."""

    def __call__(self, form, field):
        if not field.data:
            return
        phone = normalize_phone(field.data)
        if phone is None:
            raise ValidationError(_l("Not a Chinese mobile (11 digits starting with 1) or landline "
                                     "with area code (e.g. 0755-12345678)."))
        field.data = phone
