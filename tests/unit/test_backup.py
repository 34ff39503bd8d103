"""Backups: taken while wuye runs, restored into an empty database, the orders read back."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, make_url, select, text


def _empty_database_like(url: str, tmp_path) -> str:
    """A new, empty database of the same kind as the suite's: a fresh SQLite file, or a PostgreSQL
    database named after the suite's own with _restore appended (created anew)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.db'}"
    name = f"{parsed.database}_restore"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def test_a_backup_restored_into_an_empty_database_gives_back_the_orders(app, make_order, org, tmp_path):
    from wuye import create_app
    from wuye.extensions import db
    from wuye.models import RepairOrder

    with app.app_context():
        order = make_order()
        number, description, unit = order.number, order.description, order.unit.label
        db.session.commit()
    backup_file = tmp_path / "wuye.backup"
    result = app.test_cli_runner().invoke(args=["backup", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output and backup_file.stat().st_size > 0

    target = _empty_database_like(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    restored = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": target})
    with restored.app_context():  # the test's own app context would otherwise be the command's
        result = restored.test_cli_runner().invoke(args=["restore", str(backup_file)])
        assert result.exit_code == 0, result.output
        back = db.session.scalar(select(RepairOrder).where(RepairOrder.number == number))
        assert back is not None and back.description == description
        assert back.unit.label == unit
        db.session.remove()
        db.engine.dispose()


def test_a_restore_refuses_a_database_that_already_has_tables(app, tmp_path):
    backup_file = tmp_path / "wuye.backup"
    assert app.test_cli_runner().invoke(args=["backup", str(backup_file)]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["restore", str(backup_file)])
    assert result.exit_code != 0
    assert "not empty" in result.output


def test_a_backup_to_a_folder_that_does_not_exist_fails_with_a_message_and_leaves_nothing(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "missing" / "wuye.backup")])
    assert result.exit_code != 0
    assert "no folder" in result.output
    assert not (tmp_path / "missing").exists()


@pytest.fixture(autouse=True)
def _drop_restore_database(app):
    yield
    parsed = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if parsed.get_backend_name() == "postgresql":
        admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}_restore"'))
        admin.dispose()
