"""Events and the personal calendar: create, edit, cancel, register, subscribe.

Anyone signed in may organise an event. The organiser and moderators edit and
cancel it, and every change bumps ``sequence`` so calendar apps replace their
copy. Registration respects the capacity under concurrency because it runs
while holding the event's row: ``SELECT ... FOR UPDATE`` on PostgreSQL, and on
SQLite every transaction starts with ``BEGIN IMMEDIATE``, which takes the
database's write lock.

A private event is visible only to its organiser, to those registered, to
the people of the case it belongs to (a consultation) and to moderators.
Everyone else gets "not found", as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import AssignmentStatus, EventKind, EventStatus, Privacy, Role
from teams_app.domain.errors import DomainError, FieldError, NotFound, NotPermitted, ValidationFailed
from teams_app.domain.event_form import (
    DEFAULT_TIME_ZONE,
    FIELDS,
    EventForm,
    known_time_zones,
    local_to_utc,
    parse_event_form,
    utc_to_local,
    zone_of,
)
from teams_app.i18n import gettext_noop as N_, translator_for
from teams_app.settings import Settings
from teams_app.storage.db import Database
from teams_app.storage.models import (
    Assignment,
    CalendarFeed,
    Case,
    Event,
    EventRegistration,
    EventRubric,
    Rubric,
    User,
    utcnow,
)
from teams_app.workflow.people import roles_of
from teams_app.workflow.views import Actor, RubricView

logger = logging.getLogger(__name__)

# The widest range the personal calendar returns at once, in days.
MAX_CALENDAR_DAYS = 100
# How far back the subscription feed reaches, and how many events it contains at most.
FEED_HISTORY = dt.timedelta(days=180)
FEED_MAX_EVENTS = 1000


class NotOrganiser(NotPermitted):
    code = "not_organiser"
    message_id = N_("Only the organiser of the event or a moderator may do this.")


class EventFull(DomainError):
    code = "event_full"
    message_id = N_("All {capacity} places of this event are taken.")


class EventCancelled(DomainError):
    code = "event_cancelled"
    message_id = N_("This event was cancelled.")


class EventOver(DomainError):
    code = "event_over"
    message_id = N_("This event has already ended.")


# ------------------------------------------------------------------ views


@dataclass(frozen=True)
class EventView:
    """An event as one viewer may see it."""

    id: int
    kind: EventKind
    status: EventStatus
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    # The zone the organiser entered the times in.
    time_zone: str
    location: str
    meeting_url: str | None
    rubrics: tuple[RubricView, ...]
    is_public: bool
    capacity: int | None
    registered_count: int
    # None when showing it would name the author of an anonymous case.
    organiser_name: str | None
    sequence: int
    created_at: dt.datetime
    updated_at: dt.datetime
    is_organiser: bool
    is_registered: bool
    # Linked to a case the viewer takes part in.
    is_consultation: bool
    can_edit: bool

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.registered_count, 0)


@dataclass(frozen=True)
class EventPage:
    items: tuple[EventView, ...]
    total: int


@dataclass(frozen=True)
class CalendarRange:
    """The personal calendar between two dates of the user's time zone (``end`` exclusive)."""

    time_zone: str
    start: dt.date
    end: dt.date
    items: tuple[EventView, ...]


@dataclass(frozen=True)
class RegistrationState:
    event_id: int
    registered: bool
    registered_count: int
    capacity: int | None


@dataclass(frozen=True)
class Registrant:
    """One registered person; ``user_id`` and ``display_name`` are None for a hidden author."""

    user_id: int | None
    display_name: str | None
    registered_at: dt.datetime


@dataclass(frozen=True)
class FeedStatus:
    active: bool
    created_at: dt.datetime | None


@dataclass(frozen=True)
class FeedSecret:
    """A new feed secret; only its hash is stored, so it is shown this once."""

    secret: str
    created_at: dt.datetime


@dataclass(frozen=True)
class FeedContents:
    locale: str
    events: tuple[EventView, ...]


@dataclass(frozen=True)
class CalendarOptions:
    time_zone: str
    time_zones: tuple[str, ...]
    rubrics: tuple[RubricView, ...]


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _is_moderator(actor: Actor) -> bool:
    return actor.has(Role.MODERATOR) or actor.has(Role.ADMIN)


# ------------------------------------------------------------------ service


class Events:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    # ---------------------------------------------------------- reading

    async def options(self, actor: Actor) -> CalendarOptions:
        """Return what the event form offers: zones, rubrics and the user's zone."""
        async with self.db.transaction() as session:
            zone = await _user_time_zone(session, actor.user_id)
            rubrics = await _rubric_views(session, None, actor.locale)
        return CalendarOptions(zone, tuple(sorted(known_time_zones())), tuple(rubrics.values()))

    async def event(self, actor: Actor, event_id: int) -> EventView:
        async with self.db.transaction() as session:
            event = await _visible_event(session, actor, event_id)
            return (await _views(session, actor, [event]))[0]

    async def public_events(
        self,
        actor: Actor,
        *,
        rubric: str | None,
        kind: EventKind | None,
        offset: int,
        limit: int,
    ) -> EventPage:
        """List public scheduled events that have not ended, soonest first."""
        conditions: list[ColumnElement[bool]] = [
            Event.is_public.is_(True),
            Event.status == EventStatus.SCHEDULED,
            Event.ends_at > utcnow(),
        ]
        if kind is not None:
            conditions.append(Event.kind == kind)
        if rubric:
            conditions.append(
                select(EventRubric.event_id)
                .where(EventRubric.event_id == Event.id, EventRubric.rubric_key == rubric)
                .exists()
            )
        async with self.db.transaction() as session:
            total = await session.scalar(select(func.count(Event.id)).where(*conditions)) or 0
            rows = await session.scalars(
                select(Event)
                .where(*conditions)
                .order_by(Event.starts_at, Event.id)
                .offset(offset)
                .limit(limit)
            )
            return EventPage(tuple(await _views(session, actor, list(rows))), total)

    async def calendar(
        self, actor: Actor, start: dt.date | None, end: dt.date | None
    ) -> CalendarRange:
        """Return my events (organised, registered, consultations) overlapping the dates.

        The dates are days of the user's time zone; ``end`` is exclusive. Without
        them the range is today and the next 34 days.
        """
        async with self.db.transaction() as session:
            zone_name = await _user_time_zone(session, actor.user_id)
            zone = zone_of(zone_name)
            if start is None:
                start = utcnow().astimezone(zone).date()
            if end is None:
                end = start + dt.timedelta(days=35)
            if end <= start:
                raise ValidationFailed([FieldError("to", "ends_before_start")])
            if (end - start).days > MAX_CALENDAR_DAYS:
                raise ValidationFailed(
                    [FieldError("to", "range_too_long", limit=MAX_CALENDAR_DAYS)]
                )
            # Midnight can fall in a gap in a few zones; the next valid minute is used.
            range_start = _midnight_utc(start, zone)
            range_end = _midnight_utc(end, zone)
            rows = await session.scalars(
                select(Event)
                .where(
                    _mine(actor.user_id),
                    Event.starts_at < range_end,
                    Event.ends_at > range_start,
                )
                .order_by(Event.starts_at, Event.id)
            )
            views = await _views(session, actor, list(rows))
        return CalendarRange(zone_name, start, end, tuple(views))

    # ---------------------------------------------------------- organising

    async def create(self, actor: Actor, raw: Mapping[str, Any]) -> EventView:
        async with self.db.transaction() as session:
            form = parse_event_form(raw, await _rubric_keys(session), now=utcnow())
            # An empty list set here keeps a later read from lazy-loading it.
            event = Event(organiser_id=actor.user_id, sequence=0, rubrics=[])
            _apply(event, form)
            session.add(event)
            await session.flush()
            logger.info("event created id=%s organiser=%s", event.id, actor.user_id)
            return (await _views(session, actor, [event]))[0]

    async def update(self, actor: Actor, event_id: int, raw: Mapping[str, Any]) -> EventView:
        """Change the fields present in ``raw``; the others keep their values."""
        async with self.db.transaction() as session:
            event = await _locked_event(session, actor, event_id)
            _check_organiser(actor, event)
            if event.status is EventStatus.CANCELLED:
                raise EventCancelled()
            merged = {**_form_of(event), **{k: raw[k] for k in FIELDS if k in raw}}
            form = parse_event_form(
                merged,
                await _rubric_keys(session),
                now=utcnow(),
                previous_start=event.starts_at,
            )
            count = await _registered_count(session, event.id)
            if form.capacity is not None and form.capacity < count:
                raise ValidationFailed(
                    [FieldError("capacity", "below_registrations", limit=count)]
                )
            if _apply(event, form):
                event.sequence += 1
                event.updated_at = utcnow()
                logger.info(
                    "event changed id=%s by=%s sequence=%s", event.id, actor.user_id, event.sequence
                )
            await session.flush()
            return (await _views(session, actor, [event]))[0]

    async def cancel(self, actor: Actor, event_id: int) -> EventView:
        """Cancel an event; cancelling it again changes nothing."""
        # TODO: tell the registered people through the bot once events send notifications.
        async with self.db.transaction() as session:
            event = await _locked_event(session, actor, event_id)
            _check_organiser(actor, event)
            if event.status is not EventStatus.CANCELLED:
                event.status = EventStatus.CANCELLED
                event.sequence += 1
                event.updated_at = utcnow()
                logger.info("event cancelled id=%s by=%s", event.id, actor.user_id)
            await session.flush()
            return (await _views(session, actor, [event]))[0]

    async def registrants(self, actor: Actor, event_id: int) -> list[Registrant]:
        async with self.db.transaction() as session:
            event = await _visible_event(session, actor, event_id)
            _check_organiser(actor, event)
            hidden = await _hidden_author(session, actor, event)
            rows = await session.execute(
                select(EventRegistration, User)
                .join(User, User.id == EventRegistration.user_id)
                .where(EventRegistration.event_id == event.id)
                .order_by(EventRegistration.created_at, EventRegistration.user_id)
            )
            return [
                Registrant(None, None, registration.created_at)
                if user.id == hidden
                else Registrant(user.id, user.display_name, registration.created_at)
                for registration, user in rows
            ]

    # ---------------------------------------------------------- registering

    async def register(self, actor: Actor, event_id: int) -> RegistrationState:
        """Register the actor; registering twice changes nothing."""
        async with self.db.transaction() as session:
            # The row lock makes concurrent registrations for this event queue
            # here, so each one counts the places after the previous committed.
            event = await _locked_event(session, actor, event_id)
            registration = await session.get(EventRegistration, (event.id, actor.user_id))
            count = await _registered_count(session, event.id)
            if registration is None:
                if event.status is EventStatus.CANCELLED:
                    raise EventCancelled()
                if event.ends_at <= utcnow():
                    raise EventOver()
                if event.capacity is not None and count >= event.capacity:
                    raise EventFull(capacity=event.capacity)
                session.add(EventRegistration(event_id=event.id, user_id=actor.user_id))
                await session.flush()
                count += 1
                logger.info("event registration id=%s user=%s", event.id, actor.user_id)
            return RegistrationState(event.id, True, count, event.capacity)

    async def unregister(self, actor: Actor, event_id: int) -> RegistrationState:
        """Withdraw the actor's registration; withdrawing twice changes nothing."""
        async with self.db.transaction() as session:
            event = await _locked_event(session, actor, event_id)
            result = await session.execute(
                delete(EventRegistration).where(
                    EventRegistration.event_id == event.id,
                    EventRegistration.user_id == actor.user_id,
                )
            )
            if result.rowcount:  # type: ignore[attr-defined]
                logger.info("event registration withdrawn id=%s user=%s", event.id, actor.user_id)
            count = await _registered_count(session, event.id)
            return RegistrationState(event.id, False, count, event.capacity)

    # ---------------------------------------------------------- subscription feed

    async def feed_status(self, actor: Actor) -> FeedStatus:
        async with self.db.transaction() as session:
            feed = await session.get(CalendarFeed, actor.user_id)
            return FeedStatus(feed is not None, feed.created_at if feed else None)

    async def create_feed(self, actor: Actor) -> FeedSecret:
        """Create the user's feed secret, replacing (and so revoking) any earlier one."""
        secret = secrets.token_urlsafe(32)
        created_at = utcnow()
        async with self.db.transaction() as session:
            feed = await session.get(CalendarFeed, actor.user_id, with_for_update=True)
            if feed is None:
                session.add(
                    CalendarFeed(
                        user_id=actor.user_id,
                        token_hash=_hash_secret(secret),
                        created_at=created_at,
                    )
                )
            else:
                feed.token_hash = _hash_secret(secret)
                feed.created_at = created_at
        logger.info("calendar feed created user=%s", actor.user_id)
        return FeedSecret(secret, created_at)

    async def revoke_feed(self, actor: Actor) -> None:
        async with self.db.transaction() as session:
            await session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == actor.user_id))
        logger.info("calendar feed revoked user=%s", actor.user_id)

    async def feed(self, secret: str) -> FeedContents | None:
        """Return the feed's events for a secret, or None when no live feed has it.

        The lookup is by the secret's SHA-256 hash, so the secret itself is never
        compared byte by byte and its timing reveals nothing.
        """
        async with self.db.transaction() as session:
            feed = await session.scalar(
                select(CalendarFeed).where(CalendarFeed.token_hash == _hash_secret(secret))
            )
            if feed is None:
                return None
            user = await session.get(User, feed.user_id)
            if user is None:
                return None
            roles = await roles_of(session, user.id)
            actor = Actor(user.id, user.display_name, user.effective_locale, roles)
            rows = await session.scalars(
                select(Event)
                .where(_mine(user.id), Event.ends_at > utcnow() - FEED_HISTORY)
                .order_by(Event.starts_at, Event.id)
                .limit(FEED_MAX_EVENTS)
            )
            views = await _views(session, actor, list(rows))
            return FeedContents(actor.locale, tuple(views))


# ------------------------------------------------------------------ helpers


async def _user_time_zone(session: AsyncSession, user_id: int) -> str:
    zone = await session.scalar(select(User.time_zone).where(User.id == user_id))
    return zone if zone in known_time_zones() else DEFAULT_TIME_ZONE


def _midnight_utc(day: dt.date, zone: Any) -> dt.datetime:
    wall = dt.datetime.combine(day, dt.time())
    for minutes in range(0, 180):
        try:
            return local_to_utc(wall + dt.timedelta(minutes=minutes), zone)
        except ValueError:
            continue
    raise AssertionError(f"no valid time after midnight of {day} in {zone}")


async def _rubric_keys(session: AsyncSession) -> set[str]:
    return set(await session.scalars(select(Rubric.key)))


async def _rubric_views(
    session: AsyncSession, keys: Collection[str] | None, locale: str
) -> dict[str, RubricView]:
    translate = translator_for(locale)
    query = select(Rubric).order_by(Rubric.position, Rubric.key)
    if keys is not None:
        query = query.where(Rubric.key.in_(keys))
    rows = await session.scalars(query)
    return {r.key: RubricView(r.key, translate.pick(r.title_ru, r.title_en)) for r in rows}


def _my_cases(user_id: int) -> ColumnElement[bool]:
    """Events linked to a case the user wrote or is the accepted mentor of."""
    taught = select(Case.id).where(Case.teacher_id == user_id)
    mentored = select(Assignment.case_id).where(
        Assignment.mentor_id == user_id, Assignment.status == AssignmentStatus.ACCEPTED
    )
    return or_(Event.case_id.in_(taught), Event.case_id.in_(mentored))


def _mine(user_id: int) -> ColumnElement[bool]:
    """Events on the user's personal calendar: organised, registered or consultations."""
    registered = select(EventRegistration.event_id).where(EventRegistration.user_id == user_id)
    return or_(Event.organiser_id == user_id, Event.id.in_(registered), _my_cases(user_id))


def _can_see(actor: Actor) -> ColumnElement[bool]:
    if _is_moderator(actor):
        return true()
    return or_(Event.is_public.is_(True), _mine(actor.user_id))


async def _visible_event(session: AsyncSession, actor: Actor, event_id: int) -> Event:
    event = await session.scalar(select(Event).where(Event.id == event_id, _can_see(actor)))
    if event is None:
        raise NotFound(what=f"event {event_id}")
    return event


async def _locked_event(session: AsyncSession, actor: Actor, event_id: int) -> Event:
    """Load a visible event and lock its row until the transaction ends."""
    event = await session.scalar(
        select(Event).where(Event.id == event_id, _can_see(actor)).with_for_update(of=Event)
    )
    if event is None:
        raise NotFound(what=f"event {event_id}")
    return event


def _check_organiser(actor: Actor, event: Event) -> None:
    if event.organiser_id != actor.user_id and not _is_moderator(actor):
        raise NotOrganiser()


async def _registered_count(session: AsyncSession, event_id: int) -> int:
    return (
        await session.scalar(
            select(func.count()).where(EventRegistration.event_id == event_id)
        )
        or 0
    )


async def _hidden_author(session: AsyncSession, actor: Actor, event: Event) -> int | None:
    """Return the id of the author to hide from the actor, for an anonymous case's event."""
    if event.case_id is None or _is_moderator(actor):
        return None
    case = await session.get(Case, event.case_id)
    if case is None or case.privacy is not Privacy.ANONYMOUS or case.teacher_id == actor.user_id:
        return None
    return case.teacher_id


def _form_of(event: Event) -> dict[str, Any]:
    """Return a stored event as the raw form that would create it again."""
    return {
        "kind": event.kind.value,
        "title": event.title,
        "description": event.description,
        "startsAt": utc_to_local(event.starts_at, event.time_zone).isoformat(timespec="minutes"),
        "endsAt": utc_to_local(event.ends_at, event.time_zone).isoformat(timespec="minutes"),
        "timeZone": event.time_zone,
        "location": event.location,
        "meetingUrl": event.meeting_url,
        "rubrics": [rubric.rubric_key for rubric in event.rubrics],
        "isPublic": event.is_public,
        "capacity": event.capacity,
    }


def _apply(event: Event, form: EventForm) -> bool:
    """Copy a validated form onto an event; return whether anything changed."""
    values = {
        "kind": form.kind,
        "title": form.title,
        "description": form.description,
        "starts_at": form.starts_at,
        "ends_at": form.ends_at,
        "time_zone": form.time_zone,
        "location": form.location,
        "meeting_url": form.meeting_url,
        "is_public": form.is_public,
        "capacity": form.capacity,
    }
    changed = False
    for name, value in values.items():
        if getattr(event, name, None) != value:
            setattr(event, name, value)
            changed = True
    # Keep the rows of rubrics that stay, so no row is deleted and inserted again
    # with the same primary key in one flush.
    kept = [rubric for rubric in event.rubrics if rubric.rubric_key in form.rubrics]
    present = {rubric.rubric_key for rubric in kept}
    added = [EventRubric(rubric_key=key) for key in form.rubrics if key not in present]
    if added or len(kept) != len(event.rubrics):
        event.rubrics = kept + added
        changed = True
    return changed


async def _views(session: AsyncSession, actor: Actor, events: Sequence[Event]) -> list[EventView]:
    """Build the viewer's views of events with a few batched queries."""
    if not events:
        return []

    # What the viewer is to each event, and how many registered.
    ids = [event.id for event in events]
    counts = dict(
        (
            await session.execute(
                select(EventRegistration.event_id, func.count())
                .where(EventRegistration.event_id.in_(ids))
                .group_by(EventRegistration.event_id)
            )
        ).tuples().all()
    )
    registered = set(
        await session.scalars(
            select(EventRegistration.event_id).where(
                EventRegistration.event_id.in_(ids), EventRegistration.user_id == actor.user_id
            )
        )
    )
    consultations = set(
        await session.scalars(select(Event.id).where(Event.id.in_(ids), _my_cases(actor.user_id)))
    )

    # Organiser names, less the authors of anonymous cases, and rubric titles.
    names = dict(
        (
            await session.execute(
                select(User.id, User.display_name).where(
                    User.id.in_({event.organiser_id for event in events})
                )
            )
        ).tuples().all()
    )
    hidden_authors = await _hidden_authors(session, actor, events)
    rubric_keys = {rubric.rubric_key for event in events for rubric in event.rubrics}
    rubrics = await _rubric_views(session, rubric_keys, actor.locale)
    moderator = _is_moderator(actor)

    return [
        EventView(
            id=event.id,
            kind=event.kind,
            status=event.status,
            title=event.title,
            description=event.description,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            time_zone=event.time_zone,
            location=event.location,
            meeting_url=event.meeting_url,
            rubrics=tuple(rubrics[r.rubric_key] for r in event.rubrics if r.rubric_key in rubrics),
            is_public=event.is_public,
            capacity=event.capacity,
            registered_count=counts.get(event.id, 0),
            organiser_name=(
                None
                if hidden_authors.get(event.id) == event.organiser_id
                else names.get(event.organiser_id, "")
            ),
            sequence=event.sequence,
            created_at=event.created_at,
            updated_at=event.updated_at,
            is_organiser=event.organiser_id == actor.user_id,
            is_registered=event.id in registered,
            is_consultation=event.id in consultations,
            can_edit=event.organiser_id == actor.user_id or moderator,
        )
        for event in events
    ]


async def _hidden_authors(
    session: AsyncSession, actor: Actor, events: Iterable[Event]
) -> dict[int, int]:
    """Map event ids to the author the actor must not see, for events of anonymous cases."""
    if _is_moderator(actor):
        return {}
    case_ids = {event.case_id for event in events if event.case_id is not None}
    if not case_ids:
        return {}
    rows = await session.execute(
        select(Case.id, Case.teacher_id).where(
            Case.id.in_(case_ids),
            Case.privacy == Privacy.ANONYMOUS,
            Case.teacher_id != actor.user_id,
        )
    )
    authors = dict(rows.tuples().all())
    return {
        event.id: authors[event.case_id]
        for event in events
        if event.case_id is not None and event.case_id in authors
    }
