"""Rendering once per request: the fast paths give the text the slow ones gave."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from flask_babel import format_datetime, refresh

from wuye.i18n import formatter, numeric_pattern, printf_pattern, when

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
                assert formatter(fmt)(moment) == format_datetime(moment, fmt), (fmt, moment, locale, zone)


def test_only_patterns_of_plain_digits_take_the_fast_path():
    assert numeric_pattern("MM-dd HH:mm") == "%m-%d %H:%M"
    assert numeric_pattern("yyyy年MM月dd日") == "%Y年%m月%d日"
    assert numeric_pattern("100% HH") == "100%% %H"
    for words in ("EEE HH:mm", "MMM d", "yyyy-MM-dd 'at' HH:mm", "M/d", "h:mm a"):
        assert numeric_pattern(words) is None, words


@pytest.mark.parametrize("fmt", ["MM-dd HH:mm", "HH:mm", "yyyy", "mm", "100% HH:mm:ss", "yyyy年MM月dd日", "dd%%"])
def test_the_fast_path_writes_what_strftime_writes(fmt):
    """`%` of the datetime's fields, which the boards' cells use, against strftime of the same pattern."""
    text, fields = printf_pattern(fmt)
    for moment in MOMENTS + [datetime(1000, 1, 2, 3, 4, 5), datetime(9999, 12, 31, 23, 59, 59)]:
        assert text % fields(moment) == moment.strftime(numeric_pattern(fmt)), (fmt, moment)


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


def _squeezed(html) -> str:
    import re
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_job_pages_fields_written_in_python_read_as_the_form_macros_write_them(app, locale):
    """Every field of every step's form, empty, filled in and with an error, as the macros write it."""
    from flask import render_template_string, session

    from wuye import fast_fields
    from wuye.tech import forms as f
    macros = ('{% from "_macros/forms.html" import field, radios %}'
              '{% if kind == "radios" %}{{ radios(x, class_=c) }}{% elif kind == "field" %}'
              '{{ field(x, hint=h, class_=c, **kw) }}{% else %}{{ x(**kw) }}{% endif %}')
    from wuye.desk import forms as desk
    forms = [(f.DoorForm, "door"), (f.ChargeForm, "charge"), (f.QuoteForm, "q"), (f.NoteForm, "note"),
             (f.PhotoForm, "photo"), (f.PauseForm, "pause"), (f.AcceptanceForm, "acc"), (f.PaymentForm, "pay"),
             (f.CannotFixForm, "cf"),
             # and the desk's order page (its actions)
             (desk.DispatchForm, "dispatch"), (desk.ReassignForm, "reassign"), (desk.CancelForm, "cancel"),
             (desk.ChargeChangeForm, "charge"), (desk.CorrectSheetForm, "correct")]
    filled = {"dispatch-technician": "7", "reassign-technician": "7", "reassign-reason": "病假 <x>",
              "cancel-reason": "重复", "correct-description": "换 <b>阀门</b>\n第二行", "correct-reason": "写错",
              "door-shoe_choice": "slippers", "door-furniture_consent": "y", "charge-reason": 'misuse "<b>" & co',
              "q-labour_hours": "1.5", "note-text": "line 1\nline <2>", "photo-kind": "after", "pause-reason": "锤子",
              "acc-demonstrated": "y", "pay-method": "wechat", "pay-amount": "12.50", "pay-receipt_no": "R-1",
              "cf-next_date": "2026-12-03", "cf-next_window": "10:00-12:00"}
    for data in ({}, filled):
        with app.test_request_context("/", method="POST", data=data):
            session["lang"] = locale
            refresh()
            for form_cls, prefix in forms:
                form = form_cls(prefix=prefix, meta={"csrf": False})
                if prefix == "cf":
                    from wuye.formkit import options
                    form.next_date.choices = options([("", "—"), ("2026-12-02", "12-02 <today>"), ("2026-12-03", "12-03")])
                    form.next_window.choices = options([("", "—"), ("10:00-12:00", "10:00-12:00")])
                if hasattr(form, "technician"):
                    from wuye.formkit import options
                    form.technician.choices = options([(0, "—"), (7, "李师傅 · 2 open · 1 today"), (8, "<王> & 张")])
                for x in form:
                    if x.type in ("HiddenField", "FileField", "CSRFTokenField"):
                        continue
                    for errors, hint, kw in (([], None, {}), (["Wrong <here>"], "a hint", {"autocomplete": "off"})):
                        x.errors = errors
                        if x.type == "RadioField":
                            pairs = [(render_template_string(macros, kind="radios", x=x, c="big"),
                                      fast_fields.radios(x, class_="big"))]
                        else:
                            pairs = [(render_template_string(macros, kind="field", x=x, c="", h=hint, kw=kw),
                                      fast_fields.field(x, hint=hint, **kw)),
                                     (render_template_string(macros, kind="widget", x=x, kw=kw),
                                      fast_fields.widget(x, **kw))]
                        for slow, fast in pairs:
                            assert _squeezed(fast) == _squeezed(slow), (x.name, data)


def test_the_job_pages_step_urls_are_the_routes_urls(app):
    """The job page writes its fifteen step URLs from one base (job_html.helpers' job_url)."""
    from flask import url_for

    from wuye.tech.job_html import helpers
    names = [rule.endpoint.split(".", 1)[1] for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("job.") and rule.rule.count("/") == 4 and "<number>" in rule.rule]
    assert "tick" in names and "show" in names and "sign_acceptance" in names
    for number in ("BX-20261202-0001", "BX 2026/中文?"):
        with app.test_request_context():
            job_url = helpers("accepted", number, "token")["job_url"]
            for name in names:
                assert job_url(name) == url_for(f"job.{name}", number=number), name


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_a_templates_gettext_reads_as_jinjas_newstyle_gettext(app, locale):
    """wuye.i18n.template_gettext stands in for Jinja's `_`: the same text, escaping and `%`."""
    from jinja2 import Environment

    from wuye.i18n import request_translations
    stock = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    stock.install_gettext_callables(gettext=lambda s: request_translations().ugettext(s),
                                    ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
                                    newstyle=True)
    sources = ["{{ _('Sign out') }}", "{{ _('Handled by %(name)s', name=who) }}", "{{ gettext('100%% sure') }}",
               "{% trans %}My jobs{% endtrans %}", "{% trans name=who %}Handled by {{ name }}{% endtrans %}",
               "{{ _('Handled by %(name)s', name=who)|length }}"]
    with app.test_request_context(headers={"Accept-Language": locale.replace("_", "-")}):
        g.locale = locale
        refresh()
        for source in sources:
            ours = app.jinja_env.from_string(source).render(who="<b>王&李</b>")
            theirs = stock.from_string(source).render(who="<b>王&李</b>")
            assert ours == theirs, source
        assert "&lt;b&gt;" in app.jinja_env.from_string(sources[1]).render(who="<b>x</b>")


@pytest.mark.parametrize("query", ["", "?q=%22%3Cb%3E&serious=y&validity=valid&department=2&day_from=2026-11-01",
                                   "?day_to=not-a-date&department=abc"])
def test_the_complaint_boards_filters_written_in_python_read_as_wtforms_writes_them(app, query):
    from werkzeug.datastructures import MultiDict

    from wuye import fast_fields as ff
    from wuye.complaints.forms import BoardFilterForm
    from wuye.formkit import options
    with app.test_request_context(f"/complaints/{query}"):
        from flask import request
        form = BoardFilterForm(MultiDict(request.args))
        form.validity.choices = options([("", "任何"), ("valid", "有效"), ("invalid", "无效 <x>")])
        form.department.choices = options([(0, "All"), (2, "工程部 & 秩序部")])
        form.validate()
        for name in ("q", "serious", "overdue", "review", "validity", "department", "day_from", "day_to"):
            f = form[name]
            assert ff.label(f) == f.label(), name
            assert ff.widget(f) == f(), name
        assert ff.widget(form.q, type="search", placeholder="单号") == form.q(type="search", placeholder="单号")


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_a_badges_time_left_reads_the_same_with_the_requests_words(app, locale):
    from wuye.deadlines import _BadgeWords, duration
    with app.test_request_context(headers={"Accept-Language": locale.replace("_", "-")}):
        words = _BadgeWords()
        for td in (timedelta(seconds=1), timedelta(minutes=59, seconds=1), timedelta(hours=3), timedelta(days=2, hours=5),
                   -timedelta(minutes=90), timedelta(days=400)):
            assert duration(td, words) == duration(td), td


def test_words_found_once_per_request_follow_force_locale(app):
    """A message rendered in the resident's language inside a clerk's request (force_locale) gets its
    own words and catalog, and the request's come back after it."""
    from flask import session
    from flask_babel import force_locale

    from wuye.i18n import gettext_once
    from wuye.labels import STATES, label, word
    with app.test_request_context("/"):
        session["lang"] = "en"
        refresh()
        assert label(STATES, "new") == "Awaiting dispatch" and gettext_once("Repair board") == "Repair board"
        with force_locale("zh_CN"):
            assert label(STATES, "new") == "待派工" and word(STATES["new"]) == "待派工"
            assert gettext_once("Repair board") == "维修看板"
        assert label(STATES, "new") == "Awaiting dispatch" and word(STATES["new"]) == "Awaiting dispatch"
        assert gettext_once("Repair board") == "Repair board"
