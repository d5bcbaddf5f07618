"""Steps that bring a case to a given point of the workflow, and database probes.

Every step goes through the real workflow operations, so a test built on
them also checks the path that led to its starting point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from teams_app.domain.enums import AssignmentStatus, CardKind, CaseStatus
from teams_app.storage.models import Assignment, Case, CaseEvent
from teams_app.workflow import Workflow
from teams_app.workflow.views import Actor, Outcome
from tests.factories import CASE_FORM


@dataclass(frozen=True)
class CaseState:
    """What a rejected action must leave untouched: status, version and history length."""

    status: CaseStatus
    version: int
    event_count: int
    assignments: tuple[tuple[int, AssignmentStatus], ...]


async def case_state(workflow: Workflow, case_id: int) -> CaseState:
    async with workflow.db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        event_count = await session.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id)
        )
        assignments = await session.execute(
            select(Assignment.id, Assignment.status)
            .where(Assignment.case_id == case_id)
            .order_by(Assignment.id)
        )
        return CaseState(
            case.status,
            case.version,
            int(event_count or 0),
            tuple((row.id, row.status) for row in assignments),
        )


async def case_events(workflow: Workflow, case_id: int) -> list[CaseEvent]:
    async with workflow.db.transaction() as session:
        rows = await session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )
        return list(rows)


async def assignment_status(workflow: Workflow, assignment_id: int) -> AssignmentStatus:
    async with workflow.db.transaction() as session:
        assignment = await session.get(Assignment, assignment_id)
        assert assignment is not None
        return assignment.status


def notified(outcome: Outcome, kind: CardKind) -> list[int]:
    """Return the recipients of cards of one kind, in the order the outcome lists them."""
    return [n.recipient_id for n in outcome.notifications if n.kind == kind]


def offer_of(outcome: Outcome) -> int:
    (offer,) = [n for n in outcome.notifications if n.kind == CardKind.MENTOR_OFFER]
    assert offer.assignment_id is not None
    return offer.assignment_id


async def submit(workflow: Workflow, teacher: Actor, **changes: Any) -> int:
    outcome = await workflow.submit_case(teacher, {**CASE_FORM, **changes})
    assert outcome.case_id is not None
    return outcome.case_id


async def choosing_case(workflow: Workflow, teacher: Actor, **changes: Any) -> int:
    """Submit a case and leave the library answer; the teacher now picks a mentor."""
    case_id = await submit(workflow, teacher, **changes)
    await workflow.find_mentor(teacher, case_id)
    return case_id


async def offered_case(
    workflow: Workflow, teacher: Actor, mentor: Actor, **changes: Any
) -> tuple[int, int]:
    """Return (case id, assignment id) of a case offered to ``mentor``."""
    case_id = await choosing_case(workflow, teacher, **changes)
    outcome = await workflow.pick_mentor(teacher, case_id, mentor.user_id)
    return case_id, offer_of(outcome)


async def accepted_case(
    workflow: Workflow, teacher: Actor, mentor: Actor, **changes: Any
) -> tuple[int, int]:
    """Return (case id, assignment id) of a case ``mentor`` accepted."""
    case_id, assignment_id = await offered_case(workflow, teacher, mentor, **changes)
    await workflow.accept(mentor, assignment_id)
    return case_id, assignment_id


async def ask_one_question(workflow: Workflow, mentor: Actor, case_id: int, text: str) -> int:
    """Ask the teacher one question of the mentor's own and return the round id."""
    outcome = await workflow.ask_questions(mentor, case_id, [], [text])
    (notification,) = outcome.notifications
    assert notification.round_id is not None
    return notification.round_id


async def answer_round(
    workflow: Workflow, teacher: Actor, case_id: int, round_id: int, answer: str = "Ответ"
) -> Outcome:
    view = await workflow.case_view(teacher, case_id)
    (question_round,) = [r for r in view.question_rounds if r.id == round_id]
    answers = {q.id: f"{answer} {q.id}" for q in question_round.questions}
    return await workflow.answer_questions(teacher, round_id, answers)


async def answered_case(workflow: Workflow, teacher: Actor, mentor: Actor, case_id: int) -> int:
    """Ask one question on an accepted case and answer it; return the round id."""
    round_id = await ask_one_question(workflow, mentor, case_id, "Сколько детей в классе?")
    await answer_round(workflow, teacher, case_id, round_id)
    return round_id


async def solved_case(
    workflow: Workflow, teacher: Actor, mentor: Actor, **changes: Any
) -> tuple[int, int]:
    """Return (case id, assignment id) of a case with one solution from ``mentor``."""
    case_id, assignment_id = await accepted_case(workflow, teacher, mentor, **changes)
    await workflow.write_solution(mentor, case_id, "Введите ритуал начала урока.")
    return case_id, assignment_id


REFLECTION = {"will_do": "Введу ритуал", "what_changed": "Понимаю, что делать", "usefulness": "4"}
