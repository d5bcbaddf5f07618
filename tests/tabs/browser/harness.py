"""Drive the tab pages in headless Chromium, in a browser tab or inside a stand-in Teams host.

- ``TabServer`` serves the real app (``create_app``) on a loopback port.
- ``TeamsHostServer`` serves ``teams_host.html``: a page on another loopback
  origin that frames a tab and replies to the teams-js postMessage protocol
  (``teams_host.js``), like the Teams web client does.
- ``TabBrowser`` opens pages in Debian's Chromium through Playwright, never a
  downloaded browser, and aborts every request to a host other than loopback.
- ``check_accessibility`` runs axe-core (from ``tabs/frontend/node_modules``)
  and fails on serious or critical violations; ``save_screenshot`` writes
  PNG files to ``tests/tabs/browser/screenshots/``.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp
import pytest
from aiohttp import web
from playwright.async_api import BrowserContext, Frame, Page, Playwright, Route, async_playwright

from teams_app.app import create_app
from teams_app.settings import Settings
from tests.e2e.playground import CHROMIUM_ARGS, CHROMIUM_PATH, LOOPBACK_HOSTS

BROWSER_DIR = Path(__file__).resolve().parent
REPOSITORY_DIR = BROWSER_DIR.parents[2]
SCREENSHOT_DIR = BROWSER_DIR / "screenshots"
BUNDLE_PATH = REPOSITORY_DIR / "tabs" / "static" / "build" / "app.js"
AXE_PATH = REPOSITORY_DIR / "tabs" / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
HOST_SCRIPT_PATH = BROWSER_DIR / "teams_host.js"

# axe-core impact levels that fail a test.
BLOCKING_IMPACTS = ("serious", "critical")
# Seconds a page may take to show its first screen (the sign-in fallback included).
FIRST_SCREEN_TIMEOUT = 5.0
DEFAULT_UI_TIMEOUT = 15.0

# Ids the stand-in Teams host reports in its context.
HOST_TENANT_ID = "4f0c2a9e-6b1d-4c3e-8a7f-2d9e1b0c3a51"
HOST_USER_OBJECT_ID = "d1111111-1111-4111-8111-111111111111"

# Colours of Fluent UI's Teams themes (tokens.colorNeutralBackground3, the page background).
PAGE_BACKGROUNDS = {
    "default": "rgb(245, 245, 245)",
    "dark": "rgb(31, 31, 31)",
    "contrast": "rgb(0, 0, 0)",
}


def missing_browser_requirements() -> list[str]:
    """Return what is missing to run the browser tests (empty when ready)."""
    missing = []
    if not CHROMIUM_PATH.exists():
        missing.append(f"{CHROMIUM_PATH} (apt-get install chromium)")
    if not BUNDLE_PATH.exists():
        missing.append(f"{BUNDLE_PATH} (run bash .ci/setup)")
    if not AXE_PATH.exists():
        missing.append(f"{AXE_PATH} (run bash .ci/setup)")
    return missing


# Marks for a browser test module: e2e, and a skip naming what is missing.
BROWSER_MARKS = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        bool(missing_browser_requirements()),
        reason="browser test tools missing: " + "; ".join(missing_browser_requirements()),
    ),
]


class TabServer:
    """The real app on a loopback port, in demo mode on its own SQLite file."""

    def __init__(
        self, database_path: Path, *, frame_ancestors: Sequence[str] = (), **settings: Any
    ) -> None:
        """Keyword arguments replace further ``Settings`` fields."""
        self.settings = Settings(
            database_url=f"sqlite+aiosqlite:///{database_path}",
            demo=True,
            extra_frame_ancestors=tuple(frame_ancestors),
            **settings,
        )
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        self._runner = web.AppRunner(create_app(self.settings))
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def url(self, path: str, **query: str) -> str:
        suffix = f"?{urlencode(query)}" if query else ""
        return f"http://127.0.0.1:{self.port}{path}{suffix}"

    async def demo_users(self) -> list[dict[str, Any]]:
        async with aiohttp.ClientSession() as session:
            async with session.get(self.url("/api/v1/demo/users")) as response:
                response.raise_for_status()
                users: list[dict[str, Any]] = await response.json()
        return users

    async def demo_token(self, user_id: int) -> str:
        """Sign ``user_id`` in with the demo sign-in and return the bearer token."""
        async with aiohttp.ClientSession() as session:
            async with session.post(
                self.url("/api/v1/demo/sessions"), json={"userId": user_id}
            ) as response:
                response.raise_for_status()
                body = await response.json()
        token: str = body["token"]
        return token


@dataclass
class HostOptions:
    """The context and replies of the stand-in Teams host."""

    theme: str = "default"
    locale: str = "en-US"
    token: str = ""
    # A reason for getAuthToken to fail with, instead of returning the token.
    token_error: str | None = None
    # The tab's entityId and a deep link's subEntityId.
    entity_id: str = "news"
    sub_entity_id: str = ""
    # True makes the host never reply, like a page that frames the tab but is not Teams.
    silent: bool = False


class TeamsHostServer:
    """Serves the stand-in Teams host page on its own loopback origin.

    Start it before the app, because the app must list its origin in
    ``extra_frame_ancestors``.
    """

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._pages: dict[str, str] = {}
        self.port = 0

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/host/{page_id}", self._host_page)
        app.router.add_get("/teams_host.js", self._host_script)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def host_url(self, tab_url: str, options: HostOptions) -> str:
        """Register a host page that frames ``tab_url`` and return its address."""
        config = {
            "tabUrl": tab_url,
            "theme": options.theme,
            "locale": options.locale,
            "token": options.token,
            "tokenError": options.token_error,
            "entityId": options.entity_id,
            "subEntityId": options.sub_entity_id,
            "silent": options.silent,
            "tenantId": HOST_TENANT_ID,
            "userObjectId": HOST_USER_OBJECT_ID,
            "userPrincipalName": "teacher@example.com",
        }
        page_id = str(len(self._pages) + 1)
        # "</" inside the JSON would end the <script> element early.
        self._pages[page_id] = json.dumps(config).replace("</", "<\\/")
        return f"{self.origin}/host/{page_id}"

    async def _host_page(self, request: web.Request) -> web.Response:
        config = self._pages.get(request.match_info["page_id"])
        if config is None:
            raise web.HTTPNotFound()
        html = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Teams host stand-in</title>
<style>html, body {{ margin: 0; height: 100%; }} iframe {{ border: 0; width: 100%; height: 100%; display: block; }}</style>
</head>
<body>
<iframe id="tab" title="Tab"></iframe>
<script type="application/json" id="host-config">{config}</script>
<script src="/teams_host.js"></script>
</body>
</html>"""
        return web.Response(text=html, content_type="text/html")

    async def _host_script(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(HOST_SCRIPT_PATH, headers={"Content-Type": "text/javascript"})


async def _abort_non_loopback(route: Route) -> None:
    # teams-js fetches its trusted origins from res.cdn.office.net, but tests stay on this machine.
    if urlsplit(route.request.url).hostname in LOOPBACK_HOSTS:
        await route.continue_()
    else:
        await route.abort()


@dataclass
class OpenedTab:
    """A tab opened in the browser: the top page and the frame the tab renders in."""

    page: Page
    frame: Frame
    # Console messages and uncaught errors of the page and its frames.
    console: list[str] = field(default_factory=list)

    @property
    def in_host(self) -> bool:
        return self.frame is not self.page.main_frame

    async def host_state(self, expression: str) -> Any:
        """Evaluate ``expression`` against ``window.teamsHost`` of the stand-in host."""
        return await self.page.evaluate(f"(() => {{ const host = window.teamsHost; return {expression}; }})()")


class TabBrowser:
    """Debian's Chromium through Playwright, with a fresh context per opened tab."""

    def __init__(self, *, ui_timeout: float = DEFAULT_UI_TIMEOUT) -> None:
        self.ui_timeout = ui_timeout
        self._playwright: Playwright | None = None
        self._contexts: list[BrowserContext] = []
        self._profile_dirs: list[Path] = []

    async def __aenter__(self) -> TabBrowser:
        self._playwright = await async_playwright().start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def new_page(
        self,
        *,
        viewport: tuple[int, int] = (1280, 800),
        locale: str = "en-US",
        color_scheme: str = "light",
    ) -> tuple[Page, list[str]]:
        """Open a blank page in a new browser profile; also return its console log."""
        if self._playwright is None:
            raise RuntimeError("TabBrowser is not started; use `async with`")
        profile = Path(tempfile.mkdtemp(prefix="tabs-chromium-"))
        width, height = viewport
        context = await self._playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM_PATH),
            args=list(CHROMIUM_ARGS),
            headless=True,
            viewport={"width": width, "height": height},
            locale=locale,
            color_scheme=color_scheme,  # type: ignore[arg-type]
        )
        self._contexts.append(context)
        self._profile_dirs.append(profile)
        await context.route("**/*", _abort_non_loopback)
        context.set_default_timeout(self.ui_timeout * 1000)
        page = context.pages[0] if context.pages else await context.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
        return page, console

    async def open_tab(self, url: str, **page_options: Any) -> OpenedTab:
        """Open a tab page directly, as a browser outside Teams does."""
        page, console = await self.new_page(**page_options)
        await page.goto(url)
        return OpenedTab(page, page.main_frame, console)

    async def open_in_host(self, host_url: str, **page_options: Any) -> OpenedTab:
        """Open the stand-in Teams host and return the frame of the tab inside it."""
        page, console = await self.new_page(**page_options)
        await page.goto(host_url)
        element = await page.wait_for_selector("iframe#tab", state="attached")
        frame = await element.content_frame()
        if frame is None:
            raise RuntimeError(f"the host page {host_url} has no tab frame")
        return OpenedTab(page, frame, console)

    async def close(self) -> None:
        contexts, self._contexts = self._contexts, []
        for context in contexts:
            await context.close()
        for profile in self._profile_dirs:
            shutil.rmtree(profile, ignore_errors=True)
        self._profile_dirs = []
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None


async def check_accessibility(
    frame: Frame | Page, *, disabled_rules: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Run axe-core in ``frame`` and fail on serious or critical violations.

    The script is evaluated through the DevTools protocol, which the page's
    Content-Security-Policy does not apply to. Returns all violations, the
    minor and moderate ones included, for tests that check more.
    """
    target = frame.main_frame if isinstance(frame, Page) else frame
    if not await target.evaluate("typeof window.axe === 'object'"):
        await target.evaluate(AXE_PATH.read_text(encoding="utf-8") + "\n;void 0;")
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if disabled_rules:
        options["rules"] = {rule: {"enabled": False} for rule in disabled_rules}
    result: Mapping[str, Any] = await target.evaluate(
        "options => window.axe.run(document, options)", options
    )
    violations: list[dict[str, Any]] = list(result["violations"])
    blocking = [item for item in violations if item.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        lines = []
        for item in blocking:
            targets = ", ".join(str(node["target"]) for node in item["nodes"][:5])
            lines.append(f"{item['impact']} {item['id']}: {item['help']} at {targets}")
        pytest.fail("axe-core found violations:\n" + "\n".join(lines))
    return violations


def screenshot_path(name: str) -> Path:
    """Return ``screenshots/<name>.png``, with ``name`` reduced to safe characters."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    return SCREENSHOT_DIR / f"{safe}.png"


async def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot of ``page`` (the host page shows the framed tab too)."""
    path = screenshot_path(name)
    await page.screenshot(path=str(path), full_page=True)
    return path


async def page_background(frame: Frame) -> str:
    """Return the computed background colour of the tab's <body>."""
    color: str = await frame.evaluate("getComputedStyle(document.body).backgroundColor")
    return color


async def horizontal_overflow(frame: Frame) -> int:
    """Return how many pixels the document is wider than the viewport (0 when it fits)."""
    overflow: int = await frame.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return overflow
