"""What a mentor learns about the teacher: nothing in an anonymous case, the name in a personal one."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from teams_app.domain.enums import Role
from teams_app.storage.models import User
from teams_app.workflow import Workflow
from teams_app.workflow.views import Actor, CaseView, Outcome
from tests.factories import CASE_FORM, make_mentor, make_user
from tests.workflow.flow import REFLECTION, answer_round, ask_one_question, offer_of

TEACHER_NAME = "Анна Петрова"
TEACHER_EMAIL = "anna.petrova@school-1234.example"


def strings_in(value: Any) -> Iterator[str]:
    """Yield every string inside a view, walking dataclasses, mappings and sequences."""
    if isinstance(value, enum.Enum):
        yield str(value.value)
    elif isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from strings_in(getattr(value, field.name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from strings_in(item)


async def teacher_secrets(workflow: Workflow, teacher: Actor) -> dict[str, str]:
    async with workflow.db.transaction() as session:
        user = await session.scalar(select(User).where(User.id == teacher.user_id))
        assert user is not None
        assert user.email is not None
        assert user.teams_user_id is not None
        assert user.aad_object_id is not None
        return {
            "display name": user.display_name,
            "last name": user.display_name.split()[-1],
            "e-mail": user.email,
            "teams id": user.teams_user_id,
            "aad id": user.aad_object_id,
        }


def assert_no_secret(value: Any, secrets: dict[str, str]) -> None:
    texts = list(strings_in(value))
    text = repr(value)
    for label, secret in secrets.items():
        assert not any(secret in item for item in texts), f"{label} found in {value!r}"
        assert secret not in text, f"{label} found in the repr"


def mentor_notifications(outcome: Outcome, mentor: Actor) -> list[Any]:
    return [n for n in outcome.notifications if n.recipient_id == mentor.user_id]


async def test_anonymous_case_hides_teacher(workflow: Workflow) -> None:
    teacher = await make_user(workflow, TEACHER_NAME, email=TEACHER_EMAIL)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    secrets = await teacher_secrets(workflow, teacher)
    seen: list[Any] = []

    outcome = await workflow.submit_case(teacher, {**CASE_FORM, "privacy": "anonymous"})
    case_id = outcome.case_id
    assert case_id is not None
    await workflow.find_mentor(teacher, case_id)
    outcome = await workflow.pick_mentor(teacher, case_id, mentor.user_id)
    seen.append(mentor_notifications(outcome, mentor))
    seen.append(await workflow.case_view(mentor, case_id))
    outcome = await workflow.accept(mentor, offer_of(outcome))
    seen.append(mentor_notifications(outcome, mentor))
    round_id = await ask_one_question(workflow, mentor, case_id, "Сколько детей в классе?")
    outcome = await answer_round(workflow, teacher, case_id, round_id)
    seen.append(mentor_notifications(outcome, mentor))
    outcome = await workflow.keep_version(teacher, case_id)
    seen.append(mentor_notifications(outcome, mentor))
    await workflow.write_solution(mentor, case_id, "Ритуал начала урока.")
    view = await workflow.case_view(mentor, case_id)
    seen.append(view)
    seen.append(await workflow.mentor_requests(mentor))
    outcome = await workflow.complete(teacher, case_id, {**REFLECTION, "usefulness": "5"})
    seen.append(mentor_notifications(outcome, mentor))
    seen.append(await workflow.case_view(mentor, case_id))

    assert view.teacher is None
    assert view.viewer_relation == "mentor"
    assert len(view.question_rounds) == 1
    assert len(view.solutions) == 1
    for item in seen:
        assert_no_secret(item, secrets)


async def test_declined_mentor_sees_no_teacher(workflow: Workflow) -> None:
    teacher = await make_user(workflow, TEACHER_NAME, email=TEACHER_EMAIL)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    secrets = await teacher_secrets(workflow, teacher)
    outcome = await workflow.submit_case(teacher, {**CASE_FORM, "privacy": "anonymous"})
    case_id = outcome.case_id
    assert case_id is not None
    await workflow.find_mentor(teacher, case_id)
    assignment_id = offer_of(await workflow.pick_mentor(teacher, case_id, mentor.user_id))
    await workflow.decline(mentor, assignment_id, "Не моя тема")

    view = await workflow.case_view(mentor, case_id)

    assert view.teacher is None
    assert_no_secret(view, secrets)


async def test_teacher_and_moderator_see_teacher(workflow: Workflow) -> None:
    teacher = await make_user(workflow, TEACHER_NAME, email=TEACHER_EMAIL)
    moderator = await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))
    outcome = await workflow.submit_case(teacher, {**CASE_FORM, "privacy": "anonymous"})
    case_id = outcome.case_id
    assert case_id is not None

    own = await workflow.case_view(teacher, case_id)
    moderated = await workflow.case_view(moderator, case_id)

    assert own.teacher is not None
    assert own.teacher.display_name == TEACHER_NAME
    # The walk over a view finds the identity where it is present.
    found = list(strings_in(own))
    assert TEACHER_NAME in found
    assert TEACHER_EMAIL in found
    assert moderated.teacher is not None
    assert moderated.teacher.email == TEACHER_EMAIL


async def test_personal_case_shows_teacher(workflow: Workflow) -> None:
    teacher = await make_user(workflow, TEACHER_NAME, email=TEACHER_EMAIL)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    outcome = await workflow.submit_case(teacher, {**CASE_FORM, "privacy": "personal"})
    case_id = outcome.case_id
    assert case_id is not None
    await workflow.find_mentor(teacher, case_id)
    offer = await workflow.pick_mentor(teacher, case_id, mentor.user_id)
    await workflow.accept(mentor, offer_of(offer))

    view = await workflow.case_view(mentor, case_id)

    assert view.teacher is not None
    assert view.teacher.user_id == teacher.user_id
    assert view.teacher.display_name == TEACHER_NAME
    assert view.teacher.email == TEACHER_EMAIL
    assert view.teacher.chat_link == (
        f"https://teams.microsoft.com/l/chat/0/0?users={TEACHER_EMAIL}"
    )


async def test_personal_chat_link_without_email(workflow: Workflow) -> None:
    teacher = await make_user(workflow, TEACHER_NAME)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    outcome = await workflow.submit_case(teacher, {**CASE_FORM, "privacy": "personal"})
    case_id = outcome.case_id
    assert case_id is not None
    await workflow.find_mentor(teacher, case_id)
    offer = await workflow.pick_mentor(teacher, case_id, mentor.user_id)
    await workflow.accept(mentor, offer_of(offer))

    view: CaseView = await workflow.case_view(mentor, case_id)

    assert view.teacher is not None
    assert view.teacher.aad_object_id is not None
    assert view.teacher.chat_link == (
        "https://teams.microsoft.com/l/chat/0/0?users=8:orgid:" + view.teacher.aad_object_id
    )
