"""No tab API response about an anonymous case reveals the teacher to a mentor or a moderator.

One anonymous case walks its whole life through the tab API as the teacher,
three mentors and a moderator: a decline, a moderator's assignment,
questions and answers, a redefinition, a solution with a material, a second
opinion, a second assignment and the reflection. Every JSON body a mentor or
the moderator received is then searched for the teacher's name, e-mail and
Teams, Entra and tenant ids, and for keys that would carry a user id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from teams_app.storage.models import User
from tests.tabs.test_my_cases import (  # noqa: F401  (the fixtures are used by name)
    AREA,
    CASE_BODY,
    REFLECTION_BODY,
    CaseTabs,
    TabUser,
    add_material,
    connector,
    tabs,
)

TEACHER_NAME = "Зинаида Квашнина"
TEACHER_EMAIL = "z.kvashnina@school-1234.example"
# Keys that would carry the identity of a user other than a mentor.
IDENTITY_KEYS = {
    "teacher",
    "teacherId",
    "teacher_id",
    "teacherName",
    "userId",
    "user_id",
    "authorId",
    "email",
    "aadObjectId",
    "tenantId",
    "teamsUserId",
    "chatLink",
}


def keys_in(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from keys_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_in(item)


async def teacher_secrets(tabs: CaseTabs, teacher: TabUser) -> dict[str, str]:
    async with tabs.services.workflow.db.transaction() as session:
        user = await session.scalar(select(User).where(User.id == teacher.id))
    assert user is not None
    assert user.email == TEACHER_EMAIL
    assert user.teams_user_id
    assert user.aad_object_id
    assert user.tenant_id
    return {
        "display name": user.display_name,
        "last name": user.display_name.split()[-1],
        "e-mail": user.email,
        "teams id": user.teams_user_id,
        "aad id": user.aad_object_id,
        "tenant id": user.tenant_id,
    }


def check_responses(tabs: CaseTabs, readers: list[TabUser], secrets: dict[str, str]) -> int:
    """Assert that no response to ``readers`` contains a secret or an identity key; count them."""
    reader_ids = {reader.id for reader in readers}
    checked = 0
    for user, request, text in tabs.responses:
        if user.id not in reader_ids:
            continue
        checked += 1
        for label, secret in secrets.items():
            assert secret not in text, f"{label} in the response to {request}"
        body = json.loads(text) if text else None
        leaked = IDENTITY_KEYS & set(keys_in(body))
        assert leaked == set(), f"{leaked} in the response to {request}"
    return checked


def check_chats(tabs: CaseTabs, readers: list[TabUser], secrets: dict[str, str]) -> int:
    """Assert that no card or message the bot sent to ``readers`` contains a secret; count them."""
    checked = 0
    for reader in readers:
        for text in tabs.texts_to(reader):
            checked += 1
            for label, secret in secrets.items():
                assert secret not in text, f"{label} in a message to user {reader.id}"
    return checked


async def test_anonymous_case_hides_teacher_everywhere(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in("teacher", TEACHER_NAME, email=TEACHER_EMAIL)
    first = await tabs.sign_in("mentor", "Наталья Орлова", areas=(AREA,))
    second = await tabs.sign_in("mentor", "Ольга Правова", areas=("education_law",))
    third = await tabs.sign_in("mentor", "Пётр Третий", areas=("parents",))
    moderator = await tabs.sign_in("moderator", "Мария Модератор")
    secrets = await teacher_secrets(tabs, teacher)
    material = await add_material(tabs, "Правила класса", [AREA])

    # The teacher submits and offers the case to the only matching mentor.
    case = await tabs.call("POST", "/cases", teacher, json_body=CASE_BODY, status=201)
    case_id = case["id"]
    await tabs.call("POST", f"/cases/{case_id}/find-mentor", teacher)
    await tabs.call("GET", f"/cases/{case_id}/candidates", teacher)
    await tabs.call("POST", f"/cases/{case_id}/mentor", teacher, json_body={"mentorId": first.id})

    # The first mentor looks at the offer and declines it.
    offers = await tabs.call("GET", "/mentoring/offers", first)
    assignment_id = offers["items"][0]["id"]
    await tabs.call("GET", f"/cases/{case_id}", first)
    await tabs.call("GET", f"/cases/{case_id}/history", first)
    await tabs.call(
        "POST",
        f"/mentoring/offers/{assignment_id}/decline",
        first,
        json_body={"declineReason": "Нет времени"},
    )
    await tabs.call("GET", "/mentoring/cases?scope=past", first)

    # Nobody else matches, so the moderator assigns the second mentor.
    await tabs.call("GET", "/mentoring/moderation/cases", moderator)
    await tabs.call("GET", f"/cases/{case_id}", moderator)
    await tabs.call("GET", f"/cases/{case_id}/history", moderator)
    await tabs.call("GET", "/mentoring/moderation/mentors", moderator)
    await tabs.call(
        "POST",
        f"/mentoring/moderation/cases/{case_id}/mentor",
        moderator,
        json_body={"mentorId": second.id},
    )

    # The second mentor asks questions; the teacher answers and redefines.
    await tabs.call("GET", "/mentoring/cases", second)
    await tabs.call("GET", f"/cases/{case_id}", second)
    suggested = await tabs.call("GET", f"/mentoring/cases/{case_id}/suggested-questions", second)
    page = await tabs.call(
        "POST",
        f"/mentoring/cases/{case_id}/questions",
        second,
        json_body={"suggestedKeys": [suggested[0]["key"]], "customQuestions": ["Сколько детей?"]},
    )
    question_round = page["questionRounds"][-1]
    answers = {str(q["id"]): f"Ответ {q['id']}" for q in question_round["questions"]}
    await tabs.call(
        "POST",
        f"/cases/{case_id}/rounds/{question_round['id']}/answers",
        teacher,
        json_body={"answers": answers},
    )
    await tabs.call(
        "POST",
        f"/cases/{case_id}/revisions",
        teacher,
        json_body={**CASE_BODY, "question": "Как договориться с классом о правилах?"},
        status=201,
    )

    # The second mentor writes a solution with a library material.
    await tabs.call("GET", f"/cases/{case_id}", second)
    await tabs.call("GET", f"/mentoring/cases/{case_id}/materials", second)
    await tabs.call(
        "POST",
        f"/mentoring/cases/{case_id}/solutions",
        second,
        json_body={"solution": "Договоритесь о трёх правилах.", "materialIds": [material]},
    )
    await tabs.call("GET", f"/cases/{case_id}/history", second)

    # A second opinion finds no candidate, and the moderator assigns the third mentor.
    await tabs.call("POST", f"/cases/{case_id}/second-opinion", teacher)
    await tabs.call("GET", "/mentoring/moderation/cases", moderator)
    await tabs.call(
        "POST",
        f"/mentoring/moderation/cases/{case_id}/mentor",
        moderator,
        json_body={"mentorId": third.id},
    )
    await tabs.call("GET", f"/cases/{case_id}", third)
    await tabs.call(
        "POST",
        f"/mentoring/cases/{case_id}/solutions",
        third,
        json_body={"solution": "Поговорите с родителями на собрании."},
    )

    # The teacher completes the case; everyone looks back at it.
    final = await tabs.call(
        "POST", f"/cases/{case_id}/completion", teacher, json_body=REFLECTION_BODY
    )
    assert final["status"] == "completed"
    assert len(final["solutions"]) == 2
    for reader in (first, second, third, moderator):
        await tabs.call("GET", f"/cases/{case_id}", reader)
        await tabs.call("GET", f"/cases/{case_id}/history", reader)
    for mentor in (first, second, third):
        await tabs.call("GET", "/mentoring/cases?scope=past", mentor)

    readers = [first, second, third, moderator]
    assert check_responses(tabs, readers, secrets) >= 30
    assert check_chats(tabs, readers, secrets) >= 5


async def test_personal_case_names_teacher_to_mentor(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in("teacher", TEACHER_NAME, email=TEACHER_EMAIL)
    mentor = await tabs.sign_in("mentor", "Наталья Орлова", areas=(AREA,))
    case = await tabs.call(
        "POST", "/cases", teacher, json_body={**CASE_BODY, "privacy": "personal"}, status=201
    )
    await tabs.call("POST", f"/cases/{case['id']}/find-mentor", teacher)
    await tabs.call("POST", f"/cases/{case['id']}/mentor", teacher, json_body={"mentorId": mentor.id})
    page = await tabs.call("GET", f"/cases/{case['id']}", mentor)
    assert page["teacher"]["displayName"] == TEACHER_NAME
    assert page["teacher"]["email"] == TEACHER_EMAIL
    assert page["teacher"]["chatLink"].startswith("https://teams.microsoft.com/l/chat/")
    history = await tabs.call("GET", f"/cases/{case['id']}/history", mentor)
    assert TEACHER_NAME not in json.dumps(history, ensure_ascii=False)
