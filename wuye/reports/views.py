"""/reports/: the figures for management review (管理评审) — the page, its exports and the A4 print.

Every view reads the same `services.reports.build`; a period that cannot be read is a 400 with the
reason in the reader's language."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..htmx import render
from ..i18n import local_day
from ..clock import now as clock_now
from ..models import Project
from ..permissions import declared_roles, roles
from ..services import reports
from . import charts, export

bp = Blueprint("reports", __name__, url_prefix="/reports")
READERS = tuple(sorted(reports.READERS))


def _project() -> Project:
    """The reader's project; the admin, who has none, names one (`?project=CODE`) or gets the first."""
    if current_user.project_id is not None:
        return db.session.get(Project, current_user.project_id)
    code = request.args.get("project", "")[:32]
    stmt = select(Project).order_by(Project.id)
    project = db.session.scalar(stmt.where(Project.code == code) if code else stmt)
    if project is None:
        abort(404)
    return project


def _period(project: Project):
    today = local_day(clock_now(), project.timezone)
    return reports.parse(request.args.get("p", "")[:40], today, request.args.get("from", "")[:10] or None,
                         request.args.get("to", "")[:10] or None)


def _report():
    """The report the query asks for; a period that cannot be read is a 422 saying why."""
    project = _project()
    try:
        period = _period(project)
    except reports.PeriodError as e:
        abort(422, description=str(e))
    return reports.build(project, period, current_user)


def _may_open(endpoint: str) -> bool:
    return current_user.role in (declared_roles(current_app.view_functions[endpoint]) or ())


ENDPOINTS = {"repairs": "desk.board", "complaints": "complaints.board", "actions": "complaints.actions"}


def link(report, table, line) -> str | None:
    """The list of exactly what is behind a figure — the period's days and the line's filters — if the
    reader may open that list (the admin may not). A line's `target` overrides its table's."""
    if line.link is None or table.target is None:
        return None
    args = dict(line.link)
    endpoint = ENDPOINTS[args.pop("target", table.target)]
    if not _may_open(endpoint):
        return None
    return url_for(endpoint, day_from=report.period.start.isoformat(), day_to=report.period.last.isoformat(), **args)


def _period_links(report) -> dict:
    p = report.period
    return {"previous": p.shifted(-1).code, "next": p.shifted(1).code,
            "this_month": reports.month_of(local_day(clock_now(), report.project.timezone)).code}


def _context(report) -> dict:
    now_label, before_label = charts.labels()
    svgs = {t.key: charts.bar(t, now_label, before_label) for t in report.tables}
    extra = {"project": request.args.get("project")} if current_user.project_id is None else {}
    return dict(report=report, charts=svgs, link=link, periods=_period_links(report), now_label=now_label,
                before_label=before_label, extra_args=extra)


@bp.route("/")
@roles(READERS)
def index():
    project = _project()
    try:
        return render("reports/index.html", **_context(reports.build(project, _period(project), current_user)))
    except reports.PeriodError as e:  # the period form again, on this month, with the reason
        today = local_day(clock_now(), project.timezone)
        report = reports.build(project, reports.month_of(today), current_user)
        return render("reports/index.html", status=422, error=str(e), **_context(report))


@bp.route("/print")
@roles(READERS)
def print_review():
    return render("reports/print.html", **_context(_report()))


@bp.route("/charts.css")
@roles(READERS)
def chart_css():
    return Response(charts.stylesheet(), mimetype="text/css", headers={"Cache-Control": "private, max-age=3600"})


@bp.route("/export.xlsx")
@roles(READERS)
def export_xlsx():
    report = _report()
    tables = _chosen(report)
    name = f"management-review-{report.project.code}-{report.period.code}.xlsx"
    return Response(export.xlsx(report, tables),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/export.csv")
@roles(READERS)
def export_csv():
    report = _report()
    tables = _chosen(report)
    suffix = f"-{tables[0].key}" if len(tables) == 1 else ""
    name = f"management-review-{report.project.code}-{report.period.code}{suffix}.csv"
    return Response(export.csv_text(report, tables), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _chosen(report):
    key = request.args.get("table")
    if not key:
        return report.tables
    table = report.table(key[:60])
    if table is None:
        abort(404, description=_("There is no such table in this report."))
    return [table]
