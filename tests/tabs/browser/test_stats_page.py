"""The Statistics tab in Chromium: a moderator views the platform, a mentor their own figures.

Cases are driven through the real workflow on the served app's database
before the page opens. Every test saves screenshots to
``tests/tabs/browser/screenshots/`` and runs axe-core on what it shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Frame, expect

from teams_app.domain.enums import Role
from teams_app.storage.db import Database
from teams_app.workflow import Workflow
from teams_app.workflow.views import Actor
from tests.factories import make_mentor, make_user
from tests.tabs.browser.conftest import OpenInTeams
from tests.tabs.browser.harness import (
    BROWSER_MARKS,
    PAGE_BACKGROUNDS,
    OpenedTab,
    TabServer,
    check_accessibility,
    horizontal_overflow,
    page_background,
    save_screenshot,
)
from tests.tabs.test_stats import set_times
from tests.workflow.flow import REFLECTION, choosing_case, offer_of, submit

pytestmark = BROWSER_MARKS

LOCALES = {"en": "en-US", "ru": "ru-RU"}
TEXTS = {
    "en": {
        "heading": "Statistics",
        "cases": "Cases",
        "rounds": "Rounds to find a mentor",
        "by_rubric": "Cases by rubric",
        "class_management": "Class management and motivation",
        "from": "From",
        "to": "To",
        "show": "Show",
        "download": "Download CSV: Cases by rubric",
        "csv_header": ["Rubric", "Cases", "Share of cases, %"],
        "before_start": "«Period to» must not be earlier than the start date.",
        "mine": "These are your own figures",
        "forbidden": "Statistics are not available to you",
    },
    "ru": {
        "heading": "Статистика",
        "cases": "Кейсы",
        "rounds": "Раунды поиска наставника",
        "by_rubric": "Кейсы по рубрикам",
        "class_management": "Управление классом и мотивация",
        "from": "С",
        "to": "По",
        "show": "Показать",
        "download": "Скачать CSV: Кейсы по рубрикам",
        "csv_header": ["Рубрика", "Кейсы", "Доля кейсов, %"],
        "before_start": "«Период по»",
        "mine": "Это ваши собственные показатели",
        "forbidden": "Статистика вам недоступна",
    },
}


@dataclass
class People:
    workflow: Workflow
    moderators: dict[str, Actor]
    mentor: Actor
    other_mentor: Actor
    teacher: Actor


# Three weeks ago, well inside the default period of the last twelve months.
START = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=21)


def moment(hours: float) -> str:
    """Return the UTC time ``hours`` after ``START``, as ``set_times`` reads it."""
    return (START + dt.timedelta(hours=hours)).replace(tzinfo=None).isoformat(sep=" ")


@pytest_asyncio.fixture
async def people(tab_server: TabServer) -> AsyncIterator[People]:
    """Drive four cases through the workflow on the served app's database.

    The first mentor completes a case rated 5 and works on another; the second
    declines one offer; one case is answered by the library and one waits
    for the second mentor's answer. Timestamps then move to known hours
    after ``START``: the mentors accept 9 h and 2.5 h after submission.
    """
    database = Database(tab_server.settings.database_url)
    workflow = Workflow(database, tab_server.settings)
    moderators = {
        language: await make_user(workflow, name, roles=(Role.MODERATOR,), locale=LOCALES[language])
        for language, name in (("en", "Morgan Moderator"), ("ru", "Мария Модератор"))
    }
    mentor = await make_mentor(workflow, "Павел Первый", ("class_management", "parents"))
    other = await make_mentor(workflow, "Вера Вторая", ("class_management", "assessment"))
    teacher = await make_user(workflow, "Тайна Анонимова")

    completed = await choosing_case(workflow, teacher, rubrics="class_management,parents")
    offer = offer_of(await workflow.pick_mentor(teacher, completed, other.user_id))
    await workflow.decline(other, offer, None)
    offer = offer_of(await workflow.pick_mentor(teacher, completed, mentor.user_id))
    await workflow.accept(mentor, offer)
    await workflow.write_solution(mentor, completed, "Введите ритуал начала урока.")
    await workflow.complete(teacher, completed, {**REFLECTION, "usefulness": "5"})
    await set_times(
        workflow,
        completed,
        submitted=moment(0),
        offers=[(moment(1), moment(3)), (moment(4), moment(9))],
        solutions=[moment(48)],
        reflection=moment(72),
    )

    in_work = await choosing_case(workflow, teacher, rubrics="parents", urgency="urgent")
    offer = offer_of(await workflow.pick_mentor(teacher, in_work, mentor.user_id))
    await workflow.accept(mentor, offer)
    await set_times(workflow, in_work, submitted=moment(120), offers=[(moment(122), moment(122.5))])

    answered = await submit(workflow, teacher, rubrics="assessment", urgency="expert_opinion")
    await workflow.close_by_library(teacher, answered)
    await set_times(workflow, answered, submitted=moment(144))

    waiting = await choosing_case(workflow, teacher, rubrics="assessment")
    await workflow.pick_mentor(teacher, waiting, other.user_id)
    await set_times(workflow, waiting, submitted=moment(168), offers=[(moment(169), None)])
    yield People(workflow, moderators, mentor, other, teacher)
    await database.dispose()


async def open_stats(
    open_in_teams: OpenInTeams,
    tab_server: TabServer,
    user: Actor,
    language: str,
    **options: object,
) -> OpenedTab:
    tab = await open_in_teams("stats", user_id=user.user_id, locale=LOCALES[language], **options)
    await expect(
        tab.frame.get_by_role("heading", level=1, name=TEXTS[language]["heading"])
    ).to_be_visible()
    return tab


async def drawn_pixels(frame: Frame, table: str) -> int:
    """Count the painted pixels of a table's chart canvas once chart.js has drawn it."""
    canvas = frame.locator(f"canvas[data-chart='{table}'][data-drawn='true']")
    await expect(canvas).to_be_visible()
    count: int = await canvas.evaluate(
        """canvas => {
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let index = 3; index < data.length; index += 4) if (data[index] > 0) painted++;
            return painted;
        }"""
    )
    return count


async def save_whole_tab(tab: OpenedTab, name: str) -> None:
    """Grow the host's frame to the tab's full height, so one screenshot shows the whole report."""
    height = await tab.frame.evaluate("document.documentElement.scrollHeight")
    await tab.page.evaluate(
        "height => { document.getElementById('tab').style.height = `${height}px`; }", height
    )
    await tab.frame.evaluate("new Promise(resolve => requestAnimationFrame(() => resolve(null)))")
    await save_screenshot(tab.page, name)


def table_cells(rows: list[list[str]], label: str) -> list[str]:
    (row,) = [row for row in rows if row and row[0] == label]
    return row


async def html_table(frame: Frame, name: str) -> list[list[str]]:
    """Return the text of a statistics table's body cells, row by row."""
    rows: list[list[str]] = await frame.locator(f"[data-table='{name}'] table").evaluate(
        """table => [...table.tBodies[0].rows].map(
            row => [...row.cells].map(cell => cell.textContent.trim()))"""
    )
    return rows


@pytest.mark.parametrize(
    ("language", "theme"), [("en", "default"), ("en", "dark"), ("ru", "default"), ("ru", "dark")]
)
async def test_moderator_views_statistics(
    open_in_teams: OpenInTeams,
    tab_server: TabServer,
    people: People,
    tmp_path: Path,
    language: str,
    theme: str,
) -> None:
    texts = TEXTS[language]
    tab = await open_stats(
        open_in_teams, tab_server, people.moderators[language], language, theme=theme
    )
    frame = tab.frame

    # Every section of the platform, with its charts drawn.
    for heading in (texts["cases"], texts["rounds"]):
        await expect(frame.get_by_role("heading", level=2, name=heading)).to_be_visible()
    for chart in (
        "rubrics",
        "statuses",
        "urgency",
        "timing_distribution",
        "rounds",
        "mentors",
        "active_users",
    ):
        assert await drawn_pixels(frame, chart) > 500, chart
    assert await page_background(frame) == PAGE_BACKGROUNDS[theme]

    # The table next to the chart lists the same figures: 4 cases, 2 of class management.
    rubrics = await html_table(frame, "rubrics")
    assert table_cells(rubrics, texts["class_management"])[1] == "1"
    assert [row[1] for row in rubrics if row[1] != "0"] == ["1", "2", "2"]
    mentors = await html_table(frame, "mentors")
    first = table_cells(mentors, "Павел Первый")
    # In work now 1, offers 0, at most 3, taken 2, ratings 1, mean 5.
    assert first[1:7] == ["1", "0", "3", "2", "1", "5.00" if language == "en" else "5,00"]
    # The median of 9 h and 2.5 h.
    median = frame.locator("[data-section='timing'] dd").first
    await expect(median).to_have_text("5.8" if language == "en" else "5,8")
    await save_whole_tab(tab, f"stats-moderator-{language}-{theme}")
    await check_accessibility(frame)

    # The CSV of a table downloads as a file Excel opens in the user's language.
    async with tab.page.expect_download() as download_info:
        await frame.get_by_role("button", name=texts["download"]).click()
    download = await download_info.value
    assert download.suggested_filename.startswith("stats-rubrics-")
    path = tmp_path / download.suggested_filename
    await download.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    delimiter = ";" if language == "ru" else ","
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))
    assert rows[0] == texts["csv_header"]
    assert table_cells(rows, texts["class_management"])[1] == "1"
    assert "Тайна" not in raw.decode("utf-8-sig")


async def test_moderator_changes_period(
    open_in_teams: OpenInTeams, tab_server: TabServer, people: People
) -> None:
    texts = TEXTS["en"]
    tab = await open_stats(open_in_teams, tab_server, people.moderators["en"], "en")
    frame = tab.frame
    period_from = frame.get_by_label(texts["from"], exact=True)
    period_to = frame.get_by_label(texts["to"], exact=True)
    await expect(period_to).not_to_have_value("")

    # A period that ends before it starts is rejected next to the field; the inputs keep their values.
    await period_from.fill("2021-03-01")
    await period_to.fill("2021-01-31")
    await frame.get_by_role("button", name=texts["show"], exact=True).click()
    await expect(frame.get_by_text(texts["before_start"])).to_be_visible()
    await expect(period_from).to_have_value("2021-03-01")
    await expect(period_to).to_have_value("2021-01-31")
    await save_screenshot(tab.page, "stats-period-invalid-en")
    await check_accessibility(frame)

    # A past period has no cases; the hash keeps it for a reload.
    await period_to.fill("2021-12-31")
    await frame.get_by_role("button", name=texts["show"], exact=True).click()
    await expect(
        frame.get_by_text("All cases from 1 March 2021 to 31 December 2021")
    ).to_be_visible()
    cases = frame.locator("[data-section='cases'] dd").first
    await expect(cases).to_have_text("0")
    assert await frame.evaluate("location.hash") == "#/?from=2021-03-01&to=2021-12-31"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_mentor_sees_own_figures(
    open_in_teams: OpenInTeams, tab_server: TabServer, people: People, language: str
) -> None:
    texts = TEXTS[language]
    # The server writes titles in the user's stored language, as Teams reported it to the bot.
    await people.workflow.set_language(people.mentor, language)
    tab = await open_stats(open_in_teams, tab_server, people.mentor, language)
    frame = tab.frame
    await expect(frame.get_by_text(texts["mine"])).to_be_visible()
    await expect(frame.get_by_role("heading", level=2, name=texts["cases"])).to_be_visible()
    await expect(frame.get_by_role("heading", level=2, name=texts["rounds"])).to_have_count(0)

    # Only the mentor's own row, and only the two cases they took.
    mentors = await html_table(frame, "mentors")
    assert [row[0] for row in mentors] == ["Павел Первый"]
    await expect(frame.locator("[data-section='cases'] dd").first).to_have_text("2")
    assert await drawn_pixels(frame, "rubrics") > 500
    await expect(frame.locator("canvas[data-chart='mentors']")).to_have_count(0)
    assert await frame.get_by_text("Тайна").count() == 0
    await save_whole_tab(tab, f"stats-mentor-{language}")
    await check_accessibility(frame)


async def test_teacher_sees_no_statistics(
    open_in_teams: OpenInTeams, tab_server: TabServer, people: People
) -> None:
    tab = await open_stats(open_in_teams, tab_server, people.teacher, "ru")
    await expect(tab.frame.get_by_text(TEXTS["ru"]["forbidden"])).to_be_visible()
    await check_accessibility(tab.frame)


async def test_statistics_narrow_and_contrast(
    open_in_teams: OpenInTeams, tab_server: TabServer, people: People
) -> None:
    narrow = await open_stats(
        open_in_teams, tab_server, people.moderators["ru"], "ru", viewport=(360, 740)
    )
    assert await drawn_pixels(narrow.frame, "rubrics") > 500
    assert await horizontal_overflow(narrow.frame) <= 0
    await save_whole_tab(narrow, "stats-moderator-ru-narrow")
    await check_accessibility(narrow.frame)

    contrast = await open_stats(
        open_in_teams, tab_server, people.moderators["en"], "en", theme="contrast"
    )
    assert await drawn_pixels(contrast.frame, "timing_distribution") > 500
    assert await page_background(contrast.frame) == PAGE_BACKGROUNDS["contrast"]
    await save_whole_tab(contrast, "stats-moderator-en-contrast")
    await check_accessibility(contrast.frame)
    assert not [line for line in contrast.console if line.startswith("pageerror")], contrast.console
