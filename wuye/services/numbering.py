"""Numbers per project per local day, unique and without gaps: repair orders BX-YYYYMMDD-NNNN,
complaints TS-YYYYMMDD-NNNN.

The counter row is incremented inside the numbered record's own transaction, so a rolled-back
intake gives its number back; the UNIQUE constraint on the number is the backstop. Never MAX()+1.
A series is a counter table with (project_id, day) as its key and a `last` column.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import ComplaintCounter, RepairCounter


def _insert(dialect: str, counter):
    return (postgresql if dialect == "postgresql" else sqlite).insert(counter)


def next_sequence(project_id: int, day: date, counter=RepairCounter) -> int:
    dialect = db.session.get_bind().dialect.name
    db.session.execute(
        _insert(dialect, counter).values(project_id=project_id, day=day, last=0).on_conflict_do_nothing()
    )
    return db.session.execute(
        update(counter)
        .where(counter.project_id == project_id, counter.day == day)
        .values(last=counter.last + 1)
        .returning(counter.last)
    ).scalar_one()


def repair_number(project_id: int, day: date) -> str:
    return f"BX-{day:%Y%m%d}-{next_sequence(project_id, day):04d}"


def complaint_number(project_id: int, day: date) -> str:
    return f"TS-{day:%Y%m%d}-{next_sequence(project_id, day, ComplaintCounter):04d}"
