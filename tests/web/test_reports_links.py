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
