"""The administrator's commands: project add, user add/disable, seed-demo, translate."""
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


project_cli = AppGroup("project", help="Projects (项目部).")
user_cli = AppGroup("user", help="Users and their roles.")
translate_cli = AppGroup("translate", help="Translation catalogs (pybabel).")


@project_cli.command("add")
@click.argument("code")
@click.option("--name", required=True, help="名称")
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
@click.option("--name", default=None, help="显示名")
def user_add(username, role, project_code, password, name):
    try:
        u = orgs.add_user(CLI_ACTOR, username, role, project_code, password, name)
    except DomainError as e:
        _fail(e)
    click.echo(f"user {u.username} ({u.role})")


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
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-o", "translations/messages.pot", ".")
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching")
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


def register(app: Flask) -> None:
    app.cli.add_command(project_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(seed_demo)
