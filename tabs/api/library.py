"""The library tab: search, entry pages, materials, attachments to solutions, moderation.

Handlers parse the query or body, call one ``Library`` operation and return
camelCase JSON. Views of solved cases carry the anonymised texts only, never
the case, its number or its author.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any

from aiohttp import web

from tabs.api.core import Access, ApiContext, ApiRoutes
from teams_app.domain.enums import LibraryEntryKind, LibraryEntryStatus, MaterialType
from teams_app.domain.errors import FieldError, ValidationFailed
from teams_app.i18n import SUPPORTED_LANGUAGES
from teams_app.services import OUTCOME_SCHEDULER_KEY
from teams_app.workflow.library_views import (
    DEFAULT_PAGE_SIZE,
    MATERIAL_SUMMARY_LIMIT,
    MATERIAL_TITLE_LIMIT,
    MAX_PAGE_SIZE,
    QUERY_LIMIT,
    URL_LIMIT,
    AttachedMaterial,
    EntryDetail,
    EntrySummary,
    LibraryPage,
    LibraryQuery,
    MentorSolution,
    SortOrder,
)
from teams_app.workflow.views import Actor, Outcome, RubricView

logger = logging.getLogger(__name__)

routes = ApiRoutes(tag="library")

ENTRY = "/library/entries/{entry_id:\\d+}"
SOLUTION = "/library/solutions/{solution_id:\\d+}"
# Value of the status parameter that lists entries of every status.
ANY_STATUS = "any"

# ------------------------------------------------------------------ schemas

_RUBRIC_SCHEMA = {
    "type": "object",
    "properties": {"key": {"type": "string"}, "title": {"type": "string"}},
}
_KINDS = [kind.value for kind in LibraryEntryKind]
_MATERIAL_TYPES = [material_type.value for material_type in MaterialType]
_STATUSES = [status.value for status in LibraryEntryStatus]
_SUMMARY_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": _KINDS},
        "materialType": {"type": ["string", "null"], "enum": [*_MATERIAL_TYPES, None]},
        "status": {"type": "string", "enum": _STATUSES},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "url": {"type": ["string", "null"]},
        "language": {"type": "string"},
        "rubrics": {"type": "array", "items": _RUBRIC_SCHEMA},
        "publishedAt": {"type": ["string", "null"], "format": "date-time"},
    },
}
_PAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": _SUMMARY_SCHEMA},
        "total": {"type": "integer"},
        "offset": {"type": "integer"},
        "limit": {"type": "integer"},
        "sort": {"type": "string", "enum": [order.value for order in SortOrder]},
    },
}
_MATERIAL_REF_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "url": {"type": ["string", "null"]},
        "materialType": {"type": ["string", "null"]},
        "status": {"type": "string"},
    },
}
_DETAIL_SCHEMA = {
    "type": "object",
    "properties": {
        **_SUMMARY_SCHEMA["properties"],
        "updatedAt": {"type": ["string", "null"], "format": "date-time"},
        "addedBy": {
            "type": ["string", "null"],
            "description": "Who added a material; always null for a solved case.",
        },
        "case": {
            "type": ["object", "null"],
            "description": "The anonymised texts of a solved case; null for a material.",
            "properties": {
                "essence": {"type": "string"},
                "actionsTaken": {"type": "string"},
                "whyDifficult": {"type": "string"},
                "question": {"type": "string"},
                "participants": {"type": "array", "items": {"type": "string"}},
                "urgency": {"type": ["string", "null"]},
                "clarifications": {"type": "array", "items": {"type": "object"}},
                "solutions": {"type": "array", "items": {"type": "object"}},
            },
        },
    },
}
_SOLUTION_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "caseNumber": {"type": "string"},
        "createdAt": {"type": "string", "format": "date-time"},
        "excerpt": {"type": "string"},
        "materials": {"type": "array", "items": _MATERIAL_REF_SCHEMA},
    },
}
_PAGE_QUERY = {
    "offset": {"type": "integer", "minimum": 0},
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
}
_MATERIAL_BODY = {
    "type": "object",
    "required": ["title", "url", "summary", "materialType", "rubrics", "language"],
    "properties": {
        "title": {"type": "string", "maxLength": MATERIAL_TITLE_LIMIT},
        "url": {"type": "string", "maxLength": URL_LIMIT, "description": "http or https only"},
        "summary": {"type": "string", "maxLength": MATERIAL_SUMMARY_LIMIT},
        "materialType": {"type": "string", "enum": _MATERIAL_TYPES},
        "rubrics": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "language": {"type": "string", "enum": list(SUPPORTED_LANGUAGES)},
        "solutionId": {
            "type": ["integer", "null"],
            "description": "A solution of the signed-in mentor to attach the new material to.",
        },
    },
}


# ------------------------------------------------------------------ JSON


def _time(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def _rubrics_json(rubrics: tuple[RubricView, ...]) -> list[dict[str, str]]:
    return [{"key": rubric.key, "title": rubric.title} for rubric in rubrics]


def _summary_json(item: EntrySummary) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind.value,
        "materialType": item.material_type.value if item.material_type else None,
        "status": item.status.value,
        "title": item.title,
        "summary": item.summary,
        "url": item.url,
        "language": item.language,
        "rubrics": _rubrics_json(item.rubrics),
        "publishedAt": _time(item.published_at),
    }


def _page_json(page: LibraryPage) -> dict[str, Any]:
    return {
        "items": [_summary_json(item) for item in page.items],
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
        "sort": page.sort.value,
    }


def _material_json(material: AttachedMaterial) -> dict[str, Any]:
    return {
        "id": material.id,
        "title": material.title,
        "url": material.url,
        "materialType": material.material_type.value if material.material_type else None,
        "status": material.status.value,
    }


def _detail_json(entry: EntryDetail) -> dict[str, Any]:
    case = None
    if entry.case is not None:
        case = {
            "essence": entry.case.essence,
            "actionsTaken": entry.case.actions_taken,
            "whyDifficult": entry.case.why_difficult,
            "question": entry.case.question,
            "participants": list(entry.case.participants),
            "urgency": entry.case.urgency,
            "clarifications": [
                {"question": item.question, "answer": item.answer}
                for item in entry.case.clarifications
            ],
            "solutions": [
                {"text": item.text, "materials": [_material_json(m) for m in item.materials]}
                for item in entry.case.solutions
            ],
        }
    return {
        "id": entry.id,
        "kind": entry.kind.value,
        "materialType": entry.material_type.value if entry.material_type else None,
        "status": entry.status.value,
        "title": entry.title,
        "summary": entry.summary,
        "url": entry.url,
        "language": entry.language,
        "rubrics": _rubrics_json(entry.rubrics),
        "publishedAt": _time(entry.published_at),
        "updatedAt": _time(entry.updated_at),
        "addedBy": entry.added_by,
        "case": case,
    }


def _solution_json(solution: MentorSolution) -> dict[str, Any]:
    return {
        "id": solution.id,
        "caseNumber": solution.case_number,
        "createdAt": _time(solution.created_at),
        "excerpt": solution.excerpt,
        "materials": [_material_json(m) for m in solution.materials],
    }


# ------------------------------------------------------------ parameters


def _multi(ctx: ApiContext, name: str) -> list[str]:
    """Read a parameter given several times, or once with comma-separated values."""
    values = []
    for raw in ctx.request.query.getall(name, []):
        values.extend(part.strip() for part in raw.split(",") if part.strip())
    return list(dict.fromkeys(values))


def _date(ctx: ApiContext, name: str, errors: list[FieldError]) -> dt.date | None:
    raw = ctx.request.query.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(FieldError(name, "invalid_date"))
        return None


def _page(ctx: ApiContext) -> tuple[int, int]:
    offset = ctx.query_int("offset", 0, minimum=0, maximum=1_000_000)
    limit = ctx.query_int("limit", DEFAULT_PAGE_SIZE, minimum=1, maximum=MAX_PAGE_SIZE)
    return offset, limit


def _library_query(ctx: ApiContext) -> LibraryQuery:
    """Parse the search parameters; every invalid one is reported at once."""
    errors: list[FieldError] = []

    kind = None
    if raw_kind := ctx.request.query.get("type", "").strip():
        try:
            kind = LibraryEntryKind(raw_kind)
        except ValueError:
            errors.append(FieldError("type", "unknown_choice"))

    material_types = []
    for raw_type in _multi(ctx, "materialType"):
        try:
            material_types.append(MaterialType(raw_type))
        except ValueError:
            errors.append(FieldError("materialType", "unknown_choice"))
            break

    statuses: tuple[LibraryEntryStatus, ...] = (LibraryEntryStatus.PUBLISHED,)
    if raw_status := ctx.request.query.get("status", "").strip():
        if raw_status == ANY_STATUS:
            statuses = tuple(LibraryEntryStatus)
        else:
            try:
                statuses = (LibraryEntryStatus(raw_status),)
            except ValueError:
                errors.append(FieldError("status", "unknown_choice"))

    sort = None
    if raw_sort := ctx.request.query.get("sort", "").strip():
        try:
            sort = SortOrder(raw_sort)
        except ValueError:
            errors.append(FieldError("sort", "unknown_choice"))

    published_from = _date(ctx, "from", errors)
    published_to = _date(ctx, "to", errors)
    if errors:
        raise ValidationFailed(errors)

    offset, limit = _page(ctx)
    return LibraryQuery(
        text=ctx.request.query.get("q", ""),
        rubrics=tuple(_multi(ctx, "rubric")),
        kind=kind,
        material_types=tuple(material_types),
        published_from=published_from,
        published_to=published_to,
        statuses=statuses,
        sort=sort,
        offset=offset,
        limit=limit,
    )


def _actor(ctx: ApiContext) -> Actor:
    """Return the signed-in actor with the response's locale.

    Views name rubrics in the actor's language, and a response follows the
    page's Accept-Language before the user's stored locale.
    """
    return dataclasses.replace(ctx.user, locale=ctx.locale)


async def _deliver(request: web.Request, outcome: Outcome | None) -> None:
    """Hand an outcome to the bot's notifier, so cards shown in chats are updated."""
    if outcome is None:
        return
    scheduler = request.app.get(OUTCOME_SCHEDULER_KEY)
    if scheduler is None:
        logger.warning(
            "cards not refreshed: the bot's notifier is not running case=%s entry=%s",
            outcome.case_id,
            outcome.entry_id,
        )
        return
    try:
        await scheduler.schedule(outcome)
    except Exception:
        # The change is committed; a failed hand-over must not turn it into an error.
        logger.exception(
            "cards not refreshed case=%s entry=%s", outcome.case_id, outcome.entry_id
        )


# ------------------------------------------------------------------ reading


@routes.get(
    "/library/filters",
    access=Access.USER,
    summary="Choices of the library's filters: rubrics in the user's language, types, orders",
    response={
        "type": "object",
        "properties": {
            "rubrics": {"type": "array", "items": _RUBRIC_SCHEMA},
            "kinds": {"type": "array", "items": {"type": "string"}},
            "materialTypes": {"type": "array", "items": {"type": "string"}},
            "languages": {"type": "array", "items": {"type": "string"}},
            "sorts": {"type": "array", "items": {"type": "string"}},
            "queryLimit": {"type": "integer"},
        },
    },
)
async def get_library_filters(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    rubrics = await ctx.services.library.rubrics(ctx.locale)
    return {
        "rubrics": [{"key": rubric.key, "title": rubric.title} for rubric in rubrics],
        "kinds": _KINDS,
        "materialTypes": _MATERIAL_TYPES,
        "languages": list(SUPPORTED_LANGUAGES),
        "sorts": [order.value for order in SortOrder],
        "queryLimit": QUERY_LIMIT,
    }


@routes.get(
    "/library/entries",
    access=Access.USER,
    summary="Search the library: text with Russian and English morphology, filters, paging",
    query={
        "q": {"type": "string", "maxLength": QUERY_LIMIT},
        "rubric": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Rubric keys; an entry with any of them matches.",
        },
        "type": {"type": "string", "enum": _KINDS},
        "materialType": {"type": "array", "items": {"type": "string", "enum": _MATERIAL_TYPES}},
        "from": {"type": "string", "format": "date", "description": "Published on or after"},
        "to": {"type": "string", "format": "date", "description": "Published on or before"},
        "status": {
            "type": "string",
            "enum": [*_STATUSES, ANY_STATUS],
            "description": "Moderators only; everyone else sees published entries.",
        },
        "sort": {
            "type": "string",
            "enum": [order.value for order in SortOrder],
            "description": "Default: relevance when q has search words, else newest.",
        },
        **_PAGE_QUERY,
    },
    response=_PAGE_SCHEMA,
)
async def search_library_entries(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    page = await ctx.services.library.search(_actor(ctx), _library_query(ctx))
    return _page_json(page)


@routes.get(
    ENTRY,
    access=Access.USER,
    summary="One library entry: a material, or a solved case with its clarifications",
    response=_DETAIL_SCHEMA,
)
async def get_library_entry(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    entry = await ctx.services.library.entry(_actor(ctx), ctx.path_int("entry_id"))
    return _detail_json(entry)


# ---------------------------------------------------------------- materials


@routes.post(
    "/library/entries",
    access=Access.STAFF,
    summary="Add a material (article, book, link or video), published at once",
    body=_MATERIAL_BODY,
    response=_DETAIL_SCHEMA,
    status=201,
)
async def add_library_material(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    entry, outcome = await ctx.services.library.add_material(_actor(ctx), await ctx.json())
    await _deliver(request, outcome)
    return _detail_json(entry)


@routes.get(
    "/library/solutions",
    access=Access.MENTOR,
    summary="Solutions the signed-in mentor wrote, newest first, with attached materials",
    query=_PAGE_QUERY,
    response={
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _SOLUTION_SCHEMA},
            "total": {"type": "integer"},
        },
    },
)
async def list_own_solutions(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    offset, limit = _page(ctx)
    page = await ctx.services.library.solutions(_actor(ctx), offset=offset, limit=limit)
    return {"items": [_solution_json(item) for item in page.items], "total": page.total}


@routes.post(
    SOLUTION + "/materials",
    access=Access.MENTOR,
    summary="Attach a published material to a solution the signed-in mentor wrote",
    body={
        "type": "object",
        "required": ["materialId"],
        "properties": {"materialId": {"type": "integer"}},
    },
    response=_SOLUTION_SCHEMA,
)
async def attach_solution_material(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    body = await ctx.json()
    material_id = body.get("materialId")
    if isinstance(material_id, bool) or not isinstance(material_id, int):
        raise ValidationFailed([FieldError("materialId", "required")])
    solution, outcome = await ctx.services.library.attach_material(
        _actor(ctx), ctx.path_int("solution_id"), material_id
    )
    await _deliver(request, outcome)
    return _solution_json(solution)


@routes.delete(
    SOLUTION + "/materials/{entry_id:\\d+}",
    access=Access.MENTOR,
    summary="Detach a material from a solution the signed-in mentor wrote",
    response=_SOLUTION_SCHEMA,
)
async def detach_solution_material(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    solution, outcome = await ctx.services.library.detach_material(
        _actor(ctx), ctx.path_int("solution_id"), ctx.path_int("entry_id")
    )
    await _deliver(request, outcome)
    return _solution_json(solution)


# --------------------------------------------------------------- moderation


@routes.patch(
    ENTRY,
    access=Access.MODERATOR,
    summary="Edit an entry; edited texts of a solved case are checked for personal data",
    body={
        "type": "object",
        "description": "Only the keys present change.",
        "properties": {
            "title": {"type": "string", "maxLength": MATERIAL_TITLE_LIMIT},
            "rubrics": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "summary": {"type": "string", "description": "Materials only"},
            "url": {"type": "string", "description": "Materials only"},
            "materialType": {"type": "string", "enum": _MATERIAL_TYPES},
            "language": {"type": "string", "enum": list(SUPPORTED_LANGUAGES)},
            "essence": {"type": "string", "description": "Solved cases only"},
            "actionsTaken": {"type": "string"},
            "whyDifficult": {"type": "string"},
            "question": {"type": "string"},
            "clarifications": {
                "type": "array",
                "description": "One object per existing item: {question, answer}",
                "items": {"type": "object"},
            },
            "solutions": {
                "type": "array",
                "description": "One object per existing item: {text}",
                "items": {"type": "object"},
            },
        },
    },
    response=_DETAIL_SCHEMA,
)
async def update_library_entry(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    entry_id = ctx.path_int("entry_id")
    entry = await ctx.services.library.update_entry(_actor(ctx), entry_id, await ctx.json())
    await _deliver(request, Outcome(entry_id=entry.id))
    return _detail_json(entry)


@routes.post(
    ENTRY + "/publish",
    access=Access.MODERATOR,
    summary="Approve a draft, or publish an unpublished entry again",
    response=_DETAIL_SCHEMA,
)
async def publish_library_entry(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    entry, outcome = await ctx.services.library.publish(_actor(ctx), ctx.path_int("entry_id"))
    await _deliver(request, outcome)
    return _detail_json(entry)


@routes.post(
    ENTRY + "/unpublish",
    access=Access.MODERATOR,
    summary="Take a published entry out of the library, or reject a draft",
    response=_DETAIL_SCHEMA,
)
async def unpublish_library_entry(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    entry, outcome = await ctx.services.library.unpublish(_actor(ctx), ctx.path_int("entry_id"))
    await _deliver(request, outcome)
    return _detail_json(entry)


@routes.get(
    "/library/moderation",
    access=Access.MODERATOR,
    summary="Drafts of solved cases waiting for a moderator's approval, oldest first",
    query=_PAGE_QUERY,
    response=_PAGE_SCHEMA,
)
async def list_library_drafts(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    offset, limit = _page(ctx)
    page = await ctx.services.library.moderation_queue(_actor(ctx), offset=offset, limit=limit)
    return _page_json(page)
