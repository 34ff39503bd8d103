"""Administration (issue 11): projects and users here; estate.py, pricing.py and imports.py the rest.

`admin` may change everything; a `project_manager` only the data of their own project — any other
project's object answers 404, as everywhere in wuye.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.validators import ValidationError

from ..extensions import db
from ..formkit import options
from ..htmx import redirect_to, render
from ..labels import ROLES
from ..models import DeadlinePolicy, Department, Project, Role, User
from ..permissions import ANY_USER, roles
from ..services import DomainError, estate, orgs
from ..services.audit import history
from ..services.deadlines import table as deadlines
from ..services.orgs import set_active
from ..web import actor, home_url
from .common import ADMINS, bp, scoped, scoped_project
from .forms import ChoosePasswordForm, DeadlinePolicyForm, PasswordResetForm, ProjectForm, UserForm



def visible_projects() -> list[Project]:
    stmt = select(Project).order_by(Project.code)
    if current_user.role != Role.ADMIN:
        stmt = stmt.where(Project.id == current_user.project_id)
    return list(db.session.scalars(stmt))


@bp.route("/projects")
@roles(ADMINS)
def projects():
    form = ProjectForm()
    return render("admin/projects.html", projects=visible_projects(), form=form)


@bp.route("/projects/new", methods=["POST"])
@roles(Role.ADMIN)
def project_new():
    form = ProjectForm()
    error = None
    if form.validate_on_submit():
        try:
            project = orgs.add_project(actor(), form.code.data, form.name.data, form.timezone.data,
                                       form.address.data or "")
        except DomainError as e:
            error = e.message
        else:
            return redirect_to(url_for("admin.project", project_id=project.id))
    return render("admin/projects.html", projects=visible_projects(), form=form, error=error, status=422)


@bp.route("/projects/<int:project_id>", methods=["GET", "POST"])
@roles(ADMINS)
def project(project_id: int):
    project = scoped_project(project_id)
    form = ProjectForm(obj=project)
    form.code.data = project.code  # the code names the project in numbers and files: it stays
    error, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                estate.update_project(actor(), project, form.name.data, form.timezone.data, form.address.data or "")
            except DomainError as e:
                error = e.message
            else:
                return redirect_to(url_for("admin.project", project_id=project.id, saved=1))
        status = 422
    return _project_page(project, form, error, status)


def _project_page(project: Project, form: ProjectForm, error: str | None = None, status: int = 200,
                  bound: DeadlinePolicyForm | None = None, bound_kind: str | None = None):
    policies = [deadlines.rule_for(project.id, rule.name) for rule in deadlines.RULES]
    policy_forms = {}
    for r in policies:
        if r.name == bound_kind and bound is not None:
            policy_forms[r.name] = bound
            continue
        f = DeadlinePolicyForm(formdata=None, prefix=f"p-{r.name}", data={
            "minutes": int(r.length.total_seconds() // 60),
            "escalation": ", ".join(str(int(link.after.total_seconds() // 60)) for link in r.chain[1:])})
        policy_forms[r.name] = f
    return render("admin/project.html", project=project, form=form, error=error, status=status,
                  policies=policies, policy_forms=policy_forms, events=history("project", project.id))


@bp.route("/projects/<int:project_id>/deadlines/<kind>", methods=["POST"])
@roles(ADMINS)
def deadline_policy(project_id: int, kind: str):
    """A project runs a rule of the deadline table with its own length and escalation delays (audited);
    deadlines already running keep the times they were opened with."""
    project = scoped_project(project_id)
    if kind not in deadlines.TABLE:
        abort(404)
    form = DeadlinePolicyForm(prefix=f"p-{kind}")
    error = None
    if form.validate_on_submit():
        try:
            current = db.session.get(DeadlinePolicy, (project.id, kind))
            deadlines.set_policy(actor(), project, kind, minutes=form.minutes.data, escalation_minutes=form.delays(),
                                 warn_percent=current.warn_percent if current else None,
                                 warn_minutes=current.warn_minutes if current else None)
        except ValidationError as e:
            form.escalation.errors = [str(e)]
        except DomainError as e:
            db.session.rollback()
            error = e.message
        else:
            return redirect_to(url_for("admin.project", project_id=project.id, saved=1) + "#deadlines")
    project_form = ProjectForm(obj=project)
    project_form.code.data = project.code
    return _project_page(project, project_form, error, 422, bound=form, bound_kind=kind)


def _user_form(user: User | None, project: Project | None) -> UserForm:
    """A new user's project is chosen before the form (?project=), so departments and superiors fit it."""
    form = UserForm(obj=user) if user else UserForm()
    pid = user.project_id if user else project.id
    form.project.choices = options([(p.id, f"{p.code} · {p.name}") for p in visible_projects() if p.id == pid])
    roles_ = [(code, label) for code, label in ROLES.items() if code != Role.ADMIN]
    if user and user.role == Role.ADMIN:
        roles_ = [(Role.ADMIN.value, ROLES[Role.ADMIN])]
    form.role.choices = options(roles_)
    departments = db.session.scalars(select(Department).where(Department.project_id == pid).order_by(Department.code))
    form.department.choices = options([(0, "—")] + [(d.id, d.name) for d in departments])
    people = db.session.scalars(select(User).where(User.project_id == pid, User.active.is_(True)).order_by(User.name))
    form.superior.choices = options([(0, "—")] + [(u.id, f"{u.name} ({u.username})") for u in people
                                                   if not user or u.id != user.id])
    if user and request.method == "GET":
        form.department.data = user.department_id or 0
        form.superior.data = user.superior_id or 0
        form.project.data = user.project_id or 0
    return form


@bp.route("/users")
@roles(ADMINS)
def users():
    stmt = select(User).order_by(User.project_id, User.username)
    if current_user.role != Role.ADMIN:
        stmt = stmt.where(User.project_id == current_user.project_id)
    return render("admin/users.html", users=db.session.scalars(stmt).all())


@bp.route("/users/new", methods=["GET", "POST"])
@roles(ADMINS)
def user_new():
    pid = request.args.get("project", "")
    if pid.isdigit():
        project = scoped_project(int(pid))
    elif current_user.project_id:
        project = scoped_project(current_user.project_id)
    else:
        projects = visible_projects()
        if not projects:
            return redirect_to(url_for("admin.projects"))
        project = projects[0]
    form = _user_form(None, project)
    error, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            if not form.password.data:
                form.password.errors = [_("A new user needs an initial password of at least 8 characters.")]
            else:
                try:
                    user = orgs.add_user(actor(), form.username.data, form.role.data, project.code, form.password.data,
                                         form.name.data, department_id=form.department.data or None,
                                         superior_id=form.superior.data or None, phone=form.phone.data or "",
                                         must_change_password=True)
                except DomainError as e:
                    error = e.message
                else:
                    return redirect_to(url_for("admin.user", user_id=user.id))
        status = 422
    return render("admin/user.html", user=None, project=project, projects=visible_projects(), form=form, reset_form=None, error=error, status=status, events=[])


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles(ADMINS)
def user(user_id: int):
    user = scoped(User, user_id)
    form = _user_form(user, None)
    error, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                estate.update_user(actor(), user, form.name.data, form.role.data, form.department.data or None,
                                   form.superior.data or None, form.phone.data or "",
                                   form.active.data or user.id == current_user.id)
            except DomainError as e:
                error = e.message
            else:
                return redirect_to(url_for("admin.user", user_id=user.id, saved=1))
        status = 422
    return render("admin/user.html", user=user, project=user.project, form=form, reset_form=PasswordResetForm(), error=error,
                  status=status, events=history("user", user.id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@roles(ADMINS)
def reset_password(user_id: int):
    user = scoped(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        estate.reset_password(actor(), user, form.password.data)
        return redirect_to(url_for("admin.user", user_id=user.id, reset=1))
    return render("admin/user.html", user=user, project=user.project, form=_user_form(user, None), reset_form=form, error=None,
                  status=422, events=history("user", user.id))


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
@roles(ADMINS)
def disable(user_id: int):
    set_active(actor(), scoped(User, user_id), False)
    return redirect_to(url_for("admin.users"))


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
@roles(ADMINS)
def enable(user_id: int):
    set_active(actor(), scoped(User, user_id), True)
    return redirect_to(url_for("admin.users"))


# a user whose password an admin reset chooses their own before anything else
password_bp = Blueprint("password", __name__)
FREE = {"password.choose", "auth.logout", "auth.language", "auth.login", "static", "main.healthz"}


@password_bp.before_app_request
def must_choose_password():
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in FREE):
        return redirect_to(url_for("password.choose"))
    return None


@password_bp.route("/password", methods=["GET", "POST"])
@roles(ANY_USER)
def choose():
    form = ChoosePasswordForm()
    error, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                estate.choose_password(actor(), current_user, form.password.data)
            except DomainError as e:
                error = e.message
            else:
                return redirect(home_url(current_user), code=303)
        status = 422
    return render("admin/choose_password.html", form=form, error=error, status=status)


