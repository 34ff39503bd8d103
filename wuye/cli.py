"""The administrator's commands: project add, user add/disable, seed-demo, translate, deadlines."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from .extensions import db
from .models import Role, User
from .services import Actor, DomainError
from .services import orgs

CLI_ACTOR = Actor(None, "cli")
ROOT = Path(__file__).resolve().parent.parent


def _fail(e: DomainError):
    raise click.ClickException(e.message)


project_cli = AppGroup("project", help="Projects (estates run by the company).")
user_cli = AppGroup("user", help="Users and their roles.")
translate_cli = AppGroup("translate", help="Translation catalogs (pybabel).")
import_cli = AppGroup("import", help="Import units with their contacts, or users, from XLSX or CSV.")
export_cli = AppGroup("export", help="Export units or users as XLSX, in the import's format.")
deadlines_cli = AppGroup("deadlines", help="Deadlines: the watcher's tick and each project's rules.")


@project_cli.command("add")
@click.argument("code")
@click.option("--name", required=True, help="the project's name")
@click.option("--timezone", default="Asia/Shanghai", show_default=True)
def project_add(code, name, timezone):
    try:
        p = orgs.add_project(CLI_ACTOR, code, name, timezone)
    except DomainError as e:
        _fail(e)
    click.echo(f"project {p.code} ({p.name}, {p.timezone})")


@user_cli.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--project", "project_code", default=None)
@click.option("--password", required=True)
@click.option("--name", default=None, help="the name shown in the app")
@click.option("--department", default=None, help="the department's code in the project")
@click.option("--superior", default=None, help="the direct superior's username")
@click.option("--phone", default="", help="a Chinese mobile or landline number")
def user_add(username, role, project_code, password, name, department, superior, phone):
    from .models import Department
    from .phone import normalize_phone

    department_id = superior_id = None
    project = _project(project_code) if project_code and (department or superior) else None
    if department:
        d = db.session.scalar(select(Department).where(Department.project_id == project.id,
                                                       Department.code == department))
        if d is None:
            raise click.ClickException(f"no department {department} in project {project.code}")
        department_id = d.id
    if superior:
        s = db.session.scalar(select(User).where(User.username == superior, User.project_id == project.id))
        if s is None:
            raise click.ClickException(f"no user {superior} in project {project.code}")
        superior_id = s.id
    if phone and not normalize_phone(phone):
        raise click.ClickException(f"not a Chinese mobile or landline number: {phone}")
    try:
        u = orgs.add_user(CLI_ACTOR, username, role, project_code, password, name, department_id=department_id,
                          superior_id=superior_id, phone=normalize_phone(phone) if phone else "")
    except DomainError as e:
        _fail(e)
    click.echo(f"user {u.username} ({u.role})")


def _import(kind: str, path: Path, project_code: str, dry_run: bool) -> None:
    from .services import imports

    project = _project(project_code)
    data = path.read_bytes()
    result = imports.plan_for(kind, project, data, path.name)
    if result.valid and not dry_run:
        try:
            result = imports.apply_for(kind, CLI_ACTOR, project, data, path.name)
        except imports.ImportRefused as e:
            result = e.plan
    if not result.valid:
        for line in result.messages():
            click.echo(line, err=True)
        raise click.ClickException(f"{path.name}: refused, nothing imported ({len(result.messages())} error(s))")
    verb = "would add" if dry_run else "added"
    click.echo(f"{kind}: {verb} {result.count('add')}, changed {result.count('change')}, "
               f"unchanged {result.count('same')}" + (" (dry run, nothing written)" if dry_run else ""))


for _kind in ("units", "users"):
    def _command(file, project_code, dry_run, kind=_kind):
        _import(kind, Path(file), project_code, dry_run)

    import_cli.command(_kind, help=f"Import {_kind} from an XLSX or CSV file (all rows or none).")(
        click.argument("file", type=click.Path(exists=True, dir_okay=False))(
            click.option("--project", "project_code", required=True)(
                click.option("--dry-run", is_flag=True, help="check and show, write nothing")(_command))))

    def _export(file, project_code, kind=_kind):
        from .services.exports import export

        Path(file).write_bytes(export(kind, _project(project_code)))
        click.echo(f"{kind} of {project_code} written to {file}")

    export_cli.command(_kind, help=f"Export {_kind} as XLSX.")(
        click.argument("file", type=click.Path(dir_okay=False))(
            click.option("--project", "project_code", required=True)(_export)))


@user_cli.command("disable")
@click.argument("username")
def user_disable(username):
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username}")
    orgs.set_active(CLI_ACTOR, user, False)
    click.echo(f"user {username} disabled; all their sessions ended")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


@translate_cli.command("update")
def translate_update():
    """Extract strings and merge them into every catalog; English copies the source text."""
    # the default also skips directories starting with "_", and with them templates/_macros
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "gettext_once", "--ignore-dirs", ".*", "-o", "translations/messages.pot", ".")
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching",
             "--ignore-obsolete")  # a string no longer in the code leaves the catalogs (git keeps it)
    from .i18n_tools import fill_english
    fill_english(ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po")


@translate_cli.command("compile")
def translate_compile():
    _pybabel("compile", "-d", "translations")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the DEMO project exists.")
def seed_demo(if_empty):
    """A demo project DEMO with buildings, units, a user of each role and a spread of orders."""
    from .demo import seed
    created = seed(skip_if_present=if_empty)
    click.echo("demo data created" if created else "demo project already present")


@deadlines_cli.command("run")
@click.option("--once/--loop", default=True, show_default=True,
              help="One tick, or tick until stopped (a watcher process of its own; set WUYE_WATCHER=0 "
                   "on the web processes then, or keep both: they never notify twice).")
@click.option("--interval", type=float, default=None, help="Seconds between ticks [WUYE_WATCHER_INTERVAL].")
def deadlines_run(once, interval):
    import signal
    import threading

    from flask import current_app

    from . import watcher
    app = current_app._get_current_object()
    if once:
        report = watcher.run_once(app)
        if report is None:
            raise click.ClickException("the tick failed; see the log")
        click.echo(f"tick: {report}")
        return
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    seconds = interval or float(app.config["WUYE_WATCHER_INTERVAL"])
    click.echo(f"ticking every {seconds}s; Ctrl-C to stop")
    try:
        watcher.loop(app, seconds, stopping)
    except KeyboardInterrupt:
        pass


def _project(code: str):
    from .models import Project
    project = db.session.scalar(select(Project).where(Project.code == code.strip().upper()))
    if project is None:
        raise click.ClickException(f"no project {code}")
    return project


@deadlines_cli.command("show")
@click.argument("project_code")
def deadlines_show(project_code):
    """Each deadline as this project runs it."""
    from .services.deadlines import table as deadlines
    project = _project(project_code)
    for rule in deadlines.RULES:
        r = deadlines.rule_for(project.id, rule.name)
        length = f"{r.length} after {'the booked time' if r.booked else r.starts}"
        warn = f"{r.warn_before} before" if r.warn_before is not None else f"at {round(r.warn_fraction * 100)}%"
        steps = " → ".join(f"{'+'.join(link.to)} (+{link.after})" for link in r.chain)
        click.echo(f"{r.name}: {r.starts} → {r.meets}; due {length}; warn {warn}; {steps}")


def _minutes_list(_ctx, _param, value):
    if value is None:
        return None
    try:
        return [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter("minutes separated by commas, e.g. 15,30") from None


@deadlines_cli.command("policy")
@click.argument("project_code")
@click.argument("kind")
@click.option("--minutes", type=int, default=None, help="Length (for a booked time: the grace after it).")
@click.option("--warn-percent", type=int, default=None, help="Warn when this share of the length has passed.")
@click.option("--warn-minutes", type=int, default=None, help="For a booked time: warn this long before.")
@click.option("--escalate", callback=_minutes_list, default=None,
              help="Further delays of the chain after the breach, e.g. 15,30 (supervisor, then manager).")
def deadlines_policy(project_code, kind, minutes, warn_percent, warn_minutes, escalate):
    """Set a project's own rule for one deadline; options left out go back to the default."""
    from .services.deadlines import table as deadlines
    try:
        deadlines.set_policy(CLI_ACTOR, _project(project_code), kind, minutes=minutes, warn_percent=warn_percent,
                             warn_minutes=warn_minutes, escalation_minutes=escalate)
    except DomainError as e:
        _fail(e)
    click.echo(f"{project_code} {kind}: set")


deliveries_cli = AppGroup("deliveries", help="The delivery outbox: messages to WeCom, SMS, email, push.")


@deliveries_cli.command("run")
@click.option("--once/--loop", default=False, show_default=True,
              help="One pass over what is due, or keep sending until stopped (a delivery service of its own; "
                   "set WUYE_DELIVERY=0 on the web processes then, or keep both: a row is sent once).")
@click.option("--interval", type=float, default=None, help="Seconds between passes [WUYE_WATCHER_INTERVAL].")
def deliveries_run(once, interval):
    import signal
    import threading

    from flask import current_app

    from .services.delivery.worker import run_in
    app = current_app._get_current_object()
    if once:
        report = run_in(app)
        if report is None:
            raise click.ClickException("the delivery pass failed; see the log")
        click.echo(f"deliveries: {report}")
        return
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    seconds = interval or float(app.config["WUYE_WATCHER_INTERVAL"])
    click.echo(f"sending every {seconds}s; Ctrl-C to stop")
    try:
        while not stopping.is_set():
            run_in(app)
            stopping.wait(seconds)
    except KeyboardInterrupt:
        pass


def register(app: Flask) -> None:
    app.cli.add_command(deliveries_cli)
    app.cli.add_command(project_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(deadlines_cli)
    app.cli.add_command(import_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(seed_demo)
    from .backup import backup_command, restore_command
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
