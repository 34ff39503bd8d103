"""Every refusal in the user's language with its 4xx; never a bare 500 for bad input."""
from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .services import DomainError


def _messages():
    return {
        400: _("The request could not be understood. Reload the page and try again."),
        401: _("Please sign in."),
        403: _("You do not have permission to do this."),
        404: _("Not found, or not yours to see."),
        405: _("This action is not available here."),
        409: _("Someone changed this in the meantime. Reload to see the current state."),
        413: _("The upload is too large."),
        422: _("Some fields need correcting."),
        429: _("Too many attempts. Wait a few minutes and try again."),
        500: _("Something went wrong on our side. Nothing was saved; please try again."),
    }


def error_response(status: int, message: str | None = None):
    message = message or _messages().get(status, _messages()[400])
    if request.htmx:
        return render_template("errors/_message.html", message=message, status=status), status
    return render_template("errors/error.html", message=message, status=status), status


def _has_nul(multidict) -> bool:
    return any("\x00" in v for values in multidict.listvalues() for v in values if isinstance(v, str))


def _utf8(encoded: bytes) -> bool:
    """Is a query string or urlencoded body UTF-8 once its %-escapes are undone? (Werkzeug keeps the
    escapes of bytes that are not, so '王' sent as GBK would be stored as the text '%CD%F5'.)"""
    try:
        for pair in encoded.split(b"&"):
            unquote_to_bytes(pair.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _raw_form() -> bytes | None:
    """A small urlencoded body, read before anything parses the form (the parser then reads this
    copy), so its bytes can be checked; a large one is left to the parser's own limit (413)."""
    if request.method != "GET" and request.mimetype == "application/x-www-form-urlencoded":
        size = request.content_length
        if size is not None and size <= (current_app.config.get("MAX_FORM_MEMORY_SIZE") or 500_000):
            return request.get_data(cache=True)
    return None


def _not_utf8(raw_form: bytes | None) -> bool:
    path = request.environ.get("PATH_INFO", "").encode("latin-1", "replace")
    if not _utf8(request.query_string) or not _utf8(path):
        return True
    if raw_form is not None:
        return not _utf8(raw_form)
    if request.method != "GET" and request.mimetype == "multipart/form-data":
        # the multipart parser puts U+FFFD for each byte it cannot read as UTF-8
        return any("\ufffd" in v for values in request.form.listvalues() for v in values)
    return False


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_nul():
        """A NUL character is never part of what a person types; PostgreSQL cannot even compare a
        text with one. Text that is not UTF-8 would be stored garbled. Refuse both at the door, for
        every route, before anything reads or writes."""
        raw_form = _raw_form()
        if "\x00" in request.path or _has_nul(request.args) \
                or (request.method != "GET" and request.mimetype in ("application/x-www-form-urlencoded",
                                                                     "multipart/form-data")
                    and _has_nul(request.form)):
            return error_response(400, _("The request contains a character that is not allowed (NUL)."))
        if _not_utf8(raw_form):
            return error_response(400, _("The text was not sent as UTF-8 (perhaps as GBK). Reload the page and "
                                         "try again."))

    # the door comes before every other hook (CSRF reads the form, and the raw body with it)
    app.before_request_funcs[None].insert(0, app.before_request_funcs[None].pop())

    @app.errorhandler(CSRFError)
    def _csrf(e):
        app.logger.warning("CSRF refused: %s", e.description)
        return error_response(400, _("This page has expired. Reload it and try again."))

    @app.errorhandler(DomainError)
    def _domain(e: DomainError):
        from .extensions import db
        db.session.rollback()
        return error_response(e.status, e.message)

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        if e.code is None or e.code < 400:
            return e
        # abort(409, message) carries our own words; werkzeug's default description is English boilerplate
        own = e.description if e.description != type(e).description else None
        return error_response(e.code, own)

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        from .extensions import db
        db.session.rollback()
        if app.testing:
            raise e  # a test must see the real failure, not a polite page
        app.logger.exception("unhandled error")
        return error_response(500)
