"""The tab shell in Chromium: sign-in fallback, demo sign-in, Teams theme and locale, narrow width.

Every test saves a screenshot to ``tests/tabs/browser/screenshots/`` and
runs axe-core on what it shows.
"""

from __future__ import annotations

import time

import pytest
from playwright.async_api import expect

from tests.tabs.browser.conftest import OpenInTeams
from tests.tabs.browser.harness import (
    BROWSER_MARKS,
    FIRST_SCREEN_TIMEOUT,
    PAGE_BACKGROUNDS,
    HostOptions,
    OpenedTab,
    TabBrowser,
    TabServer,
    TeamsHostServer,
    check_accessibility,
    horizontal_overflow,
    page_background,
    save_screenshot,
)

pytestmark = BROWSER_MARKS

SIGN_IN_HEADINGS = {"en": "Sign in", "ru": "Вход"}
NEWS_HEADINGS = {"en": "News", "ru": "Новости"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_signin_fallback_outside_teams(
    tab_server: TabServer, tab_browser: TabBrowser, language: str
) -> None:
    page, console = await tab_browser.new_page()
    started = time.monotonic()
    await page.goto(tab_server.url("/tabs/news", locale=language))
    tab = OpenedTab(page, page.main_frame, console)
    heading = tab.frame.get_by_role("heading", level=1, name=SIGN_IN_HEADINGS[language])
    await heading.wait_for(timeout=FIRST_SCREEN_TIMEOUT * 1000)
    elapsed = time.monotonic() - started
    await save_screenshot(tab.page, f"signin-outside-teams-{language}")

    assert elapsed < FIRST_SCREEN_TIMEOUT, f"sign-in page took {elapsed:.1f} s"
    assert await tab.frame.evaluate("document.documentElement.lang") == language
    demo_title = {"en": "Local demo sign-in", "ru": "Локальный демо-вход"}[language]
    await expect(tab.frame.get_by_role("heading", name=demo_title)).to_be_visible()
    await check_accessibility(tab.frame)


async def test_signin_fallback_in_silent_frame(
    tab_server: TabServer, teams_host: TeamsHostServer, tab_browser: TabBrowser
) -> None:
    # A page that frames the tab but, unlike Teams, never replies to teams-js.
    host_url = teams_host.host_url(tab_server.url("/tabs/news"), HostOptions(silent=True))
    page, console = await tab_browser.new_page()
    started = time.monotonic()
    await page.goto(host_url)
    frame = await (await page.wait_for_selector("iframe#tab", state="attached")).content_frame()
    assert frame is not None
    tab = OpenedTab(page, frame, console)
    heading = tab.frame.get_by_role("heading", level=1, name="Sign in")
    await heading.wait_for(timeout=FIRST_SCREEN_TIMEOUT * 1000)
    elapsed = time.monotonic() - started
    await save_screenshot(tab.page, "signin-silent-frame")

    # The page waits 3 s for a reply to app.initialize() before it gives up on Teams.
    assert 3.0 <= elapsed < FIRST_SCREEN_TIMEOUT, f"sign-in page took {elapsed:.1f} s"
    assert await tab.host_state("host.calls('initialize')") == 1


async def test_demo_sign_in_opens_page(tab_server: TabServer, tab_browser: TabBrowser) -> None:
    users = await tab_server.demo_users()
    name = users[0]["displayName"]
    tab = await tab_browser.open_tab(tab_server.url("/tabs/news", locale="en"))

    await tab.frame.get_by_role("button", name=name).click()
    await expect(tab.frame.get_by_role("heading", level=1, name="News")).to_be_visible()
    await save_screenshot(tab.page, "demo-signed-in-news")

    await expect(tab.frame.get_by_role("banner").get_by_text(name)).to_be_visible()
    navigation = tab.frame.get_by_role("navigation", name="Sections")
    await expect(navigation.get_by_role("link", name="News")).to_have_attribute("aria-current", "page")
    await check_accessibility(tab.frame)

    # The session lasts across a reload of the browser tab.
    await tab.page.reload()
    await expect(tab.frame.get_by_role("heading", level=1, name="News")).to_be_visible()

    await tab.frame.get_by_role("button", name="Sign out").click()
    await expect(tab.frame.get_by_role("heading", level=1, name="Sign in")).to_be_visible()


async def test_rejected_demo_session_returns_to_signin(
    tab_server: TabServer, tab_browser: TabBrowser
) -> None:
    users = await tab_server.demo_users()
    tab = await tab_browser.open_tab(tab_server.url("/tabs/news", locale="en"))
    await tab.frame.get_by_role("button", name=users[0]["displayName"]).click()
    await expect(tab.frame.get_by_role("heading", level=1, name="News")).to_be_visible()

    # A token the server no longer accepts, as after a restart with a fresh database.
    await tab.frame.evaluate(
        """() => {
            const stored = JSON.parse(sessionStorage.getItem("mentoring.demoSession"));
            stored.token = "revoked-" + stored.token;
            sessionStorage.setItem("mentoring.demoSession", JSON.stringify(stored));
        }"""
    )
    await tab.page.reload()
    await expect(tab.frame.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    await save_screenshot(tab.page, "demo-session-rejected")

    await expect(tab.frame.get_by_text("Your session has ended. Please sign in again.")).to_be_visible()
    assert await tab.frame.evaluate("sessionStorage.getItem('mentoring.demoSession')") is None


async def test_header_switchers_change_language_and_theme(
    tab_server: TabServer, tab_browser: TabBrowser
) -> None:
    tab = await tab_browser.open_tab(tab_server.url("/tabs/news", locale="en"))
    await tab.frame.get_by_role("heading", level=1, name="Sign in").wait_for()

    await tab.frame.get_by_label("Language").select_option("ru")
    await expect(tab.frame.get_by_role("heading", level=1, name="Вход")).to_be_visible()
    await tab.frame.get_by_label("Тема").select_option("dark")
    await expect(tab.frame.locator("html")).to_have_attribute("data-theme", "dark")
    await save_screenshot(tab.page, "switchers-ru-dark")

    assert await page_background(tab.frame) == PAGE_BACKGROUNDS["dark"]
    await check_accessibility(tab.frame)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
async def test_theme_follows_system_outside_teams(
    tab_server: TabServer, tab_browser: TabBrowser, color_scheme: str
) -> None:
    tab = await tab_browser.open_tab(tab_server.url("/tabs/news"), color_scheme=color_scheme)
    await tab.frame.get_by_role("heading", level=1).wait_for()
    expected = "dark" if color_scheme == "dark" else "default"

    await expect(tab.frame.locator("html")).to_have_attribute("data-theme", expected)
    assert await page_background(tab.frame) == PAGE_BACKGROUNDS[expected]


async def test_forced_colors_select_contrast_theme(
    tab_server: TabServer, tab_browser: TabBrowser
) -> None:
    page, _ = await tab_browser.new_page()
    await page.emulate_media(forced_colors="active")
    await page.goto(tab_server.url("/tabs/news"))
    await page.get_by_role("heading", level=1).wait_for()

    await expect(page.locator("html")).to_have_attribute("data-theme", "contrast")


async def test_theme_query_overrides_system(tab_server: TabServer, tab_browser: TabBrowser) -> None:
    tab = await tab_browser.open_tab(
        tab_server.url("/tabs/news", theme="contrast"), color_scheme="light"
    )
    await tab.frame.get_by_role("heading", level=1).wait_for()

    await expect(tab.frame.locator("html")).to_have_attribute("data-theme", "contrast")
    assert await page_background(tab.frame) == PAGE_BACKGROUNDS["contrast"]


@pytest.mark.parametrize("theme", ["default", "dark", "contrast"])
@pytest.mark.parametrize("language", ["en", "ru"])
async def test_teams_context_sets_theme_and_language(
    open_in_teams: OpenInTeams, theme: str, language: str
) -> None:
    locale = {"en": "en-US", "ru": "ru-RU"}[language]
    tab = await open_in_teams("news", theme=theme, locale=locale)
    heading = tab.frame.get_by_role("heading", level=1, name=NEWS_HEADINGS[language])
    await expect(heading).to_be_visible()
    await save_screenshot(tab.page, f"teams-news-{theme}-{language}")

    assert await tab.frame.evaluate("document.documentElement.lang") == language
    await expect(tab.frame.locator("html")).to_have_attribute("data-theme", theme)
    assert await page_background(tab.frame) == PAGE_BACKGROUNDS[theme]
    # Inside Teams the host shows the tabs and the user, so the page has no switchers.
    assert await tab.frame.get_by_role("navigation").count() == 0
    assert await tab.frame.get_by_role("combobox").count() == 0
    await check_accessibility(tab.frame)


async def test_teams_theme_change_rethemes_page(open_in_teams: OpenInTeams) -> None:
    tab = await open_in_teams("news", theme="default")
    await expect(tab.frame.locator("html")).to_have_attribute("data-theme", "default")
    assert await tab.host_state("host.registeredHandlers.includes('themeChange')")

    for theme in ("dark", "contrast", "default"):
        await tab.page.evaluate("theme => window.teamsHost.setTheme(theme)", theme)
        await expect(tab.frame.locator("html")).to_have_attribute("data-theme", theme)
        assert await page_background(tab.frame) == PAGE_BACKGROUNDS[theme]
        await save_screenshot(tab.page, f"teams-theme-change-{theme}")


async def test_teams_tab_uses_sso_token(open_in_teams: OpenInTeams) -> None:
    tab = await open_in_teams("news")
    await expect(tab.frame.get_by_role("heading", level=1, name="News")).to_be_visible()

    assert await tab.host_state("host.calls('getContext')") == 1
    assert await tab.host_state("host.calls('authentication.getAuthToken')") >= 1
    assert await tab.host_state("host.calls('appInitialization.success')") == 1


async def test_teams_sso_failure_shows_problem(open_in_teams: OpenInTeams) -> None:
    tab = await open_in_teams("news", token_error="resourceRequiresConsent", wait=False)
    alert = tab.frame.get_by_role("alert")
    await expect(alert).to_be_visible(timeout=FIRST_SCREEN_TIMEOUT * 1000)
    await save_screenshot(tab.page, "teams-sso-failure")

    await expect(alert).to_contain_text("Teams did not give this page your sign-in")
    await expect(alert).to_have_attribute("data-problem-code", "teams_sso_failed")
    await check_accessibility(tab.frame)

    # Once Teams gives a token, the retry button loads the page.
    await tab.page.evaluate("window.teamsHost.tokenError = null")
    await alert.get_by_role("button", name="Try again").click()
    await expect(tab.frame.get_by_role("heading", level=1, name="News")).to_be_visible()


async def test_teams_unknown_token_shows_problem(open_in_teams: OpenInTeams) -> None:
    tab = await open_in_teams("news", wait=False)
    await tab.page.evaluate("window.teamsHost.token = 'not-a-token'")
    # The first token was already sent, so reload the tab to make it request another.
    await tab.frame.evaluate("location.reload()")
    alert = tab.frame.get_by_role("alert")
    await expect(alert).to_be_visible(timeout=FIRST_SCREEN_TIMEOUT * 2 * 1000)
    await save_screenshot(tab.page, "teams-token-rejected")

    # The page asked for a fresh token once before giving up.
    assert await tab.host_state("host.calls('authentication.getAuthToken')") >= 2


@pytest.mark.parametrize("in_teams", [False, True], ids=["browser", "teams"])
async def test_narrow_width_has_no_horizontal_scroll(
    open_in_teams: OpenInTeams,
    tab_server: TabServer,
    tab_browser: TabBrowser,
    in_teams: bool,
) -> None:
    viewport = (360, 740)
    if in_teams:
        tab = await open_in_teams("news", locale="ru-RU", viewport=viewport)
    else:
        tab = await tab_browser.open_tab(tab_server.url("/tabs/news", locale="ru"), viewport=viewport)
        users = await tab_server.demo_users()
        sign_in = tab.frame.get_by_role("button", name=users[0]["displayName"])
        await save_screenshot(tab.page, "narrow-signin-ru")
        assert await horizontal_overflow(tab.frame) == 0
        await sign_in.click()
    await expect(tab.frame.get_by_role("heading", level=1, name="Новости")).to_be_visible()
    await save_screenshot(tab.page, f"narrow-news-{'teams' if in_teams else 'browser'}-ru")

    assert await horizontal_overflow(tab.frame) == 0
    await check_accessibility(tab.frame)

