"""The project's warranty table (A3): each item's period (never below the statute's), the categories it
covers, who answers for it and, for heating and cooling, the season dates. The desk reads it; the project
manager keeps it."""
from __future__ import annotations

import re

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp

from ..extensions import db
from ..formkit import options
from ..htmx import redirect_to, render
from ..models import Role
from ..permissions import roles
from ..services import DomainError
from ..services.orgs import categories
from ..services.repairs import warranty
from ..web import actor, current_project
from ..workflow.repair import DESK
from .common import bp

SEASON = Regexp(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", message=_l("A season date is month-day, such as 11-15."))


class ItemForm(FlaskForm):
    period = IntegerField(_l("Period"), validators=[InputRequired(_l("Enter the period.")),
                                                    NumberRange(min=1, max=100, message=_l("1 to 100."))])
    responsible = SelectField(_l("Claimed from"), choices=options([
        ("main_contractor", _l("Main contractor")), ("developer", _l("Developer"))]))
    season_start = StringField(_l("Season starts"), validators=[Optional(), SEASON])
    season_end = StringField(_l("Season ends"), validators=[Optional(), SEASON])


def _page(status: int = 200, error: str | None = None, failed: str | None = None):
    project = current_project()
    return render("claims/table.html", status=status, items=warranty.table(project.id), error=error, failed=failed,
                  categories=categories(project), may_edit=actor().role == Role.PROJECT_MANAGER,
                  forms={i.code: ItemForm(prefix=i.code, data={"period": i.period, "responsible": i.responsible,
                                                               "season_start": i.season_start,
                                                               "season_end": i.season_end})
                         for i in warranty.table(project.id)})


@bp.route("/warranty-table")
@roles(DESK)
def warranty_table():
    return _page()


@bp.route("/warranty-table/<code>", methods=["POST"])
@roles(Role.PROJECT_MANAGER)
def warranty_item(code: str):
    if code not in {d.code for d in warranty.STATUTORY}:
        return _page(404, str(_l("Unknown warranty item.")))
    form = ItemForm(prefix=code)
    if not form.validate_on_submit():
        return _page(422, "; ".join(str(m) for errs in form.errors.values() for m in errs), code)
    chosen = [c for c in request.form.getlist(f"{code}-categories") if re.fullmatch(r"[\w-]{1,32}", c)]
    try:
        warranty.change_item(actor(), current_project(), code, form.period.data, chosen, form.responsible.data,
                             form.season_start.data or None, form.season_end.data or None)
    except DomainError as e:
        db.session.rollback()
        return _page(e.status, e.message, code)
    return redirect_to(url_for("claims.warranty_table", saved=code))
