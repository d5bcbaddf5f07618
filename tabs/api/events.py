"""Events and the personal calendar: listing, organising, registering, iCalendar export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web

from tabs.api.core import Access, ApiContext, ApiRoutes
from teams_app.calendar_ics import CONTENT_TYPE as ICS_CONTENT_TYPE, calendar_document
from teams_app.domain.enums import EventKind
from teams_app.domain.errors import FieldError, ValidationFailed
from teams_app.domain.event_form import utc_to_local
from teams_app.workflow.events import EventView, FeedStatus, RegistrationState

routes = ApiRoutes(tag="calendar")

# The public path of a subscription feed; tabs/calendar_feed.py serves it.
FEED_PATH = "/calendar/feed/{secret}.ics"

_DATETIME = {"type": "string", "format": "date-time"}
_WALL_TIME = {
    "type": "string",
    "description": "Local wall time without offset, such as 2030-03-31T10:00.",
}
RUBRIC_SCHEMA = {
    "type": "object",
    "properties": {"key": {"type": "string"}, "title": {"type": "string"}},
}
EVENT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": [kind.value for kind in EventKind]},
        "status": {"type": "string", "enum": ["scheduled", "cancelled"]},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "startsAt": _DATETIME,
        "endsAt": _DATETIME,
        "timeZone": {"type": "string", "description": "IANA zone the times were entered in."},
        "startsLocal": _WALL_TIME,
        "endsLocal": _WALL_TIME,
        "location": {"type": "string"},
        "meetingUrl": {"type": ["string", "null"]},
        "rubrics": {"type": "array", "items": RUBRIC_SCHEMA},
        "isPublic": {"type": "boolean"},
        "capacity": {"type": ["integer", "null"]},
        "registeredCount": {"type": "integer"},
        "placesLeft": {"type": ["integer", "null"]},
        "organiserName": {"type": ["string", "null"]},
        "sequence": {"type": "integer"},
        "createdAt": _DATETIME,
        "updatedAt": _DATETIME,
        "isOrganiser": {"type": "boolean"},
        "isRegistered": {"type": "boolean"},
        "isConsultation": {"type": "boolean"},
        "canEdit": {"type": "boolean"},
    },
}
EVENT_FORM_SCHEMA = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": [kind.value for kind in EventKind]},
        "title": {"type": "string", "maxLength": 200},
        "description": {"type": "string", "maxLength": 5000},
        "startsAt": _WALL_TIME,
        "endsAt": _WALL_TIME,
        "timeZone": {"type": "string", "description": "IANA zone, such as Europe/Moscow."},
        "location": {"type": "string", "description": "Required for an offline event."},
        "meetingUrl": {"type": ["string", "null"], "description": "An https:// link."},
        "rubrics": {"type": "array", "items": {"type": "string"}},
        "isPublic": {"type": "boolean"},
        "capacity": {"type": ["integer", "null"], "minimum": 1},
    },
}
REGISTRATION_SCHEMA = {
    "type": "object",
    "properties": {
        "eventId": {"type": "integer"},
        "registered": {"type": "boolean"},
        "registeredCount": {"type": "integer"},
        "capacity": {"type": ["integer", "null"]},
    },
}
FEED_SCHEMA = {
    "type": "object",
    "properties": {
        "active": {"type": "boolean"},
        "createdAt": {"type": ["string", "null"], "format": "date-time"},
        "url": {"type": "string", "description": "Shown only in the answer that creates it."},
        "webcalUrl": {"type": "string"},
    },
}


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def _local(value: dt.datetime, zone: str) -> str:
    return utc_to_local(value, zone).isoformat(timespec="minutes")


def event_json(event: EventView) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind.value,
        "status": event.status.value,
        "title": event.title,
        "description": event.description,
        "startsAt": _utc(event.starts_at),
        "endsAt": _utc(event.ends_at),
        "timeZone": event.time_zone,
        "startsLocal": _local(event.starts_at, event.time_zone),
        "endsLocal": _local(event.ends_at, event.time_zone),
        "location": event.location,
        "meetingUrl": event.meeting_url,
        "rubrics": [{"key": rubric.key, "title": rubric.title} for rubric in event.rubrics],
        "isPublic": event.is_public,
        "capacity": event.capacity,
        "registeredCount": event.registered_count,
        "placesLeft": event.places_left,
        "organiserName": event.organiser_name,
        "sequence": event.sequence,
        "createdAt": _utc(event.created_at),
        "updatedAt": _utc(event.updated_at),
        "isOrganiser": event.is_organiser,
        "isRegistered": event.is_registered,
        "isConsultation": event.is_consultation,
        "canEdit": event.can_edit,
    }


def _registration_json(state: RegistrationState) -> dict[str, Any]:
    return {
        "eventId": state.event_id,
        "registered": state.registered,
        "registeredCount": state.registered_count,
        "capacity": state.capacity,
    }


def _feed_json(status: FeedStatus) -> dict[str, Any]:
    return {
        "active": status.active,
        "createdAt": _utc(status.created_at) if status.created_at else None,
    }


def _query_date(ctx: ApiContext, name: str) -> dt.date | None:
    raw = ctx.request.query.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed([FieldError(name, "invalid_date")]) from None


# ------------------------------------------------------------------ events


@routes.get(
    "/events",
    access=Access.USER,
    summary="Upcoming public events, soonest first",
    query={
        "offset": {"type": "integer", "minimum": 0},
        "limit": {"type": "integer", "minimum": 1, "maximum": 100},
        "rubric": {"type": "string"},
        "kind": {"type": "string", "enum": [kind.value for kind in EventKind]},
    },
    response={
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": EVENT_SCHEMA},
            "total": {"type": "integer"},
        },
    },
)
async def list_public_events(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    offset = ctx.query_int("offset", 0, maximum=100_000)
    limit = ctx.query_int("limit", 20, minimum=1, maximum=100)
    kind_text = request.query.get("kind", "").strip()
    kind: EventKind | None = None
    if kind_text:
        try:
            kind = EventKind(kind_text)
        except ValueError:
            raise ValidationFailed([FieldError("kind", "unknown_choice")]) from None
    rubric = request.query.get("rubric", "").strip() or None
    page = await ctx.services.events.public_events(
        ctx.user, rubric=rubric, kind=kind, offset=offset, limit=limit
    )
    return {"items": [event_json(event) for event in page.items], "total": page.total}


@routes.post(
    "/events",
    access=Access.USER,
    summary="Create an online event or announce an offline one",
    status=201,
    body=EVENT_FORM_SCHEMA,
    response=EVENT_SCHEMA,
)
async def create_event(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    event = await ctx.services.events.create(ctx.user, await ctx.json())
    return event_json(event)


@routes.get(
    "/events/{event_id}",
    access=Access.USER,
    summary="One event, if the user may see it",
    response=EVENT_SCHEMA,
)
async def get_event(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    event = await ctx.services.events.event(ctx.user, ctx.path_int("event_id"))
    return event_json(event)


@routes.patch(
    "/events/{event_id}",
    access=Access.USER,
    summary="Change an event (its organiser or a moderator)",
    body=EVENT_FORM_SCHEMA,
    response=EVENT_SCHEMA,
)
async def update_event(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    event_id = ctx.path_int("event_id")
    event = await ctx.services.events.update(ctx.user, event_id, await ctx.json())
    return event_json(event)


@routes.post(
    "/events/{event_id}/cancel",
    access=Access.USER,
    summary="Cancel an event (its organiser or a moderator)",
    response=EVENT_SCHEMA,
)
async def cancel_event(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    event = await ctx.services.events.cancel(ctx.user, ctx.path_int("event_id"))
    return event_json(event)


@routes.get(
    "/events/{event_id}/ics",
    access=Access.USER,
    summary="The event as an iCalendar file",
    produces=ICS_CONTENT_TYPE,
)
async def download_event_ics(request: web.Request, ctx: ApiContext) -> web.Response:
    event = await ctx.services.events.event(ctx.user, ctx.path_int("event_id"))
    body = calendar_document(
        [event], public_base_url=ctx.settings.public_base_url, locale=ctx.locale
    )
    return web.Response(
        body=body,
        content_type=ICS_CONTENT_TYPE,
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="event-{event.id}.ics"',
            "Cache-Control": "no-store",
        },
    )


@routes.put(
    "/events/{event_id}/registration",
    access=Access.USER,
    summary="Register for an event; repeating it changes nothing",
    response=REGISTRATION_SCHEMA,
)
async def register_for_event(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    state = await ctx.services.events.register(ctx.user, ctx.path_int("event_id"))
    return _registration_json(state)


@routes.delete(
    "/events/{event_id}/registration",
    access=Access.USER,
    summary="Withdraw from an event; repeating it changes nothing",
    response=REGISTRATION_SCHEMA,
)
async def unregister_from_event(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    state = await ctx.services.events.unregister(ctx.user, ctx.path_int("event_id"))
    return _registration_json(state)


@routes.get(
    "/events/{event_id}/registrations",
    access=Access.USER,
    summary="Who registered (the organiser or a moderator)",
    response={
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "userId": {"type": ["integer", "null"]},
                "displayName": {"type": ["string", "null"]},
                "registeredAt": _DATETIME,
            },
        },
    },
)
async def list_registrations(request: web.Request, ctx: ApiContext) -> list[dict[str, Any]]:
    registrants = await ctx.services.events.registrants(ctx.user, ctx.path_int("event_id"))
    return [
        {
            "userId": registrant.user_id,
            "displayName": registrant.display_name,
            "registeredAt": _utc(registrant.registered_at),
        }
        for registrant in registrants
    ]


# ------------------------------------------------------------------ calendar


@routes.get(
    "/calendar",
    access=Access.USER,
    summary="My events (organised, registered, consultations) between two dates",
    query={
        "from": {"type": "string", "format": "date", "description": "First day, inclusive."},
        "to": {"type": "string", "format": "date", "description": "Last day, exclusive."},
    },
    response={
        "type": "object",
        "properties": {
            "timeZone": {"type": "string"},
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "items": {"type": "array", "items": EVENT_SCHEMA},
        },
    },
)
async def get_calendar(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    start, end = _query_date(ctx, "from"), _query_date(ctx, "to")
    calendar = await ctx.services.events.calendar(ctx.user, start, end)
    return {
        "timeZone": calendar.time_zone,
        "from": calendar.start.isoformat(),
        "to": calendar.end.isoformat(),
        "items": [event_json(event) for event in calendar.items],
    }


@routes.get(
    "/calendar/options",
    access=Access.USER,
    summary="What the event form offers: time zones, rubrics, the user's zone",
    response={
        "type": "object",
        "properties": {
            "timeZone": {"type": "string"},
            "timeZones": {"type": "array", "items": {"type": "string"}},
            "rubrics": {"type": "array", "items": RUBRIC_SCHEMA},
        },
    },
)
async def get_calendar_options(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    options = await ctx.services.events.options(ctx.user)
    return {
        "timeZone": options.time_zone,
        "timeZones": list(options.time_zones),
        "rubrics": [{"key": rubric.key, "title": rubric.title} for rubric in options.rubrics],
    }


@routes.get(
    "/calendar/feed",
    access=Access.USER,
    summary="Whether my calendar subscription feed is active",
    response=FEED_SCHEMA,
)
async def get_calendar_feed(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    return _feed_json(await ctx.services.events.feed_status(ctx.user))


@routes.post(
    "/calendar/feed",
    access=Access.USER,
    summary="Create or replace my secret subscription URL; it is shown only here",
    status=201,
    response=FEED_SCHEMA,
)
async def create_calendar_feed(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    created = await ctx.services.events.create_feed(ctx.user)
    base = ctx.settings.public_base_url.rstrip("/")
    url = base + FEED_PATH.format(secret=created.secret)
    webcal = "webcal://" + url.split("://", 1)[1]
    return {"active": True, "createdAt": _utc(created.created_at), "url": url, "webcalUrl": webcal}


@routes.delete(
    "/calendar/feed",
    access=Access.USER,
    summary="Revoke my subscription URL",
    response=FEED_SCHEMA,
)
async def revoke_calendar_feed(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    await ctx.services.events.revoke_feed(ctx.user)
    return _feed_json(FeedStatus(False, None))
