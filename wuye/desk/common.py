"""The front desk's blueprint and what its pages share: finding an order of the clerk's project,
the technicians to dispatch to with their loads."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from ..database import prepared
from ..extensions import db
from ..formkit import options
from ..models import RepairOrder
from ..services.repairs import intake as repair_service
from ..web import current_project

bp = Blueprint("desk", __name__, url_prefix="/desk")


@prepared
def _order_statement():
    return select(RepairOrder).where(RepairOrder.project_id == bindparam("project_id"),
                                     RepairOrder.number == bindparam("number"))


def order_or_404(number: str) -> RepairOrder:
    project = current_project()
    order = db.session.scalar(_order_statement(), {"project_id": project.id, "number": number})
    if order is None:
        abort(404)
    return order


def technician_choices(project, first_label: str | None):
    loads = repair_service.technician_loads(project)
    choices = [(0, first_label)] if first_label else [(0, "—")]
    for load in loads:
        choices.append((load.user.id, _("%(name)s · %(open)d open · %(today)d today",
                                        name=load.user.name, open=load.open_jobs, today=load.today_appointments)))
    return options(choices), loads
