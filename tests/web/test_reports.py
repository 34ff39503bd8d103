"""/reports/ as the people who read it: the page, its links, the exports and the A4 print."""
from __future__ import annotations

import csv
import io
import re

import pytest


@pytest.fixture
def november(month, clock):
    from tests.fixtures.reports import REPORT_NOW
    clock.set(REPORT_NOW)
    return month


def test_the_project_manager_sees_every_area_for_the_month_with_the_figure_linking_to_its_orders(november, as_role):
    r = as_role("project_manager").get("/reports/?p=2026-11")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    for key in ("repairs_source", "repairs_deadlines", "tech_jobs", "money_method", "satisfaction_scores",
                "complaints_deadlines", "complaints_review"):
        assert f'id="t-{key}"' in html, key
    # the 3 phone orders of November open the desk board filtered to November and the source
    assert re.search(r'href="/desk/repairs\?day_from=2026-11-01&amp;day_to=2026-11-30&amp;source=phone">3<', html)
    assert "纳入体系：修订维修质量检查表" in html


def test_the_board_behind_a_figure_lists_exactly_the_orders_counted(november, as_role):
    b = as_role("project_manager")

    def listed(url):
        return len(set(re.findall(r"BX-T-\d{4}", b.get(url).get_data(as_text=True))))
    november = "/desk/repairs?day_from=2026-11-01&day_to=2026-11-30"
    assert listed(november) == 5
    assert listed(november + "&revisit=1&state=completed") == 1  # completed after a follow-up visit
    assert listed(november + "&revisit=0&state=completed") == 1
    assert listed(november + "&late=appointment_arrival") == 2  # one arrival a minute late, one never made
    assert listed(november + "&open=1") == 1
    assert listed(november + "&source=walk_in") == 1


def test_charts_are_inline_svg_with_text_labels_and_nothing_the_csp_forbids(november, as_role):
    html = as_role("cs_supervisor").get("/reports/?p=2026-11").get_data(as_text=True)
    assert html.count("<svg") >= 10
    assert "<script" not in html.split("</header>", 1)[1].replace('<script src=', '')
    assert " style=" not in html and "<style" not in html
    assert re.search(r"<text[^>]*>电话</text>", html) or re.search(r"<text[^>]*>Phone call</text>", html)
    css = as_role("cs_supervisor").get("/reports/charts.css")
    assert css.mimetype == "text/css" and "svg.wuye-chart" in css.get_data(as_text=True)


def test_a_department_head_sees_only_the_complaint_figures_of_their_department(november, as_role):
    html = as_role("dept_head").get("/reports/?p=2026-11").get_data(as_text=True)
    assert 'id="s-complaints"' in html and 'id="s-repairs"' not in html and 'id="s-money"' not in html


def test_a_period_that_cannot_be_read_is_a_422_with_the_reason_beside_this_month(november, as_role):
    r = as_role("project_manager").get("/reports/?p=2026-13")
    assert r.status_code == 422
    assert "请按 2026-11、2026-Q4、2026 或起止日期填写期间。" in r.get_data(as_text=True)
    r = as_role("project_manager").get("/reports/?from=2026-11-10&to=2026-11-01")
    assert r.status_code == 422 and "结束日期早于开始日期。" in r.get_data(as_text=True)
    assert as_role("project_manager").get("/reports/export.xlsx?p=13").status_code == 422


def test_every_table_downloads_as_xlsx_opened_by_openpyxl(november, as_role):
    from openpyxl import load_workbook
    r = as_role("project_manager").get("/reports/export.xlsx?p=2026-11")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(r.data))
    assert len(book.sheetnames) == 5
    rows = [[c for c in row] for ws in book for row in ws.iter_rows(values_only=True)]
    # money in yuan: ¥50.00 cash this month, ¥30.00 the month before, ¥20.00 more
    cash = [row for row in rows if row[0] in ("现金", "Cash")]
    assert list(cash[0][1:4]) == [50, 30, 20]
    # the warranty claims in yuan: ¥143 of completed warranty jobs, ¥6 in October
    claims = [row for row in rows if row[0] in ("已完工保修工单（应索赔成本）", "Completed warranty jobs (cost to claim)")]
    assert list(claims[0][1:4]) == [143, 6, 137]


def test_a_table_downloads_as_csv_in_utf8_with_a_bom(november, as_role):
    r = as_role("project_manager").get("/reports/export.csv?p=2026-11&table=repairs_source")
    assert r.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[-3][1:] == ["3", "2", "1"]
    assert as_role("project_manager").get("/reports/export.csv?p=2026-11&table=nope").status_code == 404


def test_the_a4_review_report_has_the_period_the_project_the_charts_and_room_for_decisions(november, as_role):
    html = as_role("project_manager").get("/reports/print?p=2026-11").get_data(as_text=True)
    assert "翠湖花园" in html and "2026-11-01" in html and "2026-11-30" in html
    assert html.count("<svg") >= 10
    assert 'class="review-decisions"' in html


def test_the_admin_reads_a_projects_figures_without_links_to_boards_it_may_not_open(november, as_role):
    html = as_role("admin").get("/reports/?p=2026-11&project=P1").get_data(as_text=True)
    assert 'id="t-repairs_source"' in html and "/desk/repairs?" not in html and "/complaints/?" not in html
    assert "project=P1" in html  # the period links keep the project
