"""Actions that must change nothing: withdrawn cases, stale cards, retries, strangers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from teams_app.domain.enums import AssignmentStatus, CaseStatus, Role
from teams_app.domain.errors import AlreadyProcessed, NotPermitted, StaleAction, ValidationFailed
from teams_app.storage.models import Case
from teams_app.workflow import Workflow
from teams_app.workflow.views import Actor
from tests.factories import CASE_FORM, make_mentor, make_user
from tests.workflow.flow import (
    REFLECTION,
    accepted_case,
    answer_round,
    answered_case,
    ask_one_question,
    assignment_status,
    case_state,
    choosing_case,
    offered_case,
    solved_case,
    submit,
)


async def _case_count(workflow: Workflow) -> int:
    async with workflow.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(Case)) or 0)


# ------------------------------------------------------------------ withdraw


async def test_withdraw_closes_offer(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, assignment_id = await offered_case(workflow, teacher, mentor)

    outcome = await workflow.withdraw(teacher, case_id)

    assert await assignment_status(workflow, assignment_id) == AssignmentStatus.CLOSED
    assert [n.recipient_id for n in outcome.notifications] == [mentor.user_id]
    assert (await case_state(workflow, case_id)).status == CaseStatus.WITHDRAWN
    assert await workflow.mentor_requests(mentor) == []


async def test_withdraw_closes_accepted_assignment(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, assignment_id = await accepted_case(workflow, teacher, mentor)
    await ask_one_question(workflow, mentor, case_id, "Сколько детей?")

    await workflow.withdraw(teacher, case_id)

    assert await assignment_status(workflow, assignment_id) == AssignmentStatus.CLOSED
    view = await workflow.case_view(teacher, case_id)
    assert view.status == CaseStatus.WITHDRAWN
    assert view.holder is None


async def test_withdraw_frees_the_mentor(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    other_teacher = await make_user(workflow, "Иван Смирнов")
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    await workflow.set_availability(mentor, away_until=None, max_open_cases=1)
    case_id, _ = await accepted_case(workflow, teacher, mentor)

    await workflow.withdraw(teacher, case_id)
    other_case = await choosing_case(workflow, other_teacher)

    candidates = await workflow.candidates(other_case, "ru-RU")
    assert [c.user_id for c in candidates] == [mentor.user_id]


async def test_withdraw_new_case_notifies_nobody(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    case_id = await submit(workflow, teacher)

    outcome = await workflow.withdraw(teacher, case_id)

    assert outcome.notifications == ()
    assert (await case_state(workflow, case_id)).status == CaseStatus.WITHDRAWN


async def test_withdraw_twice_is_stale(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    case_id = await submit(workflow, teacher)
    await workflow.withdraw(teacher, case_id)
    before = await case_state(workflow, case_id)

    with pytest.raises(StaleAction):
        await workflow.withdraw(teacher, case_id)

    assert await case_state(workflow, case_id) == before


# ------------------------------------------------------------- stale actions


async def test_accept_after_withdraw_is_stale(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, assignment_id = await offered_case(workflow, teacher, mentor)
    await workflow.withdraw(teacher, case_id)
    before = await case_state(workflow, case_id)

    with pytest.raises(StaleAction) as raised:
        await workflow.accept(mentor, assignment_id)
    with pytest.raises(StaleAction):
        await workflow.decline(mentor, assignment_id, "Поздно")

    assert raised.value.fields["status"] == "withdrawn"
    assert await case_state(workflow, case_id) == before


async def test_answer_twice_is_stale(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, _ = await accepted_case(workflow, teacher, mentor)
    round_id = await answered_case(workflow, teacher, mentor, case_id)
    before = await case_state(workflow, case_id)

    with pytest.raises(StaleAction):
        await answer_round(workflow, teacher, case_id, round_id, "Другой ответ")

    assert await case_state(workflow, case_id) == before
    view = await workflow.case_view(teacher, case_id)
    (question,) = view.question_rounds[0].questions
    assert question.answer == f"Ответ {question.id}"


async def test_accept_twice_is_stale(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, assignment_id = await accepted_case(workflow, teacher, mentor)
    before = await case_state(workflow, case_id)

    with pytest.raises(StaleAction):
        await workflow.accept(mentor, assignment_id)
    with pytest.raises(StaleAction):
        await workflow.decline(mentor, assignment_id, None)

    assert await case_state(workflow, case_id) == before


async def test_decline_after_moving_on_is_stale(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    first = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    await make_mentor(workflow, "Олег Седов", ("class_management",))
    case_id, assignment_id = await offered_case(workflow, teacher, first)
    await workflow.decline(first, assignment_id, None)
    before = await case_state(workflow, case_id)

    with pytest.raises(StaleAction):
        await workflow.accept(first, assignment_id)

    assert await case_state(workflow, case_id) == before


Step = Callable[[Workflow, Actor, Actor, int], Awaitable[Any]]


async def _keep(workflow: Workflow, teacher: Actor, mentor: Actor, case_id: int) -> Any:
    return await workflow.keep_version(teacher, case_id)


async def _complete(workflow: Workflow, teacher: Actor, mentor: Actor, case_id: int) -> Any:
    return await workflow.complete(teacher, case_id, REFLECTION)


async def _close_by_library(workflow: Workflow, teacher: Actor, mentor: Actor, case_id: int) -> Any:
    return await workflow.close_by_library(teacher, case_id)


async def _find_mentor(workflow: Workflow, teacher: Actor, mentor: Actor, case_id: int) -> Any:
    return await workflow.find_mentor(teacher, case_id)


async def _pick(workflow: Workflow, teacher: Actor, mentor: Actor, case_id: int) -> Any:
    return await workflow.pick_mentor(teacher, case_id, mentor.user_id)


async def _ask(workflow: Workflow, teacher: Actor, mentor: Actor, case_id: int) -> Any:
    return await workflow.ask_questions(mentor, case_id, [], ["Ещё вопрос?"])


async def _solve(workflow: Workflow, teacher: Actor, mentor: Actor, case_id: int) -> Any:
    return await workflow.write_solution(mentor, case_id, "Решение.")


async def _withdraw(workflow: Workflow, teacher: Actor, mentor: Actor, case_id: int) -> Any:
    return await workflow.withdraw(teacher, case_id)


# Each row: an action and the points of the workflow where it no longer applies.
STALE_STEPS: list[tuple[str, Step, str]] = [
    ("keep-in-progress", _keep, "accepted"),
    ("complete-in-progress", _complete, "accepted"),
    ("close-by-library-in-progress", _close_by_library, "accepted"),
    ("find-mentor-in-progress", _find_mentor, "accepted"),
    ("pick-in-progress", _pick, "accepted"),
    ("ask-while-awaiting-answers", _ask, "asked"),
    ("solve-while-awaiting-answers", _solve, "asked"),
    ("complete-after-complete", _complete, "completed"),
    ("withdraw-after-complete", _withdraw, "completed"),
    ("solve-after-complete", _solve, "completed"),
    ("ask-after-complete", _ask, "completed"),
    ("solve-after-withdraw", _solve, "withdrawn"),
]


async def _bring_to(workflow: Workflow, point: str, teacher: Actor, mentor: Actor) -> int:
    if point == "accepted":
        case_id, _ = await accepted_case(workflow, teacher, mentor)
    elif point == "asked":
        case_id, _ = await accepted_case(workflow, teacher, mentor)
        await ask_one_question(workflow, mentor, case_id, "Сколько детей?")
    elif point == "completed":
        case_id, _ = await solved_case(workflow, teacher, mentor, publish_consent="false")
        await workflow.complete(teacher, case_id, REFLECTION)
    else:
        case_id, _ = await accepted_case(workflow, teacher, mentor)
        await workflow.withdraw(teacher, case_id)
    return case_id


@pytest.mark.parametrize(
    ("step", "point"), [(s, p) for _, s, p in STALE_STEPS], ids=[name for name, _, _ in STALE_STEPS]
)
async def test_stale_action_changes_nothing(workflow: Workflow, step: Step, point: str) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id = await _bring_to(workflow, point, teacher, mentor)
    before = await case_state(workflow, case_id)

    with pytest.raises(StaleAction):
        await step(workflow, teacher, mentor, case_id)

    assert await case_state(workflow, case_id) == before


# ------------------------------------------------------------------- retries


async def test_repeated_submit_key_changes_nothing(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    await workflow.submit_case(teacher, CASE_FORM, dedupe_key="activity-1")

    with pytest.raises(AlreadyProcessed):
        await workflow.submit_case(teacher, CASE_FORM, dedupe_key="activity-1")

    assert await _case_count(workflow) == 1
    assert len(await workflow.my_cases(teacher)) == 1


async def test_repeated_accept_key_changes_nothing(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, assignment_id = await offered_case(workflow, teacher, mentor)
    await workflow.accept(mentor, assignment_id, dedupe_key="activity-2")
    before = await case_state(workflow, case_id)

    with pytest.raises(AlreadyProcessed):
        await workflow.accept(mentor, assignment_id, dedupe_key="activity-2")

    assert await case_state(workflow, case_id) == before


async def test_repeated_answer_key_changes_nothing(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, _ = await accepted_case(workflow, teacher, mentor)
    round_id = await ask_one_question(workflow, mentor, case_id, "Сколько детей?")
    view = await workflow.case_view(teacher, case_id)
    answers = {q.id: "Двадцать восемь" for q in view.question_rounds[0].questions}
    await workflow.answer_questions(teacher, round_id, answers, dedupe_key="activity-3")
    before = await case_state(workflow, case_id)

    with pytest.raises(AlreadyProcessed):
        await workflow.answer_questions(teacher, round_id, answers, dedupe_key="activity-3")

    assert await case_state(workflow, case_id) == before


async def test_failed_action_keeps_key_unused(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, _ = await accepted_case(workflow, teacher, mentor)

    with pytest.raises(StaleAction):
        await workflow.keep_version(teacher, case_id, dedupe_key="activity-4")
    await workflow.withdraw(teacher, case_id, dedupe_key="activity-4")

    assert (await case_state(workflow, case_id)).status == CaseStatus.WITHDRAWN


async def test_distinct_keys_both_apply(workflow: Workflow) -> None:
    teacher = await make_user(workflow)

    await workflow.submit_case(teacher, CASE_FORM, dedupe_key="activity-5")
    await workflow.submit_case(teacher, CASE_FORM, dedupe_key="activity-6")

    assert await _case_count(workflow) == 2


# --------------------------------------------------------------- permissions


async def test_other_teacher_cannot_act(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    stranger = await make_user(workflow, "Иван Смирнов")
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, _ = await solved_case(workflow, teacher, mentor)
    before = await case_state(workflow, case_id)

    with pytest.raises(NotPermitted):
        await workflow.withdraw(stranger, case_id)
    with pytest.raises(NotPermitted):
        await workflow.complete(stranger, case_id, REFLECTION)
    with pytest.raises(NotPermitted):
        await workflow.request_second_opinion(stranger, case_id)
    with pytest.raises(NotPermitted):
        await workflow.case_view(stranger, case_id)

    assert await case_state(workflow, case_id) == before


async def test_other_teacher_cannot_pick_or_answer(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    stranger = await make_user(workflow, "Иван Смирнов")
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id = await choosing_case(workflow, teacher)

    with pytest.raises(NotPermitted):
        await workflow.pick_mentor(stranger, case_id, mentor.user_id)

    outcome = await workflow.pick_mentor(teacher, case_id, mentor.user_id)
    (offer,) = outcome.notifications
    assert offer.assignment_id is not None
    await workflow.accept(mentor, offer.assignment_id)
    round_id = await ask_one_question(workflow, mentor, case_id, "Сколько детей?")
    view = await workflow.case_view(teacher, case_id)
    answers = {q.id: "Чужой ответ" for q in view.question_rounds[0].questions}
    before = await case_state(workflow, case_id)

    with pytest.raises(NotPermitted):
        await workflow.answer_questions(stranger, round_id, answers)

    assert await case_state(workflow, case_id) == before


async def test_other_mentor_cannot_act(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    other = await make_mentor(workflow, "Олег Седов", ("class_management",))
    case_id, assignment_id = await offered_case(workflow, teacher, mentor)

    with pytest.raises(NotPermitted):
        await workflow.accept(other, assignment_id)
    with pytest.raises(NotPermitted):
        await workflow.decline(other, assignment_id, None)
    await workflow.accept(mentor, assignment_id)
    before = await case_state(workflow, case_id)
    with pytest.raises(NotPermitted):
        await workflow.ask_questions(other, case_id, [], ["Вопрос"])
    with pytest.raises(NotPermitted):
        await workflow.write_solution(other, case_id, "Чужое решение")
    with pytest.raises(NotPermitted):
        await workflow.case_view(other, case_id)

    assert await case_state(workflow, case_id) == before


async def test_mentor_cannot_act_as_teacher(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, _ = await solved_case(workflow, teacher, mentor)
    before = await case_state(workflow, case_id)

    with pytest.raises(NotPermitted):
        await workflow.complete(mentor, case_id, REFLECTION)
    with pytest.raises(NotPermitted):
        await workflow.withdraw(mentor, case_id)

    assert await case_state(workflow, case_id) == before


async def test_non_moderator_cannot_approve(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))
    case_id, _ = await solved_case(workflow, teacher, mentor)
    outcome = await workflow.complete(teacher, case_id, REFLECTION)
    entry_id = outcome.entry_id
    assert entry_id is not None

    for actor in (teacher, mentor):
        with pytest.raises(NotPermitted):
            await workflow.approve_publication(actor, entry_id, {"title": "Шумный класс"})
        with pytest.raises(NotPermitted):
            await workflow.reject_publication(actor, entry_id)
        with pytest.raises(NotPermitted):
            await workflow.case_history(actor, case_id)
        with pytest.raises(NotPermitted):
            await workflow.awaiting_moderation(actor)

    entry = await workflow.library_entry(entry_id)
    assert entry.status == "draft"


async def test_teacher_cannot_use_mentor_tools(workflow: Workflow) -> None:
    teacher = await make_user(workflow)

    with pytest.raises(NotPermitted):
        await workflow.set_availability(teacher, away_until=None, max_open_cases=2)
    with pytest.raises(NotPermitted):
        await workflow.mentor_requests(teacher)
    with pytest.raises(NotPermitted):
        await workflow.assignable_mentors(teacher)


async def test_moderator_may_view_any_case(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    moderator = await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))
    case_id = await submit(workflow, teacher)

    view = await workflow.case_view(moderator, case_id)

    assert view.viewer_relation == "moderator"
    assert view.teacher is not None
    assert view.teacher.user_id == teacher.user_id


# --------------------------------------------------------------------- input


async def test_nul_in_form_is_rejected(workflow: Workflow) -> None:
    teacher = await make_user(workflow)

    with pytest.raises(ValidationFailed) as raised:
        await workflow.submit_case(teacher, {**CASE_FORM, "essence": "Начало\x00конец"})

    assert [(e.field, e.code) for e in raised.value.errors] == [("essence", "invalid_character")]
    assert await _case_count(workflow) == 0


@pytest.mark.parametrize(
    "text", ["Решение\x00", "x" * 4001], ids=["nul character", "over the limit"]
)
async def test_solution_text_rejected(workflow: Workflow, text: str) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, _ = await accepted_case(workflow, teacher, mentor)
    before = await case_state(workflow, case_id)

    with pytest.raises(ValidationFailed) as raised:
        await workflow.write_solution(mentor, case_id, text)

    assert [error.field for error in raised.value.errors] == ["solution"]
    assert await case_state(workflow, case_id) == before


async def test_failed_draft_prepared_from_queue(workflow: Workflow) -> None:
    class BrokenAnonymizer:
        def anonymize(self, text: str, language: str, known_names: object) -> object:
            raise RuntimeError("model failed to load")

    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    moderator = await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))
    case_id, _ = await accepted_case(workflow, teacher, mentor)
    await workflow.write_solution(mentor, case_id, "Ритуал начала урока.")
    working_anonymizer = workflow._anonymizer
    workflow._anonymizer = BrokenAnonymizer()

    outcome = await workflow.complete(
        teacher, case_id, {"will_do": "Ритуал", "what_changed": "Ясность", "usefulness": "4"}
    )

    assert outcome.entry_id is None
    assert (await case_state(workflow, case_id)).status == CaseStatus.COMPLETED
    workflow._anonymizer = working_anonymizer
    drafts, _ = await workflow.awaiting_moderation(moderator)
    assert len(drafts) == 1
    entry = await workflow.library_entry(drafts[0])
    assert entry.source_case_number is not None


async def test_release_of_answered_offer_changes_nothing(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, assignment_id = await accepted_case(workflow, teacher, mentor)
    before = await case_state(workflow, case_id)

    outcome = await workflow.release_undelivered_offer(assignment_id)

    assert outcome.notifications == ()
    assert await case_state(workflow, case_id) == before
