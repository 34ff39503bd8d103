"""Administration of what intake and the technician offer: repair categories, the price list and
labour rate (收费标准), and the appointment windows. One list page each; every row its own form."""
from __future__ import annotations

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


def _row_forms(form_class, rows, fields, prefix):
    forms = []
    for row in rows:
        f = form_class(prefix=f"{prefix}{row.id}", formdata=None)
        for name, value in fields(row).items():
            getattr(f, name).data = value
        forms.append((row, f))
    return forms


def _categories_page(project: Project, form=None, failed_id: int | None = None, failed=None, error=None,
                     status=200):
    rows = db.session.scalars(select(RepairCategory).where(RepairCategory.project_id == project.id)
                              .order_by(RepairCategory.position, RepairCategory.id)).all()
    forms = _row_forms(CategoryForm, rows, lambda c: {"code": c.code, "name": c.name, "position": c.position,
                                                      "active": c.active}, "c")
    forms = [(r, failed if r.id == failed_id else f) for r, f in forms]
    return render("admin/categories.html", project=project, rows=forms, form=form or CategoryForm(prefix="new"),
                  error=error, status=status, events=_events(project, "repair_category"))


@bp.route("/projects/<int:project_id>/categories", methods=["GET", "POST"])
@roles(ADMINS)
def categories(project_id: int):
    project = scoped_project(project_id)
    if request.method == "GET":
        return _categories_page(project)
    form = CategoryForm(prefix="new")
    if form.validate_on_submit():
        try:
            estate.save_category(actor(), project, None, form.code.data, form.name.data, form.position.data or 0,
                                 form.active.data)
        except DomainError as e:
            return _categories_page(project, form=form, error=e.message, status=422)
        return redirect_to(url_for("admin.categories", project_id=project.id))
    return _categories_page(project, form=form, status=422)


@bp.route("/categories/<int:category_id>", methods=["POST"])
@roles(ADMINS)
def category(category_id: int):
    row = scoped(RepairCategory, category_id)
    project = db.session.get(Project, row.project_id)
    form = CategoryForm(prefix=f"c{row.id}")
    if form.validate_on_submit():
        try:
            estate.save_category(actor(), project, row, form.code.data, form.name.data, form.position.data or 0,
                                 form.active.data)
        except DomainError as e:
            return _categories_page(project, failed_id=row.id, failed=form, error=e.message, status=422)
        return redirect_to(url_for("admin.categories", project_id=project.id))
    return _categories_page(project, failed_id=row.id, failed=form, status=422)


def _money(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _prices_page(project: Project, form=None, failed_id=None, failed=None, labour_form=None, error=None, status=200):
    rows = db.session.scalars(select(PriceItem).where(PriceItem.project_id == project.id,
                                                      PriceItem.kind == "material").order_by(PriceItem.name)).all()
    forms = _row_forms(PriceItemForm, rows, lambda p: {"code": p.code, "name": p.name, "unit": p.unit,
                                                       "price": _money(p.price_fen), "active": p.active}, "p")
    forms = [(r, failed if r.id == failed_id else f) for r, f in forms]
    labour = db.session.scalar(select(PriceItem).where(PriceItem.project_id == project.id,
                                                       PriceItem.kind == "labour"))
    if labour_form is None:
        labour_form = LabourForm(prefix="labour", formdata=None)
        labour_form.price.data = _money(labour.price_fen) if labour else ""
    return render("admin/prices.html", project=project, rows=forms, form=form or PriceItemForm(prefix="new"),
                  labour=labour, labour_form=labour_form, error=error, status=status,
                  events=_events(project, "price_item"))


@bp.route("/projects/<int:project_id>/prices", methods=["GET", "POST"])
@roles(ADMINS)
def prices(project_id: int):
    project = scoped_project(project_id)
    if request.method == "GET":
        return _prices_page(project)
    form = PriceItemForm(prefix="new")
    if form.validate_on_submit():
        try:
            estate.save_price_item(actor(), project, None, form.code.data, form.name.data, form.unit.data,
                                   form.price.fen, form.active.data)
        except DomainError as e:
            return _prices_page(project, form=form, error=e.message, status=422)
        return redirect_to(url_for("admin.prices", project_id=project.id))
    return _prices_page(project, form=form, status=422)


@bp.route("/prices/<int:item_id>", methods=["POST"])
@roles(ADMINS)
def price(item_id: int):
    row = scoped(PriceItem, item_id)
    project = db.session.get(Project, row.project_id)
    form = PriceItemForm(prefix=f"p{row.id}")
    if row.kind == "material" and form.validate_on_submit():
        try:
            estate.save_price_item(actor(), project, row, form.code.data, form.name.data, form.unit.data,
                                   form.price.fen, form.active.data)
        except DomainError as e:
            return _prices_page(project, failed_id=row.id, failed=form, error=e.message, status=422)
        return redirect_to(url_for("admin.prices", project_id=project.id))
    return _prices_page(project, failed_id=row.id, failed=form, status=422)


@bp.route("/projects/<int:project_id>/labour", methods=["POST"])
@roles(ADMINS)
def labour(project_id: int):
    project = scoped_project(project_id)
    form = LabourForm(prefix="labour")
    if form.validate_on_submit():
        try:
            estate.set_labour_rate(actor(), project, form.price.fen)
        except DomainError as e:
            return _prices_page(project, labour_form=form, error=e.message, status=422)
        return redirect_to(url_for("admin.prices", project_id=project.id))
    return _prices_page(project, labour_form=form, status=422)


def _windows_page(project: Project, form=None, failed_id=None, failed=None, error=None, status=200):
    rows = db.session.scalars(select(AppointmentWindow).where(AppointmentWindow.project_id == project.id)
                              .order_by(AppointmentWindow.position, AppointmentWindow.starts)).all()
    forms = _row_forms(WindowForm, rows, lambda w: {"starts": w.starts, "ends": w.ends, "position": w.position,
                                                    "active": w.active}, "w")
    forms = [(r, failed if r.id == failed_id else f) for r, f in forms]
    return render("admin/windows.html", project=project, rows=forms, form=form or WindowForm(prefix="new"),
                  error=error, status=status, events=_events(project, "appointment_window"))


@bp.route("/projects/<int:project_id>/windows", methods=["GET", "POST"])
@roles(ADMINS)
def windows(project_id: int):
    project = scoped_project(project_id)
    if request.method == "GET":
        return _windows_page(project)
    form = WindowForm(prefix="new")
    if form.validate_on_submit():
        try:
            estate.save_window(actor(), project, None, form.starts.data.strip(), form.ends.data.strip(),
                               form.position.data or 0, form.active.data)
        except DomainError as e:
            return _windows_page(project, form=form, error=e.message, status=422)
        return redirect_to(url_for("admin.windows", project_id=project.id))
    return _windows_page(project, form=form, status=422)


@bp.route("/windows/<int:window_id>", methods=["POST"])
@roles(ADMINS)
def window(window_id: int):
    row = scoped(AppointmentWindow, window_id)
    project = db.session.get(Project, row.project_id)
    form = WindowForm(prefix=f"w{row.id}")
    if form.validate_on_submit():
        try:
            estate.save_window(actor(), project, row, form.starts.data.strip(), form.ends.data.strip(),
                               form.position.data or 0, form.active.data)
        except DomainError as e:
            return _windows_page(project, failed_id=row.id, failed=form, error=e.message, status=422)
        return redirect_to(url_for("admin.windows", project_id=project.id))
    return _windows_page(project, failed_id=row.id, failed=form, status=422)
