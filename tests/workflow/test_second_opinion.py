"""A second opinion: once per case, from another mentor, as a second solution."""

from __future__ import annotations

import pytest

from teams_app.domain.enums import AssignmentStatus, CardKind, CaseStatus, Role
from teams_app.domain.errors import MentorUnavailable, SecondOpinionUsed, StaleAction
from teams_app.workflow import Workflow
from tests.factories import make_mentor, make_user
from tests.workflow.flow import (
    REFLECTION,
    accepted_case,
    assignment_status,
    case_state,
    notified,
    offer_of,
    solved_case,
)


async def test_second_opinion_excludes_first_mentor(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    first = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    second = await make_mentor(workflow, "Олег Седов", ("class_management",))
    case_id, first_assignment = await solved_case(workflow, teacher, first)

    outcome = await workflow.request_second_opinion(teacher, case_id)

    assert notified(outcome, CardKind.CANDIDATES) == [teacher.user_id]
    assert any(
        n.recipient_id == first.user_id and n.message_id is not None for n in outcome.notifications
    )
    candidates = await workflow.candidates(case_id, "ru-RU")
    assert [c.user_id for c in candidates] == [second.user_id]
    assert await assignment_status(workflow, first_assignment) == AssignmentStatus.CLOSED
    with pytest.raises(MentorUnavailable):
        await workflow.pick_mentor(teacher, case_id, first.user_id)


async def test_second_solution_is_opinion_two(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    first = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    second = await make_mentor(workflow, "Олег Седов", ("class_management",))
    case_id, _ = await solved_case(workflow, teacher, first)
    await workflow.request_second_opinion(teacher, case_id)

    outcome = await workflow.pick_mentor(teacher, case_id, second.user_id)
    await workflow.accept(second, offer_of(outcome))
    await workflow.write_solution(second, case_id, "Договоритесь с коллегами о едином сигнале.")

    view = await workflow.case_view(teacher, case_id)
    assert view.status == CaseStatus.SOLUTION_OFFERED
    assert view.opinion == 2
    assert view.second_opinion_available is False
    assert [(s.opinion, s.mentor_name) for s in view.solutions] == [
        (1, "Наталья Орлова"),
        (2, "Олег Седов"),
    ]
    assert view.solutions[1].text == "Договоритесь с коллегами о едином сигнале."
    assert [(a.mentor_id, a.opinion, a.status) for a in view.assignments] == [
        (first.user_id, 1, AssignmentStatus.CLOSED),
        (second.user_id, 2, AssignmentStatus.ACCEPTED),
    ]


async def test_second_opinion_only_once(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    first = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    second = await make_mentor(workflow, "Олег Седов", ("class_management",))
    await make_mentor(workflow, "Ирина Лебедева", ("class_management",))
    case_id, _ = await solved_case(workflow, teacher, first)
    await workflow.request_second_opinion(teacher, case_id)
    outcome = await workflow.pick_mentor(teacher, case_id, second.user_id)
    await workflow.accept(second, offer_of(outcome))
    await workflow.write_solution(second, case_id, "Второе мнение.")
    before = await case_state(workflow, case_id)

    with pytest.raises(SecondOpinionUsed):
        await workflow.request_second_opinion(teacher, case_id)

    assert await case_state(workflow, case_id) == before
    await workflow.complete(teacher, case_id, REFLECTION)
    assert (await case_state(workflow, case_id)).status == CaseStatus.COMPLETED


async def test_second_opinion_before_solution_is_stale(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    await make_mentor(workflow, "Олег Седов", ("class_management",))
    case_id, _ = await accepted_case(workflow, teacher, mentor)
    before = await case_state(workflow, case_id)

    with pytest.raises(StaleAction):
        await workflow.request_second_opinion(teacher, case_id)

    assert await case_state(workflow, case_id) == before


async def test_second_opinion_without_mentors_alerts_moderators(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    first = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    moderator = await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))
    case_id, _ = await solved_case(workflow, teacher, first)

    outcome = await workflow.request_second_opinion(teacher, case_id)

    assert notified(outcome, CardKind.MODERATOR_ASSIGN) == [moderator.user_id]
    assert (await case_state(workflow, case_id)).status == CaseStatus.AWAITING_MODERATOR


async def test_first_mentor_loses_the_case(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    first = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    await make_mentor(workflow, "Олег Седов", ("class_management",))
    case_id, _ = await solved_case(workflow, teacher, first)
    await workflow.request_second_opinion(teacher, case_id)
    before = await case_state(workflow, case_id)

    with pytest.raises(StaleAction):
        await workflow.write_solution(first, case_id, "Ещё одна мысль.")

    assert await case_state(workflow, case_id) == before
    assert await workflow.mentor_requests(first) == []
