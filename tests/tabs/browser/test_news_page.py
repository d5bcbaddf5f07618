"""The News tab in Chromium: a moderator publishes an item, a teacher reads it, themes.

Every test saves screenshots to ``tests/tabs/browser/screenshots/`` and runs
axe-core on what it shows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import expect

from teams_app.domain.enums import Role
from teams_app.storage.db import Database
from teams_app.workflow import Workflow
from teams_app.workflow.news import News
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
        "heading": "News",
        "create": "Publish news",
        "title": "Title",
        "text": "Text",
        "publish": "Publish",
        "unpublish": "Unpublish",
        "unpublished": "Unpublished",
        "back": "All news",
        "too_long": "«Title» must be at most 200 characters; it has 201.",
        "empty": "No news yet.",
    },
    "ru": {
        "heading": "Новости",
        "create": "Опубликовать новость",
        "title": "Заголовок",
        "text": "Текст",
        "publish": "Опубликовать",
        "unpublish": "Снять с публикации",
        "unpublished": "Снято с публикации",
        "back": "Все новости",
        "too_long": "Поле «Заголовок» должно быть не длиннее 200 символов; сейчас в нём 201.",
        "empty": "Новостей пока нет.",
    },
}
ITEMS = {
    "en": (
        "Young teachers' contest opens",
        "Applications are open until 1 March.\n\nSend a lesson plan <b>and</b> a short video.",
    ),
    "ru": (
        "Открыт конкурс молодых педагогов",
        "Заявки принимаются до 1 марта.\n\nПришлите план урока <b>и</b> короткое видео.",
    ),
}
COMBINATIONS = [("ru", "default"), ("ru", "dark"), ("en", "default"), ("en", "dark")]


@pytest_asyncio.fixture
async def server_news(tab_server: TabServer) -> AsyncIterator[tuple[Workflow, News]]:
    """The workflow and the news on the tab server's database, to prepare what a page shows."""
    database = Database(tab_server.settings.database_url)
    yield Workflow(database, tab_server.settings), News(database, tab_server.settings)
    await database.dispose()


async def person(workflow: Workflow, name: str, language: str, *roles: Role) -> Actor:
    return await make_user(workflow, name, roles=roles, locale=LOCALES[language])


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_moderator_publishes_teacher_reads(
    open_in_teams: OpenInTeams, server_news: tuple[Workflow, News], language: str
) -> None:
    texts = TEXTS[language]
    title, body = ITEMS[language]
    workflow, _ = server_news
    moderator = await person(workflow, "Ирина Модератова", language, Role.MODERATOR)
    teacher = await person(workflow, "Вера Учителева", language)

    tab = await open_in_teams("news", user_id=moderator.user_id, locale=LOCALES[language])
    frame = tab.frame
    await expect(frame.get_by_role("heading", level=1, name=texts["heading"])).to_be_visible()
    await expect(frame.get_by_text(texts["empty"])).to_be_visible()
    await frame.get_by_role("button", name=texts["create"]).click()

    # A title over the limit is rejected and the typed text is kept.
    await frame.get_by_role("textbox", name=texts["title"]).fill("т" * 201)
    await frame.get_by_role("textbox", name=texts["text"]).fill(body)
    await frame.get_by_role("button", name=texts["publish"], exact=True).click()
    await expect(frame.get_by_text(texts["too_long"])).to_be_visible()
    assert await frame.get_by_role("textbox", name=texts["text"]).input_value() == body
    await save_screenshot(tab.page, f"news-editor-invalid-{language}")
    await check_accessibility(frame)

    await frame.get_by_role("textbox", name=texts["title"]).fill(title)
    await frame.get_by_role("button", name=texts["publish"], exact=True).click()
    await expect(frame.get_by_role("heading", level=2, name=title)).to_be_visible()
    await expect(frame.get_by_role("button", name=texts["unpublish"])).to_be_visible()
    await save_screenshot(tab.page, f"news-item-moderator-{language}")
    await check_accessibility(frame)

    # The teacher finds the item in the list and reads it, paragraphs and markup as typed.
    reader = await open_in_teams("news", user_id=teacher.user_id, locale=LOCALES[language])
    await expect(reader.frame.get_by_role("button", name=texts["create"])).to_have_count(0)
    await reader.frame.get_by_role("link", name=title, exact=True).click()
    await expect(reader.frame.get_by_role("heading", level=2, name=title)).to_be_visible()
    paragraphs = reader.frame.locator("article p")
    await expect(paragraphs).to_have_count(2)
    await expect(paragraphs.nth(1)).to_contain_text("<b>")
    assert await reader.frame.locator("article b").count() == 0
    await expect(reader.frame.get_by_role("button", name=texts["unpublish"])).to_have_count(0)
    await save_screenshot(reader.page, f"news-item-teacher-{language}")
    await check_accessibility(reader.frame)


async def test_unpublished_item_disappears(
    open_in_teams: OpenInTeams, server_news: tuple[Workflow, News]
) -> None:
    texts = TEXTS["en"]
    workflow, news = server_news
    moderator = await person(workflow, "Ирина Модератова", "en", Role.MODERATOR)
    teacher = await person(workflow, "Вера Учителева", "en")
    item = await news.publish(moderator, {"title": "Soon withdrawn", "body": "Text."})

    tab = await open_in_teams(
        "news", user_id=moderator.user_id, locale="en-US", sub_entity_id=f"/items/{item.id}"
    )
    await tab.frame.get_by_role("button", name=texts["unpublish"]).click()
    await expect(tab.frame.get_by_text(texts["unpublished"], exact=True)).to_be_visible()
    await tab.frame.get_by_role("button", name=texts["back"]).click()
    await expect(tab.frame.get_by_role("link", name="Soon withdrawn", exact=True)).to_be_visible()
    await save_screenshot(tab.page, "news-list-moderator-unpublished-en")
    await check_accessibility(tab.frame)

    reader = await open_in_teams("news", user_id=teacher.user_id, locale="en-US")
    await expect(reader.frame.get_by_text(texts["empty"])).to_be_visible()


@pytest.mark.parametrize(("language", "theme"), COMBINATIONS)
async def test_news_themes(
    open_in_teams: OpenInTeams, server_news: tuple[Workflow, News], language: str, theme: str
) -> None:
    workflow, news = server_news
    moderator = await person(workflow, "Ирина Модератова", language, Role.MODERATOR)
    teacher = await person(workflow, "Вера Учителева", language)
    title, body = ITEMS[language]
    await news.publish(moderator, {"title": f"{title} (1)", "body": body})
    await news.publish(moderator, {"title": f"{title} (2)", "body": body + "\n\n" + body})

    tab = await open_in_teams("news", user_id=teacher.user_id, locale=LOCALES[language], theme=theme)
    await expect(tab.frame.get_by_role("link", name=f"{title} (2)", exact=True)).to_be_visible()
    assert await page_background(tab.frame) == PAGE_BACKGROUNDS[theme]
    await save_screenshot(tab.page, f"news-list-{language}-{theme}")
    await check_accessibility(tab.frame)

    await tab.frame.get_by_role("link", name=f"{title} (1)", exact=True).click()
    await expect(tab.frame.get_by_role("heading", level=2, name=f"{title} (1)")).to_be_visible()
    await save_screenshot(tab.page, f"news-item-{language}-{theme}")
    await check_accessibility(tab.frame)


async def test_news_narrow_width(
    open_in_teams: OpenInTeams, server_news: tuple[Workflow, News]
) -> None:
    workflow, news = server_news
    moderator = await person(workflow, "Ирина Модератова", "ru", Role.MODERATOR)
    title, body = ITEMS["ru"]
    item = await news.publish(moderator, {"title": title, "body": body})
    tab = await open_in_teams(
        "news",
        user_id=moderator.user_id,
        locale="ru-RU",
        viewport=(360, 740),
        sub_entity_id=f"/items/{item.id}",
    )
    await expect(tab.frame.get_by_role("heading", level=2, name=title)).to_be_visible()
    assert await horizontal_overflow(tab.frame) <= 0
    await save_screenshot(tab.page, "news-item-ru-narrow")
    await check_accessibility(tab.frame)
