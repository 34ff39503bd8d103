"""The job page reads the procedure's rules from where they are written once: its sections follow
the repair workflow, and the preparation time is the project's deadline rule."""
from __future__ import annotations

import re

import pytest

from wuye.services import Actor, DomainError
from wuye.services.deadlines import table as deadlines
from wuye.services.repairs import technician as svc
from wuye.workflow.repair import REPAIR


def _sections(html: str) -> list[tuple[str, bool]]:
    return [(m.group(1), " hidden" in m.group(2))
            for m in re.finditer(r'data-states="([^"]*)"([^>]*)>', html)]


def test_each_section_of_the_job_page_is_shown_in_the_states_the_workflow_allows_its_step(org, make_order, as_role):
    order = make_order(technician=org.users["technician"])
    html = as_role("technician").get(f"/tech/jobs/{order.number}").get_data(as_text=True)
    sections = _sections(html)
    assert (" ".join(REPAIR.sources("accept")), False) in sections  # dispatched: only accepting is open
    assert (" ".join(REPAIR.sources("checklist", "depart")), True) in sections
    assert (" ".join(REPAIR.sources("consent", "decline")), True) in sections
    assert (" ".join(REPAIR.sources("pay")), True) in sections
    assert [s for s, hidden in sections if not hidden] == ["dispatched"]


def test_the_preparation_time_on_the_job_page_is_the_projects_deadline_rule(org, make_order, as_role):
    order = make_order(technician=org.users["technician"])
    page = as_role("technician").get(f"/tech/jobs/{order.number}").get_data(as_text=True)
    assert "接单后须在 10 分钟内完成准备工作。" in page
    deadlines.set_policy(Actor(org.users["project_manager"], "x"), org.p1, "preparation", minutes=20)
    page = as_role("technician").get(f"/tech/jobs/{order.number}").get_data(as_text=True)
    assert "接单后须在 20 分钟内完成准备工作。" in page


def test_the_checklist_is_ticked_only_where_the_workflow_allows_it(org, make_order):
    order = make_order(technician=org.users["technician"])
    tech = Actor(org.users["technician"], "x")
    with pytest.raises(DomainError, match="检查清单须在出发前完成"):
        svc.tick(svc.Step(tech, order), "badge", True)  # dispatched, not yet accepted
