"""Figures for management review, each against the hand-built November of tests/fixtures/reports.py.
The expected numbers are counted by hand from that data set and written here."""
from __future__ import annotations

from datetime import date

import pytest

from tests.fixtures.reports import REPORT_NOW


@pytest.fixture
def report(month):
    from wuye.extensions import db
    from wuye.models import Project, User
    from wuye.services import reports

    def make(role="project_manager", code="2026-11"):
        user = db.session.scalar(db.select(User).where(User.username == role))
        project = db.session.get(Project, month.p1.id)
        return reports.build(project, reports.parse(code, date(2026, 11, 30)), user, now=REPORT_NOW)
    return make


def figures(report, key) -> dict:
    return {line.key: (line.now, line.before) for line in report.table(key).lines}


def test_a_period_is_the_local_month_and_an_order_at_2359_belongs_to_the_month_before(report):
    r = report()
    assert figures(r, "repairs_total") == {"total": (5, 2)}  # 00:00 on 1 Nov in, 23:59 on 31 Oct out
    assert figures(r, "repairs_source") == {"phone": (3, 2), "walk_in": (1, 0), "staff": (1, 0)}
    assert figures(r, "repairs_urgency") == {"emergency": (1, 0), "normal": (4, 2)}
    assert figures(r, "repairs_category")["drain"] == (1, 0)
    assert figures(r, "repairs_category")["plumbing_electric"] == (4, 2)
    assert list(figures(r, "repairs_building").values()) == [(5, 2)]


def test_orders_received_end_completed_declined_cancelled_or_still_open_with_their_age(report):
    r = report()
    assert figures(r, "repairs_outcome") == {"completed": (2, 1), "declined": (1, 0), "cancelled": (1, 1),
                                             "open": (1, 0)}
    assert figures(r, "repairs_open_age") == {"lt1d": (0, 0), "1to3d": (0, 0), "3to7d": (0, 0), "gt7d": (1, 0)}


def test_each_repair_deadline_of_the_table_has_its_on_time_rate_and_one_minute_late_is_late(report):
    r = report()
    from wuye.services.deadlines.table import RULES
    got = figures(r, "repairs_deadlines")
    assert list(got) == [rule.name for rule in RULES if rule.subject == "repair_order"]
    assert got["emergency_arrival"] == (100.0, None)
    # 12:01 for a 12:00 appointment is late; the order not reached is missed; the cancelled one is not counted
    assert got["appointment_arrival"] == (0.0, 100.0)
    assert got["revisit_arrival"] == (100.0, None)
    assert got["preparation"] == (100.0, None)


def test_an_order_reopened_by_a_follow_up_visit_is_not_a_first_time_fix(report):
    got = figures(report(), "repairs_quality")
    assert got["first_time_fix"] == (50.0, 100.0)
    assert got["revisited"] == (1, 0)
    assert got["quotes_declined"] == (1, 0)
    assert got["quotes_declined_rate"] == (33.3, 0.0)  # 1 declined of 3 closed; October: 0 of 1


def test_average_time_from_the_call_to_arrival_and_to_completion(report):
    got = figures(report(), "repairs_durations")
    assert got["arrive_emergency"] == (10.0, None)
    assert got["arrive_normal"] == (150.0, 31.0)  # 23:59 call, 00:30 arrival in October
    assert got["complete"] == (25.0, 1.0)  # (2 h + 48 h) / 2


def test_per_technician_jobs_deadlines_score_fees_and_handover_in_time(report, month):
    r = report()
    t1, t2 = str(month.users["technician"].id), str(month.users["technician2"].id)
    assert figures(r, "tech_jobs") == {t1: (2, 1), t2: (2, 0)}
    assert figures(r, "tech_on_time") == {t1: (66.7, 100.0), t2: (50.0, None)}
    assert figures(r, "tech_score") == {t1: (3.5, None)}
    assert figures(r, "tech_collected") == {t1: (17000, 3000)}
    assert figures(r, "tech_handed_in_time") == {t1: (100.0, 0.0)}
    assert figures(r, "tech_differences") == {t1: (0, 1)}


def test_money_by_method_handed_over_and_differences(report):
    r = report()
    assert figures(r, "money_method") == {"cash": (5000, 3000), "wechat": (12000, 0), "alipay": (0, 0),
                                          "account": (0, 0)}
    assert figures(r, "money_handover") == {"cash": (5000, 3000), "received": (5000, 2800), "not_handed": (0, 0),
                                            "difference": (0, -200), "n_difference": (0, 1)}
    assert r.table("money_warranty") is None  # no longer a gap: the charge types and claims below


def test_orders_by_who_pays_are_counted_by_intake_and_their_cost_by_the_day_they_were_completed(report):
    r = report()
    assert figures(r, "money_charge") == {"paid": (2, 2), "common": (2, 0), "warranty": (1, 0)}
    # the last consented quote revision is the cost (o2: ¥70, not ¥50); completed at 00:00 on 1 November
    # is in November, at 00:00 on 1 December out; the order taken on 31 October and completed on
    # 1 November counts in November
    assert figures(r, "money_charge_cost") == {"paid": (8000, 0), "common": (1500, 0), "warranty": (14300, 600)}


def test_warranty_claims_made_paid_and_not_yet_claimed_with_their_amounts(report):
    r = report()
    assert figures(r, "money_claims") == {"all": (14300, 600), "made": (11500, 600), "paid": (4500, 600),
                                          "claimed": (7000, 0), "open": (2800, 0)}
    assert figures(r, "money_claims_count") == {"all": (3, 1), "made": (2, 1), "paid": (1, 1), "claimed": (1, 0),
                                                "open": (1, 0)}


def test_satisfaction_from_the_service_forms_and_return_visits(report):
    r = report()
    got = figures(r, "satisfaction_forms")
    assert got["response_rate"] == (100.0, 0.0)
    assert got["forms"] == (2, 0)
    assert got["average"] == (3.5, None)
    assert figures(r, "satisfaction_scores") == {"5": (1, 0), "4": (0, 0), "3": (0, 0), "2": (1, 0), "1": (0, 0)}
    # opened at 23:30 on the 30th is in; 00:00 on 1 December is not
    assert figures(r, "satisfaction_return_visits") == {"opened": (2, 0), "done": (1, 0), "open": (1, 0)}


def test_complaints_by_validity_a_reclassified_complaint_counts_in_its_new_class(report):
    r = report()
    assert figures(r, "complaints_total") == {"total": (3, 1), "repeat": (1, 0), "penalty": (1, 0),
                                              "review": (1, 0)}
    assert figures(r, "complaints_validity") == {"valid": (2, 0), "invalid": (1, 0), "pending": (0, 1)}
    assert figures(r, "complaints_severity") == {"normal": (1, 0), "serious": (1, 0), "pending": (1, 1)}
    assert figures(r, "complaints_topic") == {"repair": (1, 0), "attitude": (1, 0), "fees": (1, 0),
                                              "other": (0, 1)}
    depts = {line.label: line.now for line in r.table("complaints_department").lines}
    assert depts == {"工程部": 1, "环境部": 1}


def test_each_b5_deadline_compliance_and_the_dropped_explanation_of_a_reclassified_complaint(report):
    got = figures(report(), "complaints_deadlines")
    assert got["serious_result"] == (0.0, None)  # met one minute after the 48 hours
    assert got["valid_record"] == (100.0, None)
    assert got["invalid_contact"] == (None, None)  # closed by the reclassification, not missed
    assert got["corrective_action"] == (33.3, None)
    missed = figures(report(), "complaints_deadlines_missed")
    assert missed == {"invalid_contact": (0, 0), "valid_record": (0, 0), "serious_result": (1, 0),
                      "other_units_contact": (0, 0), "corrective_action": (2, 0)}


def test_corrective_actions_done_verified_and_late(report):
    assert figures(report(), "complaints_actions") == {"due": (3, 0), "done": (2, 0), "verified": (1, 0),
                                                       "ineffective": (1, 0), "late": (2, 0)}


def test_the_management_review_list_carries_the_review_decision(report):
    rows = report().table("complaints_review").extra
    assert [r["conclusion"] for r in rows] == ["纳入体系：修订维修质量检查表"]


def test_a_department_head_sees_only_their_departments_complaint_figures(report):
    r = report("dept_head")
    assert [s.key for s in r.sections] == ["complaints"]
    assert figures(r, "complaints_total")["total"] == (1, 0)
    assert figures(r, "complaints_deadlines")["valid_record"] == (100.0, None)
    assert figures(r, "complaints_actions")["due"] == (2, 0)


def test_a_quarter_compares_with_the_quarter_before_and_custom_days_with_as_many_days_before(report):
    from wuye.services.reports import PeriodError, parse
    q = report(code="2026-Q4")
    assert (q.period.start, q.period.end, q.previous.start) == (date(2026, 10, 1), date(2027, 1, 1), date(2026, 7, 1))
    assert figures(q, "repairs_total") == {"total": (8, 0)}
    c = parse("2026-11-01..2026-11-10", date(2026, 11, 30))
    assert (c.previous().start, c.previous().end) == (date(2026, 10, 22), date(2026, 11, 1))
    assert parse(None, date(2026, 11, 30)).code == "2026-11"
    for bad in ("2026-13", "11/2026", "2026-11-10..2026-11-01", "2026-01-01..2030-01-01", "9999-12", "0001-01",
                "0000", "2026-02-30..2026-03-01"):
        with pytest.raises(PeriodError):
            parse(bad, date(2026, 11, 30))


def test_a_department_counts_the_complaints_it_is_involved_in_or_responsible_for_each_once(report, month):
    from wuye.extensions import db
    from wuye.models import Complaint, Department
    depts = {d.name: d.id for d in db.session.scalars(db.select(Department))}
    c1, c3 = (db.session.scalar(db.select(Complaint).where(Complaint.number == n)) for n in ("TS-T-0009", "TS-T-0011"))
    c1.responsible_department_id = depts["工程部"]  # also involved: still one complaint
    c3.responsible_department_id = depts["环境部"]  # responsible only
    db.session.commit()
    assert {line.label: line.now for line in report().table("complaints_department").lines} == {"工程部": 1, "环境部": 2}
