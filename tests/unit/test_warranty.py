"""A3 who pays: the warranty table, the proposal at intake and its boundaries, the change on site."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.fixtures.images import signature_png
from tests.unit.test_technician import a_quote, at_door, step, tech  # noqa: F401  (the fixture)
from wuye.database import transaction
from wuye.extensions import db
from wuye.models import AuditEvent, Building, RepairOrder
from wuye.services import InvalidInput
from wuye.services import orgs
from wuye.services.repairs import technician as svc
from wuye.services.repairs import sheet as dispatch_sheet
from wuye.services.repairs import warranty


@pytest.fixture
def estate(org):
    """Building 5栋 passed completion acceptance on 2023-06-30; 6栋 has no date; a lobby is common area."""
    with transaction():
        b5 = orgs.add_building(org.p1, "5栋", completed_on=date(2023, 6, 30), developer="翠湖置业",
                               main_contractor="中建八局")
        b6 = orgs.add_building(org.p1, "6栋")
        home = orgs.add_unit(org.p1, b5, "5栋1单元101", "业主", "13800001111")
        undated = orgs.add_unit(org.p1, b6, "6栋1单元101", "业主", "13800002222")
        lobby = orgs.add_unit(org.p1, b5, "5栋大堂", common_area=True)
    return {"home": home, "undated": undated, "lobby": lobby}


def shanghai(y, m, d, hh, mm) -> datetime:
    """A moment given in the project's time zone (Asia/Shanghai), as UTC."""
    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


def test_waterproofing_is_under_warranty_on_the_last_day_of_5_years_in_the_project_time_zone(estate):
    # 2028-06-30 23:30 in Shanghai is still 15:30 UTC on the same day
    p = warranty.propose(estate["home"], "leak", shanghai(2028, 6, 30, 23, 30))
    assert p.charge_type == "warranty"
    assert p.party == "中建八局"
    assert warranty.describe(p.basis) == ("保修期内：屋面防水、卫生间房间外墙面防渗漏 5 年，竣工 2023-06-30，至 2028-06-30。")


def test_waterproofing_is_paid_work_the_day_after_the_period_though_utc_is_still_the_last_day(estate):
    at = shanghai(2028, 7, 1, 0, 30)
    assert at.date() == date(2028, 6, 30)  # in UTC it is still the 30th
    p = warranty.propose(estate["home"], "leak", at)
    assert p.charge_type == "paid" and p.why == "expired"
    assert "2028-06-30" in warranty.describe(p.basis)


def test_installation_covers_2_years_and_not_a_day_more(estate):
    assert warranty.propose(estate["home"], "plumbing_electric", shanghai(2025, 6, 30, 12, 0)).charge_type == "warranty"
    assert warranty.propose(estate["home"], "plumbing_electric", shanghai(2025, 7, 1, 9, 0)).charge_type == "paid"


def test_a_building_without_completion_date_gets_no_warranty_proposal_and_says_why(estate):
    p = warranty.propose(estate["undated"], "leak", shanghai(2026, 1, 5, 10, 0))
    assert p.charge_type == "paid" and p.why == "no_date"
    assert warranty.describe(p.basis) == "无保修期建议：6栋 未登记竣工验收日期。"


def test_a_common_area_unit_proposes_common_parts(estate):
    p = warranty.propose(estate["lobby"], "plumbing_electric", shanghai(2030, 1, 5, 10, 0))
    assert p.charge_type == "common"
    assert "5栋大堂" in warranty.describe(p.basis)


def test_the_common_facility_category_proposes_common_parts_from_a_home(estate):
    assert warranty.propose(estate["home"], "common_facility", shanghai(2030, 1, 5, 10, 0)).charge_type == "common"


def test_a_category_no_item_covers_is_paid_work(estate):
    p = warranty.propose(estate["home"], "appliance", shanghai(2023, 7, 5, 10, 0))
    assert p.charge_type == "paid" and p.why == "not_covered"


def test_heating_counts_two_heating_seasons_from_completion(estate):
    # completed 2023-06-30: seasons 2023-11-15..2024-03-15 and 2024-11-15..2025-03-15
    home = estate["home"]
    assert warranty.propose(home, "heating", shanghai(2024, 1, 10, 10, 0)).charge_type == "warranty"  # in season 1
    assert warranty.propose(home, "heating", shanghai(2024, 7, 10, 10, 0)).charge_type == "warranty"  # between seasons
    last = warranty.propose(home, "heating", shanghai(2025, 3, 15, 22, 0))  # last day of season 2
    assert last.charge_type == "warranty" and last.facts["until"] == "2025-03-15"
    assert "2 个采暖期/供冷期（11-15 至 03-15）" in warranty.describe(last.basis)
    assert warranty.propose(home, "heating", shanghai(2025, 3, 16, 8, 0)).charge_type == "paid"  # out of season


def test_a_season_under_way_at_completion_does_not_count(org):
    with transaction():
        b = orgs.add_building(org.p1, "7栋", completed_on=date(2023, 12, 1), main_contractor="中建三局")
        unit = orgs.add_unit(org.p1, b, "7栋1单元101")
    # seasons counted: 2024-11-15..2025-03-15 and 2025-11-15..2026-03-15
    assert warranty.propose(unit, "heating", shanghai(2026, 3, 15, 10, 0)).charge_type == "warranty"
    assert warranty.propose(unit, "heating", shanghai(2026, 3, 16, 10, 0)).charge_type == "paid"


def test_the_project_sets_its_season_dates(estate, org):
    with transaction():
        warranty.set_item(org.p1.id, "heating", 2, ["heating"], "main_contractor", "10-15", "04-15")
    p = warranty.propose(estate["home"], "heating", shanghai(2025, 4, 10, 10, 0))
    assert p.charge_type == "warranty" and p.facts["until"] == "2025-04-15"


def test_a_project_may_set_a_longer_period_than_the_statutory_one(estate, org):
    at = shanghai(2029, 6, 30, 10, 0)
    assert warranty.propose(estate["home"], "leak", at).charge_type == "paid"
    with transaction():
        warranty.set_item(org.p1.id, "waterproofing", 8, ["leak", "walls_floors"], "developer")
    p = warranty.propose(estate["home"], "leak", at)
    assert p.charge_type == "warranty" and p.facts["until"] == "2031-06-30"
    assert p.party == "翠湖置业"  # this project claims waterproofing from the developer
    assert "8 年" in warranty.describe(p.basis)


def test_a_project_may_not_set_a_shorter_period(org):
    with pytest.raises(InvalidInput):
        warranty.set_item(org.p1.id, "waterproofing", 4, ["leak"], "developer")


def test_structure_runs_for_the_design_life(estate):
    p = warranty.propose(estate["home"], "structure", shanghai(2072, 6, 30, 10, 0))
    assert p.charge_type == "warranty"
    assert "设计使用年限 50 年" in warranty.describe(p.basis)


def test_a_party_not_recorded_falls_back_to_the_other_builder(org):
    with transaction():
        b = orgs.add_building(org.p1, "8栋", completed_on=date(2025, 1, 1), developer="翠湖置业")
        unit = orgs.add_unit(org.p1, b, "8栋1单元101")
    assert warranty.propose(unit, "leak", shanghai(2026, 1, 1, 10, 0)).party == "翠湖置业"


def test_intake_takes_the_proposal_and_the_reason(estate, make_order, clock):
    clock.set(shanghai(2026, 11, 27, 14, 0))
    order = make_order(unit=estate["home"], category="leak")
    assert order.charge_type == "warranty" and order.charge_party == "中建八局"
    assert order.charge_basis["until"] == "2028-06-30"


def test_the_clerk_may_choose_another_type_with_a_note(estate, make_order, clock):
    with pytest.raises(InvalidInput):
        make_order(unit=estate["home"], category="leak", charge_type="paid")
    order = make_order(unit=estate["home"], category="leak", charge_type="paid", charge_note="业主自行改造卫生间")
    assert order.charge_type == "paid" and order.charge_note == "业主自行改造卫生间"


def test_misuse_on_site_makes_a_warranty_job_paid_work_with_its_reason(estate, make_order, org, tech, clock):
    order = make_order(unit=estate["home"], category="leak", technician=org.users["technician"])
    at_door(tech, order)
    svc.change_charge(step(tech, order), "paid", "人为损坏：装修时打穿防水层")
    order = db.session.get(RepairOrder, order.id)
    assert order.charge_type == "paid" and order.charge_party is None
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "charge_change"))
    assert event.changes["from"] == "warranty" and event.changes["to"] == "paid"
    quote = svc.consent(step(tech, order), a_quote(org), signature_png())
    assert quote.total_fen == quote.labour_fen + quote.materials_fen > 0


def test_a_change_needs_a_reason_and_is_made_before_the_quote(estate, make_order, org, tech, clock):
    order = make_order(unit=estate["home"], category="leak", technician=org.users["technician"])
    at_door(tech, order)
    with pytest.raises(InvalidInput):
        svc.change_charge(step(tech, order), "paid", "  ")
    svc.consent(step(tech, order), a_quote(org), signature_png())
    with pytest.raises(Exception, match="before the quote|报价前"):
        svc.change_charge(step(tech, order), "paid", "人为损坏")


def test_a_free_repair_records_hours_and_materials_and_0_is_due(estate, make_order, org, tech, clock):
    order = make_order(unit=estate["home"], category="leak", technician=org.users["technician"])
    at_door(tech, order)
    quote = svc.consent(step(tech, order), a_quote(org), signature_png())
    assert quote.total_fen == 0 and quote.charge_type == "warranty"
    assert quote.labour_fen == 7500 and quote.materials_fen == 4500  # 1.5 h at ¥50, one tap at ¥45
    svc.finish(step(tech, order))
    svc.sign_acceptance(step(tech, order), True, signature_png())
    assert dispatch_sheet.latest_sheet(order).content["charge_type"] == "warranty"
    payment = svc.pay(step(tech, order), svc.PaymentInput(method="none", amount_fen=0, receipt_no=""))
    assert payment.amount_fen == 0 and db.session.get(RepairOrder, order.id).state == "completed"


def test_a_free_repair_prices_materials_at_the_list(estate, make_order, org, tech, clock):
    order = make_order(unit=estate["home"], category="leak", technician=org.users["technician"])
    at_door(tech, order)
    with pytest.raises(InvalidInput):
        svc.consent(step(tech, order), a_quote(org, unit_price_fen=100, price_reason="便宜"), signature_png())


def test_paid_work_cannot_close_without_payment(make_order, org, tech, clock):
    order = make_order(technician=org.users["technician"])
    at_door(tech, order)
    svc.consent(step(tech, order), a_quote(org), signature_png())
    svc.finish(step(tech, order))
    svc.sign_acceptance(step(tech, order), True, signature_png())
    with pytest.raises(InvalidInput):
        svc.pay(step(tech, order), svc.PaymentInput(method="none", amount_fen=0, receipt_no=""))


def test_orders_of_a_building_without_date_stay_paid_work_as_before(make_order):
    order = make_order()
    assert order.charge_type == "paid" and order.charge_basis["why"] == "no_date"
    assert db.session.get(Building, order.unit.building_id).completed_on is None


def test_the_reason_reads_in_english_for_an_english_reader(estate, app):
    from flask_babel import force_locale
    p = warranty.propose(estate["home"], "leak", shanghai(2026, 1, 5, 10, 0))
    with force_locale("en"):
        assert warranty.describe(p.basis) == ("Under warranty: Waterproofing of roofs, wet rooms and exterior walls "
                                              "5 years, completed 2023-06-30, until 2028-06-30.")
