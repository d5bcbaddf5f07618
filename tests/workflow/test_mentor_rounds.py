"""Finding a mentor: picks, declines, further rounds and the moderator's assignment."""

from __future__ import annotations

import datetime as dt

import pytest

from teams_app.domain.enums import AssignmentStatus, CardKind, CaseStatus, Role
from teams_app.domain.errors import MentorUnavailable, NotFound, NotPermitted, StaleAction
from teams_app.workflow import Workflow
from tests.factories import make_mentor, make_user
from tests.workflow.flow import (
    accepted_case,
    assignment_status,
    case_state,
    choosing_case,
    notified,
    offer_of,
    offered_case,
)


async def test_decline_starts_round_without_decliner(workflow: Workflow) -> None:
    teacher = await make_user(workflow, "Анна Петрова")
    first = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    second = await make_mentor(workflow, "Олег Седов", ("class_management",))
    case_id, assignment_id = await offered_case(workflow, teacher, first)

    outcome = await workflow.decline(first, assignment_id, "  Уезжаю на конференцию  ")

    assert notified(outcome, CardKind.CANDIDATES) == [teacher.user_id]
    candidates = await workflow.candidates(case_id, "ru-RU")
    assert [c.user_id for c in candidates] == [second.user_id]
    view = await workflow.case_view(first, case_id)
    assert view.status == CaseStatus.CHOOSING_MENTOR
    (assignment,) = view.assignments
    assert assignment.status == AssignmentStatus.DECLINED
    assert assignment.decline_reason == "Уезжаю на конференцию"


async def test_decliner_cannot_be_picked_again(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    first = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    await make_mentor(workflow, "Олег Седов", ("class_management",))
    case_id, assignment_id = await offered_case(workflow, teacher, first)
    await workflow.decline(first, assignment_id, None)
    before = await case_state(workflow, case_id)

    with pytest.raises(MentorUnavailable):
        await workflow.pick_mentor(teacher, case_id, first.user_id)

    assert await case_state(workflow, case_id) == before


async def test_teacher_never_sees_decline_reason(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    first = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    await make_mentor(workflow, "Олег Седов", ("class_management",))
    case_id, assignment_id = await offered_case(workflow, teacher, first)
    await workflow.decline(first, assignment_id, "Не моя тема")

    view = await workflow.case_view(teacher, case_id)

    (assignment,) = view.assignments
    assert assignment.status == AssignmentStatus.DECLINED
    assert assignment.decline_reason is None


async def test_second_round_numbers_assignments(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    first = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    second = await make_mentor(workflow, "Олег Седов", ("class_management",))
    case_id, assignment_id = await offered_case(workflow, teacher, first)
    await workflow.decline(first, assignment_id, None)

    outcome = await workflow.pick_mentor(teacher, case_id, second.user_id)
    await workflow.accept(second, offer_of(outcome))

    view = await workflow.case_view(teacher, case_id)
    assert [(a.mentor_id, a.round, a.status) for a in view.assignments] == [
        (first.user_id, 1, AssignmentStatus.DECLINED),
        (second.user_id, 2, AssignmentStatus.ACCEPTED),
    ]
    assert view.status == CaseStatus.IN_PROGRESS


async def test_last_decline_alerts_moderators(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    moderators = [
        await make_user(workflow, "Модератор Один", roles=(Role.MODERATOR,)),
        await make_user(workflow, "Модератор Два", roles=(Role.MODERATOR,)),
    ]
    case_id, assignment_id = await offered_case(workflow, teacher, mentor)

    outcome = await workflow.decline(mentor, assignment_id, "Нет времени")

    assert notified(outcome, CardKind.MODERATOR_ASSIGN) == [m.user_id for m in moderators]
    assert notified(outcome, CardKind.CANDIDATES) == []
    teacher_messages = [n for n in outcome.notifications if n.recipient_id == teacher.user_id]
    assert len(teacher_messages) == 1
    assert teacher_messages[0].message_id is not None
    assert (await case_state(workflow, case_id)).status == CaseStatus.AWAITING_MODERATOR
    _, stuck = await workflow.awaiting_moderation(moderators[0])
    assert [case for case, _ in stuck] == [case_id]


async def test_no_candidate_at_all_alerts_moderators(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    await make_mentor(workflow, "Олег Седов", ("education_law",))
    moderator = await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))
    case_id = await choosing_case(workflow, teacher)

    state = await case_state(workflow, case_id)

    assert state.status == CaseStatus.AWAITING_MODERATOR
    assert await workflow.candidates(case_id, "ru-RU") == []
    _, stuck = await workflow.awaiting_moderation(moderator)
    assert [case for case, _ in stuck] == [case_id]


async def test_moderator_assigns_mentor(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    # Any mentor may be assigned, even one without the case's rubrics.
    assignee = await make_mentor(workflow, "Олег Седов", ("education_law",))
    moderator = await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))
    case_id, assignment_id = await offered_case(workflow, teacher, mentor)
    await workflow.decline(mentor, assignment_id, None)

    outcome = await workflow.moderator_assign(moderator, case_id, assignee.user_id)

    assert notified(outcome, CardKind.MENTOR_CASE) == [assignee.user_id]
    assert any(n.recipient_id == teacher.user_id for n in outcome.notifications)
    view = await workflow.case_view(moderator, case_id)
    assert view.status == CaseStatus.IN_PROGRESS
    holder = view.holder
    assert holder is not None
    assert holder.mentor_id == assignee.user_id
    assert holder.status == AssignmentStatus.ACCEPTED
    assert holder.by_moderator is True
    assert holder.round == 2
    await workflow.ask_questions(assignee, case_id, [], ["Что уже пробовали с родителями?"])
    assert (await case_state(workflow, case_id)).status == CaseStatus.AWAITING_ANSWERS


async def test_moderator_assign_needs_stuck_case(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    other = await make_mentor(workflow, "Олег Седов", ("class_management",))
    moderator = await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))
    case_id, _ = await offered_case(workflow, teacher, mentor)
    before = await case_state(workflow, case_id)

    with pytest.raises(StaleAction):
        await workflow.moderator_assign(moderator, case_id, other.user_id)

    assert await case_state(workflow, case_id) == before


async def test_moderator_assign_unknown_mentor(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    plain_user = await make_user(workflow, "Не ментор")
    moderator = await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))
    case_id = await choosing_case(workflow, teacher)
    before = await case_state(workflow, case_id)

    with pytest.raises(NotFound):
        await workflow.moderator_assign(moderator, case_id, plain_user.user_id)

    assert await case_state(workflow, case_id) == before


async def test_moderator_cannot_assign_the_teacher(workflow: Workflow) -> None:
    # A teacher who is also a mentor, in another field than the case's.
    teacher = await make_mentor(workflow, "Анна Петрова", ("education_law",))
    moderator = await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))
    case_id = await choosing_case(workflow, teacher)
    before = await case_state(workflow, case_id)
    assert before.status == CaseStatus.AWAITING_MODERATOR

    with pytest.raises(MentorUnavailable):
        await workflow.moderator_assign(moderator, case_id, teacher.user_id)

    assert await case_state(workflow, case_id) == before


async def test_moderator_assign_needs_moderator(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Олег Седов", ("education_law",))
    case_id = await choosing_case(workflow, teacher)
    before = await case_state(workflow, case_id)

    with pytest.raises(NotPermitted):
        await workflow.moderator_assign(mentor, case_id, mentor.user_id)
    with pytest.raises(NotPermitted):
        await workflow.moderator_assign(teacher, case_id, mentor.user_id)

    assert await case_state(workflow, case_id) == before


# ------------------------------------------------------- unavailable mentors


async def test_pick_of_away_mentor(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    await make_mentor(workflow, "Олег Седов", ("class_management",))
    case_id = await choosing_case(workflow, teacher)
    offered_ids = [c.user_id for c in await workflow.candidates(case_id, "ru-RU")]
    assert mentor.user_id in offered_ids
    away_until = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=7)
    await workflow.set_availability(mentor, away_until=away_until, max_open_cases=None)
    before = await case_state(workflow, case_id)

    with pytest.raises(MentorUnavailable):
        await workflow.pick_mentor(teacher, case_id, mentor.user_id)

    assert await case_state(workflow, case_id) == before


async def test_pick_of_full_mentor(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    other_teacher = await make_user(workflow, "Иван Смирнов")
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    await make_mentor(workflow, "Олег Седов", ("class_management",))
    await workflow.set_availability(mentor, away_until=None, max_open_cases=1)
    case_id = await choosing_case(workflow, teacher)
    await accepted_case(workflow, other_teacher, mentor)
    before = await case_state(workflow, case_id)

    with pytest.raises(MentorUnavailable):
        await workflow.pick_mentor(teacher, case_id, mentor.user_id)

    assert await case_state(workflow, case_id) == before


async def test_pick_of_mentor_without_overlap(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    lawyer = await make_mentor(workflow, "Олег Седов", ("education_law",))
    case_id = await choosing_case(workflow, teacher)

    with pytest.raises(MentorUnavailable):
        await workflow.pick_mentor(teacher, case_id, lawyer.user_id)


async def test_pick_of_plain_user(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    stranger = await make_user(workflow, "Не ментор")
    case_id = await choosing_case(workflow, teacher)

    with pytest.raises(MentorUnavailable):
        await workflow.pick_mentor(teacher, case_id, stranger.user_id)


async def test_teacher_never_mentors_own_case(workflow: Workflow) -> None:
    # A teacher who is also a mentor in the case's field.
    teacher = await make_mentor(workflow, "Анна Петрова", ("class_management",))
    await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id = await choosing_case(workflow, teacher)

    candidates = await workflow.candidates(case_id, "ru-RU")

    assert teacher.user_id not in [c.user_id for c in candidates]
    with pytest.raises(MentorUnavailable):
        await workflow.pick_mentor(teacher, case_id, teacher.user_id)


async def test_offer_counts_towards_the_limit(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    other_teacher = await make_user(workflow, "Иван Смирнов")
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    await workflow.set_availability(mentor, away_until=None, max_open_cases=1)
    await offered_case(workflow, teacher, mentor)

    case_id = await choosing_case(workflow, other_teacher)

    assert (await case_state(workflow, case_id)).status == CaseStatus.AWAITING_MODERATOR


async def test_mentor_requests_list_accepted_case(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, assignment_id = await accepted_case(workflow, teacher, mentor)
    number = (await workflow.case_view(teacher, case_id)).number

    requests = await workflow.mentor_requests(mentor)

    assert await assignment_status(workflow, assignment_id) == AssignmentStatus.ACCEPTED
    assert requests == [(assignment_id, case_id, number, AssignmentStatus.ACCEPTED)]
