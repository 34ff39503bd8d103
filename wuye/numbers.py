"""Whole numbers from requests — ids in paths, selects, hidden fields and queries — kept within the
columns they are compared with. Every INTEGER column is 32-bit on PostgreSQL; SQLite and Python take
far more, so an id of thirty nines reached the database and failed there (a 500) instead of being
an id that does not exist (a 404, or the field's message)."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

INT_MAX = 2 ** 31 - 1  # PostgreSQL INTEGER (SERIAL ids included)


def in_column(value: int) -> bool:
    return 0 <= value <= INT_MAX


def db_id(value) -> int:
    """An id as a form posts it ('12'); a coerce for selects: ValueError unless 0 ≤ id ≤ INT_MAX
    (0 stands for 'none' in the selects that allow it)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 10):
            raise ValueError(f"not an id: {text[:20]!r}")
        number = int(text)
    if not in_column(number):
        raise ValueError("id out of range")
    return number


def id_or_zero(value) -> int:
    """A select's id, 0 when it is empty or not an id at all (the 'all' / 'none' choice)."""
    try:
        return db_id(value) if value not in (None, "") else 0
    except ValueError:
        return 0


def arg_id(args, name: str) -> int | None:
    """An id from the query string, None when it is missing or could not be one."""
    raw = args.get(name)
    if raw is None:
        return None
    try:
        return db_id(raw)
    except ValueError:
        return None


class ColumnIntConverter(IntegerConverter):
    """<int:…> in a route: an integer that fits the column, else no match (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def init_app(app) -> None:
    app.url_map.converters["int"] = ColumnIntConverter


def get_by_id(model, value):
    """session.get for an id from outside (a form, the CLI, a replayed step): None when it cannot
    be an id, instead of an overflow inside the database driver."""
    from .extensions import db
    if not isinstance(value, int) or isinstance(value, bool) or not in_column(value):
        return None
    return db.session.get(model, value)
