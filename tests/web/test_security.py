"""Secure by default: CSRF on every change, a strict CSP, security headers, health check."""
from __future__ import annotations

from wuye.extensions import db
from wuye.models import RepairOrder


def test_a_post_without_the_csrf_token_is_refused(org, make_order, clock, as_role):
    order = make_order()
    b = as_role("clerk")
    r = b.post(f"/desk/repairs/{order.number}/cancel", {"cancel-reason": "x"}, token=False)
    assert r.status_code == 400
    assert db.session.get(RepairOrder, order.id).state == "new"


def test_a_csrf_token_from_another_session_is_refused(org, make_order, clock, as_role):
    order = make_order()
    other = as_role("clerk")
    b = as_role("clerk2") if "clerk2" in org.users else as_role("cs_supervisor")
    b.token = other.token
    r = b.post(f"/desk/repairs/{order.number}/cancel", {"cancel-reason": "x"})
    assert r.status_code == 400
    assert db.session.get(RepairOrder, order.id).state == "new"


def test_the_csrf_token_travels_in_hx_headers_on_body(org, as_role):
    html = as_role("clerk").get("/desk/repairs").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_pages_carry_a_strict_csp_and_security_headers(org, as_role):
    r = as_role("clerk").get("/desk/repairs")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"]
    assert "HX-Request" in r.headers["Vary"]
    assert "<script>" not in r.get_data(as_text=True)


def test_secure_cookie_flags_switch_on_for_https(migrated, monkeypatch):
    from wuye import create_app
    monkeypatch.setenv("WUYE_SECURE_COOKIES", "1")
    app = create_app({"SQLALCHEMY_DATABASE_URI": migrated})
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["SESSION_COOKIE_HTTPONLY"] is True
    with app.app_context():
        db.engine.dispose()


def test_the_secret_key_is_generated_once_and_kept_in_the_instance_folder(tmp_path, monkeypatch):
    from wuye.config import secret_key
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(str(tmp_path))
    assert len(first) >= 64 and secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_healthz_checks_the_database(app, anon):
    r = anon.get("/healthz")
    assert r.status_code == 200 and r.json["database"] == "ok"


def test_an_unknown_page_answers_404_in_the_users_language(org, as_role):
    r = as_role("clerk").get("/desk/repairs/BX-19990101-0001")
    assert r.status_code == 404
    assert "未找到" in r.get_data(as_text=True)


def test_a_nul_character_anywhere_in_a_request_gets_a_clear_400_and_nothing_is_written(org, as_role):
    from wuye.models import AuditEvent, Complaint
    b = as_role("clerk")
    events = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    for r in (b.get("/complaints/?q=%00"),  # PostgreSQL cannot even compare a text with a NUL
              b.get("/complaints/TS-20261127-0001%00"),
              b.get("/desk/repairs?q=12%0001"),
              b.post("/complaints/new", {"channel": "phone", "complainant_name": "王\x00女士",
                                         "content": "楼道灯坏了", "topic": "repair"}),
              b.post("/complaints/new", {"channel": "phone", "complainant_name": "王女士", "content": "灯坏了",
                                         "topic": "repair"}, htmx=True, content_type="multipart/form-data",
                     query_string={"x": "\x00"})):
        assert r.status_code == 400
        assert "请求中含有不允许的字符" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Complaint)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == events


def test_what_the_caller_said_is_shown_on_the_board_as_text_never_as_markup(org, make_order, clock, as_role):
    """The board's rows are written in Python (desk/board_rows.py): each free-text cell is escaped."""
    hostile = '<script>alert("x")</script> & \'quoted\''
    order = make_order(contact_name=hostile, description=hostile + " 漏水", contact_phone="13800000000")
    html = as_role("clerk").get("/desk/repairs").get_data(as_text=True)
    row = html[html.index(order.number):]
    row = row[:row.index("</tr>")]
    assert "<script>" not in row and "alert(\"x\")" not in row
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;quoted&#39;" in row
