"""Who pays (DOMAIN.md A3): the project's warranty table and the charge type proposed for a repair.

The statutory minimum periods (《建设工程质量管理条例》第四十条) count from the building's 竣工验收 date;
a project may set longer ones, never shorter. `propose` says which type applies on the day of the call
(in the project's time zone) and why; `describe` puts the why into words in the reader's language.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...extensions import db
from ...i18n import local_day
from ...models import Project, Unit
from ...models.warranty import ChargeType, PeriodKind, WarrantyItem
from .. import InvalidInput

RESPONSIBLE = ("main_contractor", "developer")


@dataclass(frozen=True)
class Item:
    """One row of a project's warranty table as it applies (the project's row, else the statute's)."""
    code: str
    kind: str
    period: int
    minimum: int
    categories: tuple[str, ...]
    responsible: str = "main_contractor"
    season_start: str | None = None  # MM-DD
    season_end: str | None = None

    @property
    def name(self) -> str:
        return str(ITEM_NAMES.get(self.code, self.code))


# the statute's items and minimums; which default categories each covers (a project may change both)
STATUTORY = (
    Item("structure", PeriodKind.DESIGN_LIFE, 50, 50, ("structure",)),
    Item("waterproofing", PeriodKind.YEARS, 5, 5, ("leak",)),
    Item("heating", PeriodKind.SEASONS, 2, 2, ("heating",), season_start="11-15", season_end="03-15"),
    Item("cooling", PeriodKind.SEASONS, 2, 2, ("cooling",), season_start="05-15", season_end="09-30"),
    Item("installation", PeriodKind.YEARS, 2, 2, ("plumbing_electric", "drain", "doors_windows", "walls_floors")),
)
ITEM_NAMES = {
    "structure": _l("Foundations and main structure"),
    "waterproofing": _l("Waterproofing of roofs, wet rooms and exterior walls"),
    "heating": _l("Heating system"),
    "cooling": _l("Cooling system"),
    "installation": _l("Wiring, water and drainage pipes, equipment installation, decoration"),
}


def table(project_id: int) -> list[Item]:
    rows = {r.code: r for r in db.session.scalars(select(WarrantyItem).where(WarrantyItem.project_id == project_id))}
    out = []
    for d in STATUTORY:
        r = rows.get(d.code)
        out.append(d if r is None else Item(d.code, d.kind, r.period, d.minimum, tuple(r.categories or ()),
                                            r.responsible, r.season_start or d.season_start,
                                            r.season_end or d.season_end))
    return out


def _month_day(value: str | None) -> tuple[int, int]:
    try:
        m, d = (int(x) for x in (value or "").split("-"))
        date(2024, m, d)  # a leap year: 02-29 is a valid season date
    except ValueError:
        raise InvalidInput(_("A season date is month-day, such as 11-15.")) from None
    return m, d


def set_item(project_id: int, code: str, period: int, categories: list[str], responsible: str,
             season_start: str | None = None, season_end: str | None = None) -> WarrantyItem:
    """Change a project's row (inside the caller's transaction): never below the statutory minimum."""
    default = next((d for d in STATUTORY if d.code == code), None)
    if default is None:
        raise InvalidInput(_("Unknown warranty item."))
    if period < default.minimum or period > 100:
        raise InvalidInput(_("The period cannot be shorter than the statutory %(n)d.", n=default.minimum))
    if responsible not in RESPONSIBLE:
        raise InvalidInput(_("Choose the developer or the main contractor."))
    if default.kind == PeriodKind.SEASONS:
        _month_day(season_start), _month_day(season_end)
    row = db.session.scalar(select(WarrantyItem).where(WarrantyItem.project_id == project_id,
                                                       WarrantyItem.code == code))
    if row is None:
        row = WarrantyItem(project_id=project_id, code=code)
        db.session.add(row)
    row.period, row.categories, row.responsible = period, sorted(set(categories)), responsible
    row.season_start = season_start if default.kind == PeriodKind.SEASONS else None
    row.season_end = season_end if default.kind == PeriodKind.SEASONS else None
    db.session.flush()
    return row


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def until(item: Item, completed: date) -> date:
    """The last day under warranty (inclusive). Seasons: the end of the item's n-th season that starts
    on or after completion (a season already under way at completion does not count)."""
    if item.kind != PeriodKind.SEASONS:
        return _add_years(completed, item.period)
    sm, sd = _month_day(item.season_start)
    em, ed = _month_day(item.season_end)
    start = date(completed.year, sm, sd if (sm, sd) != (2, 29) else 28)
    if start < completed:
        start = _add_years(start, 1)
    start = _add_years(start, item.period - 1)
    end = date(start.year, em, ed if (em, ed) != (2, 29) else 28)
    return end if end >= start else _add_years(end, 1)


@dataclass(frozen=True)
class Proposal:
    """The charge type for a repair and its grounds: `why` is a code, `facts` what `describe` words."""
    charge_type: str
    why: str
    facts: dict = field(default_factory=dict)
    party: str | None = None  # for a warranty job: who the cost is claimed from

    @property
    def basis(self) -> dict:
        return {"why": self.why, "proposed": self.charge_type, **self.facts}


def responsible_party(building, responsible: str) -> str:
    """The builder named on the building for this item; the other one if that name is not recorded."""
    first, other = ((building.developer, building.main_contractor) if responsible == "developer"
                    else (building.main_contractor, building.developer))
    return (first or other or "").strip()


def propose(unit: Unit, category: str, at: datetime) -> Proposal:
    """The charge type the desk proposes for a repair of `category` at `unit` called in at `at`."""
    if unit.common_area:
        return Proposal(ChargeType.COMMON, "common_unit", {"unit": unit.label})
    from ..orgs import common_categories
    if category in common_categories(unit.project_id):  # the project's 公共设施 categories
        return Proposal(ChargeType.COMMON, "common_category", {"category": category})
    items = [i for i in table(unit.project_id) if category in i.categories]
    if not items:
        return Proposal(ChargeType.PAID, "not_covered", {"category": category})
    building = unit.building
    if building.completed_on is None:
        return Proposal(ChargeType.PAID, "no_date", {"building": building.name})
    project = db.session.get(Project, unit.project_id)
    day = local_day(at, project.timezone)
    ends = sorted(((until(i, building.completed_on), i) for i in items), key=lambda e: e[0])
    last_day, item = next(((u, i) for u, i in reversed(ends) if day <= u), ends[-1])
    facts = {"item": item.code, "kind": item.kind, "period": item.period, "season_start": item.season_start,
             "season_end": item.season_end, "completed": building.completed_on.isoformat(),
             "until": last_day.isoformat(), "responsible": item.responsible}
    if day > last_day:
        return Proposal(ChargeType.PAID, "expired", facts)
    return Proposal(ChargeType.WARRANTY, "in_warranty", facts, responsible_party(building, item.responsible))


def _period_words(facts: dict) -> str:
    n = facts.get("period", 0)
    if facts.get("kind") == PeriodKind.SEASONS:
        return _("%(n)d seasons (%(start)s to %(end)s)", n=n, start=facts.get("season_start"),
                 end=facts.get("season_end"))
    if facts.get("kind") == PeriodKind.DESIGN_LIFE:
        return _("design life of %(n)d years", n=n)
    return _("%(n)d years", n=n)


def describe(basis: dict | None) -> str:
    """The grounds of a charge type in words, e.g. 保修期内：卫生间防渗漏 5 年，竣工 2023-06-30，至 2028-06-30."""
    from ...labels import category_label
    if not basis:
        return ""
    why = basis.get("why")
    if why == "common_unit":
        return _("Common parts: %(unit)s is a common area.", unit=basis.get("unit"))
    if why == "common_category":
        return _("Common parts: the category is %(category)s.", category=category_label(basis.get("category")))
    if why == "not_covered":
        return _("Paid work: no warranty item covers %(category)s.", category=category_label(basis.get("category")))
    if why == "no_date":
        return _("No warranty proposal: building %(building)s has no completion acceptance date recorded.",
                 building=basis.get("building"))
    if why in ("in_warranty", "expired"):
        words = dict(item=ITEM_NAMES.get(basis.get("item"), basis.get("item")), period=_period_words(basis),
                     completed=basis.get("completed"), until=basis.get("until"))
        if why == "expired":
            return _("Warranty over: %(item)s %(period)s, completed %(completed)s, ended %(until)s.", **words)
        return _("Under warranty: %(item)s %(period)s, completed %(completed)s, until %(until)s.", **words)
    return ""


def change_item(actor, project: Project, code: str, period: int, categories: list[str], responsible: str,
                season_start: str | None = None, season_end: str | None = None) -> WarrantyItem:
    """The project's own period (never below the statute's), categories, party and season dates; audited."""
    from ...database import transaction
    from ..audit import record
    from ..orgs import categories as project_categories
    known = {c.code for c in project_categories(project)}
    if any(c not in known for c in categories):
        raise InvalidInput(_("Choose categories of this project."))
    with transaction():
        row = set_item(project.id, code, period, categories, responsible, season_start, season_end)
        record(actor, "warranty_item_change", "project", project.id, project.id, item=code, period=period,
               categories=row.categories, responsible=responsible, season_start=row.season_start,
               season_end=row.season_end)
    return row
