"""Language and time zone: zh_CN first, times in the project's zone, money in fen shown as ¥."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, g, has_request_context, session
from flask_babel import format_datetime
from flask_login import current_user

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


def when(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC time shown in the viewer's project time zone."""
    if value is None:
        return ""
    return format_datetime(value, fmt)


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


def span(length: timedelta) -> str:
    """A deadline's length in the words of the seed: "10 分钟", "48 小时", "1 天", "3 天"."""
    from flask_babel import ngettext
    minutes = int(length.total_seconds() // 60)
    days, hours = divmod(minutes, 1440)[0], minutes // 60
    if minutes and minutes % 1440 == 0 and (days == 1 or days >= 3):
        return ngettext("%(num)d day", "%(num)d days", days)
    if minutes and minutes % 60 == 0:
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def register_filters(app) -> None:
    app.jinja_env.filters["span"] = span
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.filters["when_iso"] = when_iso
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["when"] = when
