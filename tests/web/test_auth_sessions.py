"""Sign-in, sign-out and disabling end sessions for real; guessing is slowed down."""
from __future__ import annotations

from tests.fixtures.data import PASSWORD
from tests.fixtures.web import Browser


def _cookie(b: Browser) -> str:
    return b.client.get_cookie("session").value


def test_each_role_lands_on_its_own_home_page(org, as_role):
    homes = {"clerk": "/desk/repairs", "cs_supervisor": "/desk/repairs", "project_manager": "/desk/repairs",
             "technician": "/tech/", "admin": "/admin/projects", "housing_officer": "/fees/", "dept_head": "/complaints/",
             "staff": "/me"}
    for username, home in homes.items():
        b = Browser(as_role(username).client.application.test_client())
        b.get("/login")
        r = b.post("/login", {"username": username, "password": PASSWORD})
        assert r.status_code == 303 and r.headers["Location"] == home, username


def test_a_wrong_password_is_refused_with_a_message(org, anon):
    anon.get("/login")
    r = anon.post("/login", {"username": "clerk", "password": "wrong"})
    assert r.status_code == 401
    assert "用户名或密码错误" in r.get_data(as_text=True) or "Wrong username or password" in r.get_data(as_text=True)


def test_logout_ends_the_session_even_for_a_copied_cookie(org, app, as_role):
    b = as_role("clerk")
    stolen = _cookie(b)
    assert b.post("/logout").status_code == 303
    thief = Browser(app.test_client())
    thief.client.set_cookie("session", stolen)
    r = thief.get("/desk/repairs")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_disabling_a_user_ends_their_open_sessions(org, app, as_role):
    clerk = as_role("clerk")
    assert clerk.get("/desk/repairs").status_code == 200
    admin = as_role("admin")
    assert admin.post(f"/admin/users/{org.users['clerk'].id}/disable").status_code == 303
    r = clerk.get("/desk/repairs")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    again = Browser(app.test_client())
    again.get("/login")
    assert again.post("/login", {"username": "clerk", "password": PASSWORD}).status_code == 401


def test_five_failures_for_one_username_lock_that_username_from_any_address(org, anon):
    anon.get("/login")
    for _ in range(5):
        assert anon.post("/login", {"username": "clerk", "password": "guess"}).status_code == 401
    r = anon.post("/login", {"username": "clerk", "password": PASSWORD})
    assert r.status_code == 429
    assert "15" in r.get_data(as_text=True)  # the window, from the settings
    elsewhere = anon.post("/login", {"username": "clerk", "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "10.7.7.7"})
    assert elsewhere.status_code == 429
    assert anon.post("/login", {"username": "staff", "password": PASSWORD}).status_code == 303


OFFICE = {"REMOTE_ADDR": "10.20.30.40"}  # one router for the whole office


def test_an_office_address_with_many_failed_sign_ins_still_signs_in_the_right_password(org, app):
    """Throttle the failures, not the people: 30 wrong passwords from the office's address (each name
    under its own limit) refuse further wrong ones, and the clerk with the right password signs in."""
    assert app.config["WUYE_LOGIN_MAX_FAILURES_PER_ADDRESS"] == 30
    guesser = Browser(app.test_client())
    guesser.get("/login")
    codes = [guesser.post("/login", {"username": f"user{i % 10}", "password": "guess"},
                          environ_base=OFFICE).status_code for i in range(30)]
    assert codes == [401] * 30
    r = guesser.post("/login", {"username": "clerk", "password": "wrong"}, environ_base=OFFICE)
    assert r.status_code == 429
    text = r.get_data(as_text=True)
    assert "Wrong username or password" in text or "用户名或密码错误" in text
    colleague = Browser(app.test_client())
    colleague.get("/login")
    r = colleague.post("/login", {"username": "clerk", "password": PASSWORD}, environ_base=OFFICE)
    assert r.status_code == 303 and r.headers["Location"] == "/desk/repairs"
    assert colleague.get("/desk/repairs", environ_base=OFFICE).status_code == 200
    # the wrong passwords refused from the busy address still count against their username
    for _ in range(3):
        assert guesser.post("/login", {"username": "staff", "password": "x"}, environ_base=OFFICE).status_code == 429
    other = Browser(app.test_client())
    other.get("/login")
    assert other.post("/login", {"username": "staff", "password": "x"}).status_code == 401
    assert other.post("/login", {"username": "staff", "password": "x"}).status_code == 401
    assert other.post("/login", {"username": "staff", "password": PASSWORD}).status_code == 429


def test_an_expired_session_on_an_htmx_request_redirects_to_login(org, anon):
    r = anon.get("/notifications/badge", headers={"HX-Request": "true"})
    assert r.status_code == 401
    assert r.headers["HX-Redirect"].startswith("/login")


def test_passwords_are_stored_hashed(org):
    user = org.users["clerk"]
    assert PASSWORD not in user.password_hash and user.check_password(PASSWORD)


def test_the_open_redirect_after_login_stays_on_this_site(org, anon):
    anon.get("/login")
    r = anon.post("/login?next=//evil.example/x", {"username": "clerk", "password": PASSWORD})
    assert r.headers["Location"] == "/desk/repairs"


def test_the_language_choice_is_kept_per_user(org, app, as_role):
    b = as_role("clerk")
    assert "维修看板" in b.get("/desk/repairs").get_data(as_text=True)
    b.post("/lang", {"lang": "en", "back": "/desk/repairs"})
    fresh = Browser(app.test_client())
    fresh.login("clerk")
    assert "Repair board" in fresh.get("/desk/repairs").get_data(as_text=True)


def test_a_language_chosen_on_the_login_page_is_kept_after_signing_in(org, app):
    b = Browser(app.test_client())
    b.get("/login")
    b.post("/lang", {"lang": "en", "back": "/login"})
    r = b.post("/login", {"username": "clerk", "password": PASSWORD})
    assert r.status_code == 303
    assert "Repair board" in b.get("/desk/repairs").get_data(as_text=True)
    again = Browser(app.test_client())
    again.login("clerk")
    assert "Repair board" in again.get("/desk/repairs").get_data(as_text=True)
