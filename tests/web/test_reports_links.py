"""Each figure of /reports/ links to exactly the orders or complaints behind it, for the same period:
the link is followed as a reader would, and the list must hold the hand-built rows of
tests/fixtures/reports.py written here (BX-T-0003 is November's emergency paid in cash, …)."""
from __future__ import annotations

import html as htmllib
import re

import pytest


@pytest.fixture
def manager(month, clock, as_role):
    from tests.fixtures.reports import REPORT_NOW
    clock.set(REPORT_NOW)
    return as_role("project_manager")


def figure_links(browser, key, period="2026-11") -> dict[str, str]:
    """{line label: href} of one table of the report page."""
    page = browser.get(f"/reports/?p={period}").get_data(as_text=True)
    section = page.split(f'id="t-{key}"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td class="num"><a href="([^"]+)">', section)
    return {htmllib.unescape(label): htmllib.unescape(href) for label, href in rows}


def figure(browser, key, label, period="2026-11") -> str:
    """The shown value of one line of a table of the report page."""
    page = browser.get(f"/reports/?p={period}").get_data(as_text=True)
    section = page.split(f'id="t-{key}"', 1)[1].split("</section>", 1)[0]
    return re.search(rf'<th scope="row">{re.escape(label)}</th>\s*<td class="num">(?:<a href="[^"]+">)?([^<]*)<',
                     section)[1].strip()


def add_rows(*rows):
    from wuye.database import transaction
    from wuye.extensions import db
    with transaction():
        for row in rows:
            db.session.add(row)
            db.session.flush()


def follow(browser, key, label, period="2026-11") -> tuple[set[str], str]:
    href = figure_links(browser, key, period)[label]
    r = browser.get(href)
    assert r.status_code == 200, href
    text = r.get_data(as_text=True)
    rows = set(re.findall(r"(?:BX|TS)-T-\d{4}", text.split('<div id="board-results">', 1)[-1]
                          .split('<div id="complaint-columns">', 1)[-1]))
    summary = re.search(r'class="board-summary"[^>]*>(.*?)</p>', text, re.S)
    return rows, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", summary[1])) if summary else ""


def test_money_collected_by_method_lists_the_orders_paid_that_way_in_the_period(manager):
    assert follow(manager, "money_method", "现金") == ({"BX-T-0003"}, "1 个工单符合 · 日期为缴费日 · 已收 ¥50.00")
    rows, summary = follow(manager, "money_method", "微信支付")
    assert rows == {"BX-T-0004"} and "¥120.00" in summary
    # the cash paid at 23:00 on 31 October is October's
    rows, summary = follow(manager, "money_method", "现金", period="2026-10")
    assert rows == {"BX-T-0001"} and "¥30.00" in summary


def test_cash_handed_over_and_its_differences_list_the_handovers_behind_them(manager):
    rows, summary = follow(manager, "money_handover", "房管员实收")
    assert rows == {"BX-T-0003"} and "房管员实收 ¥50.00" in summary
    rows, summary = follow(manager, "money_handover", "差额（实收减应收）", period="2026-10")
    assert rows == {"BX-T-0001"} and "差额 -¥2.00" in summary


def test_fees_per_technician_list_the_payments_that_technician_took(manager, month):
    rows, summary = follow(manager, "tech_collected", month.users["technician"].name)
    assert rows == {"BX-T-0003", "BX-T-0004"} and "2 个工单符合" in summary and "¥170.00" in summary


def test_the_score_distribution_response_rate_and_return_visits_list_their_orders(manager):
    assert follow(manager, "satisfaction_scores", "2分")[0] == {"BX-T-0004"}
    assert follow(manager, "satisfaction_scores", "5分")[0] == {"BX-T-0003"}
    assert follow(manager, "satisfaction_forms", "已完成报修单的服务单回收率")[0] == {"BX-T-0003", "BX-T-0004"}
    # opened at 23:30 on the 30th is in; the one opened on 1 December is not
    assert follow(manager, "satisfaction_return_visits", "新增回访") == (
        {"BX-T-0003", "BX-T-0004"}, "2 个工单符合 · 日期为回访开启日")
    assert follow(manager, "satisfaction_return_visits", "已完成")[0] == {"BX-T-0004"}


def test_complaint_figures_list_the_complaints_of_the_period_and_class(manager):
    assert follow(manager, "complaints_validity", "有效投诉") == ({"TS-T-0009", "TS-T-0010"}, "2 件投诉符合")
    assert follow(manager, "complaints_validity", "无效投诉")[0] == {"TS-T-0011"}  # 23:59 on the 30th
    assert follow(manager, "complaints_severity", "严重")[0] == {"TS-T-0009"}
    assert follow(manager, "complaints_severity", "未判定")[0] == {"TS-T-0011"}
    assert follow(manager, "complaints_department", "工程部")[0] == {"TS-T-0009"}
    assert follow(manager, "complaints_total", "确认的重复投诉")[0] == {"TS-T-0011"}
    assert follow(manager, "complaints_total", "已记录奖惩")[0] == {"TS-T-0009"}
    # October's complaint not yet classified, received at 23:59 on 31 October
    assert follow(manager, "complaints_validity", "未判定", period="2026-10")[0] == {"TS-T-0012"}


def test_each_b5_deadline_links_to_the_complaints_whose_deadline_fell_due_met_late_or_missed(manager):
    # the serious complaint's 48 hours met one minute late
    rows, summary = follow(manager, "complaints_deadlines_missed", "严重投诉处理结果")
    assert rows == {"TS-T-0009"} and "日期为期限到期日" in summary
    assert follow(manager, "complaints_deadlines", "投诉处理记录表及纠正措施（有效投诉）")[0] == {"TS-T-0009", "TS-T-0010"}


def test_corrective_actions_late_and_due_link_to_the_actions_of_the_period(manager):
    late = manager.get(figure_links(manager, "complaints_actions")["超时"]).get_data(as_text=True)
    assert "2 项纠正措施" in late  # one still open after its due date, one done a day late
    assert set(re.findall(r"TS-T-\d{4}", late.split('class="board-summary"')[1])) == {"TS-T-0009", "TS-T-0010"}
    due = manager.get(figure_links(manager, "complaints_actions")["本期到期"]).get_data(as_text=True)
    assert "3 项纠正措施" in due


def test_warranty_cost_and_claims_list_the_completed_jobs_behind_them(manager):
    rows, summary = follow(manager, "money_charge_cost", "保修期内")
    assert rows == {"BX-T-0003", "BX-T-0013", "BX-T-0017"} and "成本（工时及材料） ¥143.00" in summary
    assert follow(manager, "money_claims", "已提出索赔")[0] == {"BX-T-0003", "BX-T-0017"}
    assert follow(manager, "money_claims", "尚未索赔")[0] == {"BX-T-0013"}
    assert follow(manager, "money_charge", "公共部位")[0] == {"BX-T-0005", "BX-T-0006"}


def test_the_boards_other_filters_keep_working_beside_the_figures_filters(manager):
    r = manager.get("/desk/repairs?state=completed")
    assert r.status_code == 200 and 'class="board-summary"' not in r.get_data(as_text=True)
    r = manager.get("/complaints/?serious=y")
    assert r.status_code == 200 and "TS-T-0009" in r.get_data(as_text=True)
    assert manager.get("/desk/repairs?dates=yesterday").status_code == 422
    assert manager.get("/complaints/?kept=maybe").status_code == 422
    assert manager.get("/complaints/actions?which=nope").status_code == 422


def test_deadlines_kept_per_technician_lists_the_orders_of_their_own_deadlines_that_fell_due(manager, month):
    """Not the technician's jobs received in the period: BX-T-0901 came in on 31 October and went to the
    second technician since, but its appointment (responsible: the first technician) fell due on
    1 November and was met five minutes late."""
    from tests.fixtures.reports import local
    from wuye.models import Deadline, RepairOrder
    tech, tech2 = month.users["technician"], month.users["technician2"]
    o = RepairOrder(project_id=month.p1.id, number="BX-T-0901", source="phone", unit_id=month.units[0].id,
                    contact_name="王先生", contact_phone="13812345678", category="plumbing_electric",
                    description="漏水", urgency="normal", called_at=local(2026, 10, 31, 22, 0), state="dispatched",
                    created_by_id=month.users["clerk"].id, created_at=local(2026, 10, 31, 22, 0),
                    technician_id=tech2.id)
    add_rows(o)
    add_rows(Deadline(subject_type="repair_order", subject_id=o.id, project_id=month.p1.id,
                      kind="appointment_arrival", started_at=local(2026, 11, 1, 9, 0),
                      due_at=local(2026, 11, 1, 10, 0), met_at=local(2026, 11, 1, 10, 5), responsible_id=tech.id))
    # the first technician's November: 0003's emergency and 0004's revisit on time, 0004's appointment
    # one minute late, 0901's five minutes late
    assert figure(manager, "tech_on_time", tech.name) == "50.0%"
    assert follow(manager, "tech_on_time", tech.name) == (
        {"BX-T-0003", "BX-T-0004", "BX-T-0901"}, "3 个工单符合 · 日期为期限到期日")
    assert figure(manager, "tech_not_kept", tech.name) == "2"
    assert follow(manager, "tech_not_kept", tech.name)[0] == {"BX-T-0004", "BX-T-0901"}
    # the second: 0005's preparation on time, 0006's appointment missed; 0901 is not theirs to keep
    assert follow(manager, "tech_on_time", tech2.name)[0] == {"BX-T-0005", "BX-T-0006"}
    assert follow(manager, "tech_not_kept", tech2.name)[0] == {"BX-T-0006"}
    # October: o1's appointment, kept at 23:59 on the 31st
    assert follow(manager, "tech_on_time", tech.name, period="2026-10")[0] == {"BX-T-0001"}


def test_corrective_action_on_time_rate_lists_only_the_actions_it_judged(manager, month):
    """An action due at 18:00 on the 30th is not yet judged at noon: the B5 rate leaves it out and so
    does its list, while 'due in the period' still counts it."""
    from tests.fixtures.reports import local
    from wuye.extensions import db
    from wuye.models import Complaint, CorrectiveAction, Deadline
    c2 = db.session.query(Complaint).filter_by(number="TS-T-0010").one()
    a = CorrectiveAction(complaint_id=c2.id, project_id=month.p1.id, seq=2, description="整改",
                         owner_id=month.users["dept_head"].id, due_at=local(2026, 11, 30, 18, 0), state="open",
                         set_at=c2.received_at, set_by_id=month.users["dept_head"].id)
    add_rows(a)
    add_rows(Deadline(subject_type="corrective_action", subject_id=a.id, project_id=month.p1.id,
                      kind="corrective_action", started_at=c2.received_at, due_at=a.due_at))
    # judged: TS-T-0009's first on time, its second done a day late, TS-T-0010's first still open
    assert figure(manager, "complaints_deadlines", "纠正措施") == "33.3%"
    judged = manager.get(figure_links(manager, "complaints_deadlines")["纠正措施"]).get_data(as_text=True)
    assert "3 项纠正措施" in judged and "TS-T-0010" in judged
    assert figure(manager, "complaints_deadlines_missed", "纠正措施") == "2"
    missed = manager.get(figure_links(manager, "complaints_deadlines_missed")["纠正措施"]).get_data(as_text=True)
    assert "2 项纠正措施" in missed
    due = manager.get(figure_links(manager, "complaints_actions")["本期到期"]).get_data(as_text=True)
    assert "4 项纠正措施" in due and figure(manager, "complaints_actions", "本期到期") == "4"


def test_return_visits_count_orders_once_as_their_list_shows_them(manager, month):
    """BX-T-0004's resident needed a second 回访 on 20 November, still open: the order counts once."""
    from tests.fixtures.reports import local
    from wuye.extensions import db
    from wuye.models import RepairOrder, ReturnVisit
    o3 = db.session.query(RepairOrder).filter_by(number="BX-T-0004").one()
    add_rows(ReturnVisit(order_id=o3.id, project_id=month.p1.id, reason="low_score", score=2,
                         opened_at=local(2026, 11, 20, 9, 0)))
    assert figure(manager, "satisfaction_return_visits", "新增回访") == "2"
    assert follow(manager, "satisfaction_return_visits", "新增回访") == (
        {"BX-T-0003", "BX-T-0004"}, "2 个工单符合 · 日期为回访开启日")
    assert figure(manager, "satisfaction_return_visits", "已完成") == "1"
    assert follow(manager, "satisfaction_return_visits", "已完成")[0] == {"BX-T-0004"}
    # both orders have a 回访 still open (0004's first is done, its second is not)
    assert figure(manager, "satisfaction_return_visits", "未完成") == "2"
    assert follow(manager, "satisfaction_return_visits", "未完成")[0] == {"BX-T-0003", "BX-T-0004"}
