"""The resident's link over HTTP: headers, 404 for unknown and revoked alike, the rate limit,
masking, CSRF, the 服务单 and time requests as a resident, and the desk's side of them."""
from __future__ import annotations

import base64
import io
import re

import pytest

from tests.fixtures.journey import Journey
from tests.fixtures.web import csrf_token
from wuye.extensions import db
from wuye.models import AppointmentRequest, LinkHit, ResidentLink, ReturnVisit
from wuye.services import Actor
from wuye.services.residents import link as svc

STRICT = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


@pytest.fixture
def order(org, make_order, clock):
    return make_order(technician=org.users["technician2"])  # 李志强


@pytest.fixture
def token(org, order):
    return svc.issue_link(Actor(org.users["clerk"], "x"), order)[1]


def path(token: str) -> str:
    return f"/s/{token}"


def test_the_page_shows_the_order_masked(anon, order, token):
    r = anon.get(path(token))
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert order.number in html and "3栋2单元***" in html and "138****5678" in html and "李师傅" in html


def test_nothing_unmasked_and_nothing_of_another_order_appears(org, anon, make_order, order, token):
    other = make_order(unit=org.units[1], contact_name="赵女士", contact_phone="13955556666",
                       description="卧室门锁坏了")
    p2 = make_order(project=org.p2, unit=org.other_unit, contact_name="别人", contact_phone="13900000000")
    html = anon.get(path(token)).get_data(as_text=True)
    for secret in ("13812345678", "王先生", "3栋2单元1201", "李志强", "水龙头漏水", org.units[0].owner_name,
                   org.units[0].owner_phone, other.number, "赵女士", "13955556666", "卧室门锁坏了",
                   org.units[1].label, "别人", "13900000000", "1栋1单元101", "江景苑"):
        assert secret not in html, secret
    assert not re.search(r"1[3-9]\d{9}", html), "an unmasked mobile number"


def test_the_headers_of_a_private_link(anon, token):
    for url in (path(token), "/s/unknown-token", "/s/"):
        r = anon.get(url)
        for name, value in STRICT.items():
            assert r.headers[name] == value, (url, name)
    assert "Referrer-Policy" in anon.get("/login").headers
    assert anon.get("/login").headers["Referrer-Policy"] == "same-origin"


def test_robots_txt_keeps_crawlers_out_of_the_links(anon):
    r = anon.get("/robots.txt")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    assert "Disallow: /s/" in r.get_data(as_text=True).splitlines()


def test_a_revoked_link_answers_the_same_404_as_an_unknown_one(org, anon, order, token):
    link = svc.resolve(token)
    svc.revoke_link(Actor(org.users["clerk"], "x"), order, link.id)
    revoked, unknown = anon.get(path(token)), anon.get(path("A" * len(token)))
    assert revoked.status_code == unknown.status_code == 404
    assert revoked.get_data() == unknown.get_data()
    differ = ("Date", "Set-Cookie", "X-Request-ID")  # each request's own, whatever the token
    same = {k: v for k, v in revoked.headers.items() if k not in differ}
    assert same == {k: v for k, v in unknown.headers.items() if k not in differ}
    assert order.number not in revoked.get_data(as_text=True)


def test_a_link_stops_working_a_month_after_its_order_closed(org, anon, order, token, clock):
    from wuye.services.repairs import intake as repairs
    repairs.cancel(Actor(org.users["clerk"], "x"), order, "业主取消")
    clock.advance(days=29)
    assert anon.get(path(token)).status_code == 200
    clock.advance(days=2)
    assert anon.get(path(token)).status_code == 404


def test_wrong_links_from_one_address_are_refused_for_a_while(app, anon, token, clock):
    app.config.update(WUYE_LINK_MAX_MISSES=5, WUYE_LINK_WINDOW_SECONDS=600)
    for i in range(5):
        assert anon.get(path(f"guess-{i}")).status_code == 404
    r = anon.get(path("guess-5"))
    assert r.status_code == 429
    assert "Too many requests" in r.get_data(as_text=True) or "请求过于频繁" in r.get_data(as_text=True)
    assert r.headers["Cache-Control"] == "no-store"
    other = anon.get(path("guess-6"), environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 404  # another address is not affected
    clock.advance(minutes=11)
    assert anon.get(path("guess-7")).status_code == 404


def test_a_valid_link_still_opens_from_an_address_that_sent_30_wrong_tokens(app, org, make_order, anon, token, clock):
    """Throttle the failures, not the people: the residents behind one carrier address (CGNAT) keep
    their links while a guesser on the same address is refused."""
    assert app.config["WUYE_LINK_MAX_MISSES"] == 30
    for i in range(30):
        assert anon.get(path(f"guess-{i}")).status_code == 404
    assert anon.get(path("guess-30")).status_code == 429
    r = anon.get(path(token))
    assert r.status_code == 200 and "3栋2单元***" in r.get_data(as_text=True)
    neighbour = svc.issue_link(Actor(org.users["clerk"], "x"), make_order(unit=org.units[1]))[1]
    assert anon.get(path(neighbour)).status_code == 200
    assert anon.get(path("guess-31")).status_code == 429  # the guesser still waits


def test_requests_on_one_link_are_rate_limited_per_link(app, org, make_order, anon, token, clock):
    app.config.update(WUYE_LINK_MAX_REQUESTS=8)
    codes = [anon.get(path(token)).status_code for _ in range(10)]
    assert codes == [200] * 8 + [429] * 2
    assert db.session.scalar(db.select(db.func.count()).select_from(LinkHit)) == 8  # refusals are not stored
    neighbour = svc.issue_link(Actor(org.users["clerk"], "x"), make_order(unit=org.units[1]))[1]
    assert anon.get(path(neighbour)).status_code == 200  # same address, another household's link
    clock.advance(minutes=11)
    assert anon.get(path(token)).status_code == 200


def test_the_residents_posts_need_the_csrf_token(anon, order, token):
    anon.get(path(token))
    r = anon.post(f"{path(token)}/appointment", {"move-day": "2026-11-29", "move-window": "10:00-12:00"}, token=False)
    assert r.status_code == 400
    assert db.session.scalar(db.select(AppointmentRequest)) is None


def test_the_page_polls_while_open_and_stops_when_closed(anon, order, token):
    html = anon.get(path(token)).get_data(as_text=True)
    assert 'hx-trigger="every 20s' in html
    fragment = anon.get(path(token), headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="live"') and "<html" not in fragment
    Journey(order).to("pay")
    html = anon.get(path(token)).get_data(as_text=True)
    assert "hx-trigger" not in html.split('id="live"')[1].split(">")[0]
    assert "已完成" in html and "服务单" in html


def test_the_resident_fills_the_service_form_and_the_desk_sees_the_low_score(org, anon, as_role, order, token):
    Journey(order).to("pay")
    anon.get(path(token))
    r = anon.post(f"{path(token)}/form", {"overall": "2", "timeliness": "1", "attitude": "4", "quality": "3",
                                          "comments": "等了很久"}, htmx=True)
    assert r.status_code == 200 and "谢谢" in r.get_data(as_text=True)
    clerk = as_role("clerk")
    assert "2/5" in clerk.get(f"/desk/repairs/{order.number}").get_data(as_text=True)
    assert "score-low" in clerk.get("/desk/repairs").get_data(as_text=True)
    page = clerk.get("/desk/return-visits").get_data(as_text=True)
    assert order.number in page and "等了很久" in page
    visit = db.session.scalar(db.select(ReturnVisit))
    r = clerk.post(f"/desk/return-visits/{visit.id}/done", {"visit-note": "已致电业主道歉", "back": "list"})
    assert r.status_code == 303
    assert db.session.get(ReturnVisit, visit.id).done_at is not None


def test_an_incomplete_service_form_comes_back_with_its_errors(anon, order, token):
    Journey(order).to("pay")
    anon.get(path(token))
    r = anon.post(f"{path(token)}/form", {"overall": "5"}, htmx=True)
    assert r.status_code == 422 and 'class="error"' in r.get_data(as_text=True)


def test_the_resident_asks_for_another_time_and_the_desk_answers(org, anon, as_role, order, token):
    anon.get(path(token))
    r = anon.post(f"{path(token)}/appointment", {"move-day": "2026-11-29", "move-window": "10:00-12:00",
                                                 "move-note": "周末在家"}, htmx=True)
    assert r.status_code == 200 and "HX-Trigger" in r.headers
    req = db.session.scalar(db.select(AppointmentRequest))
    clerk = as_role("clerk")
    assert "周末在家" in clerk.get(f"/desk/repairs/{order.number}").get_data(as_text=True)
    r = clerk.post(f"/desk/appointment-requests/{req.id}", {"answer-decision": "accept", "answer-note": ""})
    assert r.status_code == 303
    html = anon.get(path(token)).get_data(as_text=True)
    assert "改约" in html and "11-29" in html


def test_intake_shows_the_link_once_with_a_copy_button(org, clock, as_role, anon):
    from tests.web.test_intake import _valid
    clerk = as_role("clerk")
    clerk.get("/desk/repairs/new")
    r = clerk.post("/desk/repairs/new", _valid(org))
    first = clerk.get(r.headers["Location"]).get_data(as_text=True)
    url = re.search(r'id="resident-url" value="([^"]+)"', first).group(1)
    assert 'data-copy="resident-url"' in first and "copy.js" in first
    assert 'id="resident-url"' not in clerk.get(r.headers["Location"]).get_data(as_text=True)  # shown once
    assert anon.get(url.replace("http://localhost", "")).status_code == 200


def test_issuing_a_new_link_shows_it_and_it_works(org, as_role, anon, order):
    clerk = as_role("clerk")
    clerk.get(f"/desk/repairs/{order.number}")
    r = clerk.post(f"/desk/repairs/{order.number}/resident-links", htmx=True)
    url = re.search(r'id="resident-url" value="([^"]+)"', r.get_data(as_text=True)).group(1)
    assert anon.get(url.replace("http://localhost", "")).status_code == 200


def _decode_qr(html: str) -> str:
    import zxingcpp
    from PIL import Image
    data = re.search(r'<img class="qr" src="data:image/png;base64,([^"]+)"', html).group(1)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(base64.b64decode(data))))
    assert len(results) == 1
    return results[0].text


def test_the_printed_order_carries_the_link_on_screen_as_a_qr_code(org, as_role, anon, order):
    clerk = as_role("clerk")
    clerk.get(f"/desk/repairs/{order.number}")
    r = clerk.post(f"/desk/repairs/{order.number}/resident-links", htmx=True)
    url = re.search(r'id="resident-url" value="([^"]+)"', r.get_data(as_text=True)).group(1)
    token = url.rsplit("/", 1)[1]
    printed = clerk.post(f"/desk/repairs/{order.number}/print?size=a5", {"token": token})
    assert _decode_qr(printed.get_data(as_text=True)) == url
    assert db.session.scalar(db.select(db.func.count()).select_from(ResidentLink)) == 1


def test_a_later_printout_gets_a_link_of_its_own_that_works(org, as_role, anon, order):
    clerk = as_role("clerk")
    clerk.get(f"/desk/repairs/{order.number}")
    printed = clerk.post(f"/desk/repairs/{order.number}/print?size=a4", {})
    url = _decode_qr(printed.get_data(as_text=True))
    assert re.fullmatch(r"http://localhost/s/[A-Za-z0-9_-]{43}", url)
    assert order.number in anon.get(url.replace("http://localhost", "")).get_data(as_text=True)
    assert db.session.scalar(db.select(ResidentLink)).channel == "print"
    assert '<img class="qr"' not in clerk.get(f"/desk/repairs/{order.number}/print").get_data(as_text=True)


def test_the_print_page_has_no_inline_style(org, as_role, order):
    clerk = as_role("clerk")
    html = clerk.post(f"/desk/repairs/{order.number}/print", {"csrf_token": csrf_token(
        clerk.get(f"/desk/repairs/{order.number}").get_data(as_text=True))}).get_data(as_text=True)
    assert "style=" not in html and "<script" not in html


def test_the_order_history_names_the_resident_not_their_address_twice(org, anon, as_role, order, token):
    anon.get(path(token))
    anon.post(f"{path(token)}/appointment", {"move-day": "2026-11-29", "move-window": "10:00-12:00",
                                             "move-note": "周末在家"}, htmx=True)
    html = as_role("clerk").get(f"/desk/repairs/{order.number}").get_data(as_text=True)
    timeline = html[html.index('class="timeline"'):]
    assert "业主（私密链接）" in timeline
    assert "127.0.0.1 <span" not in timeline and "127.0.0.1</span>" in timeline
