"""Order numbers BX-YYYYMMDD-NNNN: per project per local day, unique and without gaps.

The counter row is incremented inside the order's transaction, so a rolled-back intake gives its
number back; the UNIQUE constraint on the order number is the backstop. Never MAX()+1.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import RepairCounter


def _insert(dialect: str):
    return (postgresql if dialect == "postgresql" else sqlite).insert(RepairCounter)


def next_sequence(project_id: int, day: date) -> int:
    dialect = db.session.get_bind().dialect.name
    db.session.execute(
        _insert(dialect).values(project_id=project_id, day=day, last=0).on_conflict_do_nothing()
    )
    return db.session.execute(
        update(RepairCounter)
        .where(RepairCounter.project_id == project_id, RepairCounter.day == day)
        .values(last=RepairCounter.last + 1)
        .returning(RepairCounter.last)
    ).scalar_one()


def repair_number(project_id: int, day: date) -> str:
    return f"BX-{day:%Y%m%d}-{next_sequence(project_id, day):04d}"
