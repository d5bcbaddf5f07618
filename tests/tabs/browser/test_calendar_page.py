"""The Calendar tab in Chromium: create an event, register as another user, themes, languages.

Every test saves screenshots to ``tests/tabs/browser/screenshots/`` and runs
axe-core on what it shows.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from playwright.async_api import expect

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

pytestmark = BROWSER_MARKS

TEXTS = {
    "en": {
        "heading": "Calendar",
        "new": "New event",
        "title": "Title",
        "submit": "Create event",
        "register": "Register",
        "registered": "You are registered.",
        "withdraw": "Withdraw registration",
        "public": "Public events",
        "feed": "Subscription",
        "create_link": "Create link",
        "start": "Start",
        "zone": "Time zone",
        "list": "List",
        "week": "Week",
        "meeting": "Meeting link (optional)",
    },
    "ru": {
        "heading": "Календарь",
        "new": "Новое мероприятие",
        "title": "Название",
        "submit": "Создать мероприятие",
        "register": "Записаться",
        "registered": "Вы записаны.",
        "withdraw": "Отменить запись",
        "public": "Открытые мероприятия",
        "feed": "Подписка",
        "create_link": "Создать ссылку",
        "start": "Начало",
        "zone": "Часовой пояс",
        "list": "Список",
        "week": "Неделя",
        "meeting": "Ссылка на встречу (необязательно)",
    },
}
LOCALES = {"en": "en-US", "ru": "ru-RU"}
FEED_URL = re.compile(r"^https?://[^/]+/calendar/feed/[A-Za-z0-9_-]{20,}\.ics$")


def next_skipped_wall_time(zone_name: str) -> dt.datetime:
    """Return a wall time inside the next spring-forward gap of a zone."""
    zone = zoneinfo.ZoneInfo(zone_name)
    moment = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    previous = moment.astimezone(zone).utcoffset()
    for _ in range(24 * 400):
        moment += dt.timedelta(hours=1)
        offset = moment.astimezone(zone).utcoffset()
        assert offset is not None and previous is not None
        if offset > previous:
            return (moment + previous).replace(tzinfo=None) + dt.timedelta(minutes=30)
        previous = offset
    raise AssertionError(f"{zone_name} moves no clocks forward within 400 days")


async def create_event(tab: OpenedTab, language: str, title: str) -> int:
    """Fill the form with its defaults plus a title and capacity; return the new event's id."""
    texts = TEXTS[language]
    frame = tab.frame
    await frame.get_by_role("button", name=texts["new"]).click()
    await frame.get_by_role("textbox", name=texts["title"]).fill(title)
    await frame.get_by_role("textbox", name=texts["meeting"]).fill(
        "https://teams.microsoft.com/l/meetup-join/demo"
    )
    await frame.get_by_role("button", name=texts["submit"]).click()
    await expect(frame.get_by_role("heading", level=2, name=title)).to_be_visible()
    hash_value: str = await frame.evaluate("location.hash")
    return int(hash_value.removeprefix("#/events/"))


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_create_and_register(
    open_in_teams: OpenInTeams, tab_server: TabServer, language: str
) -> None:
    texts = TEXTS[language]
    organiser, guest = (await tab_server.demo_users())[:2]
    title = {"en": "Quiet start of a lesson", "ru": "Тихое начало урока"}[language]

    # The organiser creates an online event from the form's defaults.
    tab = await open_in_teams("calendar", user_id=organiser["id"], locale=LOCALES[language])
    await expect(tab.frame.get_by_role("heading", level=1, name=texts["heading"])).to_be_visible()
    await tab.frame.get_by_role("button", name=texts["new"]).click()
    await expect(tab.frame.get_by_role("textbox", name=texts["title"])).to_be_visible()
    await save_screenshot(tab.page, f"calendar-form-{language}")
    await check_accessibility(tab.frame)
    await tab.frame.evaluate("location.hash = '#/'")
    event_id = await create_event(tab, language, title)
    await save_screenshot(tab.page, f"calendar-event-organiser-{language}")
    await check_accessibility(tab.frame)

    # Another user opens the event from a deep link and registers.
    other = await open_in_teams(
        "calendar", user_id=guest["id"], locale=LOCALES[language], sub_entity_id=f"/events/{event_id}"
    )
    await expect(other.frame.get_by_role("heading", level=2, name=title)).to_be_visible()
    await other.frame.get_by_role("button", name=texts["register"]).click()
    await expect(other.frame.get_by_text(texts["registered"])).to_be_visible()
    await expect(other.frame.get_by_role("button", name=texts["withdraw"])).to_be_visible()
    await save_screenshot(other.page, f"calendar-event-registered-{language}")
    await check_accessibility(other.frame)

    # The event is on the guest's calendar, and the organiser's page lists the guest.
    await other.frame.evaluate("location.hash = '#/?tab=my'")
    await other.frame.get_by_role("button", name=texts["list"]).click()
    await expect(other.frame.get_by_role("link", name=title)).to_be_visible()
    await save_screenshot(other.page, f"calendar-my-list-{language}")
    await check_accessibility(other.frame)

    await tab.page.reload()
    frame = (await (await tab.page.wait_for_selector("iframe#tab")).content_frame())
    assert frame is not None
    await frame.evaluate(f"location.hash = '#/events/{event_id}'")
    await expect(frame.get_by_text(guest["displayName"])).to_be_visible()


@pytest.mark.parametrize(
    ("language", "theme"), [("en", "default"), ("en", "dark"), ("ru", "default"), ("ru", "dark")]
)
async def test_calendar_themes(
    open_in_teams: OpenInTeams, tab_server: TabServer, language: str, theme: str
) -> None:
    texts = TEXTS[language]
    organiser = (await tab_server.demo_users())[0]
    tab = await open_in_teams("calendar", user_id=organiser["id"], locale=LOCALES[language], theme=theme)
    title = {"en": "Parents' evening rehearsal", "ru": "Репетиция родительского собрания"}[language]
    await create_event(tab, language, title)

    await tab.frame.evaluate("location.hash = '#/?tab=my'")
    await expect(tab.frame.get_by_role("link", name=title)).to_be_visible()
    assert await page_background(tab.frame) == PAGE_BACKGROUNDS[theme]
    await save_screenshot(tab.page, f"calendar-month-{language}-{theme}")
    await check_accessibility(tab.frame)

    await tab.frame.get_by_role("button", name=texts["week"]).click()
    await expect(tab.frame.get_by_role("link", name=title)).to_be_visible()
    await save_screenshot(tab.page, f"calendar-week-{language}-{theme}")
    await check_accessibility(tab.frame)

    await tab.frame.get_by_role("link", name=texts["public"]).click()
    await expect(tab.frame.get_by_role("link", name=title)).to_be_visible()
    await save_screenshot(tab.page, f"calendar-public-{language}-{theme}")
    await check_accessibility(tab.frame)

    await tab.frame.get_by_role("link", name=texts["feed"]).click()
    await tab.frame.get_by_role("button", name=texts["create_link"]).click()
    url_field = tab.frame.get_by_test_id("feed-url")
    await expect(url_field).to_have_value(FEED_URL)
    await save_screenshot(tab.page, f"calendar-feed-{language}-{theme}")
    await check_accessibility(tab.frame)


async def test_form_flags_skipped_time(open_in_teams: OpenInTeams, tab_server: TabServer) -> None:
    """The date-time input warns about a time the clocks skip, and the server rejects it."""
    texts = TEXTS["ru"]
    organiser = (await tab_server.demo_users())[0]
    tab = await open_in_teams("calendar", user_id=organiser["id"], locale="ru-RU")
    frame = tab.frame
    await frame.evaluate("location.hash = '#/new'")
    await frame.get_by_role("textbox", name=texts["title"]).fill("Проверка перевода часов")
    skipped = next_skipped_wall_time("Europe/Berlin")

    await frame.get_by_label(texts["zone"]).select_option("Europe/Berlin")
    await frame.get_by_label(texts["start"]).fill(skipped.strftime("%Y-%m-%dT%H:%M"))
    await expect(frame.get_by_text("Такого времени в поясе Europe/Berlin нет")).to_be_visible()
    await frame.get_by_role("button", name=texts["submit"]).click()
    await expect(frame.get_by_text("«Начало»: такого времени в выбранном часовом поясе нет")).to_be_visible()
    assert await frame.get_by_role("textbox", name=texts["title"]).input_value() == "Проверка перевода часов"
    await save_screenshot(tab.page, "calendar-form-skipped-time-ru")
    await check_accessibility(frame)


async def test_calendar_narrow_width(open_in_teams: OpenInTeams, tab_server: TabServer) -> None:
    organiser = (await tab_server.demo_users())[0]
    tab = await open_in_teams(
        "calendar", user_id=organiser["id"], locale="ru-RU", viewport=(360, 740)
    )
    await create_event(tab, "ru", "Узкий экран")
    await tab.frame.evaluate("location.hash = '#/?tab=my'")
    await expect(tab.frame.get_by_role("link", name="Узкий экран")).to_be_visible()
    assert await horizontal_overflow(tab.frame) <= 0
    await save_screenshot(tab.page, "calendar-month-ru-narrow")
    await check_accessibility(tab.frame)
