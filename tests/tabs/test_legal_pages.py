"""The privacy statement and terms of use that the app manifest links to."""

from __future__ import annotations

import pytest

from tests.tabs.conftest import TabsClient


@pytest.mark.parametrize("document", ["privacy", "terms"])
async def test_legal_page_both_languages(tabs: TabsClient, document: str) -> None:
    russian = await tabs.request("GET", f"/{document}", headers={"Accept-Language": "ru-RU"})
    english = await tabs.request("GET", f"/{document}?lang=en")
    assert russian.status == 200
    assert english.status == 200
    assert '<html lang="ru">' in await russian.text()
    assert '<html lang="en">' in await english.text()
    assert "frame-ancestors" in russian.headers["Content-Security-Policy"]


async def test_privacy_names_anonymous_cases(tabs: TabsClient) -> None:
    text = await (await tabs.request("GET", "/privacy?lang=en")).text()
    assert "Anonymous cases" in text


async def test_home_leads_to_tabs(tabs: TabsClient) -> None:
    response = await tabs.request("GET", "/", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/tabs/"


async def test_favicon_served(tabs: TabsClient) -> None:
    response = await tabs.request("GET", "/favicon.ico")
    assert response.status == 200
    assert response.content_type == "image/png"
