"""Language and time zone: zh_CN first, times in the project's zone, money in fen shown as ¥."""
from __future__ import annotations

import operator
import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import flask_babel
from flask import current_app, g, has_request_context, session
from flask.globals import _cv_request
from flask_babel import format_datetime, get_timezone
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

DEFAULT_TZ = "Asia/Shanghai"


def select_locale() -> str:
    languages = current_app.config["WUYE_LANGUAGES"]
    if has_request_context():
        if current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
        if session.get("lang") in languages:
            return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    if has_request_context() and g.get("timezone"):  # a page without login names its project's zone
        return g.timezone
    if has_request_context() and current_user.is_authenticated and current_user.project is not None:
        return current_user.project.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def zone(name: str | None) -> ZoneInfo:
    return ZoneInfo(name or DEFAULT_TZ)


@contextmanager
def force_zone(tz: str | None):
    """Times rendered inside are in this project's zone (as force_locale does for the language):
    a message the worker renders for a reader of another project than the default's."""
    from flask_babel import _get_current_context
    ctx = _get_current_context()
    cache = request_cache()
    if ctx is None or not tz:
        yield
        return
    before, cached = getattr(ctx, "babel_tzinfo", None), (cache or {}).get("tz")
    ctx.babel_tzinfo = zone(tz)
    if cache is not None:
        cache["tz"] = ctx.babel_tzinfo
    try:
        yield
    finally:
        ctx.babel_tzinfo = before
        if cache is not None:
            cache.pop("tz", None)
            if cached is not None:
                cache["tz"] = cached


def local_day(moment: datetime, tz: str | None) -> date:
    return moment.astimezone(zone(tz)).date()


def local_to_utc(day: date, at: time, tz: str | None) -> datetime:
    return datetime.combine(day, at, tzinfo=zone(tz)).astimezone(ZoneInfo("UTC"))


def day_bounds_utc(day: date, tz: str | None) -> tuple[datetime, datetime]:
    start = local_to_utc(day, time(0), tz)
    return start, local_to_utc(day + timedelta(days=1), time(0), tz)


def money(fen: int | None) -> str:
    """Integer fen as ¥1,234.50."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


# LDML fields that print as plain zero-padded digits in every language wuye serves (zh_CN, en: both
# write Latin digits), and their strftime equivalents
_NUMERIC_FIELDS = {"yyyy": "%Y", "MM": "%m", "dd": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}
# the same fields as `%` formatting of the datetime's attributes: a third of strftime's time a cell
# (years below 1000 never take this path, so %04d is %Y)
_PRINTF_FIELDS = {"%Y": ("%04d", "year"), "%m": ("%02d", "month"), "%d": ("%02d", "day"),
                  "%H": ("%02d", "hour"), "%M": ("%02d", "minute"), "%S": ("%02d", "second")}
_STRFTIME_PART = re.compile(r"%%|%[YmdHMS]")
_PATTERN_PART = re.compile(r"[A-Za-z]+|'")


@lru_cache(maxsize=256)
def numeric_pattern(fmt: str) -> str | None:
    """The strftime pattern of an LDML pattern made only of numeric fields ("MM-dd HH:mm"), or None
    when it has a field whose words depend on the language (month names, weekdays, quotes...)."""
    parts, pos = [], 0
    for m in _PATTERN_PART.finditer(fmt):
        field = _NUMERIC_FIELDS.get(m.group())
        if field is None:
            return None
        parts += [fmt[pos:m.start()].replace("%", "%%"), field]
        pos = m.end()
    parts.append(fmt[pos:].replace("%", "%%"))
    return "".join(parts)


@lru_cache(maxsize=256)
def printf_pattern(fmt: str):
    """(format, attrgetter) with `format % attrgetter(value)` == value.strftime(numeric_pattern(fmt)),
    or None where numeric_pattern is None."""
    pattern = numeric_pattern(fmt)
    if pattern is None:
        return None
    names: list[str] = []

    def field(m: re.Match) -> str:
        if m.group() == "%%":
            return "%%"
        spec, name = _PRINTF_FIELDS[m.group()]
        names.append(name)
        return spec
    text = _STRFTIME_PART.sub(field, pattern)
    getter = operator.attrgetter(*names) if names else (lambda _value: ())
    if len(names) == 1:  # attrgetter of one name gives the value, not a 1-tuple
        one = getter
        getter = lambda value: (one(value),)  # noqa: E731
    return text, getter


def request_cache() -> dict | None:
    """A dict that lives as long as this request (kept on its request context), reached without
    going through Flask's context proxies — a board's cells ask it hundreds of times. None outside
    a request (a command or the watcher may render for several languages in one app context)."""
    ctx = _cv_request.get(None)
    if ctx is None:
        return None
    cache = ctx.__dict__.get("_wuye_render")
    if cache is None:
        cache = ctx.__dict__["_wuye_render"] = {}
    return cache


def _as_zoneinfo(tz):
    """Flask-Babel's zone (pytz) as the standard library's: the same rules, and astimezone in C."""
    name = getattr(tz, "zone", None) or str(tz)
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return tz


def _viewer_zone():
    cache = request_cache()
    if cache is None:
        return _as_zoneinfo(get_timezone())
    zone_ = cache.get("tz")
    if zone_ is None:
        zone_ = cache["tz"] = _as_zoneinfo(get_timezone())
    return zone_


def when(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm", tz: str | None = None) -> str:
    """A UTC time shown in the viewer's project time zone (or in `tz`, a project's zone, where the
    reader is not the viewer: a message sent by the worker, which has no request).

    Boards show a few hundred times per page: a numeric pattern is turned into a strftime pattern
    once per process and the zone is looked up once per request (Flask-Babel keeps it), so a cell
    costs one astimezone and one strftime — the same text Babel's format_datetime gives, which
    still formats every other pattern."""
    if value is None:
        return ""
    pattern = numeric_pattern(fmt)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if pattern is None or value.year < 1000:
        if tz is None:
            return format_datetime(value, fmt)
        from babel.dates import format_datetime as babel_format
        from flask_babel import get_locale
        return babel_format(value, fmt, tzinfo=zone(tz), locale=get_locale())
    text, fields = printf_pattern(fmt)
    return text % fields(value.astimezone(zone(tz) if tz else _viewer_zone()))


def formatter(fmt: str, tz: str | None = None):
    """`when` with its pattern and zone found once: a writer of many rows calls the result per cell."""
    pattern = printf_pattern(fmt)
    if pattern is None:
        return lambda value: when(value, fmt, tz)
    text, fields = pattern
    zone_ = zone(tz) if tz else _viewer_zone()

    def format_(value: datetime | None) -> str:
        if value is None:
            return ""
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if value.year < 1000:
            return when(value, fmt, tz)
        return text % fields(value.astimezone(zone_))
    return format_


def html_lang() -> str:
    from flask_babel import get_locale
    locale = get_locale()
    return "zh-CN" if locale is None or locale.language == "zh" else locale.language


def when_iso(value: str | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """An ISO timestamp kept in an audit event's changes, shown like `when`."""
    if not value:
        return ""
    try:
        return when(datetime.fromisoformat(value), fmt)
    except ValueError:
        return value


def request_translations():
    """The catalog of this request's language, found once per request (Flask-Babel finds it again
    for every string: a board's hundreds of cells made that a tenth of the page's time). Inside
    `force_locale` it is that language's: the cache holds the locale it was found for."""
    return _request_catalog()[0]


def request_words() -> dict | None:
    """A dict for words already translated in this request's language (as request_translations,
    `force_locale` gets its own); None outside a request."""
    return _request_catalog()[1]


def _request_catalog():
    from flask_babel import get_translations
    cache = request_cache()
    if cache is None:
        return get_translations(), None
    entry = cache.get("catalog")
    if entry is not None and entry[0].babel_locale is entry[1]:
        return entry[2], entry[3]
    translations = get_translations()
    babel = g._flask_babel  # Flask-Babel's state for this request, whose locale force_locale sets
    entry = cache["catalog"] = (babel, babel.babel_locale, translations, {})
    return translations, entry[3]


def lazy_text(s) -> str:
    """str(s) for a lazy_gettext string, from the request's catalog found once (Flask-Babel finds
    the catalog again for each)."""
    if type(s) is LazyString and s._func is flask_babel.gettext and len(s._args) == 1:
        return gettext_once(s._args[0], **s._kwargs)
    return "" if s is None else str(s)


def gettext_once(string: str, **variables) -> str:
    """flask_babel.gettext with the request's catalog found once (for helpers called per cell)."""
    text = request_translations().ugettext(string)
    return text % variables if variables else text


@pass_eval_context
def template_gettext(eval_ctx, string: str, **variables) -> str:
    """A template's `_()` and `gettext()`: what Jinja's newstyle gettext does (the translation marked
    safe when autoescaping, then always `% variables`, which escapes them), in one call. Jinja's own
    goes through `_` → context.call → gettext → context.call → the catalog; a job page calls it
    ~100 times (~1 ms)."""
    rv = request_translations().ugettext(string)
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


def _install_gettext(app) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update(gettext=template_gettext, _=template_gettext)


@lru_cache(maxsize=16)
def _wtforms_catalog(locale: str):
    from babel import support
    from wtforms.i18n import messages_path
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def _wtforms_translations():
    """flask_wtf.i18n's catalog of WTForms' own messages, parsed once per language and process:
    Flask-WTF parses the .mo file again in every request that builds a form (~1 ms a page)."""
    from flask import request
    from flask_babel import get_locale
    if not request or "babel" not in current_app.extensions:
        return None
    return _wtforms_catalog(str(get_locale()))


def register_filters(app) -> None:
    import flask_wtf.i18n

    from .widgets import install
    flask_wtf.i18n._get_translations = _wtforms_translations  # Translations.gettext looks it up each call
    install()
    _install_gettext(app)
    app.jinja_env.globals["html_lang"] = html_lang
    from . import fast_fields
    app.jinja_env.globals["ff"] = fast_fields  # fields written in Python (the job page, the complaint filters)
    app.jinja_env.filters["when_iso"] = when_iso
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["when"] = when
