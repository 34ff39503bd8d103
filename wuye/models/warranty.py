"""Who pays for a repair (DOMAIN.md A3): the charge type, the project's warranty table (保修期), and the
claim of a free job's cost from the builder or the maintenance fund (公共维修资金)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class ChargeType(StrEnum):
    COMMON = "common"  # 公共部位: corridors, lifts, public pipes — no charge to the resident
    WARRANTY = "warranty"  # 保修期内: a defect within the warranty — the cost is claimed from the builder
    PAID = "paid"  # 户内有偿: the price list, on the customer's consent


FREE = frozenset({ChargeType.COMMON, ChargeType.WARRANTY})


class PeriodKind(StrEnum):
    YEARS = "years"
    SEASONS = "seasons"  # heating / cooling seasons, between the item's season dates
    DESIGN_LIFE = "design_life"  # the design life in years (地基基础和主体结构)


class WarrantyItem(db.Model):
    """A project's own row of the warranty table; an item without a row has the statutory default
    (services/repairs/warranty.STATUTORY). A row may only lengthen the statutory period."""

    __tablename__ = "warranty_item"
    __table_args__ = (UniqueConstraint("project_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    code: Mapped[str] = mapped_column(String(32))
    period: Mapped[int] = mapped_column(Integer)  # years or seasons
    season_start: Mapped[str | None] = mapped_column(String(5))  # MM-DD, seasons only
    season_end: Mapped[str | None] = mapped_column(String(5))
    categories: Mapped[list] = mapped_column(JSON, default=list)  # repair category codes it covers
    responsible: Mapped[str] = mapped_column(String(16), default="main_contractor")  # | developer


class CostClaim(db.Model):
    """A free job's cost claimed from the party responsible (claimed, then paid)."""

    __tablename__ = "cost_claim"
    __table_args__ = (UniqueConstraint("order_id"), Index("ix_cost_claim_project_state", "project_id", "state"))
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    state: Mapped[str] = mapped_column(String(10))  # claimed | paid
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
