"""Administration of what intake and the technician offer: repair categories (and which are 公共设施),
the price list and labour rate (收费标准), and the appointment windows. One list page each, every row its
own form — the three pages are one `ListEditor` with their own fields."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import request, url_for
from sqlalchemy import select

from ..extensions import db
from ..htmx import redirect_to, render
from ..models import AppointmentWindow, AuditEvent, Project, RepairCategory
from ..models.job import PriceItem
from ..permissions import roles
from ..services import DomainError, estate
from ..web import actor
from .forms import CategoryForm, LabourForm, PriceItemForm, WindowForm
from .common import ADMINS, bp, scoped, scoped_project


def _events(project: Project, subject_type: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.project_id == project.id,
                                                           AuditEvent.subject_type == subject_type)
                                   .order_by(AuditEvent.id.desc()).limit(50)))


@dataclass(frozen=True)
class ListEditor:
    """A project's list of rows, each edited in its own form, and a form that adds one.

    `values(row)` fills a row's form; `save(project, row or None, form)` calls the audited service;
    `rows(project)` is the list in its order; `context(project, **kw)` adds what else the page shows."""
    model: Any
    form_class: Any
    prefix: str  # of each row's form: prefix + row id
    template: str
    endpoint: str  # the list page, where every save returns
    subject_type: str  # of the audit events listed under the page
    rows: Callable[[Project], list]
    values: Callable[[Any], dict]
    save: Callable[[Project, Any, Any], Any]
    accepts: Callable[[Any], bool] = lambda row: True  # a row this editor may change (prices: not labour)
    context: Callable[..., dict] = lambda project, **kw: {}

    def page(self, project: Project, form=None, failed_id: int | None = None, failed=None, error=None,
             status=200, **extra):
        forms = []
        for row in self.rows(project):
            if row.id == failed_id:
                forms.append((row, failed))
                continue
            f = self.form_class(prefix=f"{self.prefix}{row.id}", formdata=None)
            for name, value in self.values(row).items():
                getattr(f, name).data = value
            forms.append((row, f))
        return render(self.template, project=project, rows=forms, form=form or self.form_class(prefix="new"),
                      error=error, status=status, events=_events(project, self.subject_type),
                      **self.context(project, **extra))

    def _submit(self, project: Project, row, form, failed: dict):
        if self.accepts(row) and form.validate_on_submit():
            try:
                self.save(project, row, form)
            except DomainError as e:
                return self.page(project, error=e.message, status=422, **failed)
            return redirect_to(url_for(self.endpoint, project_id=project.id))
        return self.page(project, status=422, **failed)

    def list_view(self, project_id: int):
        """GET the page; POST adds a row."""
        project = scoped_project(project_id)
        if request.method == "GET":
            return self.page(project)
        form = self.form_class(prefix="new")
        return self._submit(project, None, form, {"form": form})

    def row_view(self, row_id: int):
        """POST one row's form."""
        row = scoped(self.model, row_id)
        project = db.session.get(Project, row.project_id)
        form = self.form_class(prefix=f"{self.prefix}{row.id}")
        return self._submit(project, row, form, {"failed_id": row.id, "failed": form})


def _money(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


CATEGORIES = ListEditor(
    RepairCategory, CategoryForm, "c", "admin/categories.html", "admin.categories", "repair_category",
    rows=lambda p: db.session.scalars(select(RepairCategory).where(RepairCategory.project_id == p.id)
                                      .order_by(RepairCategory.position, RepairCategory.id)).all(),
    values=lambda c: {"code": c.code, "name": c.name, "position": c.position, "active": c.active,
                      "common_parts": c.common_parts},
    save=lambda p, row, f: estate.save_category(actor(), p, row, f.code.data, f.name.data, f.position.data or 0,
                                                f.active.data, common_parts=bool(f.common_parts.data)))


def _labour_context(project: Project, labour_form=None) -> dict:
    labour = db.session.scalar(select(PriceItem).where(PriceItem.project_id == project.id,
                                                       PriceItem.kind == "labour"))
    if labour_form is None:
        labour_form = LabourForm(prefix="labour", formdata=None)
        labour_form.price.data = _money(labour.price_fen) if labour else ""
    return {"labour": labour, "labour_form": labour_form}


PRICES = ListEditor(
    PriceItem, PriceItemForm, "p", "admin/prices.html", "admin.prices", "price_item",
    rows=lambda p: db.session.scalars(select(PriceItem).where(PriceItem.project_id == p.id,
                                                              PriceItem.kind == "material")
                                      .order_by(PriceItem.name)).all(),
    values=lambda i: {"code": i.code, "name": i.name, "unit": i.unit, "price": _money(i.price_fen),
                      "active": i.active},
    save=lambda p, row, f: estate.save_price_item(actor(), p, row, f.code.data, f.name.data, f.unit.data,
                                                  f.price.fen, f.active.data),
    accepts=lambda row: row is None or row.kind == "material",  # the labour rate has its own form
    context=_labour_context)

WINDOWS = ListEditor(
    AppointmentWindow, WindowForm, "w", "admin/windows.html", "admin.windows", "appointment_window",
    rows=lambda p: db.session.scalars(select(AppointmentWindow).where(AppointmentWindow.project_id == p.id)
                                      .order_by(AppointmentWindow.position, AppointmentWindow.starts)).all(),
    values=lambda w: {"starts": w.starts, "ends": w.ends, "position": w.position, "active": w.active},
    save=lambda p, row, f: estate.save_window(actor(), p, row, f.starts.data.strip(), f.ends.data.strip(),
                                              f.position.data or 0, f.active.data))


@bp.route("/projects/<int:project_id>/categories", methods=["GET", "POST"])
@roles(ADMINS)
def categories(project_id: int):
    return CATEGORIES.list_view(project_id)


@bp.route("/categories/<int:category_id>", methods=["POST"])
@roles(ADMINS)
def category(category_id: int):
    return CATEGORIES.row_view(category_id)


@bp.route("/projects/<int:project_id>/prices", methods=["GET", "POST"])
@roles(ADMINS)
def prices(project_id: int):
    return PRICES.list_view(project_id)


@bp.route("/prices/<int:item_id>", methods=["POST"])
@roles(ADMINS)
def price(item_id: int):
    return PRICES.row_view(item_id)


@bp.route("/projects/<int:project_id>/labour", methods=["POST"])
@roles(ADMINS)
def labour(project_id: int):
    project = scoped_project(project_id)
    form = LabourForm(prefix="labour")
    if form.validate_on_submit():
        try:
            estate.set_labour_rate(actor(), project, form.price.fen)
        except DomainError as e:
            return PRICES.page(project, labour_form=form, error=e.message, status=422)
        return redirect_to(url_for("admin.prices", project_id=project.id))
    return PRICES.page(project, labour_form=form, status=422)


@bp.route("/projects/<int:project_id>/windows", methods=["GET", "POST"])
@roles(ADMINS)
def windows(project_id: int):
    return WINDOWS.list_view(project_id)


@bp.route("/windows/<int:window_id>", methods=["POST"])
@roles(ADMINS)
def window(window_id: int):
    return WINDOWS.row_view(window_id)
