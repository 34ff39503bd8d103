"""The words of the procedure on the pages: 完工 in the history, the greeting that says what is
repaired, the checklist item named, the 派工单's acceptance signature captioned, a reassignment
explained to the resident."""
from __future__ import annotations

import html as htmllib
import re

from tests.fixtures.journey import Journey
from wuye.services import Actor
from wuye.services.repairs import intake as repairs
from wuye.services.residents import link as svc


def _history(page: str) -> str:
    return re.search(r'<section class="card timeline-card">(.*?)</section>', page, re.S).group(1)


def test_the_history_calls_finishing_the_work_完工_not_维修情况(org, make_order, clock, as_role):
    order = make_order(technician=org.users["technician"])
    Journey(order).to("finish")
    history = _history(as_role("clerk").get(f"/desk/repairs/{order.number}").get_data(as_text=True))
    assert "维修完工" in history and "维修情况" not in history


def test_the_greeting_at_the_door_says_what_is_repaired(org, make_order, clock, as_role):
    order = make_order(technician=org.users["technician"], description="卫生间水龙头漏水，关不紧")
    page = htmllib.unescape(as_role("technician").get(f"/tech/jobs/{order.number}").get_data(as_text=True))
    assert "“您好，约好来给您维修卫生间水龙头漏水的。”" in page
    assert "维修的（" not in page


def test_a_checklist_line_of_the_history_names_the_item_ticked(org, make_order, clock, as_role):
    from wuye.extensions import db
    from wuye.models import RepairOrder
    from wuye.services.repairs import technician as tech
    order = make_order(technician=org.users["technician"])
    Journey(order).to("accept")
    step = tech.Step(Actor(org.users["technician"], "x"), db.session.get(RepairOrder, order.id))
    tech.tick(step, "badge", True)
    history = _history(as_role("clerk").get(f"/desk/repairs/{order.number}").get_data(as_text=True))
    assert re.search(r"勾选准备事项</strong>.*?<div>已佩戴胸牌</div>", history, re.S)
    assert "工作服统一整洁" not in history  # only the item ticked


def test_the_printed_dispatch_sheet_captions_the_acceptance_signature(org, make_order, clock, as_role):
    order = make_order(technician=org.users["technician"])
    Journey(order).to("sign_acceptance")
    page = as_role("clerk").get(f"/desk/repairs/{order.number}/sheet").get_data(as_text=True)
    figure = re.search(r'<figure class="sig-figure">(.*?)</figure>', page, re.S).group(1)
    assert "<img" in figure and "<figcaption>用户验收签字：已检验，维修质量合格" in figure


def test_the_residents_page_explains_a_reassignment_instead_of_repeating_assigned(org, make_order, clock, anon):
    order = make_order(technician=org.users["technician"])
    token = svc.issue_link(Actor(org.users["clerk"], "x"), order)[1]
    clerk = Actor(org.users["clerk"], "x")
    repairs.reassign(clerk, order, org.users["technician2"].id, "请假")
    repairs.reassign(clerk, order, org.users["technician"].id, "回来了")
    page = anon.get(f"/s/{token}").get_data(as_text=True)
    steps = re.search(r'<ol class="timeline res-steps">(.*?)</ol>', page, re.S).group(1)
    assert steps.count("已派工") == 1 and steps.count("已改派给另一位维修师傅") == 2
    assert re.search(r'<h1 class="res-word">已改派给另一位维修师傅</h1>', page)
    assert "请假" not in page  # the desk's reason is not the resident's to read
