"""A company's first day (issue 11): from an empty install an admin creates a project, imports a units
file with bad rows (sees each refusal, fixes the file, imports), adds people with department and
superior; the clerk then files and dispatches an order for an imported unit, found by its room."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

HEADER = "楼栋,单元,楼层,房号,面积(㎡),状态,联系人1类型,联系人1姓名,联系人1电话,联系人1接收消息,联系人2类型,联系人2姓名,联系人2电话,联系人2接收消息"
GOOD = ["1栋,1,15,1501,89.5,自住,业主,林晓东,13612345678,是,家属,林太太,13712345678,否",
        "1栋,1,15,1502,96.12,出租,业主,黄建华,13512345678,是,租户,陈小姐,13812340000,是",
        "2栋,1,3,301,118,空置,业主,罗志明,0755-86001234,是,,,,"]
BAD = [GOOD[0].replace("13612345678", "1361234567"),  # a digit short
       GOOD[1].replace("96.12", "NaN"),
       GOOD[2].replace("2栋", "9栋")]


def gbk_csv(rows) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode("gbk")


def test_an_admin_starts_from_an_empty_install_and_the_clerk_takes_an_order_for_an_imported_unit(
        ctx, page, login, shot, tmp_path):
    from wuye.services import Actor, orgs
    orgs.add_user(Actor(None, "cli"), "boss", "admin", None, "boss-pass-2026", "总部管理员")
    page.set_default_timeout(15000)
    login(page, "boss", "boss-pass-2026")
    expect(page.get_by_role("heading", name="项目部", exact=True)).to_be_visible()
    expect(page.get_by_text("尚无项目部")).to_be_visible()
    page.get_by_label("代码").fill("LHY")
    page.get_by_label("项目部名称").fill("丽湖苑")
    page.get_by_label("地址").fill("深圳市龙华区丽湖路1号")
    shot(page, "admin-projects")
    page.get_by_role("button", name="创建项目部").click()
    expect(page.get_by_role("heading", name="丽湖苑")).to_be_visible()
    shot(page, "admin-project")

    nav = page.get_by_role("navigation", name="系统管理")
    nav.get_by_role("link", name="楼栋", exact=True).click()
    for name in ("1栋", "2栋"):
        page.get_by_label("楼栋", exact=True).fill(name)
        page.get_by_label("竣工验收日期").fill("2023-06-30")
        page.get_by_label("开发单位").fill("丽湖置业")
        page.get_by_role("button", name="添加楼栋").click()
        expect(page.get_by_role("link", name=name)).to_be_visible()
    shot(page, "admin-buildings")

    nav.get_by_role("link", name="导入房号").click()
    bad = tmp_path / "units.csv"
    bad.write_bytes(gbk_csv(BAD))
    page.get_by_label("文件（XLSX 或 CSV）").set_input_files(str(bad))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_text("有 3 行存在错误，未导入任何数据")).to_be_visible()
    preview = page.locator("table.import-preview")
    expect(preview.locator("tr.has-error")).to_have_count(3)
    expect(preview.get_by_role("row", name=re.compile(r"2 1栋1单元1501 拒绝 联系人1电话 “1361234567”不是有效的手机或固话号码"))).to_be_visible()
    expect(preview.get_by_role("row", name=re.compile(r"3 1栋1单元1502 拒绝 面积\(㎡\) 面积为大于 0"))).to_be_visible()
    expect(preview.get_by_role("row", name=re.compile(r"4 9栋1单元301 拒绝 楼栋 本项目没有楼栋“9栋”"))).to_be_visible()
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    shot(page, "admin-import-refused")

    good = tmp_path / "units-fixed.csv"
    good.write_bytes(gbk_csv(GOOD))
    page.get_by_label("文件（XLSX 或 CSV）").set_input_files(str(good))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_text("新增 3 条")).to_be_visible()
    shot(page, "admin-import-preview")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("导入完成：新增 3 条，修改 0 条，未变 0 条。")).to_be_visible()

    nav.get_by_role("link", name="房号", exact=True).click()
    expect(page.get_by_role("link", name="1栋1单元1502")).to_be_visible()
    shot(page, "admin-units")
    page.get_by_role("link", name="1栋1单元1502").click()
    expect(page.get_by_label("姓名").nth(1)).to_have_value("陈小姐")
    shot(page, "admin-unit")

    nav.get_by_role("link", name="部门", exact=True).click()
    for code, name in (("cs", "客服部"), ("eng", "工程部")):
        page.get_by_label("代码").fill(code)
        page.get_by_label("部门名称").fill(name)
        page.get_by_role("button", name="添加部门").click()
        expect(page.get_by_role("link", name=code, exact=True)).to_be_visible()
    shot(page, "admin-departments")

    project_id = re.search(r"/admin/projects/(\d+)/", page.url).group(1)
    for username, name, role, dept, superior in (("zhou", "周工", "部门负责人", "工程部", None),
                                                 ("wang", "王师傅", "维修人员", "工程部", "周工 (zhou)"),
                                                 ("chen", "陈静", "客服前台", "客服部", None)):
        page.goto(f"/admin/users/new?project={project_id}")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("姓名").fill(name)
        page.get_by_label("角色").select_option(label=role)
        page.get_by_label("部门").select_option(label=dept)
        if superior:
            page.get_by_label("直接上级").select_option(label=superior)
        page.get_by_label("初始密码").fill("first-day-2026")
        page.get_by_role("button", name="添加用户").click()
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_text("添加用户")).to_be_visible()  # the history of the new user
    shot(page, "admin-user")
    page.goto("/admin/users")
    expect(page.get_by_role("row", name=re.compile("wang 王师傅 维修人员 LHY 工程部 周工"))).to_be_visible()
    shot(page, "admin-users")
    for section, name in (("admin.categories", "报修类别"), ("admin.prices", "收费标准"), ("admin.windows", "预约时段")):
        page.goto(f"/admin/projects/{project_id}/" + {"admin.categories": "categories", "admin.prices": "prices",
                                                     "admin.windows": "windows"}[section])
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
        shot(page, section.replace(".", "-"))
    page.get_by_role("button", name="退出登录").click()

    login(page, "chen", "first-day-2026")
    expect(page.get_by_role("heading", name="设置新密码")).to_be_visible()
    page.get_by_label("新密码", exact=True).fill("chen-own-2026")
    page.get_by_label("再次输入新密码").fill("chen-own-2026")
    page.get_by_role("button", name="保存密码").click()
    expect(page.get_by_role("heading", name="维修看板")).to_be_visible()

    page.goto("/desk/repairs/new")
    page.get_by_role("combobox", name="房号").fill("1502")
    option = page.get_by_role("option", name=re.compile("1栋1单元1502"))
    expect(option).to_be_visible()
    option.click()
    expect(page.get_by_label("联系人", exact=True)).to_have_value("黄建华")
    page.get_by_role("button", name="选用 租户 陈小姐 13812340000").click()  # the tenant rang, not the owner
    expect(page.get_by_label("联系人", exact=True)).to_have_value("陈小姐")
    expect(page.get_by_label("联系电话")).to_have_value("13812340000")
    page.get_by_label("报修类别").select_option("plumbing_electric")
    page.get_by_label("报修内容").fill("厨房水槽下水管漏水")
    page.get_by_label("预约日期").select_option(index=2)
    page.get_by_label("预约时段").select_option("14:00-16:00")
    page.get_by_label("派工给").select_option(index=1)
    shot(page, "admin-first-order-intake")
    page.get_by_role("button", name="保存报修单").click()
    expect(page.get_by_text(re.compile(r"报修单 BX-\d{8}-0001 已保存"))).to_be_visible()
    expect(page.locator(".tag.state-dispatched").first).to_be_visible()
    expect(page.get_by_text("王师傅").first).to_be_visible()
