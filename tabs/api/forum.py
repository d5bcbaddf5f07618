"""The forum: sections, topics, posts and their moderation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web

from tabs.api.core import Access, ApiContext, ApiRoutes
from teams_app.domain.errors import NotFound
from teams_app.workflow.forum import (
    EDIT_WINDOW,
    POST_LIMIT,
    TITLE_LIMIT,
    PostView,
    SectionView,
    TopicView,
)

routes = ApiRoutes(tag="forum")

# The default and the maximum of the ``limit`` query parameter for topics and posts.
DEFAULT_PAGE = 20
MAX_PAGE = 100

_DATETIME = {"type": "string", "format": "date-time"}
_PAGING = {
    "offset": {"type": "integer", "minimum": 0, "default": 0},
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE},
}
SECTION_SCHEMA = {
    "type": "object",
    "properties": {
        "key": {"type": "string", "description": "way_out or rubric:<rubric key>"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "rubricKey": {"type": ["string", "null"]},
        "topicCount": {"type": "integer"},
        "lastActivityAt": {"type": ["string", "null"], "format": "date-time"},
    },
}
TOPIC_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "sectionKey": {"type": "string"},
        "sectionTitle": {"type": "string"},
        "title": {"type": "string"},
        "authorName": {
            "type": ["string", "null"],
            "description": "null in the section for public cases (way_out) and for erased accounts.",
        },
        "isOwn": {"type": "boolean"},
        "postCount": {"type": "integer"},
        "locked": {"type": "boolean"},
        "hidden": {"type": "boolean", "description": "Only moderators get hidden topics."},
        "createdAt": _DATETIME,
        "lastPostAt": _DATETIME,
        "canReply": {"type": "boolean"},
    },
}
POST_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "topicId": {"type": "integer"},
        "authorName": {
            "type": ["string", "null"],
            "description": "null in the section for public cases (way_out) and for erased accounts.",
        },
        "isOwn": {"type": "boolean"},
        "isFirst": {"type": "boolean"},
        "body": {"type": "string"},
        "hidden": {"type": "boolean", "description": "Only moderators get hidden posts."},
        "createdAt": _DATETIME,
        "editedAt": {"type": ["string", "null"], "format": "date-time"},
        "canEdit": {"type": "boolean"},
    },
}
_POST_BODY = {"type": "string", "maxLength": POST_LIMIT}
TOPIC_FORM_SCHEMA = {
    "type": "object",
    "required": ["title", "body"],
    "properties": {
        "title": {"type": "string", "maxLength": TITLE_LIMIT},
        "body": {**_POST_BODY, "description": "The first post."},
    },
}
POST_FORM_SCHEMA = {"type": "object", "required": ["body"], "properties": {"body": _POST_BODY}}
MOVE_SCHEMA = {
    "type": "object",
    "required": ["sectionKey"],
    "properties": {"sectionKey": {"type": "string"}},
}


def _utc(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def section_json(section: SectionView) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": section.title,
        "description": section.description,
        "rubricKey": section.rubric_key,
        "topicCount": section.topic_count,
        "lastActivityAt": _utc(section.last_activity_at),
    }


def topic_json(topic: TopicView) -> dict[str, Any]:
    return {
        "id": topic.id,
        "sectionKey": topic.section_key,
        "sectionTitle": topic.section_title,
        "title": topic.title,
        "authorName": topic.author_name,
        "isOwn": topic.is_own,
        "postCount": topic.post_count,
        "locked": topic.locked,
        "hidden": topic.hidden,
        "createdAt": _utc(topic.created_at),
        "lastPostAt": _utc(topic.last_post_at),
        "canReply": topic.can_reply,
    }


def post_json(post: PostView) -> dict[str, Any]:
    return {
        "id": post.id,
        "topicId": post.topic_id,
        "authorName": post.author_name,
        "isOwn": post.is_own,
        "isFirst": post.is_first,
        "body": post.body,
        "hidden": post.hidden,
        "createdAt": _utc(post.created_at),
        "editedAt": _utc(post.edited_at),
        "canEdit": post.can_edit,
    }


def _section_key(request: web.Request) -> str:
    key = request.match_info.get("section_key", "")
    if not key or len(key) > 64:
        raise NotFound(what=f"forum section {key[:64]}")
    return key


def _paging(ctx: ApiContext) -> tuple[int, int]:
    offset = ctx.query_int("offset", 0, maximum=1_000_000)
    limit = ctx.query_int("limit", DEFAULT_PAGE, minimum=1, maximum=MAX_PAGE)
    return offset, limit


# ------------------------------------------------------------------ reading


@routes.get(
    "/forum/sections",
    access=Access.USER,
    summary="Forum sections with their topic counts and last activity",
    response={
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": SECTION_SCHEMA},
            "editWindowHours": {"type": "integer"},
        },
    },
)
async def list_forum_sections(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    sections = await ctx.services.forum.sections(ctx.user)
    return {
        "items": [section_json(section) for section in sections],
        "editWindowHours": int(EDIT_WINDOW.total_seconds() // 3600),
    }


@routes.get(
    "/forum/sections/{section_key}/topics",
    access=Access.USER,
    summary="Topics of a section, the most recently active first",
    query=_PAGING,
    response={
        "type": "object",
        "properties": {
            "section": SECTION_SCHEMA,
            "items": {"type": "array", "items": TOPIC_SCHEMA},
            "total": {"type": "integer"},
        },
    },
)
async def list_forum_topics(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    offset, limit = _paging(ctx)
    page = await ctx.services.forum.topics(ctx.user, _section_key(request), offset, limit)
    return {
        "section": section_json(page.section),
        "items": [topic_json(topic) for topic in page.items],
        "total": page.total,
    }


@routes.get(
    "/forum/topics/{topic_id}",
    access=Access.USER,
    summary="A topic with one page of its posts, the oldest first",
    query=_PAGING,
    response={
        "type": "object",
        "properties": {
            "topic": TOPIC_SCHEMA,
            "items": {"type": "array", "items": POST_SCHEMA},
            "total": {"type": "integer"},
        },
    },
)
async def get_forum_topic(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    offset, limit = _paging(ctx)
    page = await ctx.services.forum.topic(ctx.user, ctx.path_int("topic_id"), offset, limit)
    return {
        "topic": topic_json(page.topic),
        "items": [post_json(post) for post in page.items],
        "total": page.total,
    }


# ------------------------------------------------------------------ writing


@routes.post(
    "/forum/sections/{section_key}/topics",
    access=Access.USER,
    summary="Open a topic with its first post",
    status=201,
    body=TOPIC_FORM_SCHEMA,
    response=TOPIC_SCHEMA,
)
async def create_forum_topic(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    body = await ctx.json()
    topic = await ctx.services.forum.create_topic(ctx.user, _section_key(request), body)
    return topic_json(topic)


@routes.post(
    "/forum/topics/{topic_id}/posts",
    access=Access.USER,
    summary="Reply to a topic that is not locked",
    status=201,
    body=POST_FORM_SCHEMA,
    response=POST_SCHEMA,
)
async def create_forum_post(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    body = await ctx.json()
    post = await ctx.services.forum.reply(ctx.user, ctx.path_int("topic_id"), body)
    return post_json(post)


@routes.put(
    "/forum/posts/{post_id}",
    access=Access.USER,
    summary="Edit one's own post within the edit window (24 hours) of an unlocked topic",
    body=POST_FORM_SCHEMA,
    response=POST_SCHEMA,
)
async def edit_forum_post(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    body = await ctx.json()
    post = await ctx.services.forum.edit_post(ctx.user, ctx.path_int("post_id"), body)
    return post_json(post)


# ------------------------------------------------------------------ moderation


@routes.post(
    "/forum/posts/{post_id}/hide",
    access=Access.MODERATOR,
    summary="Hide a post from everyone but moderators (moderators)",
    response=POST_SCHEMA,
)
async def hide_forum_post(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    post = await ctx.services.forum.set_post_hidden(ctx.user, ctx.path_int("post_id"), True)
    return post_json(post)


@routes.post(
    "/forum/posts/{post_id}/unhide",
    access=Access.MODERATOR,
    summary="Show a hidden post again (moderators)",
    response=POST_SCHEMA,
)
async def unhide_forum_post(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    post = await ctx.services.forum.set_post_hidden(ctx.user, ctx.path_int("post_id"), False)
    return post_json(post)


@routes.post(
    "/forum/topics/{topic_id}/hide",
    access=Access.MODERATOR,
    summary="Hide a topic from everyone but moderators (moderators)",
    response=TOPIC_SCHEMA,
)
async def hide_forum_topic(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    topic = await ctx.services.forum.set_topic_hidden(ctx.user, ctx.path_int("topic_id"), True)
    return topic_json(topic)


@routes.post(
    "/forum/topics/{topic_id}/unhide",
    access=Access.MODERATOR,
    summary="Show a hidden topic again (moderators)",
    response=TOPIC_SCHEMA,
)
async def unhide_forum_topic(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    topic = await ctx.services.forum.set_topic_hidden(ctx.user, ctx.path_int("topic_id"), False)
    return topic_json(topic)


@routes.post(
    "/forum/topics/{topic_id}/lock",
    access=Access.MODERATOR,
    summary="Close a topic to replies and edits (moderators)",
    response=TOPIC_SCHEMA,
)
async def lock_forum_topic(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    topic = await ctx.services.forum.set_topic_locked(ctx.user, ctx.path_int("topic_id"), True)
    return topic_json(topic)


@routes.post(
    "/forum/topics/{topic_id}/unlock",
    access=Access.MODERATOR,
    summary="Open a locked topic again (moderators)",
    response=TOPIC_SCHEMA,
)
async def unlock_forum_topic(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    topic = await ctx.services.forum.set_topic_locked(ctx.user, ctx.path_int("topic_id"), False)
    return topic_json(topic)


@routes.post(
    "/forum/topics/{topic_id}/move",
    access=Access.MODERATOR,
    summary="Move a topic to another section (moderators)",
    body=MOVE_SCHEMA,
    response=TOPIC_SCHEMA,
)
async def move_forum_topic(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    body = await ctx.json()
    topic = await ctx.services.forum.move_topic(ctx.user, ctx.path_int("topic_id"), body)
    return topic_json(topic)
