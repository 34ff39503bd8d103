"""Demo data for the management-review figures: residents send 服务单 for most finished orders (a
low score opens a 回访, which customer service completes), and the housing officer receives most of
the technicians' cash — all through the same services the app uses, at plausible times."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from .clock import Travel
from .clock import now as clock_now
from .extensions import db
from .models import Project, RepairOrder, Role, User
from .models.job import FeeHandover, Payment
from .services import Actor
from .services.repairs import fees
from .services.residents import link as resident
from .services.residents import service_form
from .workflow.repair import RepairState


def seed_feedback(project: Project, rng_seed: int = 14) -> None:
    rng = random.Random(rng_seed)
    clerk = db.session.scalar(select(User).where(User.project_id == project.id, User.role == Role.CLERK))
    officer = db.session.scalar(select(User).where(User.project_id == project.id, User.role == Role.HOUSING_OFFICER))
    desk = Actor(clerk, "192.168.1.20")
    orders = db.session.scalars(select(RepairOrder).where(
        RepairOrder.project_id == project.id, RepairOrder.state.in_([RepairState.COMPLETED, RepairState.DECLINED]))
        .order_by(RepairOrder.id)).all()
    for order in orders:
        if rng.random() > 0.7:
            continue
        at = min(order.closed_at + timedelta(minutes=rng.randint(20, 600)), clock_now())
        with Travel(at):
            link, _token = resident.issue_link(desk, order)
            score = rng.choices([5, 4, 3, 2, 1], [50, 25, 12, 9, 4])[0]
            if order.state == RepairState.DECLINED:
                answers = service_form.Answers(overall=score, timeliness=score, attitude=score,
                                               declined_reason="price")
            else:
                answers = service_form.Answers(overall=score, timeliness=max(1, score - rng.randint(0, 1)),
                                               attitude=score, quality=score)
            service_form.submit(link, answers, "10.0.0.8")
        visit = service_form.open_return_visit(order)
        if visit is not None and rng.random() < 0.6:
            with Travel(min(at + timedelta(hours=rng.randint(2, 20)), clock_now())):
                service_form.complete_return_visit(desk, visit.id, project.id, "已电话回访，业主表示理解")
    if officer is None:
        return
    cash = db.session.scalars(select(Payment).where(
        Payment.project_id == project.id, Payment.method == "cash",
        Payment.id.not_in(select(FeeHandover.payment_id))).order_by(Payment.id)).all()
    for payment in cash:
        if rng.random() > 0.8:
            continue
        at = min(payment.paid_at + timedelta(hours=rng.choice([1, 3, 5, 20, 30])), clock_now())
        short = rng.random() < 0.1
        with Travel(at):
            fees.receive(Actor(officer, "192.168.1.30"), payment, payment.amount_fen - (1000 if short else 0),
                         "师傅称找零少收10元" if short else None)
