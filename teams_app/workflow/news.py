"""News: moderators publish, edit and unpublish items; everyone signed in reads them.

An item is plain text: the pages split the body into paragraphs on blank
lines and render no markup. Unpublished items are left out for everyone but
moderators, who see them marked and may publish them again. Publishing again
keeps the first publication date, so the item returns to its place in the list.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import NewsStatus, Role
from teams_app.domain.errors import FieldError, NotFound, NotPermitted, ValidationFailed
from teams_app.settings import Settings
from teams_app.storage.db import Database
from teams_app.storage.models import NewsItem, User, utcnow
from teams_app.workflow.forum import is_moderator, read_text
from teams_app.workflow.views import Actor

logger = logging.getLogger(__name__)

TITLE_LIMIT = 200
BODY_LIMIT = 20_000


@dataclass(frozen=True)
class NewsView:
    id: int
    title: str
    body: str
    status: NewsStatus
    # None when the author's account was erased.
    author_name: str | None
    published_at: dt.datetime
    updated_at: dt.datetime | None


@dataclass(frozen=True)
class NewsPage:
    items: tuple[NewsView, ...]
    total: int


@dataclass(frozen=True)
class NewsForm:
    title: str
    body: str


def parse_news_form(raw: Mapping[str, Any]) -> NewsForm:
    errors: list[FieldError] = []
    title = read_text(raw, "title", TITLE_LIMIT, errors, one_line=True)
    body = read_text(raw, "body", BODY_LIMIT, errors, one_line=False)
    if errors:
        raise ValidationFailed(errors)
    return NewsForm(title, body)


def _require_moderator(actor: Actor) -> None:
    if not is_moderator(actor):
        raise NotPermitted(role=Role.MODERATOR.value)


def _visible(actor: Actor) -> ColumnElement[bool]:
    return true() if is_moderator(actor) else NewsItem.status == NewsStatus.PUBLISHED


def _view(item: NewsItem, author_name: str | None) -> NewsView:
    return NewsView(
        id=item.id,
        title=item.title,
        body=item.body,
        status=item.status,
        author_name=author_name,
        published_at=item.published_at,
        updated_at=item.updated_at,
    )


class News:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    async def list(self, actor: Actor, offset: int, limit: int) -> NewsPage:
        """List the items the actor may read, the newest first."""
        async with self.db.transaction() as session:
            total = await session.scalar(select(func.count(NewsItem.id)).where(_visible(actor)))
            rows = await session.execute(
                select(NewsItem, User.display_name)
                .outerjoin(User, User.id == NewsItem.author_id)
                .where(_visible(actor))
                .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
                .offset(offset)
                .limit(limit)
            )
            return NewsPage(tuple(_view(item, name) for item, name in rows), total or 0)

    async def get(self, actor: Actor, news_id: int) -> NewsView:
        async with self.db.transaction() as session:
            item = await self._load(session, actor, news_id)
            return _view(item, await _author_name(session, item))

    async def publish(self, actor: Actor, raw: Mapping[str, Any]) -> NewsView:
        """Publish a new item now."""
        _require_moderator(actor)
        form = parse_news_form(raw)
        async with self.db.transaction() as session:
            item = NewsItem(
                title=form.title,
                body=form.body,
                status=NewsStatus.PUBLISHED,
                author_id=actor.user_id,
                published_at=utcnow(),
            )
            session.add(item)
            await session.flush()
            logger.info("news published id=%s moderator=%s", item.id, actor.user_id)
            return _view(item, await _author_name(session, item))

    async def edit(self, actor: Actor, news_id: int, raw: Mapping[str, Any]) -> NewsView:
        """Replace the title and the body of an item."""
        _require_moderator(actor)
        async with self.db.transaction() as session:
            item = await self._load(session, actor, news_id)
            form = parse_news_form(raw)
            item.title, item.body = form.title, form.body
            item.updated_at = utcnow()
            await session.flush()
            logger.info("news edited id=%s moderator=%s", news_id, actor.user_id)
            return _view(item, await _author_name(session, item))

    async def set_status(self, actor: Actor, news_id: int, status: NewsStatus) -> NewsView:
        """Unpublish an item, or publish an unpublished one again."""
        _require_moderator(actor)
        async with self.db.transaction() as session:
            item = await self._load(session, actor, news_id)
            if item.status != status:
                item.status = status
                item.updated_at = utcnow()
                await session.flush()
                logger.info("news %s id=%s moderator=%s", status.value, news_id, actor.user_id)
            return _view(item, await _author_name(session, item))

    async def _load(self, session: AsyncSession, actor: Actor, news_id: int) -> NewsItem:
        item = await session.scalar(
            select(NewsItem).where(NewsItem.id == news_id, _visible(actor))
        )
        if item is None:
            raise NotFound(what=f"news {news_id}")
        return item


async def _author_name(session: AsyncSession, item: NewsItem) -> str | None:
    if item.author_id is None:
        return None
    return await session.scalar(select(User.display_name).where(User.id == item.author_id))
