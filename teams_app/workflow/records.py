"""Loading, locking and moving cases inside a workflow transaction.

Every helper here expects the caller to hold an open transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import (
    HOLDING_ASSIGNMENT_STATUSES,
    TERMINAL_STATUSES,
    AssignmentStatus,
    CaseStatus,
    Role,
)
from teams_app.domain.errors import (
    AlreadyProcessed,
    CaseAlreadyHeld,
    FieldError,
    NotFound,
    NotPermitted,
    StaleAction,
    ValidationFailed,
)
from teams_app.domain.intake import CaseForm, check_text
from teams_app.domain.state_machine import (
    CaseAction,
    TransitionNotAllowed,
    check_transition,
    is_allowed,
)
from teams_app.storage.models import (
    Assignment,
    Case,
    CaseEvent,
    CaseRevision,
    ProcessedActivity,
    QuestionRound,
    utcnow,
)
from teams_app.workflow.limits import REFLECTION_TEXT_LIMIT
from teams_app.workflow.views import (
    Actor,
)

logger = logging.getLogger(__name__)


async def claim_activity(session: AsyncSession, dedupe_key: str | None) -> None:
    """Record an activity key; a second delivery of the same key raises ``AlreadyProcessed``."""
    if not dedupe_key:
        return
    existing = await session.get(ProcessedActivity, dedupe_key)
    if existing is not None:
        raise AlreadyProcessed()
    try:
        async with session.begin_nested():
            session.add(ProcessedActivity(key=dedupe_key))
            await session.flush()
    except IntegrityError as error:
        raise AlreadyProcessed() from error


async def next_case_number(session: AsyncSession, year: int) -> str:
    """Hand out the next number of the year with one atomic upsert, safe across workers."""
    value = await session.scalar(
        text(
            "INSERT INTO case_number_counters (year, last_value) VALUES (:year, 1) "
            "ON CONFLICT (year) DO UPDATE SET last_value = case_number_counters.last_value + 1 "
            "RETURNING last_value"
        ),
        {"year": year},
    )
    return f"{year}-{int(value):04d}"


def revision_row(case_id: int, number: int, form: CaseForm) -> CaseRevision:
    return CaseRevision(
        case_id=case_id,
        number=number,
        **form.texts(),
        participants=[p.value for p in form.participants],
        rubrics=list(form.rubrics),
    )


def revision_texts(revision: CaseRevision) -> list[str]:
    return [revision.essence, revision.actions_taken, revision.why_difficult, revision.question]


def revision_dict(revision: CaseRevision) -> dict[str, Any]:
    return {
        "revision": revision.number,
        "essence": revision.essence,
        "actions_taken": revision.actions_taken,
        "why_difficult": revision.why_difficult,
        "question": revision.question,
        "participants": list(revision.participants),
        "rubrics": list(revision.rubrics),
    }


async def get_case(session: AsyncSession, case_id: int, *, lock: bool = False) -> Case:
    case = await session.get(Case, case_id, populate_existing=True, with_for_update=lock)
    if case is None:
        raise NotFound(what=f"case {case_id}")
    return case


async def case_for_teacher(session: AsyncSession, actor: Actor, case_id: int) -> Case:
    case = await get_case(session, case_id, lock=True)
    if case.teacher_id != actor.user_id:
        raise NotPermitted(role=Role.TEACHER.value)
    return case


async def case_for_holder(
    session: AsyncSession, actor: Actor, case_id: int
) -> tuple[Case, Assignment]:
    case = await get_case(session, case_id, lock=True)
    holder = await holding_assignment(session, case.id)
    if holder is None or holder.mentor_id != actor.user_id:
        # A mentor who once held the case (before a second opinion, say) is
        # clicking an old card: that is stale, not a missing permission.
        if (
            case.status in TERMINAL_STATUSES
            or not actor.has(Role.MENTOR)
            or await was_assigned(session, case.id, actor.user_id)
        ):
            raise StaleAction(number=case.number, status=case.status.value)
        raise NotPermitted(role=Role.MENTOR.value)
    if holder.status != AssignmentStatus.ACCEPTED:
        raise StaleAction(number=case.number, status=case.status.value)
    return case, holder


async def was_assigned(session: AsyncSession, case_id: int, mentor_id: int) -> bool:
    assignment_id = await session.scalar(
        select(Assignment.id)
        .where(Assignment.case_id == case_id, Assignment.mentor_id == mentor_id)
        .limit(1)
    )
    return assignment_id is not None


async def assignment_for_mentor(
    session: AsyncSession, actor: Actor, assignment_id: int
) -> tuple[Assignment, Case]:
    assignment = await session.get(Assignment, assignment_id, populate_existing=True)
    if assignment is None:
        raise NotFound(what=f"assignment {assignment_id}")
    if assignment.mentor_id != actor.user_id:
        raise NotPermitted(role=Role.MENTOR.value)
    case = await get_case(session, assignment.case_id, lock=True)
    return assignment, case


async def holding_assignment(session: AsyncSession, case_id: int) -> Assignment | None:
    return await session.scalar(
        select(Assignment).where(
            Assignment.case_id == case_id,
            Assignment.status.in_(HOLDING_ASSIGNMENT_STATUSES),
        )
    )


async def close_holding_assignment(session: AsyncSession, case_id: int) -> None:
    await session.execute(
        update(Assignment)
        .where(
            Assignment.case_id == case_id,
            Assignment.status.in_(HOLDING_ASSIGNMENT_STATUSES),
        )
        .values(status=AssignmentStatus.CLOSED)
        .execution_options(synchronize_session="fetch")
    )


async def add_assignment(
    session: AsyncSession,
    case: Case,
    mentor_id: int,
    status: AssignmentStatus,
    *,
    moderator_id: int | None,
) -> Assignment:
    rounds = await session.scalar(
        select(func.count())
        .select_from(Assignment)
        .where(Assignment.case_id == case.id, Assignment.opinion == case.opinion)
    )
    assignment = Assignment(
        case_id=case.id,
        mentor_id=mentor_id,
        opinion=case.opinion,
        round=int(rounds or 0) + 1,
        status=status,
        assigned_by_moderator_id=moderator_id,
        responded_at=utcnow() if status == AssignmentStatus.ACCEPTED else None,
    )
    try:
        async with session.begin_nested():
            session.add(assignment)
            await session.flush()
    except IntegrityError as error:
        # The partial unique index refused a second holder of the case.
        raise CaseAlreadyHeld(number=case.number) from error
    return assignment


async def ensure_allowed(session: AsyncSession, case: Case, action: CaseAction) -> None:
    if not is_allowed(case.status, action):
        raise StaleAction(number=case.number, status=case.status.value)


async def move_case(
    session: AsyncSession,
    case: Case,
    action: CaseAction,
    actor_id: int | None,
    *,
    target: CaseStatus | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
    closes: bool = False,
) -> None:
    """Apply a transition to the version of the case read in this transaction.

    The UPDATE matches the version it read, so of two concurrent moves on the
    same case the second one changes no row and fails as a stale action.
    """
    try:
        new_status = check_transition(case.status, action, target)
    except TransitionNotAllowed as error:
        raise StaleAction(number=case.number, status=case.status.value) from error
    now = utcnow()
    values: dict[str, Any] = {
        "status": new_status,
        "version": case.version + 1,
        "updated_at": now,
        **(changes or {}),
    }
    if closes:
        values["closed_at"] = now
    result = await session.execute(
        update(Case)
        .where(Case.id == case.id, Case.version == case.version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleAction(number=case.number, status=case.status.value)
    old_status = case.status
    for key, value in values.items():
        setattr(case, key, value)
    session.add(
        CaseEvent(
            case_id=case.id,
            actor_id=actor_id,
            kind=action.value,
            before={"status": old_status.value, **(before or {})},
            after={"status": new_status.value, **(after or {})},
            created_at=now,
        )
    )
    logger.info(
        "case moved id=%s action=%s from=%s to=%s", case.id, action.value, old_status, new_status
    )


async def decide_round(session: AsyncSession, case_id: int, decision: str) -> None:
    question_round = await session.scalar(
        select(QuestionRound)
        .where(
            QuestionRound.case_id == case_id,
            QuestionRound.decision.is_(None),
            QuestionRound.answered_at.is_not(None),
        )
        .order_by(QuestionRound.id.desc())
    )
    if question_round is not None:
        question_round.decision = decision


def parse_reflection(raw: Mapping[str, Any]) -> dict[str, Any]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for name, required in (("will_do", True), ("what_changed", True), ("comment", False)):
        value = str(raw.get(name) or "").strip()
        error = check_text(name, value, REFLECTION_TEXT_LIMIT, required=required)
        if error is not None:
            errors.append(error)
        values[name] = value
    rating_text = str(raw.get("usefulness") or "").strip()
    if not rating_text:
        errors.append(FieldError("usefulness", "required"))
    elif not rating_text.isdigit() or not 1 <= int(rating_text) <= 5:
        errors.append(FieldError("usefulness", "out_of_range", limit=5))
    else:
        values["usefulness"] = int(rating_text)
    if errors:
        raise ValidationFailed(errors)
    return values
