"""Concurrent workers on one database: case numbers, racing mentors, retried activities.

Each simulated worker is a Workflow with a Database (engine and connection
pool) of its own, as separate processes would have.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from teams_app.domain.enums import AssignmentStatus, CaseStatus, Role
from teams_app.domain.errors import AlreadyProcessed, CaseAlreadyHeld, StaleAction
from teams_app.settings import Settings
from teams_app.storage.db import Database
from teams_app.storage.models import Assignment, Case
from teams_app.workflow import Workflow
from teams_app.storage.models import ConversationRef, User
from teams_app.workflow.views import Actor, TeamsIdentity
from tests.factories import CASE_FORM, make_mentor, make_user, reference_for
from tests.workflow.flow import case_state, choosing_case, offered_case

SUBMISSIONS = 40
# Races repeated per test, each on a case of its own, to let interleavings vary.
RACES = 5


@contextlib.asynccontextmanager
async def workers(settings: Settings, count: int) -> AsyncIterator[list[Workflow]]:
    databases = [Database(settings.database_url) for _ in range(count)]
    try:
        yield [Workflow(database, settings) for database in databases]
    finally:
        for database in databases:
            await database.dispose()


async def settle(*calls: Awaitable[Any]) -> list[Any]:
    """Run calls concurrently and return each result or the exception it raised."""
    return list(await asyncio.gather(*calls, return_exceptions=True))


def unexpected(results: list[Any], *expected: type[BaseException]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, expected)]


async def holders(workflow: Workflow, case_id: int) -> list[tuple[int, AssignmentStatus]]:
    async with workflow.db.transaction() as session:
        rows = await session.execute(
            select(Assignment.mentor_id, Assignment.status).where(
                Assignment.case_id == case_id,
                Assignment.status.in_((AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED)),
            )
        )
        return [(row.mentor_id, row.status) for row in rows]


# --------------------------------------------------------------- case numbers


@pytest.mark.slow
async def test_concurrent_submissions_get_distinct_numbers(
    workflow: Workflow, settings: Settings
) -> None:
    teachers = [await make_user(workflow, f"Учитель {i}") for i in range(SUBMISSIONS)]

    async with workers(settings, SUBMISSIONS) as pool:
        results = await settle(
            *(w.submit_case(t, CASE_FORM) for w, t in zip(pool, teachers, strict=True))
        )

    assert unexpected(results) == []
    async with workflow.db.transaction() as session:
        numbers = sorted(await session.scalars(select(Case.number)))
    year = numbers[0].split("-")[0]
    assert len(numbers) == SUBMISSIONS
    assert len(set(numbers)) == SUBMISSIONS
    assert numbers == [f"{year}-{i:04d}" for i in range(1, SUBMISSIONS + 1)]
    assert {r.case_id for r in results} == set(range(1, SUBMISSIONS + 1))


async def _walk_case(workflow: Workflow, teacher: Actor, mentors: list[Actor]) -> str:
    """Take one case from submission to completion; return the final status."""
    outcome = await workflow.submit_case(teacher, {**CASE_FORM, "publish_consent": "false"})
    case_id = outcome.case_id
    assert case_id is not None
    await workflow.find_mentor(teacher, case_id)
    candidates = await workflow.candidates(case_id, "ru-RU")
    mentor = next(m for m in mentors if m.user_id == candidates[0].user_id)
    offer = await workflow.pick_mentor(teacher, case_id, mentor.user_id)
    assignment_id = offer.notifications[0].assignment_id
    assert assignment_id is not None
    await workflow.accept(mentor, assignment_id)
    asked = await workflow.ask_questions(mentor, case_id, [], ["Сколько детей?"])
    round_id = asked.notifications[0].round_id
    assert round_id is not None
    view = await workflow.case_view(teacher, case_id)
    answers = {q.id: "Двадцать восемь" for q in view.question_rounds[0].questions}
    await workflow.answer_questions(teacher, round_id, answers)
    await workflow.keep_version(teacher, case_id)
    await workflow.write_solution(mentor, case_id, "Ритуал начала урока.")
    await workflow.complete(
        teacher, case_id, {"will_do": "Введу", "what_changed": "Ясно", "usefulness": "5"}
    )
    return (await workflow.case_view(teacher, case_id)).status.value


@pytest.mark.slow
async def test_concurrent_lifecycles(workflow: Workflow, settings: Settings) -> None:
    count = 20
    teachers = [await make_user(workflow, f"Учитель {i}") for i in range(count)]
    mentors = [
        await make_mentor(workflow, f"Наставник {i}", ("class_management",)) for i in range(4)
    ]
    for mentor in mentors:
        await workflow.set_availability(mentor, away_until=None, max_open_cases=20)

    async with workers(settings, count) as pool:
        results = await settle(
            *(_walk_case(w, t, mentors) for w, t in zip(pool, teachers, strict=True))
        )

    assert unexpected(results) == []
    assert results == ["completed"] * count


# ------------------------------------------------------------------ new users


async def test_first_activities_on_two_workers(workflow: Workflow, settings: Settings) -> None:
    identities = [
        TeamsIdentity(f"29:new-{i}", f"10000000-0000-0000-0000-{i:012d}", "tenant-1", "Новый", None)
        for i in range(RACES)
    ]

    async with workers(settings, 2) as pool:
        for identity in identities:
            reference = reference_for(identity.teams_user_id)
            results = await settle(*(w.identify(identity, reference) for w in pool))

            assert unexpected(results) == []
            assert results[0].user_id == results[1].user_id

    async with workflow.db.transaction() as session:
        users = list(await session.scalars(select(User.teams_user_id)))
        references = list(await session.scalars(select(ConversationRef.user_id)))
    assert sorted(users) == sorted(i.teams_user_id for i in identities)
    assert len(references) == RACES


# -------------------------------------------------------------- racing mentors


async def test_two_picks_leave_one_offer(workflow: Workflow, settings: Settings) -> None:
    teacher = await make_user(workflow)
    first = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    second = await make_mentor(workflow, "Олег Седов", ("class_management",))
    await workflow.set_availability(first, away_until=None, max_open_cases=10)
    await workflow.set_availability(second, away_until=None, max_open_cases=10)
    case_ids = [await choosing_case(workflow, teacher) for _ in range(RACES)]

    async with workers(settings, 2) as (one, two):
        for case_id in case_ids:
            results = await settle(
                one.pick_mentor(teacher, case_id, first.user_id),
                two.pick_mentor(teacher, case_id, second.user_id),
            )

            assert unexpected(results, StaleAction, CaseAlreadyHeld) == []
            assert sum(not isinstance(r, BaseException) for r in results) == 1
            held = await holders(workflow, case_id)
            assert len(held) == 1
            assert held[0][1] == AssignmentStatus.OFFERED
            assert (await case_state(workflow, case_id)).status == CaseStatus.AWAITING_MENTOR


async def test_two_moderators_assign_one_mentor(workflow: Workflow, settings: Settings) -> None:
    teacher = await make_user(workflow)
    first = await make_mentor(workflow, "Наталья Орлова", ("education_law",))
    second = await make_mentor(workflow, "Олег Седов", ("education_law",))
    moderators = [
        await make_user(workflow, "Модератор Один", roles=(Role.MODERATOR,)),
        await make_user(workflow, "Модератор Два", roles=(Role.MODERATOR,)),
    ]
    # Nobody covers the case's rubric, so each case waits for a moderator.
    case_ids = [await choosing_case(workflow, teacher) for _ in range(RACES)]

    async with workers(settings, 2) as (one, two):
        for case_id in case_ids:
            results = await settle(
                one.moderator_assign(moderators[0], case_id, first.user_id),
                two.moderator_assign(moderators[1], case_id, second.user_id),
            )

            assert unexpected(results, StaleAction, CaseAlreadyHeld) == []
            assert sum(not isinstance(r, BaseException) for r in results) == 1
            held = await holders(workflow, case_id)
            assert len(held) == 1
            assert held[0][1] == AssignmentStatus.ACCEPTED
            assert (await case_state(workflow, case_id)).status == CaseStatus.IN_PROGRESS


async def test_accept_races_moderator_assign(workflow: Workflow, settings: Settings) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    other = await make_mentor(workflow, "Олег Седов", ("education_law",))
    moderator = await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))
    await workflow.set_availability(mentor, away_until=None, max_open_cases=10)
    offers = [await offered_case(workflow, teacher, mentor) for _ in range(RACES)]

    async with workers(settings, 2) as (one, two):
        for case_id, assignment_id in offers:
            results = await settle(
                one.accept(mentor, assignment_id),
                two.moderator_assign(moderator, case_id, other.user_id),
            )

            assert unexpected(results, StaleAction, CaseAlreadyHeld) == []
            assert not isinstance(results[0], BaseException)
            assert isinstance(results[1], StaleAction | CaseAlreadyHeld)
            assert await holders(workflow, case_id) == [(mentor.user_id, AssignmentStatus.ACCEPTED)]


async def test_accept_races_withdraw(workflow: Workflow, settings: Settings) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    await workflow.set_availability(mentor, away_until=None, max_open_cases=10)
    offers = [await offered_case(workflow, teacher, mentor) for _ in range(RACES)]

    async with workers(settings, 2) as (one, two):
        for case_id, _ in offers:
            assignment_id = dict(offers)[case_id]
            results = await settle(
                one.accept(mentor, assignment_id), two.withdraw(teacher, case_id)
            )

            assert unexpected(results, StaleAction) == []
            assert not isinstance(results[1], BaseException)
            state = await case_state(workflow, case_id)
            assert state.status == CaseStatus.WITHDRAWN
            assert state.assignments == ((assignment_id, AssignmentStatus.CLOSED),)


async def test_same_key_from_two_workers(workflow: Workflow, settings: Settings) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    await workflow.set_availability(mentor, away_until=None, max_open_cases=10)
    offers = [await offered_case(workflow, teacher, mentor) for _ in range(RACES)]

    async with workers(settings, 2) as (one, two):
        for case_id, assignment_id in offers:
            key = f"accept-{assignment_id}"
            results = await settle(
                one.accept(mentor, assignment_id, dedupe_key=key),
                two.accept(mentor, assignment_id, dedupe_key=key),
            )

            assert unexpected(results, AlreadyProcessed, StaleAction) == []
            assert sum(not isinstance(r, BaseException) for r in results) == 1
            assert (await case_state(workflow, case_id)).status == CaseStatus.IN_PROGRESS


# ------------------------------------------------ the database's own guarantee


async def _insert_holder(
    database: Database, case_id: int, mentor: Actor, status: AssignmentStatus
) -> None:
    async with database.transaction() as session:
        session.add(Assignment(case_id=case_id, mentor_id=mentor.user_id, round=9, status=status))


@pytest.mark.parametrize("status", [AssignmentStatus.ACCEPTED, AssignmentStatus.OFFERED])
async def test_index_rejects_second_holder(workflow: Workflow, status: AssignmentStatus) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    other = await make_mentor(workflow, "Олег Седов", ("class_management",))
    case_id, _ = await offered_case(workflow, teacher, mentor)
    await workflow.accept(mentor, (await holders_ids(workflow, case_id))[0])

    with pytest.raises(IntegrityError):
        await _insert_holder(workflow.db, case_id, other, status)

    assert await holders(workflow, case_id) == [(mentor.user_id, AssignmentStatus.ACCEPTED)]


async def holders_ids(workflow: Workflow, case_id: int) -> list[int]:
    async with workflow.db.transaction() as session:
        return list(
            await session.scalars(select(Assignment.id).where(Assignment.case_id == case_id))
        )


async def test_index_allows_closed_rows(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    other = await make_mentor(workflow, "Олег Седов", ("class_management",))
    case_id, _ = await offered_case(workflow, teacher, mentor)

    await _insert_holder(workflow.db, case_id, other, AssignmentStatus.DECLINED)
    await _insert_holder(workflow.db, case_id, other, AssignmentStatus.CLOSED)
    await _insert_holder(workflow.db, case_id, other, AssignmentStatus.CLOSED)

    assert await holders(workflow, case_id) == [(mentor.user_id, AssignmentStatus.OFFERED)]


async def test_index_rejects_concurrent_holders(workflow: Workflow, settings: Settings) -> None:
    teacher = await make_user(workflow)
    first = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    second = await make_mentor(workflow, "Олег Седов", ("class_management",))
    case_id = await choosing_case(workflow, teacher)

    # Two transactions that each checked "nobody holds the case" and insert;
    # the second one waits for the first to commit and then fails.
    async with workers(settings, 2) as (one, two):
        async with one.db.transaction() as session:
            session.add(
                Assignment(
                    case_id=case_id, mentor_id=first.user_id, status=AssignmentStatus.ACCEPTED
                )
            )
            await session.flush()
            late = asyncio.create_task(
                _insert_holder(two.db, case_id, second, AssignmentStatus.ACCEPTED)
            )
            await asyncio.sleep(0.2)
            assert not late.done()
        with pytest.raises(IntegrityError):
            await late

    assert await holders(workflow, case_id) == [(first.user_id, AssignmentStatus.ACCEPTED)]
