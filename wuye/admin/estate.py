"""Administration of the estate: buildings, units with their contacts, departments with their head."""
from __future__ import annotations

import re

from flask import request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..formkit import options
from ..htmx import redirect_to, render
from ..models import Building, Department, Project, Unit, User
from ..permissions import roles
from ..services import DomainError, estate
from ..services.audit import history
from ..services.import_units import parse_area, show_area
from ..web import actor
from .forms import CONTACTS, MAX_CONTACTS, BuildingForm, DepartmentForm, UnitForm, unit_form_class
from .common import ADMINS, bp, scoped, scoped_project

PAGE = 100


@bp.route("/projects/<int:project_id>/buildings", methods=["GET", "POST"])
@roles(ADMINS)
def buildings(project_id: int):
    project = scoped_project(project_id)
    form = BuildingForm()
    error, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                estate.save_building(actor(), project, None, form.name.data, form.completed_on.data,
                                     form.developer.data or "", form.main_contractor.data or "")
            except DomainError as e:
                error = e.message
            else:
                return redirect_to(url_for("admin.buildings", project_id=project.id))
        status = 422
    counts = dict(db.session.execute(select(Unit.building_id, func.count()).where(Unit.project_id == project.id)
                                     .group_by(Unit.building_id)).all())
    return render("admin/buildings.html", project=project, form=form, error=error, status=status, counts=counts)


@bp.route("/buildings/<int:building_id>", methods=["GET", "POST"])
@roles(ADMINS)
def building(building_id: int):
    building = scoped(Building, building_id)
    form = BuildingForm(obj=building)
    error, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                estate.save_building(actor(), building.project, building, form.name.data, form.completed_on.data,
                                     form.developer.data or "", form.main_contractor.data or "")
            except DomainError as e:
                error = e.message
            else:
                return redirect_to(url_for("admin.building", building_id=building.id, saved=1))
        status = 422
    return render("admin/building.html", building=building, project=building.project, form=form, error=error,
                  status=status, events=history("building", building.id))


@bp.route("/projects/<int:project_id>/units")
@roles(ADMINS)
def units(project_id: int):
    project = scoped_project(project_id)
    q = request.args.get("q", "").strip()[:60]
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    stmt = select(Unit).where(Unit.project_id == project.id).options(selectinload(Unit.contacts))
    if q:
        stmt = stmt.where(or_(Unit.search_key.startswith(q, autoescape=True), Unit.room.startswith(q, autoescape=True),
                              Unit.owner_name.startswith(q, autoescape=True)))
    rows = list(db.session.scalars(stmt.order_by(Unit.building_id, Unit.unit_no, Unit.floor, Unit.room).offset((page - 1) * PAGE).limit(PAGE + 1)))
    return render("admin/units.html", project=project, units=rows[:PAGE], more=len(rows) > PAGE, page=page, q=q)


def _places(unit: Unit | None) -> int:
    """Contact places on the page: the unit's contacts and one empty more (a 4th, 5th…), or what was posted."""
    if request.method == "POST":
        posted = [int(m.group(1)) for k in request.form if (m := re.fullmatch(r"c(\d{1,2})_\w+", k))]
        return max([CONTACTS, *posted])
    return len(unit.contacts) + 1 if unit is not None else CONTACTS


def _unit_form(project: Project, unit: Unit | None) -> UnitForm:
    form_class = unit_form_class(_places(unit))
    form = form_class(obj=unit) if unit else form_class()
    form.places = min(MAX_CONTACTS, max(CONTACTS, _places(unit)))
    form.building.choices = options([(b.id, b.name) for b in project.buildings])
    if unit is not None and request.method == "GET":
        form.building.data = unit.building_id
        form.area.data = show_area(unit.area_centi)
        for i, c in enumerate(unit.contacts[:form.places], start=1):
            getattr(form, f"c{i}_kind").data = c.kind
            getattr(form, f"c{i}_name").data = c.name
            getattr(form, f"c{i}_phone").data = c.phone
            getattr(form, f"c{i}_phone2").data = c.phone2
            getattr(form, f"c{i}_messages").data = c.may_receive_messages
    return form


def _contacts(form: UnitForm) -> list[dict]:
    out = []
    for i in range(1, form.places + 1):
        name, phone = getattr(form, f"c{i}_name").data or "", getattr(form, f"c{i}_phone").data or ""
        phone2 = getattr(form, f"c{i}_phone2").data or ""
        if name or phone or phone2:
            out.append({"kind": getattr(form, f"c{i}_kind").data, "name": name.strip(), "phone": phone or phone2,
                        "phone2": phone2 if phone else "",
                        "may_receive_messages": bool(getattr(form, f"c{i}_messages").data)})
    return out


def _save_unit(project: Project, unit: Unit | None):
    form = _unit_form(project, unit)
    error, status = None, 200
    if request.method == "POST":
        area = None
        if form.validate_on_submit():
            try:
                area = parse_area(form.area.data or "")
            except ValueError:
                form.area.errors = [_("An area is a number of m² above 0 and below 100,000, with at most two decimals.")]
        if form.validate_on_submit() and not form.area.errors:
            try:
                saved = estate.save_unit(actor(), project, unit, form.building.data, form.unit_no.data or "",
                                         form.floor.data, form.room.data, area, form.status.data, _contacts(form),
                                         common_area=bool(form.common_area.data))
            except DomainError as e:
                error = e.message
            else:
                return redirect_to(url_for("admin.unit", unit_id=saved.id, saved=1))
        status = 422
    return render("admin/unit.html", project=project, unit=unit, form=form, error=error, status=status,
                  contacts=form.places, events=history("unit", unit.id) if unit else [])


@bp.route("/projects/<int:project_id>/units/new", methods=["GET", "POST"])
@roles(ADMINS)
def unit_new(project_id: int):
    return _save_unit(scoped_project(project_id), None)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@roles(ADMINS)
def unit(unit_id: int):
    unit = scoped(Unit, unit_id)
    return _save_unit(db.session.get(Project, unit.project_id), unit)


def _department_form(project: Project, department: Department | None) -> DepartmentForm:
    form = DepartmentForm(obj=department) if department else DepartmentForm()
    people = db.session.scalars(select(User).where(User.project_id == project.id, User.active.is_(True))
                                .order_by(User.name))
    form.head.choices = options([(0, "—")] + [(u.id, f"{u.name} ({u.username})") for u in people])
    if department is not None and request.method == "GET":
        form.head.data = department.head_id or 0
    return form


@bp.route("/projects/<int:project_id>/departments", methods=["GET", "POST"])
@roles(ADMINS)
def departments(project_id: int):
    project = scoped_project(project_id)
    form = _department_form(project, None)
    error, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                estate.save_department(actor(), project, None, form.code.data, form.name.data, form.head.data or None)
            except DomainError as e:
                error = e.message
            else:
                return redirect_to(url_for("admin.departments", project_id=project.id))
        status = 422
    rows = db.session.scalars(select(Department).where(Department.project_id == project.id)
                              .order_by(Department.code)).all()
    return render("admin/departments.html", project=project, departments=rows, form=form, error=error,
                  status=status)


@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@roles(ADMINS)
def department(department_id: int):
    department = scoped(Department, department_id)
    project = db.session.get(Project, department.project_id)
    form = _department_form(project, department)
    error, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                estate.save_department(actor(), project, department, form.code.data, form.name.data,
                                       form.head.data or None)
            except DomainError as e:
                error = e.message
            else:
                return redirect_to(url_for("admin.department", department_id=department.id, saved=1))
        status = 422
    members = db.session.scalars(select(User).where(User.department_id == department.id).order_by(User.name)).all()
    return render("admin/department.html", project=project, department=department, form=form, error=error,
                  status=status, members=members, events=history("department", department.id))
