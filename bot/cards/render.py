"""Render a case card from the current state: load its views, decide if it acts, build it.

A card is actionable only while its recipient can still take its actions
and it is the newest card of its kind sent to them (``latest``). Otherwise
it renders read-only, with a status line naming the case's status.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.cards.casework import (
    build_mentor_case_card,
    build_questions_card,
    build_redefine_choice_card,
    build_solution_card,
)
from bot.cards.common import Card
from bot.cards.intake import build_case_summary_card, build_intake_card, revision_values
from bot.cards.library import build_library_answer_card
from bot.cards.lists import (
    build_moderation_queue_card,
    build_my_cases_card,
    build_my_requests_card,
)
from bot.cards.mentors import (
    build_availability_card,
    build_candidates_card,
    build_mentor_offer_card,
    build_moderator_assign_card,
)
from bot.cards.moderation import build_moderation_card, is_reviewable
from bot.cards.welcome import build_welcome_card
from teams_app.domain.enums import AssignmentStatus, CardKind, Role
from teams_app.domain.errors import FieldError
from teams_app.domain.state_machine import CaseAction, is_allowed
from teams_app.i18n import Translator, translator_for
from teams_app.workflow.views import Actor, AssignmentView, CaseView, QuestionRoundView

if TYPE_CHECKING:
    from teams_app.workflow import Workflow

__all__ = [
    "build_intake_card",
    "build_welcome_card",
    "render_availability",
    "render_card",
    "render_moderation_queue",
    "render_my_cases",
    "render_my_requests",
    "render_redefine_form",
]


@dataclass(frozen=True)
class _Request:
    workflow: Workflow
    recipient: Actor
    translate: Translator
    case_id: int | None
    assignment_id: int | None
    round_id: int | None
    entry_id: int | None
    latest: bool
    values: Mapping[str, Any] | None
    errors: Sequence[FieldError]

    async def case(self) -> CaseView:
        if self.case_id is None:
            raise ValueError("this card kind needs a case_id")
        return await self.workflow.case_view(self.recipient, self.case_id)


async def render_card(
    workflow: Workflow,
    recipient: Actor,
    kind: CardKind,
    *,
    case_id: int | None = None,
    assignment_id: int | None = None,
    round_id: int | None = None,
    entry_id: int | None = None,
    latest: bool = True,
    values: Mapping[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
) -> Card:
    """Build the card of ``kind`` for ``recipient`` from the current state, in their language.

    ``values`` and ``errors`` re-show a submitted form of the card with what
    the user typed and a red line under each invalid input. Workflow errors
    (``NotFound``, ``NotPermitted``) propagate.
    """
    request = _Request(
        workflow=workflow,
        recipient=recipient,
        translate=translator_for(recipient.locale),
        case_id=case_id,
        assignment_id=assignment_id,
        round_id=round_id,
        entry_id=entry_id,
        latest=latest,
        values=values,
        errors=tuple(errors),
    )
    return await _RENDERERS[kind](request)


# ------------------------------------------------------------------ renderers


async def _intake(request: _Request) -> Card:
    """Render an intake card: the blank form before submission, the summary after it."""
    if request.case_id is None:
        rubrics = await request.workflow.rubrics(request.recipient.locale)
        return build_intake_card(
            request.translate, rubrics, values=request.values, errors=request.errors
        )
    view = await request.case()
    rubrics = await request.workflow.rubrics(request.recipient.locale)
    return build_case_summary_card(
        view,
        request.translate,
        rubrics,
        actionable=request.latest and _is_teacher(view),
        latest=request.latest,
    )


async def _library_answer(request: _Request) -> Card:
    view = await request.case()
    hits = await request.workflow.library_hits(view.id)
    rubrics = await request.workflow.rubrics(request.recipient.locale)
    actionable = (
        request.latest and _is_teacher(view) and is_allowed(view.status, CaseAction.FIND_MENTOR)
    )
    return build_library_answer_card(
        view, hits, request.translate, rubrics, actionable=actionable, latest=request.latest
    )


async def _candidates(request: _Request) -> Card:
    view = await request.case()
    actionable = (
        request.latest and _is_teacher(view) and is_allowed(view.status, CaseAction.PICK_MENTOR)
    )
    candidates = []
    if actionable:
        candidates = await request.workflow.candidates(view.id, request.recipient.locale)
    return build_candidates_card(
        view, candidates, request.translate, actionable=actionable, latest=request.latest
    )


async def _mentor_offer(request: _Request) -> Card:
    view = await request.case()
    assignment = _own_assignment(view, request)
    actionable = (
        request.latest
        and assignment is not None
        and assignment.status is AssignmentStatus.OFFERED
        and is_allowed(view.status, CaseAction.ACCEPT)
    )
    rubrics = await request.workflow.rubrics(request.recipient.locale)
    return build_mentor_offer_card(
        view,
        assignment,
        request.translate,
        rubrics,
        actionable=actionable,
        latest=request.latest,
        values=request.values,
        errors=request.errors,
    )


async def _moderator_assign(request: _Request) -> Card:
    view = await request.case()
    actionable = (
        request.latest
        and request.recipient.has(Role.MODERATOR)
        and is_allowed(view.status, CaseAction.MODERATOR_ASSIGN)
    )
    mentors: list[tuple[int, str]] = []
    if actionable:
        mentors = await request.workflow.assignable_mentors(request.recipient)
    rubrics = await request.workflow.rubrics(request.recipient.locale)
    return build_moderator_assign_card(
        view,
        mentors,
        request.translate,
        rubrics,
        actionable=actionable,
        latest=request.latest,
        values=request.values,
        errors=request.errors,
    )


async def _mentor_case(request: _Request) -> Card:
    view = await request.case()
    assignment = _own_assignment(view, request)
    holder = view.holder
    holds_case = (
        request.latest
        and assignment is not None
        and assignment.status is AssignmentStatus.ACCEPTED
        and holder is not None
        and holder.id == assignment.id
    )
    can_ask = holds_case and is_allowed(view.status, CaseAction.ASK_QUESTIONS)
    can_solve = holds_case and is_allowed(view.status, CaseAction.WRITE_SOLUTION)
    locale = request.recipient.locale
    suggested = await request.workflow.suggested_questions(view.id, locale) if can_ask else []
    materials = (
        await request.workflow.published_materials(view.current.rubrics) if can_solve else []
    )
    rubrics = await request.workflow.rubrics(locale)
    return build_mentor_case_card(
        view,
        assignment,
        request.translate,
        rubrics,
        suggested=suggested,
        materials=materials,
        can_ask=can_ask,
        can_solve=can_solve,
        latest=request.latest,
        values=request.values,
        errors=request.errors,
    )


async def _questions(request: _Request) -> Card:
    view = await request.case()
    question_round = _round(view, request.round_id) or view.open_round
    if question_round is None:
        raise ValueError(f"case {view.id} has no question round {request.round_id}")
    actionable = (
        request.latest
        and _is_teacher(view)
        and question_round.answered_at is None
        and is_allowed(view.status, CaseAction.ANSWER_QUESTIONS)
    )
    return build_questions_card(
        view,
        question_round,
        request.translate,
        actionable=actionable,
        latest=request.latest,
        values=request.values,
        errors=request.errors,
    )


async def _redefine_choice(request: _Request) -> Card:
    view = await request.case()
    question_round = _round(view, request.round_id)
    if question_round is None and view.question_rounds:
        question_round = view.question_rounds[-1]
    undecided = (
        question_round is not None
        and question_round.answered_at is not None
        and question_round.decision is None
        # Only the newest round's decision is still open.
        and question_round.id == view.question_rounds[-1].id
    )
    actionable = (
        request.latest
        and _is_teacher(view)
        and undecided
        and is_allowed(view.status, CaseAction.KEEP_VERSION)
    )
    can_redefine = (
        actionable
        and is_allowed(view.status, CaseAction.REDEFINE)
        and view.current.number < view.revision_limit
    )
    return build_redefine_choice_card(
        view,
        question_round,
        request.translate,
        actionable=actionable,
        can_redefine=can_redefine,
        latest=request.latest,
    )


async def _solution(request: _Request) -> Card:
    view = await request.case()
    can_complete = (
        request.latest and _is_teacher(view) and is_allowed(view.status, CaseAction.COMPLETE)
    )
    can_second_opinion = (
        can_complete
        and view.second_opinion_available
        and is_allowed(view.status, CaseAction.SECOND_OPINION)
    )
    return build_solution_card(
        view,
        request.translate,
        can_complete=can_complete,
        can_second_opinion=can_second_opinion,
        latest=request.latest,
        values=request.values,
        errors=request.errors,
    )


async def _moderation(request: _Request) -> Card:
    if request.entry_id is None:
        raise ValueError("a moderation card needs an entry_id")
    entry = await request.workflow.library_entry(request.entry_id)
    rubrics = await request.workflow.rubrics(request.recipient.locale)
    actionable = request.latest and request.recipient.has(Role.MODERATOR) and is_reviewable(entry)
    return build_moderation_card(
        entry,
        request.translate,
        rubrics,
        actionable=actionable,
        latest=request.latest,
        values=request.values,
        errors=request.errors,
    )


_RENDERERS: dict[CardKind, Callable[[_Request], Awaitable[Card]]] = {
    CardKind.INTAKE: _intake,
    CardKind.LIBRARY_ANSWER: _library_answer,
    CardKind.CANDIDATES: _candidates,
    CardKind.MENTOR_OFFER: _mentor_offer,
    CardKind.MODERATOR_ASSIGN: _moderator_assign,
    CardKind.MENTOR_CASE: _mentor_case,
    CardKind.QUESTIONS: _questions,
    CardKind.REDEFINE_CHOICE: _redefine_choice,
    CardKind.SOLUTION: _solution,
    CardKind.MODERATION: _moderation,
}


def _is_teacher(view: CaseView) -> bool:
    return view.viewer_relation == "teacher"


def _own_assignment(view: CaseView, request: _Request) -> AssignmentView | None:
    """Return the recipient's assignment the card is about: by id, else their newest one."""
    own = [a for a in view.assignments if a.mentor_id == request.recipient.user_id]
    if request.assignment_id is not None:
        return next((a for a in own if a.id == request.assignment_id), None)
    return own[-1] if own else None


def _round(view: CaseView, round_id: int | None) -> QuestionRoundView | None:
    if round_id is None:
        return None
    return next((r for r in view.question_rounds if r.id == round_id), None)


# ------------------------------------------------------------- other cards


async def render_redefine_form(
    workflow: Workflow,
    recipient: Actor,
    case_id: int,
    *,
    values: Mapping[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
) -> Card:
    """Build the redefinition form of a case, prefilled with its current revision."""
    view = await workflow.case_view(recipient, case_id)
    rubrics = await workflow.rubrics(recipient.locale)
    return build_intake_card(
        translator_for(recipient.locale),
        rubrics,
        values=revision_values(view) if values is None else values,
        errors=errors,
        revision=view.current.number + 1,
        case_id=view.id,
    )


async def render_my_cases(workflow: Workflow, recipient: Actor) -> Card:
    cases = await workflow.my_cases(recipient)
    return build_my_cases_card(translator_for(recipient.locale), cases)


async def render_my_requests(workflow: Workflow, recipient: Actor) -> Card:
    requests = await workflow.mentor_requests(recipient)
    return build_my_requests_card(translator_for(recipient.locale), requests)


async def render_moderation_queue(workflow: Workflow, recipient: Actor) -> Card:
    drafts, stuck_cases = await workflow.awaiting_moderation(recipient)
    return build_moderation_queue_card(translator_for(recipient.locale), drafts, stuck_cases)


async def render_availability(
    workflow: Workflow,
    recipient: Actor,
    *,
    values: Mapping[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
) -> Card:
    away_until, max_open_cases = await workflow.availability(recipient)
    return build_availability_card(
        translator_for(recipient.locale),
        away_until=away_until,
        max_open_cases=max_open_cases,
        values=values,
        errors=errors,
    )
