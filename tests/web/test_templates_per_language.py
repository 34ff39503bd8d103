"""Templates compiled once per language with their words already translated (wuye/templating.py):
every page reads as it did when each `_()` was a call at render time, in both languages, and each
reader gets their own language from the same process."""
from __future__ import annotations

import re

import pytest

import wuye.templating as templating
from tests.fixtures.journey import Journey

# what differs between two renders of one page: CSRF tokens, nonces, request ids
_VOLATILE = re.compile(r"[A-Za-z0-9_.-]{32,}")


def _readers(org, locale: str) -> None:
    from wuye.database import transaction
    from wuye.extensions import db
    with transaction():
        for user in org.users.values():
            db.session.merge(user).locale = locale


def _pages(org, make_order, kit) -> list[tuple[str, str]]:
    order = make_order(technician=org.users["technician"])
    Journey(order).to("accept")
    complaint = kit.valid()
    kit.action(complaint)
    return [("clerk", "/desk/repairs"), ("clerk", "/desk/repairs/new"), ("clerk", f"/desk/repairs/{order.number}"),
            ("technician", "/tech/"), ("technician", f"/tech/jobs/{order.number}"),
            ("cs_supervisor", "/complaints/"), ("cs_supervisor", f"/complaints/{complaint.number}"),
            ("dept_head", "/complaints/actions"), ("project_manager", "/reports/"), ("clerk", "/me"),
            ("admin", "/admin/users"), (None, "/login")]


def _render_all(app, as_role, anon, pages) -> dict:
    app.jinja_env.cache.clear()
    browsers, out = {}, {}
    for who, path in pages:
        if who is None:
            browser = anon
        else:
            browser = browsers.get(who) or browsers.setdefault(who, as_role(who))
        response = browser.get(path)
        assert response.status_code == 200, (who, path, response.status_code)
        out[path] = _VOLATILE.sub("T", response.get_data(as_text=True))
    return out


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_page_reads_the_same_with_its_words_folded_in_as_with_gettext_at_render_time(
        app, org, make_order, kit, as_role, anon, clock, monkeypatch, locale):
    _readers(org, locale)
    pages = _pages(org, make_order, kit)
    monkeypatch.setattr(templating, "FOLD", False)
    called = _render_all(app, as_role, anon, pages)
    monkeypatch.setattr(templating, "FOLD", True)
    folded = _render_all(app, as_role, anon, pages)
    for path in called:
        assert folded[path] == called[path], path
    word = "Repair board" if locale == "en" else "维修看板"
    assert word in folded["/desk/repairs"]


def test_readers_of_two_languages_each_get_their_own_from_the_same_process(app, org, as_role, clock):
    from wuye.database import transaction
    from wuye.extensions import db
    with transaction():
        db.session.merge(org.users["clerk"]).locale = "en"
        db.session.merge(org.users["cs_supervisor"]).locale = "zh_CN"
    english, chinese = as_role("clerk"), as_role("cs_supervisor")
    for _ in range(2):  # the second round is served from the compiled templates
        page = english.get("/desk/repairs").get_data(as_text=True)
        assert "Repair board" in page and "维修看板" not in page and "New repair order" in page
        page = chinese.get("/desk/repairs").get_data(as_text=True)
        assert "维修看板" in page and "Repair board" not in page and "新建报修单" in page


def test_a_template_rendered_under_force_locale_is_in_that_language_within_a_chinese_request(app):
    from flask import render_template
    from flask_babel import force_locale, refresh
    with app.test_request_context("/"):
        refresh()
        chinese = render_template("auth/login.html", form=_login_form())
        with force_locale("en"):
            english = render_template("auth/login.html", form=_login_form())
        again = render_template("auth/login.html", form=_login_form())
    assert "用户名" in chinese and "用户名" in again
    assert "Username" in english and "用户名" not in english


def _login_form():
    from wuye.auth.forms import LoginForm
    return LoginForm(meta={"csrf": False})


def test_only_a_single_literal_is_folded_the_rest_stays_a_call(app):
    """`_()` with variables, of a variable, and a literal whose `%` would fail are left as calls."""
    from flask_babel import refresh
    env = app.jinja_env
    with app.test_request_context("/"):
        refresh()
        from wuye.i18n import request_translations
        token = templating._compiling.set(request_translations())
        try:
            source = ("{{ _('Sign out') }}|{{ _('Handled by %(name)s', name=who) }}|{{ _(word) }}|"
                      "{% if never %}{{ _('50%') }}{% endif %}|{{ gettext('Repair board') }}")
            code = env.compile(source, raw=True)
        finally:
            templating._compiling.reset(token)
    assert "退出登录" in code and "维修看板" in code  # folded: the words themselves are in the code
    assert code.count("'_'") + code.count("l_0__") >= 1  # the other calls remain
    assert "Handled by %(name)s" in code and "'50%'" in code
