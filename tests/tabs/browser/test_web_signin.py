"""Microsoft web sign-in outside Teams, up to the request that leaves for Entra.

No request reaches Entra: Playwright fulfils the requests for
login.microsoftonline.com inside the browser, with the authority's
OpenID configuration, and records the authorization request instead of
following it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest_asyncio
from playwright.async_api import Route, expect

from tests.tabs.browser.harness import BROWSER_MARKS, TabBrowser, TabServer, save_screenshot

pytestmark = BROWSER_MARKS

CLIENT_ID = "3f2d9c41-7a5e-4b8d-9c06-1e2f3a4b5c6d"
TENANT_ID = "9b5b0a4e-6f3c-4c1e-8f7a-2d4e6b8c0a11"
PUBLIC_HOST = "tabs.mentoring.test"
AUTHORITY = f"https://login.microsoftonline.com/{TENANT_ID}"


def openid_configuration() -> dict[str, object]:
    return {
        "issuer": f"{AUTHORITY}/v2.0",
        "authorization_endpoint": f"{AUTHORITY}/oauth2/v2.0/authorize",
        "token_endpoint": f"{AUTHORITY}/oauth2/v2.0/token",
        "end_session_endpoint": f"{AUTHORITY}/oauth2/v2.0/logout",
        "jwks_uri": f"{AUTHORITY}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "response_types_supported": ["code", "id_token", "code id_token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "tenant_region_scope": "EU",
        "cloud_instance_name": "microsoftonline.com",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
    }


@pytest_asyncio.fixture
async def entra_server(tmp_path: Path) -> AsyncIterator[TabServer]:
    server = TabServer(
        tmp_path / "web-signin.db",
        aad_client_id=CLIENT_ID,
        aad_allowed_tenants=(TENANT_ID,),
        public_base_url=f"https://{PUBLIC_HOST}",
    )
    await server.start()
    yield server
    await server.stop()


async def test_microsoft_signin_requests_api_scope(
    entra_server: TabServer, tab_browser: TabBrowser
) -> None:
    page, _ = await tab_browser.new_page()
    authorize_requests: list[str] = []

    async def entra(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.path.endswith("/.well-known/openid-configuration"):
            await route.fulfill(json=openid_configuration())
        elif url.path.endswith("/oauth2/v2.0/authorize"):
            authorize_requests.append(route.request.url)
            await route.fulfill(content_type="text/html", body="<title>Entra</title><h1>Entra</h1>")
        else:
            await route.fulfill(status=404, body="")

    await page.route("https://login.microsoftonline.com/**", entra)
    await page.goto(entra_server.url("/tabs/library", locale="en"))
    button = page.get_by_role("button", name="Sign in with Microsoft")
    await expect(button).to_be_visible()
    await save_screenshot(page, "web-signin-microsoft")

    await button.click()
    await expect(page.get_by_role("heading", name="Entra")).to_be_visible()

    assert len(authorize_requests) == 1
    query = parse_qs(urlsplit(authorize_requests[0]).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == [entra_server.url("/tabs/signin")]
    assert query["code_challenge_method"] == ["S256"]
    scopes = query["scope"][0].split()
    assert f"api://{PUBLIC_HOST}/{CLIENT_ID}/access_as_user" in scopes
    assert "openid" in scopes
    assert query["state"][0]
