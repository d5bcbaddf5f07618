"""The mentors API: list and filters, profiles, editing, availability and photo uploads."""

from __future__ import annotations

import datetime as dt
import io
import json
import zoneinfo
from typing import Any

from aiohttp import FormData
from PIL import Image

from teams_app.images import MAX_PHOTO_BYTES, MAX_SIDE
from teams_app.storage.models import MentorProfile
from tests.tabs.conftest import SignedIn, TabsClient
from tests.tabs.test_photos import animated_gif, jpeg_with_exif, png_bomb, png_with_alpha
from tests.workflow.flow import submit

API = "/api/v1"


async def body_of(response: Any) -> Any:
    return json.loads(await response.text())


async def mentor(
    tabs: TabsClient, name: str, areas: tuple[str, ...], locale: str = "ru-RU"
) -> SignedIn:
    return await tabs.sign_in("mentor", name, areas=areas, locale=locale)


async def list_ids(tabs: TabsClient, user: SignedIn, query: str = "") -> list[int]:
    response = await tabs.request("GET", f"{API}/mentors?limit=100{query}", user)
    assert response.status == 200, await response.text()
    return [item["id"] for item in (await body_of(response))["items"]]


async def upload(
    tabs: TabsClient,
    user: SignedIn,
    mentor_id: int,
    content: bytes,
    *,
    filename: str = "photo.jpg",
    content_type: str = "image/jpeg",
    field: str = "photo",
) -> Any:
    form = FormData()
    form.add_field(field, io.BytesIO(content), filename=filename, content_type=content_type)
    return await tabs.request("POST", f"{API}/mentors/{mentor_id}/photo", user, data=form)


def errors_by_field(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {error["field"]: error for error in body["errors"]}


# ------------------------------------------------------------------ the list


async def test_list_filters_by_rubric(tabs: TabsClient) -> None:
    law = await mentor(tabs, "Ирина Законова", ("education_law",))
    parents = await mentor(tabs, "Олег Родителев", ("parents", "assessment"))
    teacher = await tabs.sign_in("teacher")

    law_ids = await list_ids(tabs, teacher, "&rubric=education_law")
    parent_ids = await list_ids(tabs, teacher, "&rubric=parents")
    all_ids = await list_ids(tabs, teacher)

    assert law.actor.user_id in law_ids
    assert parents.actor.user_id not in law_ids
    assert parents.actor.user_id in parent_ids
    assert law.actor.user_id not in parent_ids
    assert {law.actor.user_id, parents.actor.user_id} <= set(all_ids)
    assert teacher.actor.user_id not in all_ids


async def test_list_item_fields(tabs: TabsClient) -> None:
    law = await mentor(tabs, "Ирина Законова", ("education_law", "parents"))
    teacher = await tabs.sign_in("teacher")
    response = await tabs.request("GET", f"{API}/mentors?rubric=education_law&limit=100", teacher)
    body = await body_of(response)
    (item,) = [item for item in body["items"] if item["id"] == law.actor.user_id]
    # Areas come in the rubricator's order, with titles in the user's language.
    assert [area["key"] for area in item["areas"]] == ["education_law", "parents"]
    assert item["areas"][0]["title"] == "Нормативно-правовая база образования"
    assert item["availability"] == "available"
    assert item["photoUrl"] is None
    assert item["profileUrl"] == f"https://mentoring.test/mentors/{law.actor.user_id}"
    assert "email" not in json.dumps(body)


async def test_list_filters_by_availability(tabs: TabsClient) -> None:
    free = await mentor(tabs, "Анна Свободная", ("class_management",))
    away = await mentor(tabs, "Борис Отпускной", ("class_management",))
    full = await mentor(tabs, "Вера Занятая", ("class_management",))
    workflow = tabs.services.workflow
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    await workflow.set_availability(away.actor, away_until=tomorrow, max_open_cases=None)
    await workflow.set_availability(full.actor, away_until=None, max_open_cases=1)
    # An offered case counts towards the limit, so one offer fills the mentor.
    teacher = await tabs.sign_in("teacher")
    case_id = await submit(workflow, teacher.actor)
    await workflow.find_mentor(teacher.actor, case_id)
    await workflow.pick_mentor(teacher.actor, case_id, full.actor.user_id)

    ours = {free.actor.user_id, away.actor.user_id, full.actor.user_id}
    rubric = "&rubric=class_management"
    available = set(await list_ids(tabs, teacher, rubric + "&availability=available")) & ours
    away_ids = set(await list_ids(tabs, teacher, rubric + "&availability=away")) & ours
    full_ids = set(await list_ids(tabs, teacher, rubric + "&availability=full")) & ours
    assert available == {free.actor.user_id}
    assert away_ids == {away.actor.user_id}
    assert full_ids == {full.actor.user_id}

    response = await tabs.request("GET", f"{API}/mentors/{away.actor.user_id}", teacher)
    body = await body_of(response)
    assert body["availability"] == "away"
    assert body["awayUntil"] == tomorrow.isoformat()


async def test_list_paging(tabs: TabsClient) -> None:
    for index in range(5):
        await mentor(tabs, f"Пётр Страничный{index}", ("urban_projects",))
    teacher = await tabs.sign_in("teacher")
    query = f"{API}/mentors?rubric=urban_projects&limit=2"

    pages = []
    for offset in (0, 2, 4, 6):
        response = await tabs.request("GET", f"{query}&offset={offset}", teacher)
        body = await body_of(response)
        pages.append([item["id"] for item in body["items"]])
    # The demo data adds mentors of this rubric too, so the total is at least five.
    total = body["total"]
    assert total >= 5
    seen = [mentor_id for page in pages for mentor_id in page]
    assert len(seen) == len(set(seen)) == min(total, 8)
    assert all(len(page) <= 2 for page in pages)


async def test_options(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", locale="en-US")
    response = await tabs.request("GET", f"{API}/mentors/options", teacher)
    assert response.status == 200
    body = await body_of(response)
    assert len(body["rubrics"]) == 12
    assert body["rubrics"][0] == {"key": "education_law", "title": "Education law"}
    assert body["availability"] == ["available", "away", "full"]
    assert body["limits"]["motto"] == 300
    assert body["limits"]["links"] == 10
    assert body["limits"]["maxOpenCases"] == 20
    assert body["limits"]["photoBytes"] == MAX_PHOTO_BYTES


async def test_list_bad_filters(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", locale="en-US")
    cases = {
        "rubric=astrology": ("rubric", "unknown_choice"),
        "availability=sometimes": ("availability", "unknown_choice"),
        "limit=0": ("limit", "too_small"),
        "offset=-1": ("offset", "too_small"),
    }
    for query, (field, code) in cases.items():
        response = await tabs.request("GET", f"{API}/mentors?{query}", teacher)
        assert response.status == 422, query
        (error,) = (await body_of(response))["errors"]
        assert (error["field"], error["code"]) == (field, code), query


# ---------------------------------------------------------------- the profile


async def test_profile_for_others_is_public_only(tabs: TabsClient) -> None:
    law = await mentor(tabs, "Ирина Законова", ("education_law",))
    teacher = await tabs.sign_in("teacher")
    response = await tabs.request("GET", f"{API}/mentors/{law.actor.user_id}", teacher)
    assert response.status == 200
    body = await body_of(response)
    assert body["canEdit"] is False
    assert "settings" not in body
    text = json.dumps(body)
    assert "@" not in text
    assert "29:user" not in text  # the Teams user id
    assert "00000000-0000" not in text  # the Entra object id


async def test_profile_of_non_mentor_404(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    other = await tabs.sign_in("teacher")
    for path in (f"/mentors/{other.actor.user_id}", "/mentors/abc", "/mentors/999999"):
        response = await tabs.request("GET", API + path, teacher)
        assert response.status == 404, path
        assert (await body_of(response))["code"] == "not_found"


async def test_own_profile_has_settings(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Ирина Законова", ("education_law",))
    response = await tabs.request("GET", f"{API}/mentors/me", me)
    body = await body_of(response)
    assert response.status == 200
    assert body["id"] == me.actor.user_id
    assert body["canEdit"] is True
    assert body["settings"] == {"awayUntil": None, "maxOpenCases": 3, "openCases": 0}


FULL_PROFILE = {
    "lastName": "Ветрова",
    "firstName": "Анна",
    "patronymic": "Сергеевна",
    "position": "доцент",
    "university": "Городской педагогический университет",
    "institute": "Институт педагогики",
    "department": "Кафедра педагогики и психологии образования",
    "areas": ["parents", "class_management"],
    "interests": "Климат класса.\nРечевые стратегии в трудных разговорах.",
    "links": [
        {"url": "https://example.org/vetrova", "title": "Страница на сайте университета"},
        {"url": "http://example.org/projects/climate", "title": ""},
    ],
    "motto": "Правила, о которых класс договорился сам, работают лучше замечаний.",
    "publicContact": "Приёмные часы: вторник, 15:00–17:00, ауд. 312",
    "awayUntil": None,
    "maxOpenCases": 5,
}


async def test_update_every_field(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    response = await tabs.request("PATCH", f"{API}/mentors/me", me, json=FULL_PROFILE)
    assert response.status == 200, await response.text()
    body = await body_of(response)

    for key in ("lastName", "firstName", "patronymic", "position", "interests", "motto"):
        assert body[key] == FULL_PROFILE[key], key
    assert body["publicContact"] == FULL_PROFILE["publicContact"]
    assert body["fullName"] == "Анна Сергеевна Ветрова"
    assert body["workplace"] == {
        "university": "Городской педагогический университет",
        "institute": "Институт педагогики",
        "department": "Кафедра педагогики и психологии образования",
        "line": "Кафедра педагогики и психологии образования, Институт педагогики, "
        "Городской педагогический университет",
    }
    # Stored in the rubricator's order, whatever order the form sent.
    assert [area["key"] for area in body["areas"]] == ["class_management", "parents"]
    assert body["links"] == FULL_PROFILE["links"]
    assert body["settings"]["maxOpenCases"] == 5

    # A second read returns what was stored.
    again = await body_of(await tabs.request("GET", f"{API}/mentors/me", me))
    assert again == body


async def test_update_partial_keeps_others(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    await tabs.request("PATCH", f"{API}/mentors/me", me, json=FULL_PROFILE)
    response = await tabs.request("PATCH", f"{API}/mentors/me", me, json={"motto": "Новый девиз"})
    body = await body_of(response)
    assert body["motto"] == "Новый девиз"
    assert body["lastName"] == "Ветрова"
    assert len(body["links"]) == 2


async def test_update_workplace_line(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    await tabs.request("PATCH", f"{API}/mentors/me", me, json={"institute": "Институт права"})
    # The bot's candidate cards show the one-line place of work.
    async with tabs.services.workflow.db.transaction() as session:
        profile = await session.get(MentorProfile, me.actor.user_id)
        assert profile is not None
        assert profile.workplace == "Институт права"


async def test_update_errors_in_russian(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    yesterday = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    bad = {
        "lastName": "",
        "firstName": "Я" * 101,
        "position": "доцент\nи ещё строка",
        "areas": ["astrology"],
        "motto": "м" * 301,
        "links": [{"url": "javascript:alert(1)", "title": "x"}],
        "awayUntil": yesterday,
        "maxOpenCases": 21,
    }
    response = await tabs.request("PATCH", f"{API}/mentors/me", me, json=bad)
    assert response.status == 422
    body = await body_of(response)
    assert body["code"] == "validation_failed"
    errors = errors_by_field(body)
    assert errors["lastName"]["code"] == "required"
    assert errors["lastName"]["message"] == "Поле «Фамилия» обязательно."
    assert errors["firstName"]["code"] == "too_long"
    assert errors["firstName"]["limit"] == 100
    assert errors["firstName"]["message"] == (
        "Поле «Имя» должно быть не длиннее 100 символов; сейчас в нём 101."
    )
    assert errors["position"]["code"] == "invalid_character"
    assert errors["areas"]["code"] == "unknown_choice"
    assert errors["motto"]["limit"] == 300
    assert errors["linkUrl_0"]["code"] == "invalid_link"
    assert "http://" in errors["linkUrl_0"]["message"]
    assert errors["awayUntil"]["code"] == "in_the_past"
    assert errors["maxOpenCases"]["code"] == "out_of_range"
    assert errors["maxOpenCases"]["message"] == (
        "Поле «Не больше открытых кейсов» должно быть от 1 до 20."
    )

    # Nothing was stored.
    again = await body_of(await tabs.request("GET", f"{API}/mentors/me", me))
    assert again["lastName"] == "Mentor"
    assert again["settings"]["maxOpenCases"] == 3


async def test_update_errors_in_english(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",), locale="en-US")
    far = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    bad = {
        "links": [{"url": f"https://example.org/{index}"} for index in range(11)],
        "awayUntil": far,
        "maxOpenCases": "many",
        "areas": [],
        "publicContact": "x" * 501,
    }
    response = await tabs.request("PATCH", f"{API}/mentors/me", me, json=bad)
    assert response.status == 422
    errors = errors_by_field(await body_of(response))
    assert errors["links"]["message"] == (
        "«Links to works or projects»: at most 10 at a time; you chose 11."
    )
    assert errors["awayUntil"]["message"] == "«Away until» must be at most 366 days from today."
    assert errors["maxOpenCases"]["code"] == "not_a_number"
    assert errors["areas"]["message"] == "«Areas of advice»: choose at least one option."
    assert errors["publicContact"]["message"] == (
        "«Contact details shown on the profile» must be at most 500 characters; it has 501."
    )


async def test_link_checks(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",), locale="en-US")
    links = [
        {"url": "ftp://example.org/file"},
        {"url": "https://"},
        {"url": "https://exa mple.org"},
        {"url": ""},
        {"url": "https://example.org/ok", "title": "t" * 201},
        {"url": "https://example.org/ok", "title": "two\nlines"},
        "https://example.org/plain-string-is-fine",
    ]
    response = await tabs.request("PATCH", f"{API}/mentors/me", me, json={"links": links})
    errors = errors_by_field(await body_of(response))
    assert errors["linkUrl_0"]["code"] == "invalid_link"
    assert errors["linkUrl_1"]["code"] == "invalid_link"
    assert errors["linkUrl_2"]["code"] == "invalid_link"
    assert errors["linkUrl_3"]["code"] == "required"
    assert errors["linkTitle_4"]["code"] == "too_long"
    assert errors["linkTitle_4"]["message"] == (
        "«Link title» must be at most 200 characters; it has 201."
    )
    assert errors["linkTitle_5"]["code"] == "invalid_character"
    assert "linkUrl_6" not in errors


async def test_wrong_json_types(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    bad = {"motto": 5, "links": "https://example.org", "areas": {"a": 1}, "awayUntil": 20300101}
    response = await tabs.request("PATCH", f"{API}/mentors/me", me, json=bad)
    assert response.status == 422
    errors = errors_by_field(await body_of(response))
    assert errors["motto"]["code"] == "invalid"
    assert errors["links"]["code"] == "invalid"
    assert errors["areas"]["code"] == "invalid"
    assert errors["awayUntil"]["code"] == "invalid_date"


async def test_mentor_edits_only_own(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    other = await mentor(tabs, "Other Mentor", ("parents",))
    response = await tabs.request(
        "PATCH", f"{API}/mentors/{other.actor.user_id}", me, json={"motto": "чужой девиз"}
    )
    assert response.status == 403
    response = await tabs.request(
        "PATCH", f"{API}/mentors/{me.actor.user_id}", me, json={"motto": "свой девиз"}
    )
    assert response.status == 200
    response = await tabs.request("GET", f"{API}/mentors/{other.actor.user_id}", me)
    body = await body_of(response)
    assert body["motto"] == ""
    assert body["canEdit"] is False


async def test_moderator_edits_any(tabs: TabsClient) -> None:
    other = await mentor(tabs, "Other Mentor", ("parents",))
    moderator = await tabs.sign_in("moderator")
    response = await tabs.request(
        "PATCH", f"{API}/mentors/{other.actor.user_id}", moderator,
        json={"position": "профессор", "maxOpenCases": 7},
    )  # fmt: skip
    assert response.status == 200, await response.text()
    body = await body_of(response)
    assert body["position"] == "профессор"
    assert body["canEdit"] is True
    assert body["settings"]["maxOpenCases"] == 7


async def test_availability_endpoint(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    away = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    response = await tabs.request(
        "PUT", f"{API}/mentors/me/availability", me, json={"awayUntil": away, "maxOpenCases": 4}
    )
    assert response.status == 200, await response.text()
    assert await body_of(response) == {"awayUntil": away, "maxOpenCases": 4, "openCases": 0}
    # The bot's availability form reads the same values.
    stored = await tabs.services.workflow.availability(me.actor)
    assert stored == (dt.date.fromisoformat(away), 4)

    response = await tabs.request(
        "PUT", f"{API}/mentors/me/availability", me, json={"awayUntil": None, "maxOpenCases": 2}
    )
    assert (await body_of(response))["awayUntil"] is None

    response = await tabs.request("PUT", f"{API}/mentors/me/availability", me, json={})
    assert response.status == 422
    assert errors_by_field(await body_of(response))["maxOpenCases"]["code"] == "required"


async def test_away_from_today(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    # "Today" is the date in the mentor's time zone, Europe/Moscow unless they chose another.
    today = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Moscow")).date()
    response = await tabs.request(
        "PATCH", f"{API}/mentors/me", me, json={"awayUntil": today.isoformat()}
    )
    assert response.status == 200
    assert (await body_of(response))["settings"]["awayUntil"] == today.isoformat()

    yesterday = (today - dt.timedelta(days=1)).isoformat()
    response = await tabs.request("PATCH", f"{API}/mentors/me", me, json={"awayUntil": yesterday})
    assert response.status == 422
    assert errors_by_field(await body_of(response))["awayUntil"]["code"] == "in_the_past"


# -------------------------------------------------------------------- photos


async def fetch_photo(tabs: TabsClient, url: str) -> tuple[Any, bytes]:
    response = await tabs.client.get(url)
    return response, await response.read()


async def test_photo_jpeg_exif_stripped(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    response = await upload(tabs, me, me.actor.user_id, jpeg_with_exif(800, 400))
    assert response.status == 200, await response.text()
    body = await body_of(response)
    url = body["photoUrl"]
    assert url.startswith(f"/mentors/{me.actor.user_id}/photo?v=")

    photo, content = await fetch_photo(tabs, url)
    assert photo.status == 200
    assert photo.headers["Content-Type"] == "image/jpeg"
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in photo.headers["Cache-Control"]
    image = Image.open(io.BytesIO(content))
    assert image.format == "JPEG"
    assert image.size == (MAX_SIDE, MAX_SIDE)
    assert dict(image.getexif()) == {}
    assert b"Test camera" not in content
    # The orientation was applied: the red half is on top.
    red, _, blue = image.convert("RGB").getpixel((75, 10))
    assert red > 150
    assert blue < 100


async def test_photo_stable_url_revalidates(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    await upload(tabs, me, me.actor.user_id, png_with_alpha())
    stable = f"/mentors/{me.actor.user_id}/photo"
    first = await tabs.client.get(stable)
    assert first.status == 200
    assert first.headers["Cache-Control"] == "public, no-cache"
    etag = first.headers["ETag"]
    again = await tabs.client.get(stable, headers={"If-None-Match": etag})
    assert again.status == 304

    # A new photo changes the validator, so the stable address shows it.
    await upload(tabs, me, me.actor.user_id, jpeg_with_exif())
    changed = await tabs.client.get(stable, headers={"If-None-Match": etag})
    assert changed.status == 200
    assert changed.headers["Content-Type"] == "image/jpeg"


async def test_photo_png_alpha(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    response = await upload(
        tabs, me, me.actor.user_id, png_with_alpha(), filename="me.png", content_type="image/png"
    )
    assert response.status == 200
    _, content = await fetch_photo(tabs, (await body_of(response))["photoUrl"])
    image = Image.open(io.BytesIO(content))
    assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (MAX_SIDE, MAX_SIDE))
    assert b"School Street" not in content


async def test_photo_gif_first_frame(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    response = await upload(
        tabs, me, me.actor.user_id, animated_gif(), filename="me.gif", content_type="image/gif"
    )
    assert response.status == 200
    _, content = await fetch_photo(tabs, (await body_of(response))["photoUrl"])
    image = Image.open(io.BytesIO(content))
    assert getattr(image, "n_frames", 1) == 1
    assert image.width == image.height <= MAX_SIDE
    red, green, _ = image.convert("RGB").getpixel((10, 10))
    assert red > 150
    assert green < 100


async def test_photo_jpeg_named_png(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    response = await upload(
        tabs, me, me.actor.user_id, jpeg_with_exif(), filename="me.png", content_type="image/png"
    )
    assert response.status == 200
    photo, _ = await fetch_photo(tabs, (await body_of(response))["photoUrl"])
    assert photo.headers["Content-Type"] == "image/jpeg"


async def test_photo_text_named_jpg(tabs: TabsClient) -> None:
    ru = await mentor(tabs, "Test Mentor", ("education_law",))
    en = await mentor(tabs, "Test Mentor", ("education_law",), locale="en-US")
    text = b"<html><script>alert(1)</script></html>"
    response = await upload(tabs, ru, ru.actor.user_id, text)
    assert response.status == 422
    body = await body_of(response)
    assert body["code"] == "photo_unsupported_type"
    assert body["detail"].startswith("Файл не является изображением JPEG, PNG или GIF")
    assert body["errors"][0]["field"] == "photo"

    response = await upload(tabs, en, en.actor.user_id, text)
    assert (await body_of(response))["detail"].startswith("The file is not a JPEG, PNG or GIF")
    assert (await body_of(await tabs.request("GET", f"{API}/mentors/me", ru)))["photoUrl"] is None


async def test_photo_bomb_rejected(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",), locale="en-US")
    response = await upload(
        tabs, me, me.actor.user_id, png_bomb(), filename="bomb.png", content_type="image/png"
    )
    assert response.status == 422
    body = await body_of(response)
    assert body["code"] == "photo_too_many_pixels"
    assert "40 megapixels" in body["detail"]


async def test_photo_truncated_rejected(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",), locale="en-US")
    source = jpeg_with_exif(900, 900)
    response = await upload(tabs, me, me.actor.user_id, source[: len(source) // 2])
    assert response.status == 422
    body = await body_of(response)
    assert body["code"] == "photo_corrupt"
    assert "damaged or incomplete" in body["detail"]


async def test_photo_oversize_413(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",), locale="en-US")
    # Just over the limit: the declared length passes, the streamed count stops it.
    just_over = b"\xff\xd8\xff\xe0" + bytes(MAX_PHOTO_BYTES - 3)
    far_over = bytes(2 * MAX_PHOTO_BYTES)
    for content in (just_over, far_over):
        response = await upload(tabs, me, me.actor.user_id, content)
        assert response.status == 413
        body = await body_of(response)
        assert body["code"] == "photo_too_large"
        assert body["detail"] == "The photo is larger than 5 MB. Please choose a smaller file."


async def test_photo_upload_shape(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",), locale="en-US")
    path = f"{API}/mentors/{me.actor.user_id}/photo"
    response = await tabs.request("POST", path, me, json={"photo": "data"})
    assert response.status == 400
    assert (await body_of(response))["code"] == "multipart_expected"

    response = await upload(tabs, me, me.actor.user_id, jpeg_with_exif(), field="picture")
    assert response.status == 422
    assert errors_by_field(await body_of(response))["photo"]["code"] == "required"


async def test_photo_delete(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    body = await body_of(await upload(tabs, me, me.actor.user_id, jpeg_with_exif()))
    url = body["photoUrl"]
    response = await tabs.request("DELETE", f"{API}/mentors/{me.actor.user_id}/photo", me)
    assert response.status == 200
    assert (await body_of(response))["photoUrl"] is None
    photo, _ = await fetch_photo(tabs, url)
    assert photo.status == 404


async def test_photo_permissions(tabs: TabsClient) -> None:
    me = await mentor(tabs, "Test Mentor", ("education_law",))
    other = await mentor(tabs, "Other Mentor", ("parents",))
    moderator = await tabs.sign_in("moderator")

    response = await upload(tabs, me, other.actor.user_id, jpeg_with_exif())
    assert response.status == 403
    response = await tabs.request("DELETE", f"{API}/mentors/{other.actor.user_id}/photo", me)
    assert response.status == 403

    response = await upload(tabs, moderator, other.actor.user_id, jpeg_with_exif())
    assert response.status == 200
    assert (await body_of(response))["photoUrl"] is not None
