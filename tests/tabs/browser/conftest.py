"""Fixtures of the browser tests: the app, the stand-in Teams host and Chromium.

``open_in_teams(page, ...)`` opens a tab inside the stand-in host, signed in
with a demo sign-in token that the host returns from getAuthToken, and waits
until the page's <main> is shown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest_asyncio

from tests.tabs.browser.harness import (
    FIRST_SCREEN_TIMEOUT,
    HostOptions,
    OpenedTab,
    TabBrowser,
    TabServer,
    TeamsHostServer,
)

OpenInTeams = Callable[..., Awaitable[OpenedTab]]


@pytest_asyncio.fixture
async def teams_host() -> AsyncIterator[TeamsHostServer]:
    server = TeamsHostServer()
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture
async def tab_server(tmp_path: Path, teams_host: TeamsHostServer) -> AsyncIterator[TabServer]:
    server = TabServer(tmp_path / "tabs.db", frame_ancestors=(teams_host.origin,))
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture
async def tab_browser() -> AsyncIterator[TabBrowser]:
    async with TabBrowser() as browser:
        yield browser


@pytest_asyncio.fixture
async def open_in_teams(
    tab_server: TabServer, teams_host: TeamsHostServer, tab_browser: TabBrowser
) -> OpenInTeams:
    async def open_tab(
        page: str,
        *,
        user_id: int | None = None,
        theme: str = "default",
        locale: str = "en-US",
        viewport: tuple[int, int] = (1280, 800),
        wait: bool = True,
        **options: object,
    ) -> OpenedTab:
        if user_id is None:
            user_id = int((await tab_server.demo_users())[0]["id"])
        token = await tab_server.demo_token(user_id)
        host_options = HostOptions(
            theme=theme, locale=locale, token=token, entity_id=page, **options  # type: ignore[arg-type]
        )
        host_url = teams_host.host_url(tab_server.url(f"/tabs/{page}"), host_options)
        tab = await tab_browser.open_in_host(host_url, viewport=viewport)
        if wait:
            await tab.frame.locator("main").wait_for(timeout=FIRST_SCREEN_TIMEOUT * 1000)
        return tab

    return open_tab
