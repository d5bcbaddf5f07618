"""News: the published items for everyone signed in, the editor for moderators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web

from tabs.api.core import Access, ApiContext, ApiRoutes
from teams_app.domain.enums import NewsStatus
from teams_app.workflow.news import BODY_LIMIT, TITLE_LIMIT, NewsView

routes = ApiRoutes(tag="news")

DEFAULT_PAGE = 10
MAX_PAGE = 100

_DATETIME = {"type": "string", "format": "date-time"}
NEWS_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "body": {"type": "string", "description": "Plain text; blank lines separate paragraphs."},
        "status": {
            "type": "string",
            "enum": [status.value for status in NewsStatus],
            "description": "Only moderators get unpublished items.",
        },
        "authorName": {"type": ["string", "null"]},
        "publishedAt": _DATETIME,
        "updatedAt": {"type": ["string", "null"], "format": "date-time"},
    },
}
NEWS_FORM_SCHEMA = {
    "type": "object",
    "required": ["title", "body"],
    "properties": {
        "title": {"type": "string", "maxLength": TITLE_LIMIT},
        "body": {"type": "string", "maxLength": BODY_LIMIT},
    },
}


def _utc(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def news_json(item: NewsView) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "body": item.body,
        "status": item.status.value,
        "authorName": item.author_name,
        "publishedAt": _utc(item.published_at),
        "updatedAt": _utc(item.updated_at),
    }


@routes.get(
    "/news",
    access=Access.USER,
    summary="News, the newest first (moderators also get unpublished items)",
    query={
        "offset": {"type": "integer", "minimum": 0, "default": 0},
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE},
    },
    response={
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": NEWS_SCHEMA},
            "total": {"type": "integer"},
        },
    },
)
async def list_news(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    offset = ctx.query_int("offset", 0, maximum=1_000_000)
    limit = ctx.query_int("limit", DEFAULT_PAGE, minimum=1, maximum=MAX_PAGE)
    page = await ctx.services.news.list(ctx.user, offset, limit)
    return {"items": [news_json(item) for item in page.items], "total": page.total}


@routes.get("/news/{news_id}", access=Access.USER, summary="One news item", response=NEWS_SCHEMA)
async def get_news(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    return news_json(await ctx.services.news.get(ctx.user, ctx.path_int("news_id")))


@routes.post(
    "/news",
    access=Access.MODERATOR,
    summary="Publish a news item (moderators)",
    status=201,
    body=NEWS_FORM_SCHEMA,
    response=NEWS_SCHEMA,
)
async def publish_news(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    body = await ctx.json()
    return news_json(await ctx.services.news.publish(ctx.user, body))


@routes.put(
    "/news/{news_id}",
    access=Access.MODERATOR,
    summary="Replace the title and the text of a news item (moderators)",
    body=NEWS_FORM_SCHEMA,
    response=NEWS_SCHEMA,
)
async def edit_news(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    body = await ctx.json()
    return news_json(await ctx.services.news.edit(ctx.user, ctx.path_int("news_id"), body))


@routes.post(
    "/news/{news_id}/unpublish",
    access=Access.MODERATOR,
    summary="Take a news item off the list for everyone but moderators (moderators)",
    response=NEWS_SCHEMA,
)
async def unpublish_news(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    item = await ctx.services.news.set_status(
        ctx.user, ctx.path_int("news_id"), NewsStatus.UNPUBLISHED
    )
    return news_json(item)


@routes.post(
    "/news/{news_id}/publish",
    access=Access.MODERATOR,
    summary="Publish an unpublished news item again (moderators)",
    response=NEWS_SCHEMA,
)
async def republish_news(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    item = await ctx.services.news.set_status(
        ctx.user, ctx.path_int("news_id"), NewsStatus.PUBLISHED
    )
    return news_json(item)
