"""The Forum tab in Chromium: post a topic and a reply, a moderator hides a post, themes.

Every test saves screenshots to ``tests/tabs/browser/screenshots/`` and runs
axe-core on what it shows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Frame, expect

from teams_app.domain.enums import Role
from teams_app.storage.db import Database
from teams_app.workflow import Workflow
from teams_app.workflow.forum import Forum
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
        "heading": "Forum",
        "sections": "Sections",
        "way_out": "What to do? Looking for a way out together",
        "new_topic": "New topic",
        "title": "Title",
        "text": "Text",
        "publish": "Publish topic",
        "reply": "Your reply",
        "send": "Send reply",
        "hide": "Hide",
        "hidden": "Hidden",
        "required": "«Title» is required.",
        "participant": "Participant",
        "participant_you": "Participant (you)",
    },
    "ru": {
        "heading": "Форум",
        "sections": "Разделы",
        "way_out": "Что делать? Ищем выход вместе",
        "new_topic": "Новая тема",
        "title": "Заголовок",
        "text": "Текст",
        "publish": "Опубликовать тему",
        "reply": "Ваш ответ",
        "send": "Отправить ответ",
        "hide": "Скрыть",
        "hidden": "Скрыто",
        "required": "Поле «Заголовок» обязательно.",
        "participant": "Участник",
        "participant_you": "Участник (вы)",
    },
}
# Markup in a title and a post must show as typed, never as elements.
PAYLOAD = "<b id=\"injected\">bold</b><script>window.injected = true</script>"
COMBINATIONS = [("ru", "default"), ("ru", "dark"), ("en", "default"), ("en", "dark")]


@pytest_asyncio.fixture
async def server_forum(tab_server: TabServer) -> AsyncIterator[tuple[Workflow, Forum]]:
    """The workflow and the forum on the tab server's database, to prepare what a page shows."""
    database = Database(tab_server.settings.database_url)
    yield Workflow(database, tab_server.settings), Forum(database, tab_server.settings)
    await database.dispose()


async def person(workflow: Workflow, name: str, language: str, *roles: Role) -> Actor:
    return await make_user(workflow, name, roles=roles, locale=LOCALES[language])


async def topic_with_reply(forum: Forum, author: Actor, replier: Actor, language: str) -> int:
    title = {"en": "Parents do not answer", "ru": "Родители не отвечают"}[language]
    topic = await forum.create_topic(
        author, "way_out", {"title": title, "body": "First post.\n\nSecond paragraph."}
    )
    await forum.reply(replier, topic.id, {"body": "An off-topic reply to hide"})
    return topic.id


async def no_injected_markup(frame: Frame) -> None:
    assert await frame.locator("#injected").count() == 0
    assert await frame.evaluate("window.injected === undefined")


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_post_topic_and_reply(
    open_in_teams: OpenInTeams,
    server_forum: tuple[Workflow, Forum],
    language: str,
) -> None:
    texts = TEXTS[language]
    workflow, _ = server_forum
    teacher = await person(workflow, "Вера Учителева", language)
    tab = await open_in_teams("forum", user_id=teacher.user_id, locale=LOCALES[language])
    frame = tab.frame
    await expect(frame.get_by_role("heading", level=1, name=texts["heading"])).to_be_visible()
    await expect(frame.get_by_role("heading", level=2, name=texts["sections"])).to_be_visible()
    await save_screenshot(tab.page, f"forum-sections-{language}")
    await check_accessibility(frame)

    # Open the section for public cases and start a topic; an empty title is rejected first.
    await frame.get_by_role("link", name=texts["way_out"]).click()
    await frame.get_by_role("button", name=texts["new_topic"]).click()
    body = "Как начать разговор с родителями?\n\n" + PAYLOAD
    await frame.get_by_role("textbox", name=texts["text"]).fill(body)
    await frame.get_by_role("button", name=texts["publish"]).click()
    await expect(frame.get_by_text(texts["required"])).to_be_visible()
    assert await frame.get_by_role("textbox", name=texts["text"]).input_value() == body
    await save_screenshot(tab.page, f"forum-new-topic-invalid-{language}")
    await check_accessibility(frame)

    title = f"Родители {PAYLOAD}"
    await frame.get_by_role("textbox", name=texts["title"]).fill(title)
    await frame.get_by_role("button", name=texts["publish"]).click()
    await expect(frame.get_by_role("heading", level=2, name=title)).to_be_visible()
    await expect(frame.get_by_text(PAYLOAD, exact=True).first).to_be_visible()

    # Reply; the reply shows under the first post.
    await frame.get_by_role("textbox", name=texts["reply"]).fill("Начните с благодарности.")
    await frame.get_by_role("button", name=texts["send"]).click()
    await expect(frame.get_by_text("Начните с благодарности.")).to_be_visible()
    await expect(frame.get_by_role("textbox", name=texts["reply"])).to_have_value("")
    await no_injected_markup(frame)
    # The section for public cases names no author, the viewer included.
    await expect(
        frame.get_by_role("heading", level=3, name=texts["participant_you"], exact=True)
    ).to_have_count(2)
    await expect(frame.get_by_text("Вера Учителева")).to_have_count(0)
    await save_screenshot(tab.page, f"forum-topic-{language}")
    await check_accessibility(frame)

    # The section lists the topic with its two posts.
    await frame.evaluate("location.hash = '#/sections/way_out'")
    await expect(frame.get_by_role("link", name=title)).to_be_visible()
    await no_injected_markup(frame)
    await save_screenshot(tab.page, f"forum-section-{language}")
    await check_accessibility(frame)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_moderator_hides_post(
    open_in_teams: OpenInTeams,
    server_forum: tuple[Workflow, Forum],
    language: str,
) -> None:
    texts = TEXTS[language]
    workflow, forum = server_forum
    teacher = await person(workflow, "Вера Учителева", language)
    replier = await person(workflow, "Пётр Спорщиков", language)
    moderator = await person(workflow, "Ирина Модератова", language, Role.MODERATOR)
    topic_id = await topic_with_reply(forum, teacher, replier, language)

    tab = await open_in_teams(
        "forum",
        user_id=moderator.user_id,
        locale=LOCALES[language],
        sub_entity_id=f"/topics/{topic_id}",
    )
    frame = tab.frame
    reply = frame.locator("article", has_text="An off-topic reply to hide")
    await expect(reply).to_be_visible()
    # Moderators, too, see no author name in the section for public cases.
    await expect(
        frame.get_by_role("heading", level=3, name=texts["participant"], exact=True)
    ).to_have_count(2)
    for name in ("Вера Учителева", "Пётр Спорщиков"):
        await expect(frame.get_by_text(name)).to_have_count(0)
    await reply.get_by_role("button", name=texts["hide"]).click()
    await expect(reply.get_by_text(texts["hidden"], exact=True)).to_be_visible()
    await save_screenshot(tab.page, f"forum-moderator-hid-post-{language}")
    await check_accessibility(frame)

    # The teacher no longer sees the hidden reply; the first post stays.
    other = await open_in_teams(
        "forum",
        user_id=teacher.user_id,
        locale=LOCALES[language],
        sub_entity_id=f"/topics/{topic_id}",
    )
    await expect(other.frame.get_by_text("Second paragraph.")).to_be_visible()
    await expect(
        other.frame.get_by_role("heading", level=3, name=texts["participant_you"], exact=True)
    ).to_have_count(1)
    await expect(other.frame.get_by_text("An off-topic reply to hide")).to_have_count(0)
    await expect(other.frame.get_by_role("button", name=texts["hide"])).to_have_count(0)


@pytest.mark.parametrize(("language", "theme"), COMBINATIONS)
async def test_forum_themes(
    open_in_teams: OpenInTeams,
    server_forum: tuple[Workflow, Forum],
    language: str,
    theme: str,
) -> None:
    workflow, forum = server_forum
    teacher = await person(workflow, "Вера Учителева", language)
    replier = await person(workflow, "Пётр Спорщиков", language)
    moderator = await person(workflow, "Ирина Модератова", language, Role.MODERATOR)
    topic_id = await topic_with_reply(forum, teacher, replier, language)
    await forum.set_topic_locked(moderator, topic_id, True)

    tab = await open_in_teams(
        "forum", user_id=moderator.user_id, locale=LOCALES[language], theme=theme
    )
    frame = tab.frame
    await expect(frame.get_by_role("link", name=TEXTS[language]["way_out"])).to_be_visible()
    assert await page_background(frame) == PAGE_BACKGROUNDS[theme]
    await save_screenshot(tab.page, f"forum-sections-{language}-{theme}")
    await check_accessibility(frame)

    await frame.evaluate(f"location.hash = '#/topics/{topic_id}'")
    await expect(frame.get_by_text("An off-topic reply to hide")).to_be_visible()
    await save_screenshot(tab.page, f"forum-topic-moderator-{language}-{theme}")
    await check_accessibility(frame)


async def test_forum_narrow_width(
    open_in_teams: OpenInTeams, server_forum: tuple[Workflow, Forum]
) -> None:
    workflow, forum = server_forum
    teacher = await person(workflow, "Вера Учителева", "ru")
    moderator = await person(workflow, "Ирина Модератова", "ru", Role.MODERATOR)
    topic_id = await topic_with_reply(forum, teacher, teacher, "ru")
    tab = await open_in_teams(
        "forum",
        user_id=moderator.user_id,
        locale="ru-RU",
        viewport=(360, 740),
        sub_entity_id=f"/topics/{topic_id}",
    )
    await expect(tab.frame.get_by_text("Second paragraph.")).to_be_visible()
    assert await horizontal_overflow(tab.frame) <= 0
    await save_screenshot(tab.page, "forum-topic-ru-narrow")
    await check_accessibility(tab.frame)
