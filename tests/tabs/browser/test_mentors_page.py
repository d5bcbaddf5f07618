"""The Mentors tab and the public profile pages in Chromium.

A mentor edits their profile with a photo. The list is filtered in Russian
and English, light and dark. The public page is opened without signing in.
Every test saves screenshots to ``tests/tabs/browser/screenshots/`` and runs
axe-core on what it shows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.tabs.browser.conftest import OpenInTeams
from tests.tabs.browser.harness import (
    BROWSER_MARKS,
    PAGE_BACKGROUNDS,
    TabBrowser,
    TabServer,
    check_accessibility,
    horizontal_overflow,
    page_background,
    save_screenshot,
)
from tests.tabs.test_photos import jpeg_with_exif

pytestmark = BROWSER_MARKS

LOCALES = {"en": "en-US", "ru": "ru-RU"}
TEXTS = {
    "en": {
        "heading": "Mentors",
        "my_profile": "My profile",
        "choose": "Choose a photo…",
        "preview": "Preview of the chosen photo",
        "upload": "Upload photo",
        "photo_saved": "The photo is saved.",
        "last_name": "Last name",
        "position": "Position",
        "motto": "Professional motto",
        "add_link": "Add a link",
        "link_url": "Address (http:// or https://)",
        "link_title": "Title",
        "save": "Save profile",
        "saved": "The profile is saved.",
        "required": "«Last name» is required.",
        "view": "View the profile",
        "motto_heading": "Professional motto",
        "rubric": "Area of advice",
        "availability": "Availability",
        "available": "Available now",
        "away_until": "Away until (inclusive)",
        "save_availability": "Save availability",
        "availability_saved": "Availability is saved.",
        "parents": "Interaction with parents",
    },
    "ru": {
        "heading": "Наставники",
        "my_profile": "Мой профиль",
        "choose": "Выбрать фотографию…",
        "preview": "Предпросмотр выбранной фотографии",
        "upload": "Загрузить фотографию",
        "photo_saved": "Фотография сохранена.",
        "last_name": "Фамилия",
        "position": "Должность",
        "motto": "Профессиональный девиз",
        "add_link": "Добавить ссылку",
        "link_url": "Адрес (http:// или https://)",
        "link_title": "Название",
        "save": "Сохранить профиль",
        "saved": "Профиль сохранён.",
        "required": "Поле «Фамилия» обязательно.",
        "view": "Посмотреть профиль",
        "motto_heading": "Профессиональный девиз",
        "rubric": "Область консультирования",
        "availability": "Доступность",
        "available": "Свободен сейчас",
        "away_until": "Отсутствую до (включительно)",
        "save_availability": "Сохранить доступность",
        "availability_saved": "Доступность сохранена.",
        "parents": "Взаимодействие с родителями",
    },
}
MOTTO = "<b>Учиться</b> <script>alert('x')</script> вместе"


# Demo mentors whose stored locale is the test's language: the API writes its
# messages in the user's stored language, which the bot learnt from Teams.
DEMO_MENTORS = {"en": "Emily Harper", "ru": "Анна Ветрова", "other": "Кирилл Лебедев"}


async def demo_mentor(tab_server: TabServer, key: str) -> dict[str, Any]:
    """Return the seeded demo mentor named in ``DEMO_MENTORS``."""
    users = await tab_server.demo_users()
    (mentor,) = [user for user in users if user["displayName"] == DEMO_MENTORS[key]]
    return mentor


def photo_file(tmp_path: Path) -> Path:
    path = tmp_path / "portrait.jpg"
    path.write_bytes(jpeg_with_exif(900, 600))
    return path


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_mentor_edits_profile_with_photo(
    open_in_teams: OpenInTeams, tab_server: TabServer, tmp_path: Path, language: str
) -> None:
    texts = TEXTS[language]
    mentor = await demo_mentor(tab_server, language)
    tab = await open_in_teams("mentors", user_id=mentor["id"], locale=LOCALES[language])
    frame = tab.frame
    await expect(frame.get_by_role("heading", level=1, name=texts["heading"])).to_be_visible()

    # The editor opens from the header button.
    await frame.get_by_role("button", name=texts["my_profile"]).click()
    last_name = frame.get_by_role("textbox", name=texts["last_name"])
    await expect(last_name).to_be_visible()

    # A chosen photo shows a square preview before it is uploaded.
    await frame.get_by_test_id("photo-input").set_input_files(str(photo_file(tmp_path)))
    preview = frame.get_by_role("img", name=texts["preview"])
    await expect(preview).to_be_visible()
    box = await preview.bounding_box()
    assert box is not None
    assert round(box["width"]) == round(box["height"]) == 150
    await save_screenshot(tab.page, f"mentors-photo-preview-{language}")
    await check_accessibility(frame)

    await frame.get_by_role("button", name=texts["upload"]).click()
    await expect(frame.get_by_text(texts["photo_saved"])).to_be_visible()
    await expect(preview).to_have_count(0)
    avatar = frame.locator(f"img[src^='/mentors/{mentor['id']}/photo?v=']").first
    await expect(avatar).to_be_visible()
    assert await avatar.evaluate("element => element.naturalWidth") == 150
    assert await avatar.evaluate("element => element.naturalHeight") == 150

    # An empty last name is rejected next to the field, and nothing typed is lost.
    await frame.get_by_role("textbox", name=texts["position"]).fill("профессор кафедры")
    await frame.get_by_role("textbox", name=texts["motto"]).fill(MOTTO)
    await last_name.fill("")
    await frame.get_by_role("button", name=texts["save"]).click()
    await expect(frame.get_by_text(texts["required"])).to_be_visible()
    await expect(frame.get_by_role("textbox", name=texts["motto"])).to_have_value(MOTTO)
    await expect(frame.get_by_role("textbox", name=texts["position"])).to_have_value("профессор кафедры")
    await expect(last_name).to_be_focused()
    await save_screenshot(tab.page, f"mentors-profile-error-{language}")
    await check_accessibility(frame)

    # Fixed and saved, with a new link.
    await last_name.fill("Ветрова")
    await frame.get_by_role("button", name=texts["add_link"]).click()
    await frame.get_by_role("textbox", name=texts["link_url"]).last.fill("https://example.org/new-project")
    await frame.get_by_role("textbox", name=texts["link_title"]).last.fill("Новый проект")
    await frame.get_by_role("button", name=texts["save"]).click()
    await expect(frame.get_by_text(texts["saved"])).to_be_visible()
    await save_screenshot(tab.page, f"mentors-profile-saved-{language}")

    # The profile shows the motto as text, not as markup.
    await frame.get_by_role("button", name=texts["view"]).click()
    await expect(frame.get_by_role("heading", level=3, name=texts["motto_heading"])).to_be_visible()
    await expect(frame.locator("blockquote")).to_have_text(MOTTO)
    assert await frame.locator("blockquote b, blockquote script").count() == 0
    await expect(frame.get_by_role("link", name="Новый проект")).to_have_attribute(
        "href", "https://example.org/new-project"
    )
    await save_screenshot(tab.page, f"mentors-profile-view-{language}")
    await check_accessibility(frame)
    assert not [line for line in tab.console if line.startswith("pageerror")], tab.console


async def test_mentor_sets_away_date(open_in_teams: OpenInTeams, tab_server: TabServer) -> None:
    texts = TEXTS["en"]
    mentor = await demo_mentor(tab_server, "en")
    tab = await open_in_teams("mentors", user_id=mentor["id"], sub_entity_id="/profile")
    frame = tab.frame
    away = frame.get_by_label(texts["away_until"])
    await expect(away).to_be_visible()
    await away.fill("2099-01-01")
    await frame.get_by_role("button", name=texts["save_availability"]).click()
    # The server allows at most a year ahead and names the limit next to the field.
    await expect(frame.get_by_text("«Away until» must be at most 366 days from today.")).to_be_visible()
    await expect(away).to_have_value("2099-01-01")
    await away.fill("")
    await frame.get_by_role("button", name=texts["save_availability"]).click()
    await expect(frame.get_by_text(texts["availability_saved"])).to_be_visible()
    await check_accessibility(frame)


@pytest.mark.parametrize("theme", ["default", "dark"])
@pytest.mark.parametrize("language", ["en", "ru"])
async def test_list_filters_themes(
    open_in_teams: OpenInTeams, tab_server: TabServer, language: str, theme: str
) -> None:
    texts = TEXTS[language]
    viewer = await demo_mentor(tab_server, language)
    tab = await open_in_teams("mentors", user_id=viewer["id"], locale=LOCALES[language], theme=theme)
    frame = tab.frame
    await expect(frame.get_by_role("heading", level=1, name=texts["heading"])).to_be_visible()
    cards = frame.locator("main ul > li h2")
    await expect(cards.first).to_be_visible()
    everyone = await cards.count()

    await frame.get_by_label(texts["rubric"]).select_option(label=texts["parents"])
    await expect(frame.locator("main ul > li").filter(has_text=texts["parents"]).first).to_be_visible()
    await expect(cards).not_to_have_count(everyone)
    filtered = await cards.count()
    assert 0 < filtered < everyone
    assert "rubric=parents" in await frame.evaluate("location.hash")
    await frame.get_by_label(texts["availability"]).select_option(label=texts["available"])
    # The list reloads: no card of an away mentor stays.
    away_badge = frame.locator("main ul > li").get_by_text(re.compile("Away until|Отсутствует до"))
    await expect(away_badge).to_have_count(0)
    await expect(frame.locator("main ul > li").get_by_text(texts["available"]).first).to_be_visible()
    assert "availability=available" in await frame.evaluate("location.hash")

    assert await page_background(frame) == PAGE_BACKGROUNDS[theme]
    await save_screenshot(tab.page, f"mentors-list-{language}-{theme}")
    await check_accessibility(frame)

    # A profile opens from its card, in the same theme.
    await cards.first.get_by_role("link").click()
    await expect(frame.get_by_role("heading", level=2)).to_be_visible()
    await save_screenshot(tab.page, f"mentors-profile-{language}-{theme}")
    await check_accessibility(frame)


async def test_list_narrow_width(open_in_teams: OpenInTeams) -> None:
    tab = await open_in_teams("mentors", locale="ru-RU", viewport=(360, 740))
    await expect(tab.frame.locator("main ul > li h2").first).to_be_visible()
    assert await horizontal_overflow(tab.frame) == 0
    await save_screenshot(tab.page, "mentors-list-narrow")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["en", "ru"])
async def test_public_profile_page(
    tab_server: TabServer, tab_browser: TabBrowser, language: str, color_scheme: str
) -> None:
    mentor = await demo_mentor(tab_server, "other")
    tab = await tab_browser.open_tab(
        tab_server.url(f"/mentors/{mentor['id']}", lang=language), color_scheme=color_scheme
    )
    page = tab.page
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert await page.evaluate("document.documentElement.lang") == language
    assert re.search(r"·", await page.title())
    assert await page.locator("script").count() == 0
    await save_screenshot(page, f"mentors-public-{language}-{color_scheme}")
    await check_accessibility(page)

    back = {"en": "All mentors", "ru": "Все наставники"}[language]
    await page.get_by_role("link", name=re.compile(back)).click()
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await save_screenshot(page, f"mentors-public-list-{language}-{color_scheme}")
    await check_accessibility(page)
