"""The forum API: sections, topics, replies, edits and moderation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import update

from teams_app.storage.models import ForumPost
from teams_app.workflow.forum import EDIT_WINDOW, POST_LIMIT, TITLE_LIMIT, WAY_OUT_SECTION
from tests.tabs.conftest import SignedIn, TabsClient

SECTION = "rubric:parents"
OTHER_SECTION = "rubric:assessment"
PAYLOADS = (
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "</textarea><b>bold</b> & \"quotes\" 'single'",
)


async def _json(response: Any, status: int) -> Any:
    assert response.status == status, await response.text()
    return await response.json()


async def _open_topic(
    tabs: TabsClient,
    user: SignedIn,
    title: str = "Родители не отвечают",
    body: str = "Что делать?",
    section: str = SECTION,
) -> dict[str, Any]:
    response = await tabs.request(
        "POST",
        f"/api/v1/forum/sections/{section}/topics",
        user,
        json={"title": title, "body": body},
    )
    return await _json(response, 201)


async def _reply(tabs: TabsClient, user: SignedIn, topic_id: int, body: str) -> Any:
    return await tabs.request(
        "POST", f"/api/v1/forum/topics/{topic_id}/posts", user, json={"body": body}
    )


async def _topic(tabs: TabsClient, user: SignedIn, topic_id: int, query: str = "") -> Any:
    return await tabs.request("GET", f"/api/v1/forum/topics/{topic_id}{query}", user)


# ------------------------------------------------------------------ sections


async def test_sections_list_rubrics_and_way_out(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    body = await _json(await tabs.request("GET", "/api/v1/forum/sections", teacher), 200)
    keys = [section["key"] for section in body["items"]]
    assert keys[0] == WAY_OUT_SECTION
    assert body["items"][0]["title"] == "Что делать? Ищем выход вместе"
    assert SECTION in keys
    assert len(keys) == 13
    assert body["editWindowHours"] == 24
    parents = next(section for section in body["items"] if section["key"] == SECTION)
    assert parents["rubricKey"] == "parents"
    assert parents["topicCount"] == 0
    assert parents["lastActivityAt"] is None


async def test_sections_in_english(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", locale="en-US")
    body = await _json(await tabs.request("GET", "/api/v1/forum/sections", teacher), 200)
    assert body["items"][0]["title"] == "What to do? Looking for a way out together"
    titles = {section["key"]: section["title"] for section in body["items"]}
    assert titles[SECTION] == "Interaction with parents"


async def test_sections_count_topics_and_activity(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    topic = await _open_topic(tabs, teacher)
    await _open_topic(tabs, teacher, title="Вторая тема")
    body = await _json(await tabs.request("GET", "/api/v1/forum/sections", teacher), 200)
    parents = next(section for section in body["items"] if section["key"] == SECTION)
    assert parents["topicCount"] == 2
    assert parents["lastActivityAt"] is not None
    assert parents["lastActivityAt"] >= topic["lastPostAt"]


async def test_reference_seed_is_idempotent(tabs: TabsClient) -> None:
    from teams_app.storage.seed import load_reference_data

    async with tabs.services.forum.db.transaction() as session:
        await load_reference_data(session)
    teacher = await tabs.sign_in("teacher")
    body = await _json(await tabs.request("GET", "/api/v1/forum/sections", teacher), 200)
    assert len(body["items"]) == 13


async def test_unknown_section_is_404(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    response = await tabs.request("GET", "/api/v1/forum/sections/rubric:nope/topics", teacher)
    body = await _json(response, 404)
    assert body["code"] == "not_found"
    response = await tabs.request(
        "POST", "/api/v1/forum/sections/rubric:nope/topics", teacher, json={"title": "t", "body": "b"}
    )
    assert response.status == 404


# ------------------------------------------------------------------ topics and posts


async def test_create_topic_and_read_it(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", "Мария Иванова")
    topic = await _open_topic(tabs, teacher, title="  Родители не отвечают  ", body="Текст\n\nАбзац")
    assert topic["title"] == "Родители не отвечают"
    assert topic["sectionKey"] == SECTION
    assert topic["sectionTitle"] == "Взаимодействие с родителями"
    assert topic["authorName"] == "Мария Иванова"
    assert topic["isOwn"] is True
    assert topic["postCount"] == 1
    assert topic["locked"] is False
    assert topic["canReply"] is True

    reader = await tabs.sign_in("mentor")
    page = await _json(await _topic(tabs, reader, topic["id"]), 200)
    assert page["topic"]["isOwn"] is False
    assert page["total"] == 1
    [first] = page["items"]
    assert first["body"] == "Текст\n\nАбзац"
    assert first["isFirst"] is True
    assert first["authorName"] == "Мария Иванова"
    assert first["canEdit"] is False
    assert "authorId" not in first


async def test_reply_and_paging(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor", "Ольга Смирнова")
    topic = await _open_topic(tabs, teacher)
    for number in range(4):
        post = await _json(await _reply(tabs, mentor, topic["id"], f"Ответ {number}"), 201)
        assert post["authorName"] == "Ольга Смирнова"
        assert post["isFirst"] is False
        assert post["canEdit"] is True

    page = await _json(await _topic(tabs, teacher, topic["id"], "?offset=2&limit=2"), 200)
    assert page["total"] == 5
    assert [post["body"] for post in page["items"]] == ["Ответ 1", "Ответ 2"]
    assert page["topic"]["postCount"] == 5


async def test_topics_newest_activity_first(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    old = await _open_topic(tabs, teacher, title="Старая")
    await _open_topic(tabs, teacher, title="Новая")
    await _json(await _reply(tabs, teacher, old["id"], "поднимаю"), 201)

    response = await tabs.request("GET", f"/api/v1/forum/sections/{SECTION}/topics", teacher)
    page = await _json(response, 200)
    assert [topic["title"] for topic in page["items"]] == ["Старая", "Новая"]
    assert page["total"] == 2
    assert page["section"]["key"] == SECTION
    assert page["section"]["topicCount"] == 2

    response = await tabs.request(
        "GET", f"/api/v1/forum/sections/{SECTION}/topics?offset=1&limit=1", teacher
    )
    page = await _json(response, 200)
    assert [topic["title"] for topic in page["items"]] == ["Новая"]
    assert page["total"] == 2


async def test_paging_limit_is_checked(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", locale="en-US")
    response = await tabs.request(
        "GET", f"/api/v1/forum/sections/{SECTION}/topics?limit=1000", teacher
    )
    body = await _json(response, 422)
    assert body["errors"][0]["field"] == "limit"


async def test_topic_fields_are_validated_in_russian(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    response = await tabs.request(
        "POST",
        f"/api/v1/forum/sections/{SECTION}/topics",
        teacher,
        json={"title": "т" * (TITLE_LIMIT + 1), "body": "   "},
    )
    body = await _json(response, 422)
    errors = {error["field"]: error for error in body["errors"]}
    assert errors["title"]["code"] == "too_long"
    assert errors["title"]["limit"] == TITLE_LIMIT
    assert errors["title"]["actual"] == TITLE_LIMIT + 1
    assert errors["title"]["message"] == (
        "Поле «Заголовок» должно быть не длиннее 200 символов; сейчас в нём 201."
    )
    assert errors["body"]["code"] == "required"
    assert errors["body"]["message"] == "Поле «Текст» обязательно."


async def test_topic_fields_are_validated_in_english(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", locale="en-US")
    response = await tabs.request(
        "POST",
        f"/api/v1/forum/sections/{SECTION}/topics",
        teacher,
        json={"title": "two\nlines", "body": "x" * (POST_LIMIT + 1)},
    )
    body = await _json(response, 422)
    errors = {error["field"]: error for error in body["errors"]}
    assert errors["title"]["code"] == "invalid_character"
    assert errors["title"]["message"] == "«Title» must not contain line breaks or control characters."
    assert errors["body"]["code"] == "too_long"
    assert errors["body"]["message"] == "«Text» must be at most 10,000 characters; it has 10,001."


INVISIBLE_TITLES = (
    "\u200b\u200b",
    "\u2060",
    "\ufeff",
    "\u0301\u0308",
    " \u200b\u3164\u2800 ",
)


@pytest.mark.parametrize("title", INVISIBLE_TITLES, ids=ascii)
async def test_invisible_title_is_required(tabs: TabsClient, title: str) -> None:
    teacher = await tabs.sign_in("teacher")
    response = await tabs.request(
        "POST",
        f"/api/v1/forum/sections/{SECTION}/topics",
        teacher,
        json={"title": title, "body": "Что делать?"},
    )
    body = await _json(response, 422)
    assert [(error["field"], error["code"]) for error in body["errors"]] == [("title", "required")]
    assert body["errors"][0]["message"] == "Поле «Заголовок» обязательно."
    listed = await _json(
        await tabs.request("GET", f"/api/v1/forum/sections/{SECTION}/topics", teacher), 200
    )
    assert listed["total"] == 0


async def test_invisible_body_is_required(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", locale="en-US")
    response = await tabs.request(
        "POST",
        f"/api/v1/forum/sections/{SECTION}/topics",
        teacher,
        json={"title": "Родители", "body": "\u200b\n\ufeff"},
    )
    body = await _json(response, 422)
    assert [(error["field"], error["code"]) for error in body["errors"]] == [("body", "required")]
    assert body["errors"][0]["message"] == "«Text» is required."

    topic = await _open_topic(tabs, teacher)
    body = await _json(await _reply(tabs, teacher, topic["id"], "\u2060\u0301"), 422)
    assert body["errors"][0]["code"] == "required"
    page = await _json(await _topic(tabs, teacher, topic["id"]), 200)
    assert page["total"] == 1


async def test_title_with_zero_width_inside_is_accepted(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    topic = await _open_topic(tabs, teacher, title="Род\u200bители", body="e\u0301")
    assert topic["title"] == "Род\u200bители"


async def test_body_at_limit_is_accepted(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    topic = await _open_topic(tabs, teacher, title="т" * TITLE_LIMIT, body="ё" * POST_LIMIT)
    assert len(topic["title"]) == TITLE_LIMIT
    response = await _reply(tabs, teacher, topic["id"], "x" * (POST_LIMIT + 1))
    body = await _json(response, 422)
    assert body["errors"][0]["field"] == "body"


async def test_non_text_fields_are_rejected(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    response = await tabs.request(
        "POST",
        f"/api/v1/forum/sections/{SECTION}/topics",
        teacher,
        json={"title": ["a"], "body": "\x00"},
    )
    body = await _json(response, 422)
    assert {error["field"] for error in body["errors"]} == {"title", "body"}


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_html_payloads_come_back_verbatim(tabs: TabsClient, payload: str) -> None:
    teacher = await tabs.sign_in("teacher")
    topic = await _open_topic(tabs, teacher, title=payload, body=payload)
    assert topic["title"] == payload
    reply = await _json(await _reply(tabs, teacher, topic["id"], payload), 201)
    assert reply["body"] == payload

    response = await _topic(tabs, teacher, topic["id"])
    assert response.content_type == "application/json"
    page = await _json(response, 200)
    assert page["topic"]["title"] == payload
    assert [post["body"] for post in page["items"]] == [payload, payload]
    listed = await _json(
        await tabs.request("GET", f"/api/v1/forum/sections/{SECTION}/topics", teacher), 200
    )
    assert listed["items"][0]["title"] == payload


# ------------------------------------------------------------------ editing


async def test_author_edits_own_post(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    topic = await _open_topic(tabs, teacher)
    page = await _json(await _topic(tabs, teacher, topic["id"]), 200)
    post_id = page["items"][0]["id"]
    assert page["items"][0]["canEdit"] is True

    response = await tabs.request(
        "PUT", f"/api/v1/forum/posts/{post_id}", teacher, json={"body": "Исправлено"}
    )
    post = await _json(response, 200)
    assert post["body"] == "Исправлено"
    assert post["editedAt"] is not None


async def test_other_user_cannot_edit(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    moderator = await tabs.sign_in("moderator", locale="en-US")
    topic = await _open_topic(tabs, teacher)
    page = await _json(await _topic(tabs, teacher, topic["id"]), 200)
    post_id = page["items"][0]["id"]
    for user in (await tabs.sign_in("teacher"), moderator):
        response = await tabs.request(
            "PUT", f"/api/v1/forum/posts/{post_id}", user, json={"body": "чужое"}
        )
        body = await _json(response, 403)
        assert body["code"] == "not_author"
    body = await _json(await _topic(tabs, teacher, topic["id"]), 200)
    assert body["items"][0]["body"] == "Что делать?"


async def test_edit_window_closes(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", locale="en-US")
    topic = await _open_topic(tabs, teacher)
    page = await _json(await _topic(tabs, teacher, topic["id"]), 200)
    post_id = page["items"][0]["id"]
    async with tabs.services.forum.db.transaction() as session:
        old = dt.datetime.now(dt.UTC) - EDIT_WINDOW - dt.timedelta(minutes=1)
        await session.execute(
            update(ForumPost).where(ForumPost.id == post_id).values(created_at=old)
        )

    page = await _json(await _topic(tabs, teacher, topic["id"]), 200)
    assert page["items"][0]["canEdit"] is False
    response = await tabs.request(
        "PUT", f"/api/v1/forum/posts/{post_id}", teacher, json={"body": "поздно"}
    )
    body = await _json(response, 409)
    assert body["code"] == "edit_window_closed"
    assert "24 hours" in body["detail"]


async def test_edit_is_validated(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    topic = await _open_topic(tabs, teacher)
    page = await _json(await _topic(tabs, teacher, topic["id"]), 200)
    post_id = page["items"][0]["id"]
    response = await tabs.request("PUT", f"/api/v1/forum/posts/{post_id}", teacher, json={})
    body = await _json(response, 422)
    assert body["errors"][0]["field"] == "body"


# ------------------------------------------------------------------ moderation


async def test_locked_topic_rejects_replies(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    moderator = await tabs.sign_in("moderator")
    topic = await _open_topic(tabs, teacher)
    page = await _json(await _topic(tabs, teacher, topic["id"]), 200)
    post_id = page["items"][0]["id"]

    locked = await _json(
        await tabs.request("POST", f"/api/v1/forum/topics/{topic['id']}/lock", moderator), 200
    )
    assert locked["locked"] is True
    assert locked["canReply"] is False

    for user in (teacher, moderator):
        response = await _reply(tabs, user, topic["id"], "ещё ответ")
        body = await _json(response, 409)
        assert response.content_type == "application/problem+json"
        assert body["code"] == "topic_locked"
        assert body["detail"].startswith("Эта тема закрыта")
    response = await tabs.request(
        "PUT", f"/api/v1/forum/posts/{post_id}", teacher, json={"body": "правка"}
    )
    assert (await _json(response, 409))["code"] == "topic_locked"

    english = await tabs.sign_in("teacher", locale="en-US")
    body = await _json(await _reply(tabs, english, topic["id"], "reply"), 409)
    assert body["detail"].startswith("This topic is locked")

    await _json(
        await tabs.request("POST", f"/api/v1/forum/topics/{topic['id']}/unlock", moderator), 200
    )
    await _json(await _reply(tabs, teacher, topic["id"], "снова можно"), 201)


async def test_hidden_post_disappears_for_others(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    author = await tabs.sign_in("teacher")
    moderator = await tabs.sign_in("moderator")
    topic = await _open_topic(tabs, teacher)
    reply = await _json(await _reply(tabs, author, topic["id"], "грубый ответ"), 201)

    hidden = await _json(
        await tabs.request("POST", f"/api/v1/forum/posts/{reply['id']}/hide", moderator), 200
    )
    assert hidden["hidden"] is True

    for user in (teacher, author):
        page = await _json(await _topic(tabs, user, topic["id"]), 200)
        assert [post["body"] for post in page["items"]] == ["Что делать?"]
        assert page["total"] == 1
        assert page["topic"]["postCount"] == 1
    response = await tabs.request(
        "PUT", f"/api/v1/forum/posts/{reply['id']}", author, json={"body": "исправил"}
    )
    assert response.status == 404

    page = await _json(await _topic(tabs, moderator, topic["id"]), 200)
    assert [post["hidden"] for post in page["items"]] == [False, True]
    assert page["total"] == 2

    await _json(
        await tabs.request("POST", f"/api/v1/forum/posts/{reply['id']}/unhide", moderator), 200
    )
    page = await _json(await _topic(tabs, teacher, topic["id"]), 200)
    assert page["total"] == 2


async def test_hidden_topic_disappears_for_others(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    moderator = await tabs.sign_in("moderator")
    topic = await _open_topic(tabs, teacher)
    hidden = await _json(
        await tabs.request("POST", f"/api/v1/forum/topics/{topic['id']}/hide", moderator), 200
    )
    assert hidden["hidden"] is True

    assert (await _topic(tabs, teacher, topic["id"])).status == 404
    assert (await _reply(tabs, teacher, topic["id"], "ответ")).status == 404
    listed = await _json(
        await tabs.request("GET", f"/api/v1/forum/sections/{SECTION}/topics", teacher), 200
    )
    assert listed["items"] == []
    assert listed["total"] == 0
    sections = await _json(await tabs.request("GET", "/api/v1/forum/sections", teacher), 200)
    parents = next(section for section in sections["items"] if section["key"] == SECTION)
    assert parents["topicCount"] == 0

    listed = await _json(
        await tabs.request("GET", f"/api/v1/forum/sections/{SECTION}/topics", moderator), 200
    )
    assert [item["hidden"] for item in listed["items"]] == [True]
    page = await _json(await _topic(tabs, moderator, topic["id"]), 200)
    assert page["topic"]["hidden"] is True

    await _json(
        await tabs.request("POST", f"/api/v1/forum/topics/{topic['id']}/unhide", moderator), 200
    )
    assert (await _topic(tabs, teacher, topic["id"])).status == 200


async def test_move_topic(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    moderator = await tabs.sign_in("moderator", locale="en-US")
    topic = await _open_topic(tabs, teacher)
    response = await tabs.request(
        "POST",
        f"/api/v1/forum/topics/{topic['id']}/move",
        moderator,
        json={"sectionKey": OTHER_SECTION},
    )
    moved = await _json(response, 200)
    assert moved["sectionKey"] == OTHER_SECTION
    assert moved["sectionTitle"] == "Monitoring and assessment"

    old = await _json(
        await tabs.request("GET", f"/api/v1/forum/sections/{SECTION}/topics", teacher), 200
    )
    assert old["total"] == 0
    new = await _json(
        await tabs.request("GET", f"/api/v1/forum/sections/{OTHER_SECTION}/topics", teacher), 200
    )
    assert [item["id"] for item in new["items"]] == [topic["id"]]


async def test_move_to_unknown_section_is_422(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    moderator = await tabs.sign_in("moderator", locale="en-US")
    topic = await _open_topic(tabs, teacher)
    for payload, code in (({"sectionKey": "rubric:nope"}, "unknown_choice"), ({}, "required")):
        response = await tabs.request(
            "POST", f"/api/v1/forum/topics/{topic['id']}/move", moderator, json=payload
        )
        body = await _json(response, 422)
        assert body["errors"][0]["field"] == "sectionKey"
        assert body["errors"][0]["code"] == code
        assert "Forum section" in body["errors"][0]["message"]


MODERATION = (
    ("POST", "/api/v1/forum/topics/{topic}/hide", None),
    ("POST", "/api/v1/forum/topics/{topic}/unhide", None),
    ("POST", "/api/v1/forum/topics/{topic}/lock", None),
    ("POST", "/api/v1/forum/topics/{topic}/unlock", None),
    ("POST", "/api/v1/forum/topics/{topic}/move", {"sectionKey": OTHER_SECTION}),
    ("POST", "/api/v1/forum/posts/{post}/hide", None),
    ("POST", "/api/v1/forum/posts/{post}/unhide", None),
)


@pytest.mark.parametrize(("method", "path", "payload"), MODERATION, ids=lambda v: str(v))
@pytest.mark.parametrize("role", ["teacher", "mentor"])
async def test_moderation_needs_moderator(
    tabs: TabsClient, method: str, path: str, payload: Any, role: str
) -> None:
    author = await tabs.sign_in("teacher")
    topic = await _open_topic(tabs, author)
    page = await _json(await _topic(tabs, author, topic["id"]), 200)
    post_id = page["items"][0]["id"]
    user = author if role == "teacher" else await tabs.sign_in(role)

    url = path.format(topic=topic["id"], post=post_id)
    body = await _json(await tabs.request(method, url, user, json=payload), 403)
    assert body["code"] == "forbidden"

    # Nothing changed.
    page = await _json(await _topic(tabs, author, topic["id"]), 200)
    assert page["topic"]["sectionKey"] == SECTION
    assert page["topic"]["hidden"] is False
    assert page["topic"]["locked"] is False
    assert [post["hidden"] for post in page["items"]] == [False]


async def test_service_rejects_moderation_by_teacher(tabs: TabsClient) -> None:
    from teams_app.domain.errors import NotPermitted

    teacher = await tabs.sign_in("teacher")
    topic = await _open_topic(tabs, teacher)
    forum = tabs.services.forum
    with pytest.raises(NotPermitted):
        await forum.set_topic_locked(teacher.actor, topic["id"], True)
    with pytest.raises(NotPermitted):
        await forum.set_topic_hidden(teacher.actor, topic["id"], True)
    with pytest.raises(NotPermitted):
        await forum.move_topic(teacher.actor, topic["id"], {"sectionKey": OTHER_SECTION})
    page = await forum.topic(teacher.actor, topic["id"], 0, 10)
    with pytest.raises(NotPermitted):
        await forum.set_post_hidden(teacher.actor, page.items[0].id, True)


async def test_forum_needs_sign_in(tabs: TabsClient) -> None:
    response = await tabs.request("GET", "/api/v1/forum/sections")
    assert response.status == 401


# ------------------------------------------------------------------ the section for public cases

PERSONAL_DATA = (
    "Иванова Петра из школы №57 выгнали с урока",
    "Пишите мне: maria.k@school57.ru",
    "Звоните: +7 916 123-45-67",
    "Это было в школе № 1234 на прошлой неделе",
)


async def test_way_out_rejects_personal_data_in_russian(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", "Мария Ковалёва")
    response = await tabs.request(
        "POST",
        f"/api/v1/forum/sections/{WAY_OUT_SECTION}/topics",
        teacher,
        json={
            "title": "Иванова Петра из школы №57",
            "body": "Пишите: maria.k@school57.ru или +7 916 123-45-67",
        },
    )
    body = await _json(response, 422)
    errors = {error["field"]: error for error in body["errors"]}
    assert set(errors) == {"title", "body"}
    assert errors["title"]["code"] == "personal_data"
    assert errors["body"]["code"] == "personal_data"
    assert errors["title"]["message"].startswith("Похоже, в поле «Заголовок» есть персональные")
    assert errors["body"]["message"].startswith("Похоже, в поле «Текст» есть персональные")

    listed = await _json(
        await tabs.request("GET", f"/api/v1/forum/sections/{WAY_OUT_SECTION}/topics", teacher),
        200,
    )
    assert listed["total"] == 0


async def test_way_out_rejects_personal_data_in_english(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", locale="en-US")
    response = await tabs.request(
        "POST",
        f"/api/v1/forum/sections/{WAY_OUT_SECTION}/topics",
        teacher,
        json={"title": "A pupil disrupts lessons", "body": "Write to maria.k@school57.ru"},
    )
    body = await _json(response, 422)
    assert [(error["field"], error["code"]) for error in body["errors"]] == [
        ("body", "personal_data")
    ]
    assert body["errors"][0]["message"].startswith("«Text» seems to contain personal data")


@pytest.mark.parametrize("text", PERSONAL_DATA)
async def test_way_out_reply_and_edit_reject_personal_data(tabs: TabsClient, text: str) -> None:
    teacher = await tabs.sign_in("teacher")
    topic = await _open_topic(
        tabs, teacher, "Ученик срывает уроки", "Что делать?", section=WAY_OUT_SECTION
    )
    body = await _json(await _reply(tabs, teacher, topic["id"], text), 422)
    assert body["errors"][0]["field"] == "body"
    assert body["errors"][0]["code"] == "personal_data"

    page = await _json(await _topic(tabs, teacher, topic["id"]), 200)
    assert page["total"] == 1
    post_id = page["items"][0]["id"]
    response = await tabs.request(
        "PUT", f"/api/v1/forum/posts/{post_id}", teacher, json={"body": text}
    )
    body = await _json(response, 422)
    assert body["errors"][0]["code"] == "personal_data"
    page = await _json(await _topic(tabs, teacher, topic["id"]), 200)
    assert page["items"][0]["body"] == "Что делать?"
    assert page["items"][0]["editedAt"] is None


async def test_other_sections_keep_names(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", "Мария Ковалёва")
    topic = await _open_topic(tabs, teacher, body="Спросите Иванова Петра из школы №57")
    assert topic["authorName"] == "Мария Ковалёва"
    page = await _json(await _topic(tabs, await tabs.sign_in("teacher"), topic["id"]), 200)
    assert page["items"][0]["authorName"] == "Мария Ковалёва"


async def test_way_out_shows_no_author(tabs: TabsClient) -> None:
    author = await tabs.sign_in("teacher", "Мария Ковалёва")
    replier = await tabs.sign_in("teacher", "Пётр Смирнов")
    moderator = await tabs.sign_in("moderator", "Ольга Модератор")
    topic = await _open_topic(
        tabs, author, "Ученик срывает уроки", "Что делать?", section=WAY_OUT_SECTION
    )
    assert topic["authorName"] is None
    assert topic["isOwn"] is True
    reply = await _json(await _reply(tabs, replier, topic["id"], "Поговорите с классом"), 201)
    assert reply["authorName"] is None
    assert reply["isOwn"] is True

    for reader in (author, replier, moderator):
        listed = await tabs.request(
            "GET", f"/api/v1/forum/sections/{WAY_OUT_SECTION}/topics", reader
        )
        page = await _topic(tabs, reader, topic["id"])
        for response in (listed, page):
            text = await response.text()
            assert response.status == 200, text
            assert "Ковалёва" not in text
            assert "Смирнов" not in text
            assert "authorId" not in text
        listed_body = await listed.json()
        assert [item["authorName"] for item in listed_body["items"]] == [None]
        page_body = await page.json()
        assert page_body["topic"]["authorName"] is None
        assert [post["authorName"] for post in page_body["items"]] == [None, None]
        assert page_body["topic"]["isOwn"] is (reader is author)
        assert [post["isOwn"] for post in page_body["items"]] == [
            reader is author,
            reader is replier,
        ]

    # The author still edits their own post, and the edit stays anonymous.
    post_id = page_body["items"][0]["id"]
    response = await tabs.request(
        "PUT", f"/api/v1/forum/posts/{post_id}", author, json={"body": "Что делать теперь?"}
    )
    edited = await _json(response, 200)
    assert edited["authorName"] is None
    assert edited["canEdit"] is True
    hidden = await _json(
        await tabs.request("POST", f"/api/v1/forum/posts/{post_id}/hide", moderator), 200
    )
    assert hidden["authorName"] is None


async def test_way_out_topic_stays_in_its_section(tabs: TabsClient) -> None:
    author = await tabs.sign_in("teacher", "Мария Ковалёва")
    moderator = await tabs.sign_in("moderator", locale="en-US")
    topic = await _open_topic(
        tabs, author, "Ученик срывает уроки", "Что делать?", section=WAY_OUT_SECTION
    )
    response = await tabs.request(
        "POST",
        f"/api/v1/forum/topics/{topic['id']}/move",
        moderator,
        json={"sectionKey": SECTION},
    )
    body = await _json(response, 409)
    assert body["code"] == "anonymous_topic"
    assert "shown by name" in body["detail"]
    page = await _json(await _topic(tabs, author, topic["id"]), 200)
    assert page["topic"]["sectionKey"] == WAY_OUT_SECTION
    assert page["topic"]["authorName"] is None


async def test_move_into_way_out_checks_personal_data(tabs: TabsClient) -> None:
    author = await tabs.sign_in("teacher", "Мария Ковалёва")
    moderator = await tabs.sign_in("moderator")
    named = await _open_topic(tabs, author, body="Звоните: +7 916 123-45-67")
    response = await tabs.request(
        "POST",
        f"/api/v1/forum/topics/{named['id']}/move",
        moderator,
        json={"sectionKey": WAY_OUT_SECTION},
    )
    body = await _json(response, 409)
    assert body["code"] == "personal_data"
    assert "Ничего не изменено" in body["detail"]
    page = await _json(await _topic(tabs, author, named["id"]), 200)
    assert page["topic"]["sectionKey"] == SECTION

    clean = await _open_topic(tabs, author, title="Ученик срывает уроки")
    response = await tabs.request(
        "POST",
        f"/api/v1/forum/topics/{clean['id']}/move",
        moderator,
        json={"sectionKey": WAY_OUT_SECTION},
    )
    moved = await _json(response, 200)
    assert moved["sectionKey"] == WAY_OUT_SECTION
    assert moved["authorName"] is None
