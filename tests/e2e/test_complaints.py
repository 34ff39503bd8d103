"""A complaint's whole way in the browser: an employee takes it on a phone, customer service
registers and judges it, the 48-hour deadline breaches and reaches the CS supervisor, the department
corrects, customer service checks and answers, and it closes; and an invalid one explained within
its day. The live server runs on a clock the test moves; the test ticks the deadline watcher."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.fixtures.data import PASSWORD
from wuye.extensions import db
from wuye.models import Complaint, Deadline, Notification, User
from wuye.services.deadlines.tick import tick

from .conftest import PHONE

pytestmark = pytest.mark.e2e


@pytest.fixture
def server_clock(live_server):
    """The live server's "now", moved by the test (the deadlines it opens count from it)."""
    class Clock:
        now = datetime.now(UTC).replace(second=0, microsecond=0)

        def __call__(self):
            return self.now

    clock = Clock()
    live_server.app.extensions["wuye.clock"] = clock
    yield clock
    live_server.app.extensions.pop("wuye.clock", None)


@pytest.fixture
def contexts(browser, base_url):
    """Browser contexts (a phone or a desk) signed in as someone; all closed after the test."""
    opened = []

    def open_as(username: str, phone: bool = False):
        args = PHONE if phone else {"viewport": {"width": 1366, "height": 768}}
        context = browser.new_context(base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", **args)
        context.set_default_timeout(10000)
        opened.append(context)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        return page
    yield open_as
    for context in opened:
        context.close()


def take_on_the_phone(page, shot, name: str, content: str) -> str:
    """The staff member at the gate: the complainant, the unit, what they said; saved and forwarded."""
    page.goto("/complaints/new")
    expect(page.get_by_role("heading", name="新建投诉")).to_be_visible()
    page.get_by_label("来访", exact=True).check()
    page.get_by_label("房号", exact=True).fill("1201")
    page.get_by_label(re.compile("3栋2单元1201")).check()
    page.get_by_label("投诉人", exact=True).fill("王女士")
    page.get_by_role("textbox", name="电话").fill("13812345678")
    page.get_by_label("投诉类别").select_option(label="维修质量")
    page.get_by_label("投诉内容").fill(content)
    shot(page, f"{name}-1-phone-intake")
    page.get_by_role("button", name="保存并转客服部").click()
    expect(page.get_by_role("heading", name="我的投诉")).to_be_visible()
    number = re.search(r"TS-\d{8}-\d{4}", page.locator(".alert-ok").inner_text()).group(0)
    expect(page.get_by_role("link", name=number)).to_be_visible()
    shot(page, f"{name}-2-phone-my-complaints")
    return number


def step(page, action: str):
    """The form of one step on the record page, found by where it posts."""
    return page.locator(f"form[action$='/{action}']")


def open_record(page, number: str):
    page.goto("/complaints/")
    expect(page.get_by_role("heading", name="投诉看板")).to_be_visible()
    page.get_by_role("link", name=re.compile(number)).click()
    expect(page.get_by_role("heading", name=re.compile(number))).to_be_visible()


def register(page, severity: str, departments: list[str], mode: str, criterion: str | None = None):
    form = step(page, "register")
    form.get_by_label(severity, exact=True).check()
    if criterion:
        form.get_by_label(criterion).check()
    for d in departments:
        form.get_by_label(d, exact=True).check()
    form.get_by_label(mode, exact=True).check()
    form.get_by_label("转呈说明").fill("已告知" + "、".join(departments))
    form.get_by_role("button", name="登记并转呈").click()
    expect(page.locator("h1 .cstate-investigating")).to_be_visible()


def state_is(page, word: str):
    expect(page.locator("h1 .tag").first).to_have_text(word)


def test_a_serious_complaint_from_the_phone_to_its_closing(org, depts, contexts, server_clock, shot):
    start = server_clock.now
    number = take_on_the_phone(contexts("staff", phone=True), shot, "complaint-serious",
                               "楼道灯坏了一个星期，报修两次没人来修，业主说要找报社")

    desk = contexts("clerk")
    open_record(desk, number)
    state_is(desk, "登记")
    shot(desk, "complaint-serious-3-desk-received")
    register(desk, "严重", ["工程部", "秩序部"], "书面", criterion="涉及部门较多")
    expect(desk.get_by_role("link", name="打印书面转呈单")).to_be_visible()

    judge = step(desk, "classify")
    judge.get_by_label("有效投诉", exact=True).check()
    judge.get_by_label("服务人员不熟悉工作程序").check()
    judge.get_by_label("调查情况").fill("维修工两次未按约定上门")
    expect(judge.get_by_label("涉及部门较多")).to_be_checked()
    judge.get_by_role("button", name="保存判定").click()
    state_is(desk, "处理中")
    expect(desk.locator("#complaint-deadlines")).to_contain_text("严重投诉处理结果")
    shot(desk, "complaint-serious-4-desk-valid-serious")

    # 48 hours after it was taken, nobody has a handling result: the watcher breaches and escalates
    server_clock.now = start + timedelta(hours=49)
    db.session.rollback()  # end the test's read snapshot: the live server wrote since
    report = tick(server_clock.now)
    assert (report.breached, report.escalated) == (1, 1)
    supervisor = contexts("cs_supervisor")
    supervisor.goto("/desk/escalations")
    expect(supervisor.get_by_role("link", name=number)).to_be_visible()
    expect(supervisor.get_by_role("row", name=re.compile(number))).to_contain_text("严重投诉处理结果")
    shot(supervisor, "complaint-serious-5-escalated-to-supervisor")
    supervisor.get_by_role("link", name=number).click()
    expect(supervisor.locator("#complaint-deadlines")).to_contain_text("超时")
    inspection = step(supervisor, "inspect")
    inspection.get_by_label("参加人员").fill("吴芳、周伟、秩序部值班员")
    inspection.get_by_label("现场实际情况").fill("3栋2单元12楼至14楼楼道灯不亮，感应开关损坏")
    inspection.get_by_role("button", name="保存现场查看记录").click()
    expect(supervisor.get_by_text("已记录现场查看。")).to_be_visible()

    head = contexts("dept_head")
    expect(head.get_by_role("heading", name="投诉看板")).to_be_visible()  # the department head's home
    head.get_by_role("link", name=re.compile(number)).click()
    findings = step(head, "record")
    findings.get_by_label("原因分析").fill("感应开关老化；维修工接单后未按约定时间上门")
    findings.get_by_label("责任认定").fill("工程部维修工服务不及时，负主要责任")
    findings.get_by_label("责任部门").select_option(label="工程部")
    findings.get_by_label("责任人").select_option(label="technician-name (工程部)")
    findings.get_by_role("button", name="保存调查结果").click()
    expect(head.get_by_text("已记录原因和责任。")).to_be_visible()
    action = step(head, "actions")
    action.get_by_label("纠正措施", exact=True).fill("更换12至14楼感应开关；维修工接单后2小时内联系业主")
    action.get_by_label("负责人").select_option(label="dept_head-name (工程部)")
    action.get_by_label("完成期限").fill((server_clock.now + timedelta(days=2)).strftime("%Y-%m-%d"))
    action.get_by_role("button", name="保存纠正措施").click()
    expect(head.get_by_text("已制定纠正措施。")).to_be_visible()
    head.goto("/complaints/mine")
    head.get_by_label("完成情况").fill("感应开关已全部更换，已培训维修工")
    head.get_by_role("button", name="报告完成").click()
    expect(head.locator(".alert-ok")).to_contain_text(number)
    shot(head, "complaint-serious-6-dept-head-mine")

    desk.reload()
    check = desk.locator("form[action$='/verify']")
    check.get_by_label("有效", exact=True).check()
    check.get_by_label("备注").fill("现场查看，灯已全部正常")
    check.get_by_role("button", name="保存检查结果").click()
    expect(desk.locator(".astate-effective")).to_be_visible()
    result = step(desk, "result")
    result.get_by_label("处理结果").fill("已更换感应开关，向业主致歉，维修工按《员工考核及奖惩办法》处理")
    result.get_by_role("button", name="记录处理结果").click()
    state_is(desk, "待回复")
    answer = step(desk, "reply")
    answer.get_by_label("答复内容").fill("电话告知业主处理结果并致歉")
    answer.get_by_label("满意", exact=True).check()
    answer.get_by_role("button", name="保存答复").click()
    expect(desk.get_by_text("已记录答复。")).to_be_visible()
    step(desk, "close").get_by_role("button", name="关闭投诉").click()
    state_is(desk, "已关闭")
    shot(desk, "complaint-serious-7-desk-closed")

    db.session.rollback()  # end the test's read snapshot: the live server wrote since
    c = db.session.scalar(db.select(Complaint).where(Complaint.number == number))
    assert (c.state, c.validity, c.severity, c.satisfaction) == ("closed", "valid", "serious", "satisfied")
    serious = db.session.scalar(db.select(Deadline).where(Deadline.subject_id == c.id,
                                                          Deadline.kind == "serious_result"))
    assert serious.breached_at is not None and serious.met_late
    told = db.session.scalars(db.select(User.username).join(Notification, Notification.user_id == User.id)
                              .where(Notification.kind == "deadline_escalate").order_by(Notification.id)).all()
    assert told == ["cs_supervisor"]


def test_an_invalid_complaint_is_explained_within_its_day_and_closed(org, depts, contexts, server_clock, shot):
    start = server_clock.now
    number = take_on_the_phone(contexts("staff", phone=True), shot, "complaint-invalid",
                               "要求物业赔偿停在路边被刮的车")
    desk = contexts("clerk")
    open_record(desk, number)
    register(desk, "普通", ["秩序部"], "电话")
    judge = step(desk, "classify")
    judge.get_by_label("无效投诉", exact=True).check()
    judge.get_by_label("投诉人依据不充分").check()
    judge.get_by_role("button", name="保存判定").click()
    state_is(desk, "待回复")
    expect(desk.locator("#complaint-deadlines")).to_contain_text("向投诉人解释（无效投诉）")
    expect(desk.locator("#complaint-deadlines .deadline-ok")).to_be_visible()
    shot(desk, "complaint-invalid-3-desk-one-day")

    server_clock.now = start + timedelta(hours=23)
    db.session.rollback()
    assert tick(server_clock.now).breached == 0
    desk.reload()
    expect(desk.locator("#complaint-deadlines .deadline-warn")).to_be_visible()  # the last hours
    answer = step(desk, "reply")
    answer.get_by_label("答复内容").fill("耐心解释：小区外道路停车不属物业管理范围，已告知向交警报案")
    answer.get_by_label("基本满意", exact=True).check()
    answer.get_by_role("button", name="保存答复").click()
    expect(desk.locator("#complaint-deadlines .deadline-ok")).to_contain_text("完成")
    step(desk, "close").get_by_role("button", name="关闭投诉").click()
    state_is(desk, "已关闭")
    shot(desk, "complaint-invalid-4-desk-closed")

    db.session.rollback()
    assert tick(start + timedelta(days=1, minutes=1)).breached == 0
    c = db.session.scalar(db.select(Complaint).where(Complaint.number == number))
    assert (c.state, c.validity, c.validity_reason) == ("closed", "invalid", "insufficient_basis")
    d = db.session.scalar(db.select(Deadline).where(Deadline.subject_id == c.id, Deadline.kind == "invalid_contact"))
    assert d.met_at is not None and not d.met_late and d.breached_at is None
