"""The news API: moderators publish, edit and unpublish; everyone signed in reads."""

from __future__ import annotations

from typing import Any

import pytest

from teams_app.domain.errors import NotPermitted
from teams_app.workflow.news import BODY_LIMIT, TITLE_LIMIT
from tests.tabs.conftest import SignedIn, TabsClient

PAYLOADS = (
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "<p>paragraph</p>\n\n&amp; &lt;b&gt;",
)


async def _json(response: Any, status: int) -> Any:
    assert response.status == status, await response.text()
    return await response.json()


async def _publish(
    tabs: TabsClient, moderator: SignedIn, title: str = "Конкурс «Педагогический дебют»",
    body: str = "Открыт приём заявок.\n\nПодробности в положении.",
) -> dict[str, Any]:
    response = await tabs.request(
        "POST", "/api/v1/news", moderator, json={"title": title, "body": body}
    )
    return await _json(response, 201)


async def test_moderator_publishes_and_teacher_reads(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator", "Елена Модератор")
    item = await _publish(tabs, moderator)
    assert item["status"] == "published"
    assert item["authorName"] == "Елена Модератор"
    assert item["publishedAt"].endswith("+00:00")
    assert item["updatedAt"] is None

    teacher = await tabs.sign_in("teacher")
    listed = await _json(await tabs.request("GET", "/api/v1/news", teacher), 200)
    assert listed["total"] == 1
    assert [entry["id"] for entry in listed["items"]] == [item["id"]]
    read = await _json(await tabs.request("GET", f"/api/v1/news/{item['id']}", teacher), 200)
    assert read["title"] == "Конкурс «Педагогический дебют»"
    assert read["body"] == "Открыт приём заявок.\n\nПодробности в положении."


async def test_list_newest_first_with_paging(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    ids = []
    for number in range(5):
        ids.append((await _publish(tabs, moderator, title=f"Новость {number}"))["id"])
    teacher = await tabs.sign_in("teacher")
    page = await _json(await tabs.request("GET", "/api/v1/news?offset=1&limit=2", teacher), 200)
    assert page["total"] == 5
    assert [item["title"] for item in page["items"]] == ["Новость 3", "Новость 2"]
    page = await _json(await tabs.request("GET", "/api/v1/news?offset=4&limit=2", teacher), 200)
    assert [item["id"] for item in page["items"]] == [ids[0]]


async def test_unpublish_hides_from_readers(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    teacher = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor")
    item = await _publish(tabs, moderator)
    kept = await _publish(tabs, moderator, title="Остаётся")

    response = await tabs.request("POST", f"/api/v1/news/{item['id']}/unpublish", moderator)
    assert (await _json(response, 200))["status"] == "unpublished"

    for user in (teacher, mentor):
        listed = await _json(await tabs.request("GET", "/api/v1/news", user), 200)
        assert [entry["id"] for entry in listed["items"]] == [kept["id"]]
        assert listed["total"] == 1
        response = await tabs.request("GET", f"/api/v1/news/{item['id']}", user)
        assert (await _json(response, 404))["code"] == "not_found"

    listed = await _json(await tabs.request("GET", "/api/v1/news", moderator), 200)
    statuses = {entry["id"]: entry["status"] for entry in listed["items"]}
    assert statuses == {item["id"]: "unpublished", kept["id"]: "published"}

    response = await tabs.request("POST", f"/api/v1/news/{item['id']}/publish", moderator)
    again = await _json(response, 200)
    assert again["status"] == "published"
    assert again["publishedAt"] == item["publishedAt"]
    assert (await tabs.request("GET", f"/api/v1/news/{item['id']}", teacher)).status == 200


async def test_moderator_edits(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    item = await _publish(tabs, moderator)
    response = await tabs.request(
        "PUT",
        f"/api/v1/news/{item['id']}",
        moderator,
        json={"title": "Новый заголовок", "body": "Новый текст"},
    )
    edited = await _json(response, 200)
    assert edited["title"] == "Новый заголовок"
    assert edited["body"] == "Новый текст"
    assert edited["updatedAt"] is not None
    assert edited["publishedAt"] == item["publishedAt"]


async def test_form_is_validated_in_both_languages(tabs: TabsClient) -> None:
    russian = await tabs.sign_in("moderator")
    english = await tabs.sign_in("moderator", locale="en-US")
    payload = {"title": "", "body": "ж" * (BODY_LIMIT + 1)}

    body = await _json(await tabs.request("POST", "/api/v1/news", russian, json=payload), 422)
    errors = {error["field"]: error for error in body["errors"]}
    assert errors["title"]["code"] == "required"
    assert errors["title"]["message"] == "Поле «Заголовок» обязательно."
    assert errors["body"]["code"] == "too_long"
    assert errors["body"]["limit"] == BODY_LIMIT
    assert errors["body"]["message"] == (
        "Поле «Текст» должно быть не длиннее 20\u00a0000 символов; сейчас в нём 20\u00a0001."
    )

    body = await _json(await tabs.request("POST", "/api/v1/news", english, json=payload), 422)
    errors = {error["field"]: error for error in body["errors"]}
    assert errors["title"]["message"] == "«Title» is required."
    assert errors["body"]["message"] == "«Text» must be at most 20,000 characters; it has 20,001."

    long_title = {"title": "t" * (TITLE_LIMIT + 1), "body": "text"}
    body = await _json(await tabs.request("POST", "/api/v1/news", english, json=long_title), 422)
    assert [error["field"] for error in body["errors"]] == ["title"]

    listed = await _json(await tabs.request("GET", "/api/v1/news", english), 200)
    assert listed["total"] == 0


async def test_edit_is_validated(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    item = await _publish(tabs, moderator)
    response = await tabs.request(
        "PUT", f"/api/v1/news/{item['id']}", moderator, json={"title": "ok"}
    )
    body = await _json(response, 422)
    assert [error["field"] for error in body["errors"]] == ["body"]
    read = await _json(await tabs.request("GET", f"/api/v1/news/{item['id']}", moderator), 200)
    assert read["title"] == item["title"]


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_html_payloads_come_back_verbatim(tabs: TabsClient, payload: str) -> None:
    moderator = await tabs.sign_in("moderator")
    item = await _publish(tabs, moderator, title=payload.replace("\n", " "), body=payload)
    teacher = await tabs.sign_in("teacher")
    response = await tabs.request("GET", f"/api/v1/news/{item['id']}", teacher)
    assert response.content_type == "application/json"
    read = await _json(response, 200)
    assert read["title"] == payload.replace("\n", " ")
    assert read["body"] == payload


@pytest.mark.parametrize("role", ["teacher", "mentor"])
async def test_readers_cannot_write(tabs: TabsClient, role: str) -> None:
    moderator = await tabs.sign_in("moderator")
    item = await _publish(tabs, moderator)
    user = await tabs.sign_in(role)
    attempts = (
        ("POST", "/api/v1/news", {"title": "t", "body": "b"}),
        ("PUT", f"/api/v1/news/{item['id']}", {"title": "t", "body": "b"}),
        ("POST", f"/api/v1/news/{item['id']}/unpublish", None),
        ("POST", f"/api/v1/news/{item['id']}/publish", None),
    )
    for method, path, payload in attempts:
        body = await _json(await tabs.request(method, path, user, json=payload), 403)
        assert body["code"] == "forbidden"
    listed = await _json(await tabs.request("GET", "/api/v1/news", user), 200)
    assert listed["total"] == 1
    assert listed["items"][0]["title"] == item["title"]
    assert listed["items"][0]["status"] == "published"


async def test_service_rejects_teacher(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    news = tabs.services.news
    with pytest.raises(NotPermitted):
        await news.publish(teacher.actor, {"title": "t", "body": "b"})


async def test_news_needs_sign_in(tabs: TabsClient) -> None:
    assert (await tabs.request("GET", "/api/v1/news")).status == 401
