"""Backups of the whole database, taken while wuye serves, and their restore.

    flask --app app backup PATH        SQLite: the online backup API (a consistent copy while
                                       requests write); PostgreSQL: pg_dump's custom format
    flask --app app restore PATH       into the configured database, which must be empty (a new
                                       file, or a freshly created PostgreSQL database); --replace
                                       overwrites one that already has tables

After a restore run `flask --app app db upgrade` if the backup is older than the code.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from .extensions import db


class BackupError(Exception):
    pass


def _url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _pg_env(url: URL) -> tuple[list[str], dict]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--username", url.username or "postgres"]
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")


def backup(path: str | Path) -> Path:
    """Write a backup of the configured database to `path` (an existing file is replaced)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise BackupError(f"no folder {path.parent}")
    url = _url()
    tmp = path.with_name(path.name + ".partial")
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(tmp)
        try:
            with target:
                source.backup(target)  # page by page; writers carry on meanwhile
        finally:
            target.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_env(url)
        run = subprocess.run([_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(tmp),
                              url.database], env=env, capture_output=True, text=True)
        if run.returncode != 0:
            tmp.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {run.stderr.strip()}")
    else:
        raise BackupError(f"no backup for {url.get_backend_name()} databases")
    os.replace(tmp, path)  # a backup file is either whole or absent
    return path


def _has_tables() -> bool:
    return bool(inspect(db.engine).get_table_names())


def restore(path: str | Path, replace: bool = False) -> None:
    """Load a backup into the configured database."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    url = _url()
    if not replace and _has_tables():
        raise BackupError("the database is not empty: restore into a new one, or pass --replace")
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(url.database)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_env(url)
        cmd = [_tool("pg_restore"), *args, "--no-owner", "--exit-on-error", "--single-transaction",
               "--dbname", url.database]
        if replace:
            cmd += ["--clean", "--if-exists"]
        run = subprocess.run([*cmd, str(path)], env=env, capture_output=True, text=True)
        if run.returncode != 0:
            raise BackupError(f"pg_restore failed: {run.stderr.strip()}")
    else:
        raise BackupError(f"no restore for {url.get_backend_name()} databases")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path):
    """Back up the database to PATH while wuye keeps serving."""
    try:
        written = backup(path)
    except BackupError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"backup written: {written} ({written.stat().st_size:,} bytes)")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="overwrite a database that already has tables")
@with_appcontext
def restore_command(path, replace):
    """Restore the database from a backup made by `backup`."""
    try:
        restore(path, replace)
    except BackupError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"restored from {path}")
