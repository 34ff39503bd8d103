"""The technician's phone pages. This issue: the jobs dispatched to me and each job's details;
the step-by-step job page (issue 4) and offline work (issue 5) build on these routes."""
from __future__ import annotations

from flask import Blueprint
from flask_login import current_user
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..htmx import render
from ..models import RepairOrder, Role
from ..permissions import roles
from ..services.deadlines.table import running_by_subject
from ..services.repairs.invoices import to_deliver
from ..services.notifications import unread_count
from ..workflow.repair import OPEN_STATES

bp = Blueprint("tech", __name__, url_prefix="/tech")


def my_open_jobs() -> list[RepairOrder]:
    """Emergencies first, then by appointment time, then oldest first."""
    emergency_first = case((RepairOrder.urgency == "emergency", 0), else_=1)
    return list(db.session.scalars(
        select(RepairOrder).options(joinedload(RepairOrder.unit))
        .where(RepairOrder.project_id == current_user.project_id,
               RepairOrder.technician_id == current_user.id,
               RepairOrder.state.in_(OPEN_STATES))
        .order_by(emergency_first, RepairOrder.appointment_start.is_(None),
                  RepairOrder.appointment_start, RepairOrder.id)
    ))


@bp.route("/")
@roles(Role.TECHNICIAN)
def home():
    jobs = my_open_jobs()
    return render("tech/home.html", block="jobs", jobs=jobs, unread=unread_count(current_user.id),
                  deadlines=running_by_subject("repair_order", [o.id for o in jobs]),
                  invoices=to_deliver(current_user.project_id, current_user.id))
