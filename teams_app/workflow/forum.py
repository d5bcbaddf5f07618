"""The forum: sections, topics and posts, and their moderation.

Every signed-in user reads the forum, opens topics and replies. Authors are
shown by display name, because a post is written to be read by everyone
signed in. The section for public cases (``WAY_OUT_SECTION``) is the
exception: its topics and posts carry no author name or id for anyone,
moderators included, and a title or post in which the anonymiser finds
personal data (a name, a school, an e-mail address, a phone number) is
rejected. A topic in that section stays there, so its authors are never
shown by name later. An author may edit their own post for ``EDIT_WINDOW`` after
posting, unless the topic is locked. No one may reply to a locked topic,
moderators included, so a moderator unlocks it first.

Moderators (and admins) hide and unhide posts and topics, lock and unlock
topics and move topics between sections. Hidden content is left out for
everyone else, as if it did not exist; moderators still get it, marked as
hidden. Text is stored as typed, less outer whitespace; the pages escape it
when they show it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import Role
from teams_app.domain.errors import DomainError, FieldError, NotFound, NotPermitted, ValidationFailed
from teams_app.domain.intake import check_text
from teams_app.i18n import gettext_noop as N_, language_of
from teams_app.settings import Settings
from teams_app.storage.db import Database
from teams_app.storage.models import ForumPost, ForumSection, ForumTopic, User, utcnow
from teams_app.workflow.views import Actor

logger = logging.getLogger(__name__)

TITLE_LIMIT = 200
POST_LIMIT = 10_000
# How long after posting the author may still edit a post.
EDIT_WINDOW = dt.timedelta(hours=24)
# The section for public cases; the seed adds it next to one section per rubric.
WAY_OUT_SECTION = "way_out"


class TopicLocked(DomainError):
    code = "topic_locked"
    message_id = N_(
        "This topic is locked: a moderator has closed it to new replies and edits. "
        "Nothing was posted."
    )


class EditWindowClosed(DomainError):
    code = "edit_window_closed"
    message_id = N_(
        "A post can be edited only within {hours} hours of posting; this one is older. "
        "Nothing was changed."
    )


class PersonalDataInTopic(DomainError):
    code = "personal_data"
    message_id = N_(
        "This topic cannot be moved to the section for public cases: its title or one of "
        "its posts seems to contain personal data (a name, a school or organisation, an "
        "e-mail address, a phone number or an address). Nothing was changed."
    )


class AnonymousTopic(DomainError):
    code = "anonymous_topic"
    message_id = N_(
        "A topic of the section for public cases cannot be moved to another section, "
        "because its authors would then be shown by name. Nothing was changed."
    )


class NotAuthor(NotPermitted):
    code = "not_author"
    message_id = N_("Only the author of a post may edit it.")


# ------------------------------------------------------------------ views


@dataclass(frozen=True)
class SectionView:
    key: str
    title: str
    description: str
    # None for sections without a rubric, such as the section for public cases.
    rubric_key: str | None
    topic_count: int
    # When the newest post of a visible topic was written; None for an empty section.
    last_activity_at: dt.datetime | None


@dataclass(frozen=True)
class TopicView:
    """A topic as one viewer may see it."""

    id: int
    section_key: str
    section_title: str
    title: str
    # None when the author's account was erased and in the section for public cases.
    author_name: str | None
    is_own: bool
    # Posts the viewer can see, the first one included.
    post_count: int
    locked: bool
    hidden: bool
    created_at: dt.datetime
    last_post_at: dt.datetime
    can_reply: bool


@dataclass(frozen=True)
class PostView:
    id: int
    topic_id: int
    author_name: str | None
    is_own: bool
    # The post that opened the topic.
    is_first: bool
    body: str
    hidden: bool
    created_at: dt.datetime
    edited_at: dt.datetime | None
    can_edit: bool


@dataclass(frozen=True)
class TopicPage:
    section: SectionView
    items: tuple[TopicView, ...]
    total: int


@dataclass(frozen=True)
class PostPage:
    topic: TopicView
    items: tuple[PostView, ...]
    total: int


# ------------------------------------------------------------------ input


@dataclass(frozen=True)
class TopicForm:
    title: str
    body: str


def is_moderator(actor: Actor) -> bool:
    return actor.has(Role.MODERATOR) or actor.has(Role.ADMIN)


def _require_moderator(actor: Actor) -> None:
    if not is_moderator(actor):
        raise NotPermitted(role=Role.MODERATOR.value)


# Letters and symbols that draw nothing: the Hangul fillers and the blank braille pattern.
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Control, format (zero-width, U+2060, U+FEFF), private-use, unassigned and
# surrogate code points, combining marks and separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me", "Zs", "Zl", "Zp"})


def has_visible_character(text: str) -> bool:
    """Tell whether ``text`` draws at least one glyph that is not a combining mark alone."""
    return any(
        unicodedata.category(char) not in _INVISIBLE_CATEGORIES
        and char not in _BLANK_CHARACTERS
        and not char.isspace()
        for char in text
    )


def read_text(
    raw: Mapping[str, Any], name: str, limit: int, errors: list[FieldError], *, one_line: bool
) -> str:
    """Read one text field of a request body, stripped; append its fault to ``errors``."""
    value = raw.get(name)
    if value is not None and not isinstance(value, str):
        errors.append(FieldError(name, "invalid"))
        return ""
    text = (value or "").strip()
    if not has_visible_character(text):
        # Zero-width spaces or combining marks alone would show an empty card.
        errors.append(FieldError(name, "required"))
    elif one_line and any(unicodedata.category(char) == "Cc" for char in text):
        errors.append(FieldError(name, "invalid_character"))
    elif (error := check_text(name, text, limit)) is not None:
        errors.append(error)
    return text


def parse_topic_form(raw: Mapping[str, Any]) -> TopicForm:
    errors: list[FieldError] = []
    title = read_text(raw, "title", TITLE_LIMIT, errors, one_line=True)
    body = read_text(raw, "body", POST_LIMIT, errors, one_line=False)
    if errors:
        raise ValidationFailed(errors)
    return TopicForm(title, body)


def parse_post_body(raw: Mapping[str, Any]) -> str:
    errors: list[FieldError] = []
    body = read_text(raw, "body", POST_LIMIT, errors, one_line=False)
    if errors:
        raise ValidationFailed(errors)
    return body


# ------------------------------------------------------------------ queries


def _visible_topic(moderator: bool) -> ColumnElement[bool]:
    return true() if moderator else ForumTopic.hidden.is_(False)


def _visible_post(moderator: bool) -> ColumnElement[bool]:
    return true() if moderator else ForumPost.hidden.is_(False)


def _post_count(moderator: bool) -> Any:
    return (
        select(func.count(ForumPost.id))
        .where(ForumPost.topic_id == ForumTopic.id, _visible_post(moderator))
        .correlate(ForumTopic)
        .scalar_subquery()
    )


def _topics_query(moderator: bool) -> Select[Any]:
    return (
        select(ForumTopic, User.display_name, _post_count(moderator))
        .outerjoin(User, User.id == ForumTopic.author_id)
        .where(_visible_topic(moderator))
    )


def _section_view(
    section: ForumSection, language: str, topic_count: int, last: dt.datetime | None
) -> SectionView:
    english = language == "en"
    return SectionView(
        key=section.key,
        title=section.title_en if english else section.title_ru,
        description=section.description_en if english else section.description_ru,
        rubric_key=section.rubric_key,
        topic_count=topic_count,
        last_activity_at=last,
    )


def _section_title(section: ForumSection, language: str) -> str:
    return section.title_en if language == "en" else section.title_ru


class Forum:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._anonymizer: Any = None

    # -------------------------------------------------------------- reading

    async def sections(self, actor: Actor) -> list[SectionView]:
        """List every section in order, with the topics the actor can see and their last post."""
        moderator = is_moderator(actor)
        language = language_of(actor.locale)
        stats = (
            select(
                ForumTopic.section_key,
                func.count(ForumTopic.id).label("topics"),
                func.max(ForumTopic.last_post_at).label("last"),
            )
            .where(_visible_topic(moderator))
            .group_by(ForumTopic.section_key)
            .subquery()
        )
        async with self.db.transaction() as session:
            rows = await session.execute(
                select(ForumSection, stats.c.topics, stats.c.last)
                .outerjoin(stats, stats.c.section_key == ForumSection.key)
                .order_by(ForumSection.position, ForumSection.key)
            )
            return [
                _section_view(section, language, topics or 0, _as_utc(last))
                for section, topics, last in rows
            ]

    async def topics(self, actor: Actor, section_key: str, offset: int, limit: int) -> TopicPage:
        """List a section's topics, the most recently active first."""
        moderator = is_moderator(actor)
        language = language_of(actor.locale)
        async with self.db.transaction() as session:
            section = await _section(session, section_key)
            visible = (ForumTopic.section_key == section_key, _visible_topic(moderator))
            total, last = (
                await session.execute(
                    select(func.count(ForumTopic.id), func.max(ForumTopic.last_post_at)).where(
                        *visible
                    )
                )
            ).one()
            rows = await session.execute(
                _topics_query(moderator)
                .where(*visible)
                .order_by(ForumTopic.last_post_at.desc(), ForumTopic.id.desc())
                .offset(offset)
                .limit(limit)
            )
            title = _section_title(section, language)
            items = tuple(
                self._topic_view(actor, topic, name, count, title) for topic, name, count in rows
            )
            return TopicPage(_section_view(section, language, total, _as_utc(last)), items, total)

    async def topic(self, actor: Actor, topic_id: int, offset: int, limit: int) -> PostPage:
        """Return a topic with one page of its posts, oldest first."""
        moderator = is_moderator(actor)
        async with self.db.transaction() as session:
            topic = await self._load_topic(session, actor, topic_id)
            posts = (
                select(ForumPost, User.display_name)
                .outerjoin(User, User.id == ForumPost.author_id)
                .where(ForumPost.topic_id == topic_id, _visible_post(moderator))
            )
            total = await session.scalar(
                select(func.count(ForumPost.id)).where(
                    ForumPost.topic_id == topic_id, _visible_post(moderator)
                )
            )
            first_id = await self._first_post_id(session, topic_id)
            rows = await session.execute(
                posts.order_by(ForumPost.created_at, ForumPost.id).offset(offset).limit(limit)
            )
            items = tuple(
                self._post_view(actor, topic, post, name, first_id) for post, name in rows
            )
            view = await self._topic_view_of(session, actor, topic)
            return PostPage(view, items, total or 0)

    # -------------------------------------------------------------- writing

    async def create_topic(self, actor: Actor, section_key: str, raw: Mapping[str, Any]) -> TopicView:
        """Open a topic in a section with its first post."""
        form = parse_topic_form(raw)
        if section_key == WAY_OUT_SECTION:
            await self._reject_personal_data(actor, {"title": form.title, "body": form.body})
        async with self.db.transaction() as session:
            await _section(session, section_key)
            now = utcnow()
            topic = ForumTopic(
                section_key=section_key,
                title=form.title,
                author_id=actor.user_id,
                created_at=now,
                last_post_at=now,
            )
            session.add(topic)
            await session.flush()
            session.add(
                ForumPost(topic_id=topic.id, author_id=actor.user_id, body=form.body, created_at=now)
            )
            await session.flush()
            logger.info(
                "forum topic created id=%s section=%s user=%s", topic.id, section_key, actor.user_id
            )
            return await self._topic_view_of(session, actor, topic)

    async def reply(self, actor: Actor, topic_id: int, raw: Mapping[str, Any]) -> PostView:
        """Add a post to a topic that is not locked."""
        async with self.db.transaction() as session:
            topic = await self._load_topic(session, actor, topic_id, for_update=True)
            if topic.locked:
                raise TopicLocked(topic=topic_id)
            body = parse_post_body(raw)
            if topic.section_key == WAY_OUT_SECTION:
                # The locked topic row keeps a move into or out of the section
                # from passing this check unseen.
                await self._reject_personal_data(actor, {"body": body})
            now = utcnow()
            post = ForumPost(topic_id=topic.id, author_id=actor.user_id, body=body, created_at=now)
            session.add(post)
            topic.last_post_at = now
            await session.flush()
            logger.info("forum post created id=%s topic=%s user=%s", post.id, topic_id, actor.user_id)
            first_id = await self._first_post_id(session, topic_id)
            return self._post_view(actor, topic, post, await _name(session, actor.user_id), first_id)

    async def edit_post(self, actor: Actor, post_id: int, raw: Mapping[str, Any]) -> PostView:
        """Replace the text of the actor's own post within ``EDIT_WINDOW`` of posting."""
        async with self.db.transaction() as session:
            post, topic = await self._load_post(
                session, actor, post_id, for_update=True, lock_topic=True
            )
            if post.author_id != actor.user_id:
                raise NotAuthor(post=post_id)
            if topic.locked:
                raise TopicLocked(topic=topic.id)
            if utcnow() - post.created_at > EDIT_WINDOW:
                raise EditWindowClosed(hours=int(EDIT_WINDOW.total_seconds() // 3600))
            body = parse_post_body(raw)
            if topic.section_key == WAY_OUT_SECTION:
                await self._reject_personal_data(actor, {"body": body})
            post.body = body
            post.edited_at = utcnow()
            await session.flush()
            logger.info("forum post edited id=%s user=%s", post_id, actor.user_id)
            first_id = await self._first_post_id(session, topic.id)
            return self._post_view(actor, topic, post, await _name(session, actor.user_id), first_id)

    # -------------------------------------------------------------- moderation

    async def set_post_hidden(self, actor: Actor, post_id: int, hidden: bool) -> PostView:
        """Hide a post from everyone but moderators, or show it again."""
        _require_moderator(actor)
        async with self.db.transaction() as session:
            post, topic = await self._load_post(session, actor, post_id, for_update=True)
            post.hidden = hidden
            post.hidden_by_id = actor.user_id if hidden else None
            await session.flush()
            logger.info(
                "forum post %s id=%s moderator=%s",
                "hidden" if hidden else "shown", post_id, actor.user_id,
            )
            first_id = await self._first_post_id(session, topic.id)
            name = await _name(session, post.author_id)
            return self._post_view(actor, topic, post, name, first_id)

    async def set_topic_hidden(self, actor: Actor, topic_id: int, hidden: bool) -> TopicView:
        """Hide a topic with all its posts from everyone but moderators, or show it again."""
        _require_moderator(actor)
        return await self._moderate_topic(actor, topic_id, "hidden", hidden)

    async def set_topic_locked(self, actor: Actor, topic_id: int, locked: bool) -> TopicView:
        """Close a topic to replies and edits, or open it again."""
        _require_moderator(actor)
        return await self._moderate_topic(actor, topic_id, "locked", locked)

    async def move_topic(self, actor: Actor, topic_id: int, raw: Mapping[str, Any]) -> TopicView:
        """Move a topic with its posts to another section."""
        _require_moderator(actor)
        key = raw.get("sectionKey")
        async with self.db.transaction() as session:
            topic = await self._load_topic(session, actor, topic_id, for_update=True)
            if not isinstance(key, str) or not key:
                raise ValidationFailed([FieldError("sectionKey", "required")])
            if await session.get(ForumSection, key) is None:
                raise ValidationFailed([FieldError("sectionKey", "unknown_choice")])
            previous = topic.section_key
            if previous == WAY_OUT_SECTION and key != WAY_OUT_SECTION:
                raise AnonymousTopic(topic=topic_id)
            if key == WAY_OUT_SECTION and previous != WAY_OUT_SECTION:
                await self._check_topic_for_way_out(session, actor, topic)
            topic.section_key = key
            await session.flush()
            logger.info(
                "forum topic moved id=%s from=%s to=%s moderator=%s",
                topic_id, previous, key, actor.user_id,
            )
            return await self._topic_view_of(session, actor, topic)

    async def _moderate_topic(
        self, actor: Actor, topic_id: int, flag: str, value: bool
    ) -> TopicView:
        async with self.db.transaction() as session:
            topic = await self._load_topic(session, actor, topic_id, for_update=True)
            setattr(topic, flag, value)
            await session.flush()
            logger.info(
                "forum topic %s=%s id=%s moderator=%s", flag, value, topic_id, actor.user_id
            )
            return await self._topic_view_of(session, actor, topic)

    # -------------------------------------------------------------- helpers

    async def _load_topic(
        self, session: AsyncSession, actor: Actor, topic_id: int, *, for_update: bool = False
    ) -> ForumTopic:
        query = select(ForumTopic).where(ForumTopic.id == topic_id)
        if for_update:
            query = query.with_for_update()
        topic = await session.scalar(query)
        if topic is None or (topic.hidden and not is_moderator(actor)):
            raise NotFound(what=f"topic {topic_id}")
        return topic

    async def _load_post(
        self,
        session: AsyncSession,
        actor: Actor,
        post_id: int,
        *,
        for_update: bool = False,
        lock_topic: bool = False,
    ) -> tuple[ForumPost, ForumTopic]:
        query = select(ForumPost).where(ForumPost.id == post_id)
        if for_update:
            query = query.with_for_update()
        post = await session.scalar(query)
        if post is None or (post.hidden and not is_moderator(actor)):
            raise NotFound(what=f"post {post_id}")
        topic = await self._load_topic(session, actor, post.topic_id, for_update=lock_topic)
        return post, topic

    async def _fields_with_personal_data(
        self, actor: Actor, texts: Mapping[str, str]
    ) -> list[str]:
        """Return the names of the ``texts`` in which the anonymiser finds personal data."""
        if self._anonymizer is None:
            from teams_app.anonymizer import Anonymizer

            self._anonymizer = Anonymizer()
        anonymizer = self._anonymizer
        language = language_of(actor.locale)

        def scan() -> list[str]:
            return [
                field
                for field, value in texts.items()
                if anonymizer.anonymize(value, language).replacements
            ]

        # NOTE: reply and edit run this while they hold the topic row lock, so
        # the first call in a process, which loads natasha's NER model, delays
        # other writes to that topic by the loading time.
        return await asyncio.to_thread(scan)

    async def _reject_personal_data(self, actor: Actor, texts: Mapping[str, str]) -> None:
        """Raise a ``personal_data`` field error for each text with personal data."""
        found = await self._fields_with_personal_data(actor, texts)
        if found:
            logger.info("forum text rejected: personal data fields=%s user=%s", found, actor.user_id)
            raise ValidationFailed([FieldError(field, "personal_data") for field in found])

    async def _check_topic_for_way_out(
        self, session: AsyncSession, actor: Actor, topic: ForumTopic
    ) -> None:
        """Raise ``PersonalDataInTopic`` if the title or any post (hidden ones too) contains any."""
        bodies = (
            await session.scalars(select(ForumPost.body).where(ForumPost.topic_id == topic.id))
        ).all()
        texts = {"title": topic.title} | {f"post_{i}": body for i, body in enumerate(bodies)}
        if await self._fields_with_personal_data(actor, texts):
            raise PersonalDataInTopic(topic=topic.id)

    async def _first_post_id(self, session: AsyncSession, topic_id: int) -> int | None:
        return await session.scalar(
            select(ForumPost.id)
            .where(ForumPost.topic_id == topic_id)
            .order_by(ForumPost.created_at, ForumPost.id)
            .limit(1)
        )

    async def _topic_view_of(
        self, session: AsyncSession, actor: Actor, topic: ForumTopic
    ) -> TopicView:
        moderator = is_moderator(actor)
        row = (
            await session.execute(_topics_query(moderator).where(ForumTopic.id == topic.id))
        ).one_or_none()
        if row is None:
            # Only a moderator acting on a hidden topic gets here, and moderators see hidden ones.
            raise NotFound(what=f"topic {topic.id}")
        section = await _section(session, topic.section_key)
        _, name, count = row
        title = _section_title(section, language_of(actor.locale))
        return self._topic_view(actor, topic, name, count, title)

    def _topic_view(
        self, actor: Actor, topic: ForumTopic, author_name: str | None, count: int, section: str
    ) -> TopicView:
        return TopicView(
            id=topic.id,
            section_key=topic.section_key,
            section_title=section,
            title=topic.title,
            author_name=_shown_name(topic, author_name),
            is_own=topic.author_id == actor.user_id,
            post_count=count or 0,
            locked=topic.locked,
            hidden=topic.hidden,
            created_at=topic.created_at,
            last_post_at=topic.last_post_at,
            can_reply=not topic.locked,
        )

    def _post_view(
        self,
        actor: Actor,
        topic: ForumTopic,
        post: ForumPost,
        author_name: str | None,
        first_id: int | None,
    ) -> PostView:
        own = post.author_id == actor.user_id
        return PostView(
            id=post.id,
            topic_id=post.topic_id,
            author_name=_shown_name(topic, author_name),
            is_own=own,
            is_first=post.id == first_id,
            body=post.body,
            hidden=post.hidden,
            created_at=post.created_at,
            edited_at=post.edited_at,
            can_edit=own and not topic.locked and utcnow() - post.created_at <= EDIT_WINDOW,
        )


async def _section(session: AsyncSession, key: str) -> ForumSection:
    section = await session.get(ForumSection, key)
    if section is None:
        raise NotFound(what=f"forum section {key}")
    return section


def _shown_name(topic: ForumTopic, author_name: str | None) -> str | None:
    """Return the author's name, or None in the section for public cases."""
    return None if topic.section_key == WAY_OUT_SECTION else author_name


async def _name(session: AsyncSession, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return await session.scalar(select(User.display_name).where(User.id == user_id))


def _as_utc(value: dt.datetime | None) -> dt.datetime | None:
    # Aggregates bypass the column type, so SQLite returns naive values or strings.
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
