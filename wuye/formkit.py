"""Form helpers shared by the blueprints."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from . import money
from .numbers import in_column
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


class _ParsedField(StringField):
    """Text typed by a person, read by one of wuye.money's parsers after the field's validators
    (InputRequired or Optional) have run; `.value` holds the result, None when left empty."""

    parse = staticmethod(lambda raw: raw)
    value = None

    def post_validate(self, form, validation_stopped):
        self.value = None
        if validation_stopped or self.errors:
            return
        try:
            self.value = self.parse(self.data)
        except money.NumberError as e:
            raise ValidationError(e.message) from None


class YuanField(_ParsedField):
    """An amount in yuan ('¥1,234.50', '１２０', '120元'); `.value` is integer fen."""

    parse = staticmethod(money.parse_yuan)


class HoursField(_ParsedField):
    """Labour hours ('1.5'); `.value` is whole minutes."""

    parse = staticmethod(money.parse_hours)


class IdField(IntegerField):
    """An id in a hidden field or a query (a unit, a keyset cursor): a whole number that fits the
    column, else the field's error."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not in_column(self.data):
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
