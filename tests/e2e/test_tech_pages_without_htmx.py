"""The phone does not load htmx (52 KB for two polls): my jobs and the notices badge keep
themselves fresh with static/js/poll.js — on their interval, when the signal returns and when the
page is shown again — and without signal they stay as they are."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SHOWN_AGAIN = "document.dispatchEvent(new Event('visibilitychange'))"


def test_my_jobs_shows_a_job_dispatched_meanwhile_without_htmx_on_the_phone(org, make_order, tech_phone, shot):
    context, page = tech_phone
    first = make_order(technician=org.users["technician"])
    page.goto("/tech/")
    expect(page.locator(f"a[href='/tech/jobs/{first.number}']")).to_be_visible()
    assert page.evaluate("typeof window.htmx") == "undefined"
    assert not page.evaluate("Array.from(document.scripts).some(s => /htmx/.test(s.src))")

    later = make_order(technician=org.users["technician"], description="卫生间下水道堵塞")
    context.set_offline(True)
    page.evaluate(SHOWN_AGAIN)  # no signal: the list stays as it is
    page.wait_for_timeout(300)
    expect(page.locator(f"a[href='/tech/jobs/{first.number}']")).to_be_visible()
    expect(page.locator(f"a[href='/tech/jobs/{later.number}']")).to_have_count(0)

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(f"a[href='/tech/jobs/{later.number}']")).to_be_visible()
    shot(page, "tech-home-polled", full_page=False)


def test_the_notices_badge_on_the_phone_counts_a_notice_that_came_meanwhile(org, make_order, tech_phone):
    _, page = tech_phone
    page.goto("/tech/")
    badge = page.locator("#notice-badge")
    before = badge.inner_text().strip()
    make_order(technician=org.users["technician"])  # dispatching notifies the technician
    page.evaluate(SHOWN_AGAIN)
    expect(badge).not_to_have_text(before)
