"""The "My cases" area: a teacher's cases, a mentor's offers and cases, the moderators' queue.

Every change calls the same ``Workflow`` operation as the bot's card action,
records it under a key derived from the ``Idempotency-Key`` header (or a
fresh one), and hands the operation's notifications to the bot's notifier.
Reads go through ``TabCases``, whose views are already filtered for the
viewer: no response about an anonymous case names its teacher to anyone
but the teacher.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any

from aiohttp import web

from tabs.api.core import Access, ApiContext, ApiProblem, ApiRoutes
from teams_app.domain.enums import (
    CaseStatus,
    LibraryEntryStatus,
    Participant,
    Privacy,
    Urgency,
)
from teams_app.domain.errors import FieldError, NotFound, StaleAction, ValidationFailed
from teams_app.domain.intake import TEXT_LIMITS
from teams_app.i18n import Translator
from teams_app.i18n import gettext_noop as N_
from teams_app.services import OUTCOME_SCHEDULER_KEY
from teams_app.workflow.limits import (
    ANSWER_LIMIT,
    CUSTOM_QUESTION_LIMIT,
    DECLINE_REASON_LIMIT,
    MAX_QUESTIONS_PER_ROUND,
    REFLECTION_TEXT_LIMIT,
    SOLUTION_LIMIT,
)
from teams_app.workflow.tab_cases import (
    AssignmentScope,
    AssignmentSummary,
    CasePage,
    CaseScope,
    CaseSummary,
    HistoryItem,
)
from teams_app.workflow.views import LibraryHitView, Outcome

logger = logging.getLogger(__name__)

routes = ApiRoutes(tag="cases")

IDEMPOTENCY_HEADER = "Idempotency-Key"
# Longest Idempotency-Key accepted; the stored key adds the user id and a prefix.
IDEMPOTENCY_KEY_LIMIT = 200
PAGE_LIMIT = 100

CASE = "/cases/{case_id:\\d+}"
OFFER = "/mentoring/offers/{assignment_id:\\d+}"
HELD_CASE = "/mentoring/cases/{case_id:\\d+}"
MODERATION = "/mentoring/moderation"

# Body keys of the intake form and the workflow's names for them.
INTAKE_KEYS = {
    "essence": "essence",
    "actionsTaken": "actions_taken",
    "whyDifficult": "why_difficult",
    "question": "question",
    "participants": "participants",
    "rubrics": "rubrics",
    "privacy": "privacy",
    "groupConsent": "group_consent",
    "urgency": "urgency",
    "publishConsent": "publish_consent",
}
# The workflow's field names in errors and the body keys the page sent.
ERROR_FIELDS = {
    **{workflow: body for body, workflow in INTAKE_KEYS.items()},
    "will_do": "willDo",
    "what_changed": "whatChanged",
    "decline_reason": "declineReason",
    "custom_question": "customQuestions",
    "materials": "materialIds",
    "mentor": "mentorId",
}
REVISION_FIELDS = {
    "essence": "essence",
    "actions_taken": "actionsTaken",
    "why_difficult": "whyDifficult",
    "question": "question",
    "participants": "participants",
    "rubrics": "rubrics",
}

# Case and library entry statuses in words, for the message about a stale action.
CASE_STATUS_LABELS: dict[CaseStatus, str] = {
    CaseStatus.NEW: N_("new, the library's answer is shown"),
    CaseStatus.CHOOSING_MENTOR: N_("choosing a mentor"),
    CaseStatus.AWAITING_MENTOR: N_("waiting for the mentor to accept"),
    CaseStatus.AWAITING_MODERATOR: N_("waiting for a moderator to assign a mentor"),
    CaseStatus.IN_PROGRESS: N_("in progress"),
    CaseStatus.AWAITING_ANSWERS: N_("waiting for the teacher's answers"),
    CaseStatus.AWAITING_DECISION: N_("waiting for the teacher to decide on redefining"),
    CaseStatus.SOLUTION_OFFERED: N_("a possible solution is offered"),
    CaseStatus.COMPLETED: N_("completed"),
    CaseStatus.ANSWERED_BY_LIBRARY: N_("closed, answered by the library"),
    CaseStatus.WITHDRAWN: N_("withdrawn"),
}
ENTRY_STATUS_LABELS: dict[LibraryEntryStatus, str] = {
    LibraryEntryStatus.DRAFT: N_("draft waiting for approval"),
    LibraryEntryStatus.PUBLISHED: N_("published in the library"),
    LibraryEntryStatus.UNPUBLISHED: N_("not published"),
}


class CaseMovedOn(StaleAction):
    """An action on a case whose status has moved on since the page loaded it."""

    message_id = N_(
        "Case {number} is now «{status}», so this action no longer applies. "
        "Nothing was changed; reload the page to see what you can do now."
    )


class EntryMovedOn(StaleAction):
    """An action on a library draft that was approved or rejected meanwhile."""

    message_id = N_(
        "Library entry {number} is now «{status}», so this action no longer applies. "
        "Nothing was changed; reload the page to see what you can do now."
    )


_CASE_STATUSES = {status.value: status for status in CaseStatus}
_ENTRY_STATUSES = {status.value: status for status in LibraryEntryStatus}


# ------------------------------------------------------------------ helpers


def dedupe_key(ctx: ApiContext) -> str:
    """Return the key that makes a retried request change nothing.

    A client that may retry sends an ``Idempotency-Key`` header; the key is
    stored per user, so two users never collide. Without the header every
    request gets a fresh key.
    """
    raw = ctx.request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not raw:
        return f"tab:{uuid.uuid4()}"
    if len(raw) > IDEMPOTENCY_KEY_LIMIT or not raw.isascii() or not raw.isprintable():
        raise ApiProblem(
            400,
            "invalid_idempotency_key",
            N_("The Idempotency-Key header must be 1 to {limit} visible ASCII characters."),
            limit=IDEMPOTENCY_KEY_LIMIT,
        )
    return f"tab:{ctx.user.user_id}:{raw}"


async def deliver(request: web.Request, outcome: Outcome) -> None:
    """Hand the operation's notifications to the bot's notifier, as a card action does."""
    scheduler = request.app.get(OUTCOME_SCHEDULER_KEY)
    if scheduler is None:
        logger.warning(
            "notifications not delivered: the bot's notifier is not running case=%s entry=%s",
            outcome.case_id,
            outcome.entry_id,
        )
        return
    try:
        await scheduler.schedule(outcome)
    except Exception:
        # The operation is committed; a failed hand-over must not turn it into an error.
        logger.exception(
            "notifications not scheduled case=%s entry=%s", outcome.case_id, outcome.entry_id
        )


async def run_operation(ctx: ApiContext, operation: Awaitable[Outcome]) -> Outcome:
    """Await a workflow operation, deliver its notifications and phrase its errors for the tab."""
    try:
        outcome = await operation
    except StaleAction as error:
        raise _moved_on(error, ctx.translate) from error
    except ValidationFailed as error:
        raise ValidationFailed([_renamed(item) for item in error.errors]) from error
    await deliver(ctx.request, outcome)
    return outcome


def _moved_on(error: StaleAction, translate: Translator) -> StaleAction:
    """Rephrase a stale action for a page, with the new status in words."""
    if isinstance(error, CaseMovedOn | EntryMovedOn):
        return error
    fields = dict(error.fields)
    status = str(fields.get("status", ""))
    if status in _ENTRY_STATUSES:
        fields["status"] = translate(ENTRY_STATUS_LABELS[_ENTRY_STATUSES[status]])
        return EntryMovedOn(**fields)
    if status in _CASE_STATUSES:
        fields["status"] = translate(CASE_STATUS_LABELS[_CASE_STATUSES[status]])
    return CaseMovedOn(**fields)


def _renamed(error: FieldError) -> FieldError:
    name = ERROR_FIELDS.get(error.field, error.field)
    return FieldError(name, error.code, error.limit, error.actual)


def iso(value: dt.datetime | None) -> str | None:
    """Format a stored time as ISO 8601 in UTC with a ``Z`` suffix."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def text_field(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed([FieldError(key, "invalid")])
    return value


def id_field(body: Mapping[str, Any], key: str) -> int:
    value = body.get(key)
    if value is None or value == "":
        raise ValidationFailed([FieldError(key, "required")])
    if isinstance(value, bool):
        raise ValidationFailed([FieldError(key, "invalid")])
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValidationFailed([FieldError(key, "invalid")])


def list_field(body: Mapping[str, Any], key: str) -> list[Any]:
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationFailed([FieldError(key, "invalid")])
    return value


def page_params(ctx: ApiContext) -> tuple[int, int]:
    offset = ctx.query_int("offset", 0, maximum=1_000_000)
    limit = ctx.query_int("limit", 20, minimum=1, maximum=PAGE_LIMIT)
    return offset, limit


def choice_param(ctx: ApiContext, name: str, enum_cls: Any, default: Any) -> Any:
    raw = ctx.request.query.get(name)
    if not raw:
        return default
    try:
        return enum_cls(raw)
    except ValueError:
        raise ValidationFailed([FieldError(name, "unknown_choice")]) from None


async def case_page_data(ctx: ApiContext, case_id: int) -> dict[str, Any]:
    page = await ctx.services.cases.case_page(ctx.user, case_id)
    return case_page_json(page)


# ------------------------------------------------------------ serialisation


def summary_json(summary: CaseSummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "number": summary.number,
        "status": summary.status.value,
        "urgency": summary.urgency.value,
        "privacy": summary.privacy.value,
        "excerpt": summary.excerpt,
        "rubrics": list(summary.rubrics),
        "currentRevision": summary.current_revision,
        "createdAt": iso(summary.created_at),
        "updatedAt": iso(summary.updated_at),
        "waitingFor": summary.waiting_for.value,
        "waitingOnYou": summary.waiting_on_viewer,
        "mentorName": summary.mentor_name,
    }


def assignment_summary_json(item: AssignmentSummary) -> dict[str, Any]:
    return {
        "id": item.id,
        "status": item.status.value,
        "opinion": item.opinion,
        "offeredAt": iso(item.offered_at),
        "respondedAt": iso(item.responded_at),
        "byModerator": item.by_moderator,
        "case": summary_json(item.case),
    }


def hit_json(hit: LibraryHitView) -> dict[str, Any]:
    return {
        "entryId": hit.entry_id,
        "kind": hit.kind.value,
        "title": hit.title,
        "summary": hit.summary,
        "url": hit.url,
        "rubrics": list(hit.rubrics),
    }


def case_page_json(page: CasePage) -> dict[str, Any]:
    """Serialise a case page; the teacher's identity appears only where the view carries it."""
    view = page.view
    holder = view.holder
    data: dict[str, Any] = {
        "id": view.id,
        "number": view.number,
        "status": view.status.value,
        "urgency": view.urgency.value,
        "privacy": view.privacy.value,
        "groupConsent": view.group_consent,
        "publishConsent": view.publish_consent,
        "opinion": view.opinion,
        "createdAt": iso(view.created_at),
        "updatedAt": iso(page.updated_at),
        "currentRevision": view.current.number,
        "revisionLimit": view.revision_limit,
        "secondOpinionAvailable": view.second_opinion_available,
        "viewerRelation": view.viewer_relation,
        "waitingFor": page.waiting_for.value,
        "waitingOnYou": page.waiting_on_viewer,
        "actions": list(page.actions),
        "revisions": [
            {
                "number": revision.number,
                "essence": revision.essence,
                "actionsTaken": revision.actions_taken,
                "whyDifficult": revision.why_difficult,
                "question": revision.question,
                "participants": list(revision.participants),
                "rubrics": list(revision.rubrics),
                "changedFields": [REVISION_FIELDS[name] for name in revision.changed_fields],
            }
            for revision in view.revisions
        ],
        "questionRounds": [
            {
                "id": question_round.id,
                "revision": question_round.revision,
                "askedAt": iso(question_round.asked_at),
                "answeredAt": iso(question_round.answered_at),
                "decision": question_round.decision,
                "questions": [
                    {"id": question.id, "text": question.text, "answer": question.answer}
                    for question in question_round.questions
                ],
            }
            for question_round in view.question_rounds
        ],
        "solutions": [
            {
                "id": solution.id,
                "opinion": solution.opinion,
                "mentorName": solution.mentor_name,
                "text": solution.text,
                "createdAt": iso(solution.created_at),
                "materials": [
                    {"entryId": material.entry_id, "title": material.title, "url": material.url}
                    for material in solution.materials
                ],
            }
            for solution in view.solutions
        ],
        "mentor": (
            {
                "id": holder.mentor_id,
                "name": holder.mentor_name,
                "status": holder.status.value,
                "opinion": holder.opinion,
            }
            if holder is not None
            else None
        ),
        "assignments": [
            {
                "id": assignment.id,
                "mentorId": assignment.mentor_id,
                "mentorName": assignment.mentor_name,
                "opinion": assignment.opinion,
                "round": assignment.round,
                "status": assignment.status.value,
                "declineReason": assignment.decline_reason,
                "byModerator": assignment.by_moderator,
            }
            for assignment in view.assignments
        ],
        "ownAssignment": (
            {"id": page.own_assignment.id, "status": page.own_assignment.status.value}
            if page.own_assignment is not None
            else None
        ),
        "reflection": (
            {
                "willDo": view.reflection.will_do,
                "whatChanged": view.reflection.what_changed,
                "usefulness": view.reflection.usefulness,
                "comment": view.reflection.comment,
            }
            if view.reflection is not None
            else None
        ),
        "libraryHits": [hit_json(hit) for hit in page.library_hits],
    }
    if view.teacher is not None and view.viewer_relation != "teacher":
        # Only a personal case reaches here for a mentor or a moderator.
        data["teacher"] = {
            "displayName": view.teacher.display_name,
            "email": view.teacher.email,
            "chatLink": view.teacher.chat_link,
        }
    return data


def history_json(item: HistoryItem) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.id,
        "kind": item.kind,
        "at": iso(item.at),
        "actor": item.actor,
        "actorName": item.actor_name,
        "statusBefore": item.status_before,
        "statusAfter": item.status_after,
        "details": item.details,
    }
    if item.before is not None or item.after is not None:
        data["before"] = item.before
        data["after"] = item.after
    return data


# ------------------------------------------------------------------ schemas

_PAGE_QUERY = {
    "offset": {"type": "integer", "minimum": 0, "default": 0},
    "limit": {"type": "integer", "minimum": 1, "maximum": PAGE_LIMIT, "default": 20},
}
_SUMMARY_SCHEMA = {
    "type": "object",
    "required": ["id", "number", "status", "urgency", "privacy", "excerpt", "waitingFor"],
    "properties": {
        "id": {"type": "integer"},
        "number": {"type": "string"},
        "status": {"type": "string", "enum": [s.value for s in CaseStatus]},
        "urgency": {"type": "string", "enum": [u.value for u in Urgency]},
        "privacy": {"type": "string", "enum": [p.value for p in Privacy]},
        "excerpt": {"type": "string", "description": "The start of the current essence."},
        "rubrics": {"type": "array", "items": {"type": "string"}},
        "currentRevision": {"type": "integer"},
        "createdAt": {"type": "string", "format": "date-time"},
        "updatedAt": {"type": "string", "format": "date-time"},
        "waitingFor": {
            "type": "string",
            "description": "Whose move the case waits for: teacher_library_choice, "
            "teacher_mentor_pick, teacher_answers, teacher_decision, teacher_reflection, "
            "mentor_acceptance, mentor_work, moderator, nothing or not_yours.",
        },
        "waitingOnYou": {"type": "boolean"},
        "mentorName": {"type": ["string", "null"]},
    },
}


def _list_schema(items: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "total"],
        "properties": {"items": {"type": "array", "items": dict(items)}, "total": {"type": "integer"}},
    }


_CASE_SCHEMA = {
    "type": "object",
    "description": "A case as its viewer may see it. ``teacher`` is present only for a "
    "personal case seen by its mentor or a moderator.",
    "required": ["id", "number", "status", "actions", "revisions", "waitingFor"],
    "properties": {
        "id": {"type": "integer"},
        "number": {"type": "string"},
        "status": {"type": "string"},
        "viewerRelation": {"type": "string", "enum": ["teacher", "mentor", "moderator"]},
        "actions": {"type": "array", "items": {"type": "string"}},
        "revisions": {"type": "array", "items": {"type": "object"}},
        "questionRounds": {"type": "array", "items": {"type": "object"}},
        "solutions": {"type": "array", "items": {"type": "object"}},
        "mentor": {"type": ["object", "null"]},
        "teacher": {"type": "object"},
    },
}
_ASSIGNMENT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string"},
        "case": _SUMMARY_SCHEMA,
    },
}
_INTAKE_BODY = {
    "type": "object",
    "properties": {
        "essence": {"type": "string", "maxLength": TEXT_LIMITS["essence"]},
        "actionsTaken": {"type": "string", "maxLength": TEXT_LIMITS["actions_taken"]},
        "whyDifficult": {"type": "string", "maxLength": TEXT_LIMITS["why_difficult"]},
        "question": {"type": "string", "maxLength": TEXT_LIMITS["question"]},
        "participants": {"type": "array", "items": {"type": "string"}},
        "rubrics": {"type": "array", "items": {"type": "string"}},
        "privacy": {"type": "string", "enum": [p.value for p in Privacy]},
        "groupConsent": {"type": "boolean"},
        "urgency": {"type": "string", "enum": [u.value for u in Urgency]},
        "publishConsent": {"type": "boolean"},
    },
}
_NO_BODY = {"type": "object"}


# ------------------------------------------------------------------ teacher


@routes.get(
    "/cases",
    access=Access.USER,
    summary="The signed-in teacher's cases, most recently changed first",
    query={**_PAGE_QUERY, "scope": {"type": "string", "enum": [s.value for s in CaseScope]}},
    response=_list_schema(_SUMMARY_SCHEMA),
)
async def list_my_cases(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    offset, limit = page_params(ctx)
    scope = choice_param(ctx, "scope", CaseScope, CaseScope.ALL)
    page = await ctx.services.cases.teacher_cases(ctx.user, scope=scope, offset=offset, limit=limit)
    return {"items": [summary_json(item) for item in page.items], "total": page.total}


@routes.get(
    "/cases/form",
    access=Access.USER,
    summary="Choices and limits of the case form, in the user's language",
)
async def get_case_form(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    rubrics = await ctx.services.workflow.rubrics(ctx.locale)
    return {
        "rubrics": [{"key": rubric.key, "title": rubric.title} for rubric in rubrics],
        "participants": [participant.value for participant in Participant],
        "privacy": [privacy.value for privacy in Privacy],
        "urgency": [urgency.value for urgency in Urgency],
        "limits": {
            "essence": TEXT_LIMITS["essence"],
            "actionsTaken": TEXT_LIMITS["actions_taken"],
            "whyDifficult": TEXT_LIMITS["why_difficult"],
            "question": TEXT_LIMITS["question"],
            "answer": ANSWER_LIMIT,
            "customQuestion": CUSTOM_QUESTION_LIMIT,
            "questionsPerRound": MAX_QUESTIONS_PER_ROUND,
            "solution": SOLUTION_LIMIT,
            "reflection": REFLECTION_TEXT_LIMIT,
            "declineReason": DECLINE_REASON_LIMIT,
        },
    }


def intake_values(body: Mapping[str, Any]) -> dict[str, Any]:
    """Map the body of the case form to the workflow's form fields, unchecked."""
    return {workflow: body.get(key) for key, workflow in INTAKE_KEYS.items()}


@routes.post(
    "/cases",
    access=Access.USER,
    summary="Submit a new case",
    status=201,
    body=_INTAKE_BODY,
    response=_CASE_SCHEMA,
)
async def submit_my_case(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    body = await ctx.json()
    outcome = await run_operation(
        ctx,
        ctx.services.workflow.submit_case(ctx.user, intake_values(body), dedupe_key(ctx)),
    )
    assert outcome.case_id is not None
    return await case_page_data(ctx, outcome.case_id)


@routes.get(
    CASE,
    access=Access.USER,
    summary="A case as the signed-in user may see it, with the actions open to them",
    response=_CASE_SCHEMA,
)
async def get_case_page(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    return await case_page_data(ctx, ctx.path_int("case_id"))


@routes.get(
    CASE + "/history",
    access=Access.USER,
    summary="The events of a case as the signed-in user may see them",
    response=_list_schema({"type": "object"}),
)
async def get_case_history(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    items = await ctx.services.cases.case_history(ctx.user, ctx.path_int("case_id"))
    return {"items": [history_json(item) for item in items], "total": len(items)}


@routes.get(
    CASE + "/candidates",
    access=Access.USER,
    summary="The mentors the teacher may pick for the case now, best first",
    response={"type": "array", "items": {"type": "object"}},
)
async def list_case_candidates(request: web.Request, ctx: ApiContext) -> list[dict[str, Any]]:
    case_id = ctx.path_int("case_id")
    view = await ctx.services.cases.check_teacher(ctx.user, case_id)
    if view.status is not CaseStatus.CHOOSING_MENTOR:
        return []
    candidates = await ctx.services.workflow.candidates(case_id, ctx.locale)
    return [
        {
            "id": candidate.user_id,
            "name": candidate.display_name,
            "position": candidate.position,
            "workplace": candidate.workplace,
            "areas": [{"key": area.key, "title": area.title} for area in candidate.areas],
            "matchingAreas": list(candidate.matching_areas),
            "motto": candidate.motto,
            "openCases": candidate.open_cases,
            "maxOpenCases": candidate.max_open_cases,
        }
        for candidate in candidates
    ]


@routes.post(
    CASE + "/close-by-library",
    access=Access.USER,
    summary="Close the case as answered by the library",
    body=_NO_BODY,
    response=_CASE_SCHEMA,
)
async def close_case_by_library(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    case_id = ctx.path_int("case_id")
    await run_operation(
        ctx, ctx.services.workflow.close_by_library(ctx.user, case_id, dedupe_key(ctx))
    )
    return await case_page_data(ctx, case_id)


@routes.post(
    CASE + "/find-mentor",
    access=Access.USER,
    summary="Leave the library's answer and look for mentor candidates",
    body=_NO_BODY,
    response=_CASE_SCHEMA,
)
async def find_case_mentor(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    case_id = ctx.path_int("case_id")
    await run_operation(ctx, ctx.services.workflow.find_mentor(ctx.user, case_id, dedupe_key(ctx)))
    return await case_page_data(ctx, case_id)


@routes.post(
    CASE + "/mentor",
    access=Access.USER,
    summary="Offer the case to one of the candidates",
    body={"type": "object", "required": ["mentorId"], "properties": {"mentorId": {"type": "integer"}}},
    response=_CASE_SCHEMA,
)
async def pick_case_mentor(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    case_id = ctx.path_int("case_id")
    mentor_id = id_field(await ctx.json(), "mentorId")
    await run_operation(
        ctx, ctx.services.workflow.pick_mentor(ctx.user, case_id, mentor_id, dedupe_key(ctx))
    )
    return await case_page_data(ctx, case_id)


@routes.post(
    CASE + "/rounds/{round_id:\\d+}/answers",
    access=Access.USER,
    summary="Answer every question of a round",
    body={
        "type": "object",
        "required": ["answers"],
        "properties": {
            "answers": {
                "type": "object",
                "description": "Answers by question id. An error names the field answer_<id>.",
                "additionalProperties": {"type": "string", "maxLength": ANSWER_LIMIT},
            }
        },
    },
    response=_CASE_SCHEMA,
)
async def answer_case_questions(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    case_id = ctx.path_int("case_id")
    round_id = ctx.path_int("round_id")
    body = await ctx.json()
    raw = body.get("answers")
    if not isinstance(raw, dict):
        raise ValidationFailed([FieldError("answers", "required" if raw is None else "invalid")])
    answers: dict[int, str] = {}
    for key, value in raw.items():
        if not str(key).isdigit() or not isinstance(value, str | None):
            raise ValidationFailed([FieldError("answers", "invalid")])
        answers[int(key)] = value or ""
    view = await ctx.services.cases.check_teacher(ctx.user, case_id)
    if round_id not in {question_round.id for question_round in view.question_rounds}:
        raise NotFound(what=f"question round {round_id}")
    await run_operation(
        ctx, ctx.services.workflow.answer_questions(ctx.user, round_id, answers, dedupe_key(ctx))
    )
    return await case_page_data(ctx, case_id)


@routes.post(
    CASE + "/keep-version",
    access=Access.USER,
    summary="Keep the current version of the case after answering",
    body=_NO_BODY,
    response=_CASE_SCHEMA,
)
async def keep_case_version(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    case_id = ctx.path_int("case_id")
    await run_operation(ctx, ctx.services.workflow.keep_version(ctx.user, case_id, dedupe_key(ctx)))
    return await case_page_data(ctx, case_id)


@routes.post(
    CASE + "/revisions",
    access=Access.USER,
    summary="Redefine the case: store the form as its next revision (three at most)",
    status=201,
    body=_INTAKE_BODY,
    response=_CASE_SCHEMA,
)
async def redefine_my_case(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    case_id = ctx.path_int("case_id")
    body = await ctx.json()
    await run_operation(
        ctx,
        ctx.services.workflow.redefine_case(
            ctx.user, case_id, intake_values(body), dedupe_key(ctx)
        ),
    )
    return await case_page_data(ctx, case_id)


@routes.post(
    CASE + "/second-opinion",
    access=Access.USER,
    summary="Ask for a second mentor's opinion (once per case)",
    body=_NO_BODY,
    response=_CASE_SCHEMA,
)
async def request_case_second_opinion(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    case_id = ctx.path_int("case_id")
    await run_operation(
        ctx, ctx.services.workflow.request_second_opinion(ctx.user, case_id, dedupe_key(ctx))
    )
    return await case_page_data(ctx, case_id)


@routes.post(
    CASE + "/completion",
    access=Access.USER,
    summary="Complete the case with the reflection sheet",
    body={
        "type": "object",
        "required": ["willDo", "whatChanged", "usefulness"],
        "properties": {
            "willDo": {"type": "string", "maxLength": REFLECTION_TEXT_LIMIT},
            "whatChanged": {"type": "string", "maxLength": REFLECTION_TEXT_LIMIT},
            "usefulness": {"type": "integer", "minimum": 1, "maximum": 5},
            "comment": {"type": "string", "maxLength": REFLECTION_TEXT_LIMIT},
        },
    },
    response=_CASE_SCHEMA,
)
async def complete_my_case(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    case_id = ctx.path_int("case_id")
    body = await ctx.json()
    usefulness = body.get("usefulness")
    if isinstance(usefulness, bool) or not isinstance(usefulness, int | str | None):
        raise ValidationFailed([FieldError("usefulness", "out_of_range", limit=5)])
    raw = {
        "will_do": text_field(body, "willDo"),
        "what_changed": text_field(body, "whatChanged"),
        "comment": text_field(body, "comment"),
        "usefulness": "" if usefulness is None else str(usefulness),
    }
    await run_operation(ctx, ctx.services.workflow.complete(ctx.user, case_id, raw, dedupe_key(ctx)))
    return await case_page_data(ctx, case_id)


@routes.post(
    CASE + "/withdrawal",
    access=Access.USER,
    summary="Withdraw the case",
    body=_NO_BODY,
    response=_CASE_SCHEMA,
)
async def withdraw_my_case(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    case_id = ctx.path_int("case_id")
    await run_operation(ctx, ctx.services.workflow.withdraw(ctx.user, case_id, dedupe_key(ctx)))
    return await case_page_data(ctx, case_id)


# ------------------------------------------------------------------ mentor


@routes.get(
    "/mentoring/offers",
    access=Access.MENTOR,
    summary="Offers waiting for the mentor to accept or decline, newest first",
    query=_PAGE_QUERY,
    response=_list_schema(_ASSIGNMENT_SCHEMA),
)
async def list_mentor_offers(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    offset, limit = page_params(ctx)
    page = await ctx.services.cases.mentor_assignments(
        ctx.user, AssignmentScope.OFFERED, offset=offset, limit=limit
    )
    return {"items": [assignment_summary_json(item) for item in page.items], "total": page.total}


@routes.get(
    "/mentoring/cases",
    access=Access.MENTOR,
    summary="Cases the mentor holds (scope=current) or held before (scope=past)",
    query={**_PAGE_QUERY, "scope": {"type": "string", "enum": ["current", "past"]}},
    response=_list_schema(_ASSIGNMENT_SCHEMA),
)
async def list_mentor_cases(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    offset, limit = page_params(ctx)
    scope = choice_param(ctx, "scope", AssignmentScope, AssignmentScope.CURRENT)
    if scope is AssignmentScope.OFFERED:
        raise ValidationFailed([FieldError("scope", "unknown_choice")])
    page = await ctx.services.cases.mentor_assignments(
        ctx.user, scope, offset=offset, limit=limit
    )
    return {"items": [assignment_summary_json(item) for item in page.items], "total": page.total}


@routes.post(
    OFFER + "/accept",
    access=Access.MENTOR,
    summary="Accept an offer: the case becomes the mentor's",
    body=_NO_BODY,
    response=_CASE_SCHEMA,
)
async def accept_mentor_offer(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    assignment_id = ctx.path_int("assignment_id")
    outcome = await run_operation(
        ctx, ctx.services.workflow.accept(ctx.user, assignment_id, dedupe_key(ctx))
    )
    assert outcome.case_id is not None
    return await case_page_data(ctx, outcome.case_id)


@routes.post(
    OFFER + "/decline",
    access=Access.MENTOR,
    summary="Decline an offer, with an optional reason the teacher never sees",
    body={
        "type": "object",
        "properties": {"declineReason": {"type": "string", "maxLength": DECLINE_REASON_LIMIT}},
    },
    response=_CASE_SCHEMA,
)
async def decline_mentor_offer(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    assignment_id = ctx.path_int("assignment_id")
    reason = text_field(await ctx.json(), "declineReason")
    outcome = await run_operation(
        ctx, ctx.services.workflow.decline(ctx.user, assignment_id, reason, dedupe_key(ctx))
    )
    assert outcome.case_id is not None
    return await case_page_data(ctx, outcome.case_id)


@routes.get(
    HELD_CASE + "/suggested-questions",
    access=Access.MENTOR,
    summary="Suggested questions for the case, those fitting its rubrics and text first",
    response={"type": "array", "items": {"type": "object"}},
)
async def list_suggested_questions(request: web.Request, ctx: ApiContext) -> list[dict[str, Any]]:
    case_id = ctx.path_int("case_id")
    await ctx.services.cases.check_holder(ctx.user, case_id)
    questions = await ctx.services.workflow.suggested_questions(case_id, ctx.locale)
    return [
        {
            "key": question.key,
            "group": question.group_title,
            "kind": question.kind,
            "text": question.text,
            "fit": question.fit,
        }
        for question in questions
    ]


@routes.post(
    HELD_CASE + "/questions",
    access=Access.MENTOR,
    summary="Ask the teacher suggested questions and the mentor's own",
    body={
        "type": "object",
        "properties": {
            "suggestedKeys": {"type": "array", "items": {"type": "string"}},
            "customQuestions": {
                "type": "array",
                "items": {"type": "string", "maxLength": CUSTOM_QUESTION_LIMIT},
            },
        },
    },
    response=_CASE_SCHEMA,
)
async def ask_case_questions(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    case_id = ctx.path_int("case_id")
    body = await ctx.json()
    keys = list_field(body, "suggestedKeys")
    custom = list_field(body, "customQuestions")
    if not all(isinstance(key, str) for key in keys):
        raise ValidationFailed([FieldError("suggestedKeys", "invalid")])
    if not all(isinstance(question, str) for question in custom):
        raise ValidationFailed([FieldError("customQuestions", "invalid")])
    await run_operation(
        ctx,
        ctx.services.workflow.ask_questions(ctx.user, case_id, keys, custom, dedupe_key(ctx)),
    )
    return await case_page_data(ctx, case_id)


@routes.get(
    HELD_CASE + "/materials",
    access=Access.MENTOR,
    summary="Published library materials to attach to a solution: by words, else by rubric",
    query={"q": {"type": "string"}},
    response={"type": "array", "items": {"type": "object"}},
)
async def list_solution_materials(request: web.Request, ctx: ApiContext) -> list[dict[str, Any]]:
    case_id = ctx.path_int("case_id")
    view = await ctx.services.cases.check_holder(ctx.user, case_id)
    query = ctx.request.query.get("q", "")[:200]
    hits = await ctx.services.cases.published_materials(query, view.current.rubrics)
    return [hit_json(hit) for hit in hits]


@routes.post(
    HELD_CASE + "/solutions",
    access=Access.MENTOR,
    summary="Write a possible solution, with published library materials attached by id",
    body={
        "type": "object",
        "required": ["solution"],
        "properties": {
            "solution": {"type": "string", "maxLength": SOLUTION_LIMIT},
            "materialIds": {"type": "array", "items": {"type": "integer"}},
        },
    },
    response=_CASE_SCHEMA,
)
async def write_case_solution(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    case_id = ctx.path_int("case_id")
    body = await ctx.json()
    text = text_field(body, "solution")
    material_ids = _ids(list_field(body, "materialIds"), "materialIds")
    await run_operation(
        ctx,
        ctx.services.workflow.write_solution(
            ctx.user, case_id, text, material_ids, dedupe_key(ctx)
        ),
    )
    return await case_page_data(ctx, case_id)


def _ids(values: Sequence[Any], field: str) -> list[int]:
    ids = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationFailed([FieldError(field, "invalid")])
        if isinstance(value, str) and not value.strip().isdigit():
            raise ValidationFailed([FieldError(field, "invalid")])
        ids.append(int(value))
    return ids


# ---------------------------------------------------------------- moderator


@routes.get(
    MODERATION + "/cases",
    access=Access.MODERATOR,
    summary="Cases no mentor took, waiting for a moderator to assign one",
    query=_PAGE_QUERY,
    response=_list_schema(_SUMMARY_SCHEMA),
)
async def list_cases_awaiting_moderator(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    offset, limit = page_params(ctx)
    page = await ctx.services.cases.cases_awaiting_moderator(ctx.user, offset=offset, limit=limit)
    return {"items": [summary_json(item) for item in page.items], "total": page.total}


@routes.get(
    MODERATION + "/mentors",
    access=Access.MODERATOR,
    summary="Every mentor a moderator may assign, by name",
    response={"type": "array", "items": {"type": "object"}},
)
async def list_assignable_mentors(request: web.Request, ctx: ApiContext) -> list[dict[str, Any]]:
    mentors = await ctx.services.workflow.assignable_mentors(ctx.user)
    return [{"id": mentor_id, "name": name} for mentor_id, name in mentors]


@routes.post(
    MODERATION + "/cases/{case_id:\\d+}/mentor",
    access=Access.MODERATOR,
    summary="Assign a mentor to a case nobody took; the assignment counts as accepted",
    body={"type": "object", "required": ["mentorId"], "properties": {"mentorId": {"type": "integer"}}},
    response=_CASE_SCHEMA,
)
async def assign_case_mentor(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    case_id = ctx.path_int("case_id")
    mentor_id = id_field(await ctx.json(), "mentorId")
    await run_operation(
        ctx, ctx.services.workflow.moderator_assign(ctx.user, case_id, mentor_id, dedupe_key(ctx))
    )
    return await case_page_data(ctx, case_id)
