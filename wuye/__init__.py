"""wuye (物业): repair requests and complaints for a property-management company."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, session
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from .extensions import babel, csrf, db, htmx_ext, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("WUYE_INSTANCE_PATH", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from .templating import Environment
    app.jinja_environment = Environment  # templates compiled per language (wuye/templating.py)
    os.makedirs(app.instance_path, exist_ok=True)
    from . import numbers
    numbers.init_app(app)  # <int:…> routes take only ids that fit a column: before any route is added
    app.config.from_mapping(config_module.from_environment(app.instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    if test_config:
        app.config.update(test_config)
    if app.config["WUYE_PROXY_COUNT"]:
        n = app.config["WUYE_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    logging.basicConfig(level=logging.INFO)

    _init_extensions(app)
    _register_blueprints(app)

    from . import errors, security, serving
    errors.init_app(app)
    security.init_app(app)
    serving.init_app(app)

    from .cli import register as register_cli
    register_cli(app)

    from . import watcher
    watcher.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (every table registered before the engine is used)
    from .database import configure_engine, register_transaction_hook
    from .i18n import register_filters, select_locale, select_timezone
    from .services import idempotency

    db.init_app(app)
    configure_engine(app)
    register_transaction_hook("idempotency", idempotency.on_transaction_begin, idempotency.on_transaction_commit)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    htmx_ext.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    register_filters(app)
    from . import deadlines, labels
    labels.register(app)
    deadlines.register(app)
    _register_globals(app)

    login_manager.init_app(app)
    login_manager.session_protection = None  # the server-side login session is the protection

    @login_manager.user_loader
    def _load_user(user_id: str):
        from .services.auth import session_user
        try:
            return session_user(int(user_id), session.get("sid"))
        except ValueError:
            return None

    @login_manager.unauthorized_handler
    def _unauthorized():
        from .htmx import login_required_response
        return login_required_response()

    from .htmx import vary_on_htmx
    from .permissions import enforce
    app.before_request(enforce)
    app.after_request(vary_on_htmx)


def _register_globals(app: Flask) -> None:
    from flask_login import current_user

    from .clock import now
    from .services.notifications import unread_count

    def unread_notices() -> int:
        return unread_count(current_user.id) if current_user.is_authenticated else 0

    from flask_babel import get_locale

    from .notifications.messages import text as notification_text
    app.jinja_env.globals.update(get_locale=get_locale, now_utc=now, unread_notices=unread_notices,
                                 notification_text=notification_text)


def _register_blueprints(app: Flask) -> None:
    from .admin import blueprint as admin_blueprint
    from .admin.views import password_bp
    from .claims import blueprint as claims_blueprint
    from .auth.views import bp as auth_bp
    from .deadlines.views import bp as deadlines_bp
    from .deliveries.views import bp as deliveries_bp
    from .deliveries.views import push_bp
    from .deliveries.views import settings_bp as message_settings_bp
    from .desk import blueprint as desk_blueprint
    from .fees.views import bp as fees_bp
    from .invoices.views import bp as invoices_bp
    from .main.views import bp as main_bp
    from .notifications.views import bp as notifications_bp
    from .tech.offline import bp as offline_bp
    from .tech.steps import bp as job_bp
    from .tech.views import bp as tech_bp

    for bp in (main_bp, auth_bp, desk_blueprint(), deadlines_bp, tech_bp, job_bp, offline_bp, notifications_bp, admin_blueprint(),
               invoices_bp, fees_bp, password_bp, claims_blueprint(), deliveries_bp, message_settings_bp, push_bp):
        app.register_blueprint(bp)
    from .resident.views import bp as resident_bp  # /s/<token> and /robots.txt
    app.register_blueprint(resident_bp)
    from .complaints import labels as complaint_labels
    from .complaints import blueprint as complaints_blueprint
    app.register_blueprint(complaints_blueprint())
    complaint_labels.register(app)
    from .reports.views import bp as reports_bp
    app.register_blueprint(reports_bp)

    from .permissions import PUBLIC, roles
    app.view_functions["static"] = roles(PUBLIC)(app.view_functions["static"])
