"""User text with markup and scripts shows as typed on the case pages and the public profile.

A teacher's case, a mentor's questions and a mentor's profile
motto carry HTML and script payloads. The pages must show them as text: no
element from the payload appears in the page and no script from it runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from playwright.async_api import Frame, expect
from sqlalchemy import select

from teams_app.storage.db import Database
from teams_app.storage.models import Assignment, Case, MentorProfile
from teams_app.workflow import Workflow
from tests.factories import CASE_FORM, make_mentor, make_user
from tests.tabs.browser.conftest import OpenInTeams
from tests.tabs.browser.harness import (
    BROWSER_MARKS,
    TabBrowser,
    TabServer,
    check_accessibility,
    save_screenshot,
)

pytestmark = BROWSER_MARKS

AREA = "class_management"
# Each payload would add an element with id "injected" or set window.injected if it ran.
PAYLOADS = (
    '<img id="injected" src="x" onerror="window.injected=1">',
    "<script>window.injected = 2</script>",
    '"><svg id="injected" onload="window.injected=3">',
)
MARKUP = " ".join(PAYLOADS)


@pytest_asyncio.fixture
async def server_workflow(tab_server: TabServer) -> AsyncIterator[Workflow]:
    database = Database(tab_server.settings.database_url)
    yield Workflow(database, tab_server.settings)
    await database.dispose()


async def assert_inert(frame: Frame) -> None:
    """Check that no payload became an element or ran."""
    assert await frame.locator("#injected").count() == 0
    assert await frame.evaluate("() => window.injected === undefined")
    assert await frame.locator("img[src='x'], svg[onload]").count() == 0


async def test_case_markup_shown_as_text(
    open_in_teams: OpenInTeams, server_workflow: Workflow
) -> None:
    teacher = await make_user(server_workflow, "Вера Учителева", locale="en-US")
    mentor = await make_mentor(server_workflow, "Наталья Орлова", (AREA,), locale="en-US")
    form = {
        **CASE_FORM,
        "privacy": "personal",
        "essence": f"Essence {PAYLOADS[0]}",
        "actions_taken": f"Tried {PAYLOADS[1]}",
        "question": f"Question {PAYLOADS[2]}",
    }
    outcome = await server_workflow.submit_case(teacher, form)
    case_id = outcome.case_id
    assert case_id is not None
    await server_workflow.find_mentor(teacher, case_id)
    await server_workflow.pick_mentor(teacher, case_id, mentor.user_id)
    async with server_workflow.db.transaction() as session:
        assignment_id = await session.scalar(
            select(Assignment.id).where(Assignment.case_id == case_id)
        )
        number = await session.scalar(select(Case.number).where(Case.id == case_id))
    assert assignment_id is not None
    await server_workflow.accept(mentor, assignment_id)
    await server_workflow.ask_questions(mentor, case_id, [], [f"Asked {MARKUP}"])

    for viewer, name in ((teacher, "teacher"), (mentor, "mentor")):
        tab = await open_in_teams("my", user_id=viewer.user_id)
        frame = tab.frame
        await frame.get_by_role("link", name=f"Case {number}").first.click()
        await expect(frame.get_by_role("heading", level=1, name=f"Case {number}")).to_be_visible()
        await expect(frame.get_by_text(f"Essence {PAYLOADS[0]}").first).to_be_visible()
        await expect(frame.get_by_text(f"Question {PAYLOADS[2]}").first).to_be_visible()
        await expect(frame.get_by_text(f"Asked {MARKUP}").first).to_be_visible()
        await assert_inert(frame)
        await save_screenshot(tab.page, f"escaping-case-{name}")
        await check_accessibility(frame)


async def test_profile_markup_shown_as_text(
    tab_server: TabServer, tab_browser: TabBrowser, server_workflow: Workflow
) -> None:
    mentor = await make_mentor(server_workflow, "Наталья Орлова", (AREA,))
    async with server_workflow.db.transaction() as session:
        profile = await session.get(MentorProfile, mentor.user_id)
        assert profile is not None
        profile.motto = f"Motto {MARKUP}"
        profile.interests = f"Interests {PAYLOADS[1]}"

    page, _console = await tab_browser.new_page()
    await page.goto(tab_server.url(f"/mentors/{mentor.user_id}", lang="en"))
    await expect(page.get_by_text(f"Motto {MARKUP}")).to_be_visible()
    await expect(page.get_by_text(f"Interests {PAYLOADS[1]}")).to_be_visible()
    await assert_inert(page.main_frame)
    await save_screenshot(page, "escaping-public-profile")
