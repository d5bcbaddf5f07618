"""Mentors: the list with filters, profiles, profile editing, photos and availability."""

from __future__ import annotations

from typing import Any

from aiohttp import BodyPartReader, web

from tabs.api.core import Access, ApiContext, ApiProblem, ApiRoutes
from teams_app.domain.errors import FieldError, ValidationFailed
from teams_app.i18n import gettext_noop as N_
from teams_app.images import MAX_PHOTO_BYTES
from teams_app.workflow.profiles import (
    LINK_TITLE_LIMIT,
    LINK_URL_LIMIT,
    MAX_AWAY_DAYS,
    MAX_LINKS,
    MAX_OPEN_CASES,
    PROFILE_TEXT_FIELDS,
    Availability,
    MentorProfileView,
    MentorSettings,
    MentorSummary,
    can_edit,
)

routes = ApiRoutes(tag="mentors")

# Name of the multipart form field that carries the photo.
PHOTO_FIELD = "photo"
# Parts of a multipart upload read before the photo must have appeared.
MAX_UPLOAD_PARTS = 5
# Room for the multipart boundaries and part headers around the photo, in bytes.
MULTIPART_OVERHEAD = 16 * 1024
READ_CHUNK = 64 * 1024

_RUBRIC_SCHEMA = {
    "type": "object",
    "properties": {"key": {"type": "string"}, "title": {"type": "string"}},
}
_WORKPLACE_SCHEMA = {
    "type": "object",
    "properties": {
        "university": {"type": "string"},
        "institute": {"type": "string"},
        "department": {"type": "string"},
        "line": {"type": "string"},
    },
}
SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "fullName", "areas", "availability", "photoUrl"],
    "properties": {
        "id": {"type": "integer"},
        "fullName": {"type": "string"},
        "lastName": {"type": "string"},
        "firstName": {"type": "string"},
        "patronymic": {"type": "string"},
        "position": {"type": "string"},
        "workplace": _WORKPLACE_SCHEMA,
        "areas": {"type": "array", "items": _RUBRIC_SCHEMA},
        "photoUrl": {"type": ["string", "null"]},
        "availability": {"type": "string", "enum": list(Availability.ALL)},
        "awayUntil": {"type": ["string", "null"], "format": "date"},
        "profileUrl": {"type": "string", "description": "The public profile page."},
    },
}
SETTINGS_SCHEMA = {
    "type": "object",
    "properties": {
        "awayUntil": {"type": ["string", "null"], "format": "date"},
        "maxOpenCases": {"type": "integer"},
        "openCases": {"type": "integer"},
    },
}
PROFILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [*SUMMARY_SCHEMA["required"], "canEdit"],
    "properties": {
        **SUMMARY_SCHEMA["properties"],
        "interests": {"type": "string"},
        "links": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"url": {"type": "string"}, "title": {"type": "string"}},
            },
        },
        "motto": {"type": "string"},
        "publicContact": {"type": "string"},
        "canEdit": {"type": "boolean"},
        "settings": {
            **SETTINGS_SCHEMA,
            "description": "Present for the mentor themself and for moderators.",
        },
    },
}
_TEXT = {"type": "string"}
PROFILE_CHANGES_SCHEMA = {
    "type": "object",
    "description": "Fields left out keep their values.",
    "properties": {
        "lastName": _TEXT,
        "firstName": _TEXT,
        "patronymic": _TEXT,
        "position": _TEXT,
        "university": _TEXT,
        "institute": _TEXT,
        "department": _TEXT,
        "areas": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "interests": _TEXT,
        "links": {
            "type": "array",
            "maxItems": MAX_LINKS,
            "items": {
                "type": "object",
                "required": ["url"],
                "properties": {"url": {"type": "string"}, "title": {"type": "string"}},
            },
        },
        "motto": _TEXT,
        "publicContact": _TEXT,
        "awayUntil": {"type": ["string", "null"], "format": "date"},
        "maxOpenCases": {"type": "integer", "minimum": 1, "maximum": MAX_OPEN_CASES},
    },
}
AVAILABILITY_SCHEMA = {
    "type": "object",
    "required": ["maxOpenCases"],
    "properties": {
        "awayUntil": {"type": ["string", "null"], "format": "date"},
        "maxOpenCases": {"type": "integer", "minimum": 1, "maximum": MAX_OPEN_CASES},
    },
}
PHOTO_BODY_SCHEMA = {
    "type": "object",
    "description": (
        "multipart/form-data with the image in the field «photo»: JPEG, PNG or GIF "
        f"of at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB."
    ),
    "properties": {"photo": {"type": "string", "format": "binary"}},
}


# ------------------------------------------------------------------- endpoints


@routes.get(
    "/mentors",
    access=Access.USER,
    summary="List mentors, filtered by area of advice and availability",
    query={
        "rubric": {"type": "string", "description": "A rubric key from the rubricator."},
        "availability": {"type": "string", "enum": list(Availability.ALL)},
        "offset": {"type": "integer", "minimum": 0},
        "limit": {"type": "integer", "minimum": 1, "maximum": 100},
    },
    response={
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": SUMMARY_SCHEMA},
            "total": {"type": "integer"},
        },
    },
)
async def list_mentors(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    page = await ctx.services.profiles.list_mentors(
        ctx.locale,
        rubric=request.query.get("rubric") or None,
        availability=request.query.get("availability") or None,
        offset=ctx.query_int("offset", 0, maximum=100_000),
        limit=ctx.query_int("limit", 20, minimum=1, maximum=100),
    )
    return {"items": [_summary(ctx, item) for item in page.items], "total": page.total}


@routes.get(
    "/mentors/options",
    access=Access.USER,
    summary="What the mentor filters and the profile form offer: rubrics and limits",
    response={
        "type": "object",
        "properties": {
            "rubrics": {"type": "array", "items": _RUBRIC_SCHEMA},
            "availability": {"type": "array", "items": {"type": "string"}},
            "limits": {
                "type": "object",
                "description": "Maximum characters per text field, and the other limits by name.",
                "additionalProperties": {"type": "integer"},
            },
        },
    },
)
async def get_options(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    rubrics = await ctx.services.workflow.rubrics(ctx.locale)
    limits = {name: limit for name, (_, limit, _) in PROFILE_TEXT_FIELDS.items()}
    limits.update(
        links=MAX_LINKS,
        linkUrl=LINK_URL_LIMIT,
        linkTitle=LINK_TITLE_LIMIT,
        maxOpenCases=MAX_OPEN_CASES,
        awayDays=MAX_AWAY_DAYS,
        photoBytes=MAX_PHOTO_BYTES,
    )
    return {
        "rubrics": [{"key": rubric.key, "title": rubric.title} for rubric in rubrics],
        "availability": list(Availability.ALL),
        "limits": limits,
    }


@routes.get(
    "/mentors/me",
    access=Access.MENTOR,
    summary="The signed-in mentor's own profile with the availability settings",
    response=PROFILE_SCHEMA,
)
async def get_own_profile(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    return await _profile_response(ctx, ctx.user.user_id)


@routes.patch(
    "/mentors/me",
    access=Access.MENTOR,
    summary="Change fields of the signed-in mentor's own profile",
    body=PROFILE_CHANGES_SCHEMA,
    response=PROFILE_SCHEMA,
)
async def update_own_profile(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    body = await ctx.json()
    await ctx.services.profiles.update_profile(ctx.user, ctx.user.user_id, body)
    return await _profile_response(ctx, ctx.user.user_id)


@routes.put(
    "/mentors/me/availability",
    access=Access.MENTOR,
    summary="Set the signed-in mentor's away date and open-case limit",
    body=AVAILABILITY_SCHEMA,
    response=SETTINGS_SCHEMA,
)
async def set_own_availability(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    body = await ctx.json()
    actor = ctx.user
    away_until, max_open_cases = await ctx.services.profiles.check_availability(actor, body)
    # The same operation as the bot's availability form.
    await ctx.services.workflow.set_availability(
        actor, away_until=away_until, max_open_cases=max_open_cases
    )
    return _settings(await ctx.services.profiles.settings_of(actor, actor.user_id))


@routes.get(
    "/mentors/{mentor_id}",
    access=Access.USER,
    summary="One mentor's profile; the mentor and moderators also get the settings",
    response=PROFILE_SCHEMA,
)
async def get_mentor(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    return await _profile_response(ctx, ctx.path_int("mentor_id"))


@routes.patch(
    "/mentors/{mentor_id}",
    access=Access.STAFF,
    summary="Change fields of a profile: a mentor their own, a moderator anyone's",
    body=PROFILE_CHANGES_SCHEMA,
    response=PROFILE_SCHEMA,
)
async def update_mentor(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    mentor_id = ctx.path_int("mentor_id")
    await ctx.services.profiles.check_can_edit(ctx.user, mentor_id)
    body = await ctx.json()
    await ctx.services.profiles.update_profile(ctx.user, mentor_id, body)
    return await _profile_response(ctx, mentor_id)


@routes.post(
    "/mentors/{mentor_id}/photo",
    access=Access.STAFF,
    summary="Upload a profile photo: a mentor their own, a moderator anyone's",
    body=PHOTO_BODY_SCHEMA,
    response=PROFILE_SCHEMA,
)
async def upload_photo(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    mentor_id = ctx.path_int("mentor_id")
    # Check permission first, so an upload to another mentor's profile is never read.
    await ctx.services.profiles.check_can_edit(ctx.user, mentor_id)
    data = await read_photo_upload(request)
    await ctx.services.profiles.set_photo(ctx.user, mentor_id, data)
    return await _profile_response(ctx, mentor_id)


@routes.delete(
    "/mentors/{mentor_id}/photo",
    access=Access.STAFF,
    summary="Remove a profile photo: a mentor their own, a moderator anyone's",
    response=PROFILE_SCHEMA,
)
async def delete_photo(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    mentor_id = ctx.path_int("mentor_id")
    await ctx.services.profiles.delete_photo(ctx.user, mentor_id)
    return await _profile_response(ctx, mentor_id)


# --------------------------------------------------------------------- uploads


def _too_large() -> ApiProblem:
    return ApiProblem(
        413,
        "photo_too_large",
        N_("The photo is larger than {limit} MB. Please choose a smaller file."),
        limit=MAX_PHOTO_BYTES // (1024 * 1024),
    )


async def read_photo_upload(request: web.Request) -> bytes:
    """Read the «photo» part of a multipart upload, stopping at ``MAX_PHOTO_BYTES``.

    The size is counted while the stream is read, so an oversized upload is
    rejected with 413 after at most that many bytes, whatever the Content-Length header claims.
    """
    declared = request.content_length
    if declared is not None and declared > MAX_PHOTO_BYTES + MULTIPART_OVERHEAD:
        raise _too_large()
    try:
        reader = await request.multipart()
    except (AssertionError, KeyError, ValueError):
        # aiohttp asserts a multipart type and raises for a missing boundary.
        raise ApiProblem(
            400,
            "multipart_expected",
            N_("Send the photo as multipart/form-data in the field «{field}»."),
            field=PHOTO_FIELD,
        ) from None

    for _ in range(MAX_UPLOAD_PARTS):
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader) or part.name != PHOTO_FIELD:
            continue
        data = bytearray()
        while chunk := await part.read_chunk(READ_CHUNK):
            data.extend(chunk)
            if len(data) > MAX_PHOTO_BYTES:
                raise _too_large()
        return bytes(data)
    raise ValidationFailed([FieldError(PHOTO_FIELD, "required")])


# -------------------------------------------------------------------- rendering


def photo_url(mentor_id: int, version: int | None) -> str | None:
    """Return the photo's address; the version in it changes with every new photo."""
    if version is None:
        return None
    return f"/mentors/{mentor_id}/photo?v={version}"


def _summary(ctx: ApiContext, view: MentorSummary) -> dict[str, Any]:
    workplace = view.workplace
    return {
        "id": view.user_id,
        "fullName": view.full_name,
        "lastName": view.last_name,
        "firstName": view.first_name,
        "patronymic": view.patronymic,
        "position": view.position,
        "workplace": {
            "university": workplace.university,
            "institute": workplace.institute,
            "department": workplace.department,
            "line": workplace.line,
        },
        "areas": [{"key": area.key, "title": area.title} for area in view.areas],
        "photoUrl": photo_url(view.user_id, view.photo_version),
        "availability": view.availability,
        "awayUntil": view.away_until.isoformat() if view.away_until else None,
        "profileUrl": f"{ctx.settings.public_base_url}/mentors/{view.user_id}",
    }


def _settings(settings: MentorSettings) -> dict[str, Any]:
    return {
        "awayUntil": settings.away_until.isoformat() if settings.away_until else None,
        "maxOpenCases": settings.max_open_cases,
        "openCases": settings.open_cases,
    }


def _profile(ctx: ApiContext, view: MentorProfileView) -> dict[str, Any]:
    return {
        **_summary(ctx, view),
        "interests": view.interests,
        "links": [{"url": link.url, "title": link.title} for link in view.links],
        "motto": view.motto,
        "publicContact": view.public_contact,
    }


async def _profile_response(ctx: ApiContext, mentor_id: int) -> dict[str, Any]:
    profiles = ctx.services.profiles
    view = await profiles.profile(mentor_id, ctx.locale)
    actor = ctx.user
    editable = can_edit(actor, mentor_id)
    body = {**_profile(ctx, view), "canEdit": editable}
    if editable:
        body["settings"] = _settings(await profiles.settings_of(actor, mentor_id))
    return body
