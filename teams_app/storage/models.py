"""SQLAlchemy models: the whole state of the app lives in these tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from teams_app.domain.enums import (
    AssignmentStatus,
    CardKind,
    CaseStatus,
    EventKind,
    EventStatus,
    LibraryEntryKind,
    LibraryEntryStatus,
    MaterialType,
    NewsStatus,
    Privacy,
    QuestionKind,
    Role,
    Urgency,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _enum(enum_cls: type) -> Enum:
    # Stored by value as plain strings: no native enum types, so a new value
    # needs no ALTER TYPE on PostgreSQL.
    return Enum(
        enum_cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        create_constraint=False,
        length=32,
    )


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware datetime column; SQLite keeps no zone, so UTC is re-attached on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    """A person known to the bot or the tabs, keyed by tenant and Entra object id."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("tenant_id", "aad_object_id", name="tenant_aad"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64), default="")
    aad_object_id: Mapped[str | None] = mapped_column(String(64))
    # The bot-specific Teams user id ("29:..."), unique per bot.
    teams_user_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    # Locale of the user's latest activity.
    locale: Mapped[str] = mapped_column(String(16), default="ru-RU")
    # "ru" or "en" when the user chose a language in the bot; it wins over the locale.
    preferred_language: Mapped[str | None] = mapped_column(String(8))
    # IANA time zone in which the tabs show times.
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def effective_locale(self) -> str:
        return self.preferred_language or self.locale

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(_enum(Role), primary_key=True)
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")


class ConversationRef(Base):
    """The Bot Framework conversation reference of a user's 1:1 chat with the bot."""

    __tablename__ = "conversation_refs"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    conversation_id: Mapped[str] = mapped_column(String(512))
    service_url: Mapped[str] = mapped_column(String(512))
    # ConversationReference.serialize() as stored JSON.
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Rubric(Base):
    __tablename__ = "rubrics"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title_ru: Mapped[str] = mapped_column(String(255))
    title_en: Mapped[str] = mapped_column(String(255))
    description_ru: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")


class SuggestedQuestion(Base):
    __tablename__ = "suggested_questions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(64))
    group_title_ru: Mapped[str] = mapped_column(String(255))
    group_title_en: Mapped[str] = mapped_column(String(255))
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text_ru: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    rubrics: Mapped[list[Any]] = mapped_column(JSON, default=list)
    keywords: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MentorProfile(Base):
    __tablename__ = "mentor_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    last_name: Mapped[str] = mapped_column(String(255), default="")
    first_name: Mapped[str] = mapped_column(String(255), default="")
    patronymic: Mapped[str] = mapped_column(String(255), default="")
    position: Mapped[str] = mapped_column(String(255), default="")
    # Place of work in one line, as the bot's cards show it. Profiles edited in
    # the tabs keep it equal to "department, institute, university".
    workplace: Mapped[str] = mapped_column(Text, default="")
    interests: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[list[Any]] = mapped_column(JSON, default=list)
    motto: Mapped[str] = mapped_column(Text, default="")
    max_open_cases: Mapped[int] = mapped_column(Integer, default=3)
    away_until: Mapped[dt.date | None] = mapped_column(Date)
    # Contact details the mentor chose to show on the public profile.
    public_contact: Mapped[str] = mapped_column(Text, default="")
    # Place of work in parts, as the profile form edits it.
    university: Mapped[str] = mapped_column(String(255), default="")
    institute: Mapped[str] = mapped_column(String(255), default="")
    department: Mapped[str] = mapped_column(String(255), default="")
    # Square PNG or JPEG of at most 150x150 pixels, metadata stripped.
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    photo_content_type: Mapped[str | None] = mapped_column(String(32))
    photo_updated_at: Mapped[dt.datetime | None] = mapped_column()

    areas: Mapped[list[MentorArea]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class MentorArea(Base):
    __tablename__ = "mentor_areas"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.user_id", ondelete="CASCADE"), primary_key=True
    )
    rubric_key: Mapped[str] = mapped_column(ForeignKey("rubrics.key"), primary_key=True)


class CaseNumberCounter(Base):
    """Last sequence number handed out per year, bumped atomically by an upsert."""

    __tablename__ = "case_number_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint("current_revision BETWEEN 1 AND 3", name="revision_range"),
        Index("ix_cases_teacher_status", "teacher_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus))
    privacy: Mapped[Privacy] = mapped_column(_enum(Privacy))
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency))
    group_consent: Mapped[bool] = mapped_column(Boolean)
    publish_consent: Mapped[bool] = mapped_column(Boolean)
    locale: Mapped[str] = mapped_column(String(16), default="ru-RU")
    current_revision: Mapped[int] = mapped_column(Integer, default=1)
    # 1 while the first mentor works on the case, 2 after a second opinion was asked.
    opinion: Mapped[int] = mapped_column(Integer, default=1)
    # Bumped on every change; a transition only applies to the version it read.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column()

    revisions: Mapped[list[CaseRevision]] = relationship(
        order_by="CaseRevision.number", lazy="selectin", cascade="all, delete-orphan"
    )


class CaseRevision(Base):
    __tablename__ = "case_revisions"
    __table_args__ = (
        UniqueConstraint("case_id", "number", name="case_number"),
        CheckConstraint("number BETWEEN 1 AND 3", name="number_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    essence: Mapped[str] = mapped_column(Text)
    actions_taken: Mapped[str] = mapped_column(Text)
    why_difficult: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    participants: Mapped[list[Any]] = mapped_column(JSON)
    rubrics: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CaseEvent(Base):
    """One entry of a case's history: who did what, with the content before and after."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    # None when the system acted.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """A mentor's offer or engagement on a case, one row per round."""

    __tablename__ = "assignments"
    __table_args__ = (
        # The database, not the code, guarantees that at most one mentor is
        # assigned to a case: a second offered/accepted row for it fails here.
        Index(
            "uq_assignments_one_holder",
            "case_id",
            unique=True,
            sqlite_where=text("status IN ('offered', 'accepted')"),
            postgresql_where=text("status IN ('offered', 'accepted')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    opinion: Mapped[int] = mapped_column(Integer, default=1)
    round: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[AssignmentStatus] = mapped_column(_enum(AssignmentStatus))
    assigned_by_moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    offered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[dt.datetime | None] = mapped_column()


class QuestionRound(Base):
    __tablename__ = "question_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    asked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[dt.datetime | None] = mapped_column()
    # Revision the questions were asked about.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # "keep" or "redefine" once the teacher decided after answering.
    decision: Mapped[str | None] = mapped_column(String(16))

    questions: Mapped[list[CaseQuestion]] = relationship(
        order_by="CaseQuestion.position", lazy="selectin", cascade="all, delete-orphan"
    )


class CaseQuestion(Base):
    __tablename__ = "case_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("question_rounds.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    # The suggested question it came from, or None for the mentor's own.
    suggested_key: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)


class Solution(Base):
    __tablename__ = "solutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    # Library entry ids attached to the solution.
    material_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Reflection(Base):
    __tablename__ = "reflections"
    __table_args__ = (CheckConstraint("usefulness BETWEEN 1 AND 5", name="usefulness_range"),)

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    will_do: Mapped[str] = mapped_column(Text)
    what_changed: Mapped[str] = mapped_column(Text)
    usefulness: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LibraryEntry(Base):
    __tablename__ = "library_entries"
    __table_args__ = (Index("ix_library_entries_status_kind", "status", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable key for seeded entries, so reseeding is idempotent.
    seed_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    kind: Mapped[LibraryEntryKind] = mapped_column(_enum(LibraryEntryKind))
    material_type: Mapped[MaterialType | None] = mapped_column(_enum(MaterialType))
    status: Mapped[LibraryEntryStatus] = mapped_column(_enum(LibraryEntryStatus))
    language: Mapped[str] = mapped_column(String(8), default="ru")
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(Text)
    # For a solved case: the anonymised case text, clarifications and solutions.
    body: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rubrics: Mapped[list[Any]] = mapped_column(JSON, default=list)
    source_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), unique=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column()
    updated_at: Mapped[dt.datetime | None] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class LibraryEntryRubric(Base):
    """Rubric tags of library entries, for rubric-overlap ranking in SQL."""

    __tablename__ = "library_entry_rubrics"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("library_entries.id", ondelete="CASCADE"), primary_key=True
    )
    rubric_key: Mapped[str] = mapped_column(String(64), primary_key=True)


class CaseLibraryHit(Base):
    """Library entries shown to a teacher as the first automatic answer of a case."""

    __tablename__ = "case_library_hits"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("library_entries.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int] = mapped_column(Integer)


class CardMessage(Base):
    """A card the bot sent, so later state changes can update it in place."""

    __tablename__ = "card_messages"
    __table_args__ = (Index("ix_card_messages_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("library_entries.id", ondelete="CASCADE")
    )
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[CardKind] = mapped_column(_enum(CardKind))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    question_round_id: Mapped[int | None] = mapped_column(ForeignKey("question_rounds.id"))
    conversation_id: Mapped[str] = mapped_column(String(512))
    activity_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ProcessedActivity(Base):
    """Activities already acted on, so a retried delivery changes nothing."""

    __tablename__ = "processed_activities"

    key: Mapped[str] = mapped_column(String(600), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DeliveryOutbox(Base):
    """Notifications of a committed operation that are still to be delivered.

    A worker claims a row by setting ``claimed_until`` and marks it done after
    delivery. A row whose lease ran out is claimed again by any worker.
    """

    __tablename__ = "delivery_outbox"
    __table_args__ = (Index("ix_delivery_outbox_pending", "done_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(Integer)
    entry_id: Mapped[int | None] = mapped_column(Integer)
    # The serialised notifications and the ids of extra cards to update.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[dt.datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[dt.datetime | None] = mapped_column()


# ------------------------------------------------------------------ tabs: sign-in


class WebSession(Base):
    """A sign-in of the demo mode's local sign-in; only the token's hash is stored."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()


# ------------------------------------------------------------------ tabs: calendar


class Event(Base):
    """An online event (a Teams meeting) or an announced offline event."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_events_starts_at", "starts_at"),
        Index("ix_events_case_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus), default=EventStatus.SCHEDULED)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[dt.datetime] = mapped_column()
    ends_at: Mapped[dt.datetime] = mapped_column()
    # IANA zone the organiser entered the times in.
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    location: Mapped[str] = mapped_column(Text, default="")
    meeting_url: Mapped[str | None] = mapped_column(Text)
    # Public events are listed for everyone; private ones only for the organiser
    # and those registered (such as a consultation on a case).
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    capacity: Mapped[int | None] = mapped_column(Integer)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    # Increases with each change, for the iCalendar SEQUENCE.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    rubrics: Mapped[list[EventRubric]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="EventRubric.rubric_key"
    )


class EventRubric(Base):
    """Rubric tags of an event; a table rather than a JSON list so the list filters in SQL."""

    __tablename__ = "event_rubrics"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    rubric_key: Mapped[str] = mapped_column(
        ForeignKey("rubrics.key"), primary_key=True, index=True
    )


class EventRegistration(Base):
    __tablename__ = "event_registrations"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CalendarFeed(Base):
    """A user's secret iCalendar subscription URL; only the secret's hash is stored."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# ------------------------------------------------------------------ tabs: forum


class ForumSection(Base):
    """A forum section: one per rubric, plus sections without a rubric."""

    __tablename__ = "forum_sections"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title_ru: Mapped[str] = mapped_column(String(255))
    title_en: Mapped[str] = mapped_column(String(255))
    description_ru: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    rubric_key: Mapped[str | None] = mapped_column(ForeignKey("rubrics.key"))


class ForumTopic(Base):
    __tablename__ = "forum_topics"
    __table_args__ = (Index("ix_forum_topics_section_last", "section_key", "last_post_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_key: Mapped[str] = mapped_column(ForeignKey("forum_sections.key"))
    title: Mapped[str] = mapped_column(String(255))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_post_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ForumPost(Base):
    __tablename__ = "forum_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("forum_topics.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[dt.datetime | None] = mapped_column()


# ------------------------------------------------------------------ tabs: news


class NewsItem(Base):
    __tablename__ = "news_items"
    __table_args__ = (Index("ix_news_items_status_published", "status", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[NewsStatus] = mapped_column(_enum(NewsStatus), default=NewsStatus.PUBLISHED)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime | None] = mapped_column()
