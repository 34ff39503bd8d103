"""The claim lists (A3): free jobs per responsible party and month with totals, marked claimed / paid,
exported as XLSX for the claim letter (one sheet per party)."""
from __future__ import annotations

import re
from datetime import date

from flask import Response, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Optional, Regexp

from ..extensions import db
from ..formkit import options
from ..htmx import redirect_to, render
from ..models import Role
from ..permissions import roles
from ..services import DomainError
from ..services.repairs import claims as svc
from ..web import actor, current_project
from ..workflow.repair import DESK
from .common import bp

MARKERS = {Role.CS_SUPERVISOR, Role.PROJECT_MANAGER}  # who sends the claim letter and books the money


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    kind = SelectField(_l("Jobs"), default="warranty", choices=options([
        ("warranty", _l("Under warranty: claimed from the builders")),
        ("common", _l("Common parts: the maintenance fund"))]))
    month = StringField(_l("Month"), validators=[Optional(), Regexp(r"^\d{4}-(0[1-9]|1[0-2])$",
                                                                     message=_l("A month is written 2026-11."))])
    state = SelectField(_l("Claim state"), default="", choices=options([
        ("", _l("All")), ("open", _l("not claimed")), ("claimed", _l("claimed")), ("paid", _l("paid"))]))


class MarkForm(FlaskForm):
    to = SelectField(choices=options([("claimed", _l("Mark claimed")), ("paid", _l("Mark paid"))]))


def _filters():
    form = FilterForm(request.args)
    ok = form.validate()
    month = date.fromisoformat(form.month.data + "-01") if ok and form.month.data else None
    return form, ok, form.kind.data if ok else "warranty", month, (form.state.data or None) if ok else None


def _page(status: int = 200, error: str | None = None, message: str | None = None):
    project = current_project()
    form, ok, kind, month, state = _filters()
    groups = svc.claim_list(project, kind, month, state) if ok else []
    return render("claims/index.html", status=status if ok else 422, form=form, groups=groups, kind=kind,
                  mark_form=MarkForm(), error=error, message=message, may_mark=actor().role in MARKERS,
                  total=sum(g.total_fen for g in groups), args={k: v for k, v in request.args.items() if v})


@bp.route("/")
@roles(DESK)
def index():
    return _page()


@bp.route("/mark", methods=["POST"])
@roles(MARKERS)
def mark():
    form = MarkForm()
    ids = [int(v) for v in request.form.getlist("order") if re.fullmatch(r"\d{1,12}", v)]
    if not form.validate_on_submit():
        return _page(422, "; ".join(str(m) for errs in form.errors.values() for m in errs))
    try:
        n = svc.mark(actor(), current_project(), ids, form.to.data)
    except DomainError as e:
        db.session.rollback()
        return _page(e.status, e.message)
    return redirect_to(url_for("claims.index", **{k: v for k, v in request.args.items() if v}, marked=n))


@bp.route("/export.xlsx")
@roles(DESK)
def export():
    project = current_project()
    form, ok, kind, month, state = _filters()
    if not ok:
        return _page()
    body = svc.export_xlsx(project, kind, svc.claim_list(project, kind, month, state), month)
    name = f"{project.code}-{kind}-claims-{month.strftime('%Y-%m') if month else 'all'}.xlsx"
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


