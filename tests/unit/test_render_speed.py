"""Rendering once per request: the fast paths give the text the slow ones gave."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from flask_babel import format_datetime, refresh

from wuye.i18n import numeric_pattern, when

PATTERNS = ["yyyy-MM-dd HH:mm", "MM-dd HH:mm", "HH:mm", "HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd",
            "yyyy年MM月dd日 HH:mm", "MM/dd", "yyyy-MM-dd 'at' HH:mm", "EEE MM-dd", "MMM d", "d MMMM yyyy", "M/d"]
MOMENTS = [datetime(2026, 3, 8, 6, 59, 59, tzinfo=UTC), datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
           datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 12, 31, 16, 0, tzinfo=UTC),
           datetime(2025, 1, 1, 0, 0, 5), datetime(2026, 6, 1, 12, 0, tzinfo=UTC) + timedelta(microseconds=999_999)]


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Asia/Kathmandu"])
def test_a_time_on_a_board_reads_as_babel_writes_it_in_every_language_and_zone(app, locale, zone):
    with app.test_request_context("/"):
        g.timezone = zone
        from flask import session
        session["lang"] = locale
        refresh()
        for fmt in PATTERNS:
            for moment in MOMENTS:
                assert when(moment, fmt) == format_datetime(moment, fmt), (fmt, moment, locale, zone)


def test_only_patterns_of_plain_digits_take_the_fast_path():
    assert numeric_pattern("MM-dd HH:mm") == "%m-%d %H:%M"
    assert numeric_pattern("yyyy年MM月dd日") == "%Y年%m月%d日"
    assert numeric_pattern("100% HH") == "100%% %H"
    for words in ("EEE HH:mm", "MMM d", "yyyy-MM-dd 'at' HH:mm", "M/d", "h:mm a"):
        assert numeric_pattern(words) is None, words


@pytest.mark.parametrize("attrs", [
    {}, {"name": "q", "id": "f-q", "class_": "wide", "value": 'a "quoted" <b>&'}, {"checked": True, "readonly": False},
    {"data_hx_get": "/x?a=1&b=2", "aria_describedby": "help", "for_": "x", "required": True, "min": 0},
    {"value": "¥12.50 楼道灯", "placeholder": "手机号", "step": 0.01}])
def test_form_fields_render_as_wtforms_writes_them(attrs):
    from wuye.widgets import _wtforms_html_params, html_params
    assert html_params(**attrs) == _wtforms_html_params(**attrs)
    assert type(html_params(**attrs)) is type(_wtforms_html_params(**attrs))


def test_wtforms_messages_are_in_the_readers_language(app):
    """The catalog of WTForms' own messages is found once per language, not once per request."""
    from flask_wtf.i18n import translations
    with app.test_request_context("/"):
        from flask import session
        session["lang"] = "zh_CN"
        refresh()
        assert translations.gettext("Not a valid integer value.") != "Not a valid integer value."
        session["lang"] = "en"
        refresh()
        assert translations.gettext("Not a valid integer value.") == "Not a valid integer value."
