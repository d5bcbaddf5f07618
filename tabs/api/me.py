"""The signed-in user, the public sign-in configuration and the demo mode's local sign-in."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from tabs.api.core import Access, ApiContext, ApiRoutes
from teams_app.domain.errors import NotFound
from teams_app.i18n import language_of
from teams_app.workflow.views import Actor

routes = ApiRoutes(tag="me")

ME_SCHEMA = {
    "type": "object",
    "required": ["id", "displayName", "roles", "locale", "language", "timeZone"],
    "properties": {
        "id": {"type": "integer"},
        "displayName": {"type": "string"},
        "roles": {"type": "array", "items": {"type": "string"}},
        "locale": {"type": "string"},
        "language": {"type": "string", "enum": ["ru", "en"]},
        "timeZone": {"type": "string"},
    },
}


async def _me(ctx: ApiContext, actor: Actor) -> dict[str, Any]:
    return {
        "id": actor.user_id,
        "displayName": actor.display_name,
        "roles": sorted(role.value for role in actor.roles),
        "locale": actor.locale,
        "language": language_of(actor.locale),
        "timeZone": await ctx.services.web_sessions.time_zone(actor.user_id),
    }


@routes.get("/me", access=Access.USER, summary="The signed-in user", response=ME_SCHEMA)
async def get_me(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    return await _me(ctx, ctx.user)


@routes.patch(
    "/me",
    access=Access.USER,
    summary="Change the user's language or time zone",
    body={
        "type": "object",
        "properties": {
            "language": {"type": ["string", "null"], "enum": ["ru", "en", None]},
            "timeZone": {"type": "string"},
        },
    },
    response=ME_SCHEMA,
)
async def update_me(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    body = await ctx.json()
    actor = ctx.user
    if "language" in body:
        actor = await ctx.services.workflow.set_language(actor, body["language"])
    if "timeZone" in body:
        await ctx.services.web_sessions.set_time_zone(actor, str(body["timeZone"]))
    return await _me(ctx, actor)


@routes.get(
    "/config",
    access=Access.PUBLIC,
    summary="What a page needs to sign in outside Teams",
    response={
        "type": "object",
        "properties": {
            "clientId": {"type": "string"},
            "authority": {"type": "string"},
            "apiScope": {"type": "string"},
            "demo": {"type": "boolean"},
        },
    },
)
async def get_config(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    settings = ctx.settings
    client_id = settings.sso_client_id
    tenants = settings.sso_tenants
    # A single allowed tenant signs in on its own authority; several use "organizations".
    tenant = tenants[0] if len(tenants) == 1 else "organizations"
    host = urlsplit(settings.public_base_url).netloc
    return {
        "clientId": client_id,
        "authority": f"{settings.aad_authority_host}/{tenant}",
        "apiScope": f"api://{host}/{client_id}/access_as_user" if client_id else "",
        "demo": settings.demo,
    }


@routes.get(
    "/demo/users",
    access=Access.PUBLIC,
    summary="Users the demo mode's local sign-in offers (demo mode only)",
    response={"type": "array", "items": {"type": "object"}},
)
async def list_demo_users(request: web.Request, ctx: ApiContext) -> list[dict[str, Any]]:
    if not ctx.settings.demo:
        raise NotFound(what="/demo/users")
    users = await ctx.services.web_sessions.demo_users()
    return [
        {
            "id": user.user_id,
            "displayName": user.display_name,
            "roles": sorted(role.value for role in user.roles),
        }
        for user in users
    ]


@routes.post(
    "/demo/sessions",
    access=Access.PUBLIC,
    summary="Sign in as a demo user (demo mode only)",
    status=201,
    body={"type": "object", "required": ["userId"], "properties": {"userId": {"type": "integer"}}},
    response={
        "type": "object",
        "properties": {"token": {"type": "string"}, "expiresAt": {"type": "string"}},
    },
)
async def start_demo_session(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    if not ctx.settings.demo:
        raise NotFound(what="/demo/sessions")
    body = await ctx.json()
    user_id = body.get("userId")
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise NotFound(what=f"user {user_id!r}")
    session = await ctx.services.web_sessions.start_demo_session(user_id)
    return {"token": session.token, "expiresAt": session.expires_at.isoformat()}
