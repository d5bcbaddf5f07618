"""The tab pages' HTML shell and the static files under /static/."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tabs.pages import (
    BUNDLE_SCRIPT,
    PAGES,
    STATIC_DIR,
    BundleManifest,
    StaticVersions,
    TabPages,
    pick_language,
)
from teams_app.app import create_app
from teams_app.settings import Settings

BUNDLE_BUILT = (STATIC_DIR / BUNDLE_SCRIPT).exists()
needs_bundle = pytest.mark.skipif(not BUNDLE_BUILT, reason="front end not built (run bash .ci/setup)")
HOST_ORIGIN = "http://127.0.0.1:4321"


@pytest.fixture
async def client(settings: Settings, aiohttp_client: Any) -> TestClient:
    app_settings = dataclasses.replace(
        settings, migrate_on_start=True, demo=True, extra_frame_ancestors=(HOST_ORIGIN,)
    )
    return await aiohttp_client(create_app(app_settings))


def root_attributes(html: str) -> dict[str, str]:
    match = re.search(r'<div id="root" data-page="([^"]*)" data-host-origins="([^"]*)">', html)
    assert match, html
    return {"page": match.group(1), "host_origins": match.group(2)}


@pytest.mark.parametrize("page", [*PAGES, "signin"])
async def test_shell_served_for_each_page(client: TestClient, page: str) -> None:
    response = await client.get(f"/tabs/{page}")
    html = await response.text()

    assert response.status == 200
    assert response.content_type == "text/html"
    assert response.headers["Cache-Control"] == "no-cache"
    assert root_attributes(html)["page"] == page
    assert "<noscript>" in html


@pytest.mark.parametrize(
    ("query", "accept_language", "expected"),
    [
        ("", "en-US,en;q=0.9", "en"),
        ("", "ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("", "ru;q=0.3, en;q=0.8", "en"),
        ("", "de-DE,de;q=0.9", "ru"),
        ("?locale=en-US", "ru-RU", "en"),
        ("?locale=ru", "en-US", "ru"),
    ],
)
async def test_shell_language(
    client: TestClient, query: str, accept_language: str, expected: str
) -> None:
    response = await client.get(f"/tabs/news{query}", headers={"Accept-Language": accept_language})
    html = await response.text()

    assert f'<html lang="{expected}">' in html
    assert response.headers["Content-Language"] == expected
    title = {"en": "<title>News · Mentoring</title>", "ru": "<title>Новости · Наставничество</title>"}
    assert title[expected] in html


@pytest.mark.parametrize("path", ["/tabs/nothing", "/tabs/NEWS", "/tabs/news/extra"])
async def test_unknown_tab_is_not_found(client: TestClient, path: str) -> None:
    response = await client.get(path)

    assert response.status == 404


async def test_tabs_root_redirects_to_my_cases(client: TestClient) -> None:
    response = await client.get("/tabs", allow_redirects=False)

    assert response.status == 302
    assert response.headers["Location"] == "/tabs/my"


async def test_shell_allows_host_frame_and_origin(client: TestClient) -> None:
    response = await client.get("/tabs/news")
    html = await response.text()

    assert root_attributes(html)["host_origins"] == f"[&#34;{HOST_ORIGIN}&#34;]"
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert HOST_ORIGIN in policy


@needs_bundle
async def test_script_url_carries_content_hash(client: TestClient) -> None:
    html = await (await client.get("/tabs/news")).text()
    match = re.search(r'<script type="module" src="(/static/build/app\.js)\?v=([0-9a-f]{16})">', html)
    assert match, html
    digest = hashlib.sha256((STATIC_DIR / BUNDLE_SCRIPT).read_bytes()).hexdigest()[:16]

    assert match.group(2) == digest
    script = await client.get(f"{match.group(1)}?v={match.group(2)}")
    assert script.status == 200
    assert script.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@needs_bundle
@pytest.mark.parametrize(("encoding", "suffix"), [("gzip", ".gz"), ("br", ".br")])
async def test_bundle_served_compressed(client: TestClient, encoding: str, suffix: str) -> None:
    response = await client.get(
        "/static/build/app.js", headers={"Accept-Encoding": encoding}, auto_decompress=False
    )
    body = await response.read()

    assert response.status == 200
    assert response.headers["Content-Encoding"] == encoding
    assert response.headers["Cache-Control"] == "no-cache"
    assert body == (STATIC_DIR / f"{BUNDLE_SCRIPT}{suffix}").read_bytes()


async def test_static_stays_inside_folder(client: TestClient) -> None:
    response = await client.get("/static/../pages.py")
    other = await client.get("/static/%2e%2e/pages.py")

    assert response.status in (403, 404)
    assert other.status in (403, 404)


@needs_bundle
async def test_shell_preloads_bundle_chunks(client: TestClient) -> None:
    html = await (await client.get("/tabs/news")).text()
    preloads = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)

    assert preloads, html
    for url in preloads:
        assert url.startswith("/static/build/chunks/")
        chunk = await client.get(url)
        assert chunk.status == 200
        assert chunk.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        ('{"entry": "app.js", "preload": ["chunks/a.js"]}', ("/static/build/chunks/a.js",)),
        ('{"entry": "app.js", "preload": ["../../pages.py"]}', ()),
        ('{"entry": "app.js"}', ()),
        ("not json", ()),
    ],
)
def test_bundle_manifest_preloads(tmp_path: Path, manifest: str, expected: tuple[str, ...]) -> None:
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "manifest.json").write_text(manifest)

    assert BundleManifest(tmp_path).preload_urls() == expected


def test_bundle_manifest_missing(tmp_path: Path) -> None:
    assert BundleManifest(tmp_path).preload_urls() == ()


def test_shell_without_bundle_says_so(tmp_path: Path) -> None:
    pages = TabPages(Settings(), static_dir=tmp_path)
    html = pages.render("news", "en")

    assert "<script" not in html
    assert "The front end is not built: run bash .ci/setup on the server." in html


def test_shell_escapes_host_origins(tmp_path: Path) -> None:
    settings = Settings(extra_frame_ancestors=('http://x"><script>alert(1)</script>',))
    html = TabPages(settings, static_dir=tmp_path).render("news", "ru")

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_static_version_changes_with_content(tmp_path: Path) -> None:
    file = tmp_path / "a.js"
    file.write_text("one")
    versions = StaticVersions(tmp_path)
    first = versions.url("a.js")
    file.write_text("two!")
    second = versions.url("a.js")

    assert first == f"/static/a.js?v={hashlib.sha256(b'one').hexdigest()[:16]}"
    assert second == f"/static/a.js?v={hashlib.sha256(b'two!').hexdigest()[:16]}"
    assert versions.url("missing.js") is None


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        (None, "", "ru"),
        (None, "en", "en"),
        (None, "fr-FR, en-GB;q=0.5, ru;q=0.4", "en"),
        (None, "en;q=0, ru", "ru"),
        (None, "en;q=abc, ru;q=0.1", "ru"),
        ("en-GB", "ru", "en"),
        ("xx", "en", "ru"),
    ],
)
def test_pick_language(query: str | None, header: str, expected: str) -> None:
    assert pick_language(query, header, "ru-RU") == expected
