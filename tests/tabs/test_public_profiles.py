"""Public mentor pages: every field, escaping, languages, nothing private, 404s and photos."""

from __future__ import annotations

import html
import re
from typing import Any

from sqlalchemy import select

from teams_app.storage.models import MentorProfile, User
from tests.tabs.conftest import SignedIn, TabsClient
from tests.tabs.test_photos import jpeg_with_exif

API = "/api/v1"

PROFILE = {
    "lastName": "Ветрова",
    "firstName": "Анна",
    "patronymic": "Сергеевна",
    "position": "доцент",
    "university": "Городской педагогический университет",
    "institute": "Институт педагогики",
    "department": "Кафедра педагогики и психологии образования",
    "areas": ["class_management", "parents"],
    "interests": "Климат класса и договорённости с учениками.",
    "links": [{"url": "https://example.org/vetrova", "title": "Страница на сайте"}],
    "motto": "Правила, о которых класс договорился сам, работают лучше замечаний.",
    "publicContact": "Приёмные часы: вторник, ауд. 312",
}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PAYLOAD = "<script>alert('x')</script><b onmouseover=alert(1)>жирный</b>"


async def edited_mentor(tabs: TabsClient, changes: dict[str, Any] | None = None) -> SignedIn:
    me = await tabs.sign_in("mentor", "Test Mentor", areas=("class_management",))
    response = await tabs.request(
        "PATCH", f"{API}/mentors/me", me, json={**PROFILE, **(changes or {})}
    )
    assert response.status == 200, await response.text()
    return me


async def page(tabs: TabsClient, path: str, **headers: str) -> tuple[int, str, Any]:
    response = await tabs.client.get(path, headers=headers)
    return response.status, await response.text(), response.headers


def title_of(text: str) -> str:
    match = re.search(r"<title>(.*?)</title>", text, re.S)
    assert match is not None
    return html.unescape(match.group(1))


async def set_email(tabs: TabsClient, user_id: int, email: str) -> None:
    async with tabs.services.workflow.db.transaction() as session:
        user = await session.get(User, user_id)
        assert user is not None
        user.email = email


# ------------------------------------------------------------------ profile


async def test_profile_shows_every_field(tabs: TabsClient) -> None:
    me = await edited_mentor(tabs)
    await tabs.request("POST", f"{API}/mentors/{me.actor.user_id}/photo", me, data={
        "photo": jpeg_with_exif(),
    })  # fmt: skip
    status, text, headers = await page(tabs, f"/mentors/{me.actor.user_id}")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert title_of(text) == "Ветрова Анна Сергеевна · Наставники · Кейс-наставничество для молодых учителей"
    assert "<h1>Ветрова Анна Сергеевна</h1>" in text
    for value in (
        "доцент",
        "Городской педагогический университет",
        "Институт педагогики",
        "Кафедра педагогики и психологии образования",
        "Управление классом и мотивация",
        "Взаимодействие с родителями",
        "Климат класса и договорённости с учениками.",
        'href="https://example.org/vetrova"',
        "Страница на сайте",
        "Правила, о которых класс договорился сам, работают лучше замечаний.",
        "Приёмные часы: вторник, ауд. 312",
        f'src="/mentors/{me.actor.user_id}/photo?v=',
    ):
        assert value in text, value


async def test_profile_needs_no_sign_in(tabs: TabsClient) -> None:
    me = await edited_mentor(tabs)
    status, text, headers = await page(tabs, f"/mentors/{me.actor.user_id}")
    assert status == 200
    assert "frame-ancestors" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    # The page works without JavaScript and loads none.
    assert "<script" not in text


async def test_html_in_fields_escaped(tabs: TabsClient) -> None:
    me = await edited_mentor(
        tabs,
        {
            "motto": PAYLOAD,
            "interests": PAYLOAD,
            "publicContact": PAYLOAD,
            "position": PAYLOAD,
            "links": [{"url": "https://example.org/?q=\"><script>x</script>", "title": PAYLOAD}],
        },
    )
    status, text, _ = await page(tabs, f"/mentors/{me.actor.user_id}")
    assert status == 200
    assert "<script" not in text
    assert "<b " not in text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in text
    assert 'href="https://example.org/?q=&#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in text


async def test_no_email_or_ids(tabs: TabsClient) -> None:
    me = await edited_mentor(tabs, {"publicContact": ""})
    await set_email(tabs, me.actor.user_id, "anna.vetrova@school.example")
    for path in (f"/mentors/{me.actor.user_id}", "/mentors?rubric=class_management"):
        status, text, _ = await page(tabs, path)
        assert status == 200
        assert "anna.vetrova" not in text, path
        assert EMAIL.search(text) is None, path
        assert "29:user" not in text, path
        assert "00000000-0000" not in text, path


async def test_contact_only_when_chosen(tabs: TabsClient) -> None:
    me = await edited_mentor(tabs, {"publicContact": ""})
    _, text, _ = await page(tabs, f"/mentors/{me.actor.user_id}")
    assert "Контакты" not in text
    await tabs.request("PATCH", f"{API}/mentors/me", me, json={"publicContact": "vetrova@example.org"})
    _, text, _ = await page(tabs, f"/mentors/{me.actor.user_id}")
    assert "Контакты" in text
    assert "vetrova@example.org" in text


async def test_stored_unsafe_link_dropped(tabs: TabsClient) -> None:
    me = await edited_mentor(tabs)
    # Written past the API's checks, as an old or imported row might be.
    async with tabs.services.workflow.db.transaction() as session:
        profile = await session.get(MentorProfile, me.actor.user_id)
        assert profile is not None
        profile.links = ["javascript:alert(1)", {"url": "data:text/html,x", "title": "t"}]
    _, text, _ = await page(tabs, f"/mentors/{me.actor.user_id}")
    assert "javascript:" not in text
    assert "data:text" not in text


async def test_profile_in_english(tabs: TabsClient) -> None:
    me = await edited_mentor(tabs)
    path = f"/mentors/{me.actor.user_id}"
    for query, headers in (("?lang=en", {}), ("", {"Accept-Language": "en-GB,en;q=0.9,ru;q=0.5"})):
        status, text, response_headers = await page(tabs, path + query, **headers)
        assert status == 200
        assert '<html lang="en">' in text
        assert response_headers["Content-Language"] == "en"
        assert title_of(text) == "Анна Сергеевна Ветрова · Mentors · Case mentoring for young teachers"
        assert "Areas of advice" in text
        assert "Class management and motivation" in text
        assert "Place of work" in text


async def test_profile_in_russian_by_default(tabs: TabsClient) -> None:
    me = await edited_mentor(tabs)
    _, text, _ = await page(tabs, f"/mentors/{me.actor.user_id}", **{"Accept-Language": "de-DE"})
    assert '<html lang="ru">' in text
    assert "Области консультирования" in text
    # The language switch keeps the page.
    assert f'href="/mentors/{me.actor.user_id}?lang=en"' in text


async def test_unknown_profile_404(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    for path in ("/mentors/999999", "/mentors/abc", f"/mentors/{teacher.actor.user_id}"):
        status, text, _ = await page(tabs, path)
        assert status == 404, path
        assert title_of(text).startswith("Профиль не найден"), path
    status, text, _ = await page(tabs, "/mentors/999999?lang=en")
    assert title_of(text).startswith("Profile not found")


async def test_demo_profile_workplace_parts(tabs: TabsClient) -> None:
    # The demo mentors store the place of work in one line.
    async with tabs.services.workflow.db.transaction() as session:
        profile = await session.scalar(select(MentorProfile).where(MentorProfile.last_name == "Ветрова"))
        assert profile is not None
        mentor_id = profile.user_id
    _, text, _ = await page(tabs, f"/mentors/{mentor_id}")
    assert "<dt>Университет</dt><dd>Городской педагогический университет</dd>" in text
    assert "<dt>Институт</dt><dd>Институт педагогики</dd>" in text
    assert 'href="https://example.org/people/vetrova-as"' in text


# --------------------------------------------------------------------- list


async def test_list_filters_by_rubric(tabs: TabsClient) -> None:
    me = await edited_mentor(tabs, {"areas": ["families_at_risk"], "lastName": "Рискова"})
    other = await edited_mentor(tabs, {"areas": ["digital_technologies"], "lastName": "Цифрова"})
    status, text, _ = await page(tabs, "/mentors?rubric=families_at_risk")
    assert status == 200
    assert f'href="/mentors/{me.actor.user_id}?lang=ru"' in text
    assert f'href="/mentors/{other.actor.user_id}?lang=ru"' not in text
    assert '<option value="families_at_risk" selected>' in text
    assert title_of(text).startswith("Наставники")

    # An unknown rubric lists everyone.
    status, text, _ = await page(tabs, "/mentors?rubric=astrology")
    assert status == 200
    assert f'href="/mentors/{other.actor.user_id}?lang=ru"' in text


async def test_list_paging(tabs: TabsClient) -> None:
    for index in range(22):
        await tabs.sign_in("mentor", f"Mentor{index:02d} Paged", areas=("assessment",))
    _, first, _ = await page(tabs, "/mentors?rubric=assessment&lang=en")
    assert "Page 1 of 2" in first
    assert 'href="/mentors?lang=en&amp;rubric=assessment&amp;page=2" rel="next"' in first
    _, second, _ = await page(tabs, "/mentors?rubric=assessment&lang=en&page=2")
    assert "Page 2 of 2" in second
    assert 'rel="prev"' in second
    first_ids = set(re.findall(r'href="/mentors/(\d+)\?', first))
    second_ids = set(re.findall(r'href="/mentors/(\d+)\?', second))
    assert len(first_ids) == 20
    assert first_ids.isdisjoint(second_ids)


# -------------------------------------------------------------------- photo


async def test_photo_404_without_photo(tabs: TabsClient) -> None:
    me = await edited_mentor(tabs)
    teacher = await tabs.sign_in("teacher")
    for path in (
        f"/mentors/{me.actor.user_id}/photo",
        f"/mentors/{teacher.actor.user_id}/photo",
        "/mentors/x/photo",
    ):
        status, _, _ = await page(tabs, path)
        assert status == 404, path
