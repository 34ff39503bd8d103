"""Form helpers shared by the blueprints."""
from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def options(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated from WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


def values(field) -> set:
    return {choice.value for choice in field.choices}
