"""The Library tab in Chromium: search in both languages, entry pages, a mentor adds a material.

Every test saves screenshots to ``tests/tabs/browser/screenshots/`` and runs
axe-core on what it shows. The tab server runs in demo mode, so the demo
library (materials and solved cases in Russian and English) is there.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Frame, expect
from sqlalchemy import select

from teams_app.domain.enums import Role
from teams_app.storage.db import Database
from teams_app.storage.models import LibraryEntry
from teams_app.workflow import Workflow
from teams_app.workflow.views import Actor
from tests.factories import make_user
from tests.tabs.browser.conftest import OpenInTeams
from tests.tabs.browser.harness import (
    BROWSER_MARKS,
    PAGE_BACKGROUNDS,
    TabServer,
    check_accessibility,
    horizontal_overflow,
    page_background,
    save_screenshot,
)

pytestmark = BROWSER_MARKS

LOCALES = {"en": "en-US", "ru": "ru-RU"}
TEXTS = {
    "en": {
        "heading": "Library",
        "search_box": "Words to search for",
        "search": "Search",
        "query": "parents",
        # A demo solved case whose text contains "parents" in another form.
        "case_title": "A gifted pupil who is bored in maths lessons",
        # A demo entry that never mentions parents.
        "unrelated": "Keeping Students Active in Live Online Lessons",
        "by_relevance": "best match first",
        "situation": "The situation",
        "clarifications": "Clarifying questions and answers",
        "solutions": "Possible solutions",
        "back": "Back to the search",
        "add": "Add a material",
        "title": "Title",
        "link": "Link",
        "summary": "Summary",
        "type": "Material type",
        "rubric": "Interaction with parents",
        "submit": "Add to the library",
        "required": "«Title» is required.",
        "invalid_link": "«Link» must be a web address that starts with http:// or https://.",
        "added_by": "added by Olga Mentor",
        "nothing": "Nothing found",
    },
    "ru": {
        "heading": "Библиотека",
        "search_box": "Что искать",
        "search": "Найти",
        "query": "родителями",
        "case_title": "Мама ученицы пишет поздно вечером и ночью",
        "unrelated": "Постоянные замены и Трудовой кодекс",
        "by_relevance": "сначала самые подходящие",
        "situation": "Ситуация",
        "clarifications": "Уточняющие вопросы и ответы",
        "solutions": "Возможные решения",
        "back": "Назад к поиску",
        "add": "Добавить материал",
        "title": "Заголовок",
        "link": "Ссылка",
        "summary": "Краткое содержание",
        "type": "Тип материала",
        "rubric": "Взаимодействие с родителями",
        "submit": "Добавить в библиотеку",
        "required": "Поле «Заголовок» обязательно.",
        "invalid_link": "Поле «Ссылка» должно содержать веб-адрес, начинающийся с http:// или https://.",
        "added_by": "добавил(а): Ольга Наставник",
        "nothing": "Ничего не найдено",
    },
}
MENTOR_NAMES = {"en": "Olga Mentor", "ru": "Ольга Наставник"}
# Markup in a title and a summary must show as typed, never as elements.
PAYLOAD = '<b id="injected">bold</b><script>window.injected = true</script>'
COMBINATIONS = [("ru", "default"), ("ru", "dark"), ("en", "default"), ("en", "dark")]


@pytest_asyncio.fixture
async def server_workflow(tab_server: TabServer) -> AsyncIterator[Workflow]:
    """The workflow on the tab server's database, to prepare what a page shows."""
    database = Database(tab_server.settings.database_url)
    yield Workflow(database, tab_server.settings)
    await database.dispose()


async def person(workflow: Workflow, name: str, language: str, *roles: Role) -> Actor:
    return await make_user(workflow, name, roles=roles, locale=LOCALES[language])


async def entry_id_of(workflow: Workflow, title: str) -> int:
    async with workflow.db.transaction() as session:
        entry_id = await session.scalar(select(LibraryEntry.id).where(LibraryEntry.title == title))
        assert entry_id is not None, title
        return entry_id


async def search_for(frame: Frame, texts: dict[str, str], query: str) -> None:
    """Type a query, press the search button and wait for the ranked results."""
    await frame.get_by_role("searchbox", name=texts["search_box"]).fill(query)
    await frame.get_by_role("button", name=texts["search"], exact=True).click()
    # The count line ends with the order, such as "2 entries found · best match first".
    count_line = re.compile(rf"· {re.escape(texts['by_relevance'])}$")
    await expect(frame.get_by_text(count_line)).to_be_visible()


async def no_injected_markup(frame: Frame) -> None:
    assert await frame.locator("#injected").count() == 0
    assert await frame.evaluate("window.injected === undefined")


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_search_and_open_entry(
    open_in_teams: OpenInTeams, server_workflow: Workflow, language: str
) -> None:
    texts = TEXTS[language]
    teacher = await person(server_workflow, "Вера Учителева", language)
    tab = await open_in_teams("library", user_id=teacher.user_id, locale=LOCALES[language])
    frame = tab.frame
    await expect(frame.get_by_role("heading", level=1, name=texts["heading"])).to_be_visible()
    await expect(frame.get_by_role("heading", level=2).first).to_be_visible()
    await save_screenshot(tab.page, f"library-start-{language}")
    await check_accessibility(frame)

    # Search in the page's language: another word form finds the demo case.
    await search_for(frame, texts, texts["query"])
    result = frame.get_by_role("link", name=texts["case_title"])
    await expect(result).to_be_visible()
    await expect(frame.get_by_role("link", name=texts["unrelated"])).to_have_count(0)
    assert f"q={texts['query']}" in (await frame.evaluate("decodeURIComponent(location.hash)"))
    await save_screenshot(tab.page, f"library-results-{language}")
    await check_accessibility(frame)

    # Open the case: its sections, clarifications and solutions show.
    await result.click()
    await expect(frame.get_by_role("heading", level=2, name=texts["case_title"])).to_be_visible()
    await expect(frame.get_by_role("heading", level=3, name=texts["situation"])).to_be_visible()
    await expect(frame.get_by_role("heading", level=3, name=texts["clarifications"])).to_be_visible()
    await expect(frame.get_by_role("heading", level=3, name=texts["solutions"])).to_be_visible()
    await save_screenshot(tab.page, f"library-case-{language}")
    await check_accessibility(frame)

    # Back leads to the same results.
    await frame.get_by_role("link", name=texts["back"]).click()
    await expect(frame.get_by_role("link", name=texts["case_title"])).to_be_visible()
    await expect(frame.get_by_role("searchbox", name=texts["search_box"])).to_have_value(
        texts["query"]
    )


async def test_english_query_in_russian_page(
    open_in_teams: OpenInTeams, server_workflow: Workflow
) -> None:
    teacher = await person(server_workflow, "Вера Учителева", "ru")
    tab = await open_in_teams("library", user_id=teacher.user_id, locale="ru-RU")
    frame = tab.frame

    await search_for(frame, TEXTS["ru"], "online lesson")

    await expect(
        frame.get_by_role("link", name="Keeping Students Active in Live Online Lessons")
    ).to_be_visible()
    await expect(frame.get_by_role("link", name=TEXTS["ru"]["case_title"])).to_have_count(0)
    await frame.get_by_role("searchbox", name="Что искать").fill("на the")
    await frame.get_by_role("button", name="Найти", exact=True).click()
    await expect(frame.get_by_text("Ничего не найдено")).to_be_visible()


async def test_compose_card_link_opens_entry(
    open_in_teams: OpenInTeams, server_workflow: Workflow
) -> None:
    title = "Границы общения с родителями: часы связи, каналы и готовые формулировки"
    entry_id = await entry_id_of(server_workflow, title)
    teacher = await person(server_workflow, "Вера Учителева", "ru")

    tab = await open_in_teams(
        "library", user_id=teacher.user_id, locale="ru-RU", sub_entity_id=f"/entries/{entry_id}"
    )
    frame = tab.frame

    await expect(frame.get_by_role("heading", level=2, name=title)).to_be_visible()
    link = frame.get_by_role("link", name="Открыть материал (в новом окне)")
    await expect(link).to_have_attribute("href", "https://example.org/library/parent-boundaries")
    await expect(link).to_have_attribute("rel", "noopener noreferrer")
    await save_screenshot(tab.page, "library-material-ru")
    await check_accessibility(frame)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_mentor_adds_material(
    open_in_teams: OpenInTeams, server_workflow: Workflow, language: str
) -> None:
    texts = TEXTS[language]
    mentor = await person(server_workflow, MENTOR_NAMES[language], language, Role.MENTOR)
    tab = await open_in_teams("library", user_id=mentor.user_id, locale=LOCALES[language])
    frame = tab.frame
    await frame.get_by_role("button", name=texts["add"]).click()
    await expect(frame.get_by_role("heading", level=2, name=texts["add"])).to_be_visible()

    # A bad link and a missing title are named by their fields; what was typed stays.
    summary = f"Памятка для собраний. {PAYLOAD}"
    await frame.get_by_role("textbox", name=texts["link"]).fill("javascript:alert(1)")
    await frame.get_by_role("textbox", name=texts["summary"]).fill(summary)
    await frame.get_by_role("button", name=texts["submit"]).click()
    await expect(frame.get_by_text(texts["required"])).to_be_visible()
    await expect(frame.get_by_text(texts["invalid_link"])).to_be_visible()
    assert await frame.get_by_role("textbox", name=texts["summary"]).input_value() == summary
    await save_screenshot(tab.page, f"library-add-invalid-{language}")
    await check_accessibility(frame)

    title = f"Зебрапамятка {PAYLOAD}"
    await frame.get_by_role("textbox", name=texts["title"]).fill(title)
    await frame.get_by_role("textbox", name=texts["link"]).fill("https://example.org/memo")
    await frame.get_by_role("combobox", name=texts["type"]).select_option("book")
    await frame.get_by_role("checkbox", name=texts["rubric"]).check()
    await frame.get_by_role("button", name=texts["submit"]).click()

    # The new entry's page shows the markup as text, and search finds it.
    await expect(frame.get_by_role("heading", level=2, name=title)).to_be_visible()
    await expect(frame.get_by_text(texts["added_by"])).to_be_visible()
    await expect(frame.get_by_text(summary)).to_be_visible()
    await no_injected_markup(frame)
    await save_screenshot(tab.page, f"library-added-{language}")
    await check_accessibility(frame)

    await frame.evaluate("location.hash = '#/?q=' + encodeURIComponent('зебрапамятка')")
    await expect(frame.get_by_role("link", name=title)).to_be_visible()
    await no_injected_markup(frame)


async def test_moderator_unpublishes_entry(
    open_in_teams: OpenInTeams, server_workflow: Workflow
) -> None:
    title = "Каталог бесплатных городских программ для школьников"
    entry_id = await entry_id_of(server_workflow, title)
    moderator = await person(server_workflow, "Ирина Модератова", "ru", Role.MODERATOR)
    teacher = await person(server_workflow, "Вера Учителева", "ru")

    tab = await open_in_teams(
        "library", user_id=moderator.user_id, locale="ru-RU", sub_entity_id=f"/entries/{entry_id}"
    )
    frame = tab.frame
    await frame.get_by_role("button", name="Снять с публикации").click()
    await expect(frame.get_by_text("Запись снята с публикации: теперь её видят только модераторы.")).to_be_visible()
    await expect(frame.get_by_role("button", name="Опубликовать снова")).to_be_visible()
    await save_screenshot(tab.page, "library-unpublished-ru")
    await check_accessibility(frame)

    other = await open_in_teams(
        "library", user_id=teacher.user_id, locale="ru-RU", sub_entity_id=f"/entries/{entry_id}"
    )
    await expect(other.frame.get_by_role("alert")).to_be_visible()
    await expect(other.frame.get_by_role("heading", level=2, name=title)).to_have_count(0)


@pytest.mark.parametrize(("language", "theme"), COMBINATIONS)
async def test_library_themes(
    open_in_teams: OpenInTeams, server_workflow: Workflow, language: str, theme: str
) -> None:
    texts = TEXTS[language]
    moderator = await person(server_workflow, MENTOR_NAMES[language], language, Role.MENTOR, Role.MODERATOR)
    tab = await open_in_teams(
        "library", user_id=moderator.user_id, locale=LOCALES[language], theme=theme
    )
    frame = tab.frame
    await search_for(frame, texts, texts["query"])
    await expect(frame.get_by_role("link", name=texts["case_title"])).to_be_visible()
    assert await page_background(frame) == PAGE_BACKGROUNDS[theme]
    await save_screenshot(tab.page, f"library-results-{language}-{theme}")
    await check_accessibility(frame)

    await frame.get_by_role("link", name=texts["case_title"]).click()
    await expect(frame.get_by_role("heading", level=3, name=texts["solutions"])).to_be_visible()
    await save_screenshot(tab.page, f"library-case-moderator-{language}-{theme}")
    await check_accessibility(frame)


async def test_library_narrow_width(
    open_in_teams: OpenInTeams, server_workflow: Workflow
) -> None:
    mentor = await person(server_workflow, "Ольга Наставник", "ru", Role.MENTOR, Role.MODERATOR)
    tab = await open_in_teams(
        "library", user_id=mentor.user_id, locale="ru-RU", viewport=(360, 740)
    )
    frame = tab.frame
    await search_for(frame, TEXTS["ru"], "родителями")
    await expect(frame.get_by_role("link", name=TEXTS["ru"]["case_title"])).to_be_visible()
    assert await horizontal_overflow(frame) <= 0
    await save_screenshot(tab.page, "library-results-ru-narrow")
    await check_accessibility(frame)

    await frame.get_by_role("link", name=TEXTS["ru"]["case_title"]).click()
    await expect(frame.get_by_role("heading", level=3, name="Возможные решения")).to_be_visible()
    assert await horizontal_overflow(frame) <= 0
    await save_screenshot(tab.page, "library-case-ru-narrow")
