"""Mentor profiles: the list with filters, one profile, editing, photos and availability.

A mentor is a user with the mentor role and a profile row. Profiles are
public: the views here carry only what the profile page shows, never the
user's e-mail or Teams ids. A mentor edits their own profile; moderators may
edit anyone's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from teams_app.domain.enums import HOLDING_ASSIGNMENT_STATUSES, Role
from teams_app.domain.errors import FieldError, NotFound, NotPermitted, ValidationFailed
from teams_app.domain.intake import check_text, split_multi
from teams_app.i18n import translator_for
from teams_app.images import process_photo
from teams_app.settings import Settings
from teams_app.storage.db import Database
from teams_app.storage.models import (
    Assignment,
    MentorArea,
    MentorProfile,
    Rubric,
    User,
    UserRole,
    utcnow,
)
from teams_app.workflow.queries import mentor_name
from teams_app.workflow.views import Actor, RubricView

logger = logging.getLogger(__name__)

# Limits of the profile's texts in characters after NFC normalisation, by API
# field name, with the column each field is stored in and whether it is required.
PROFILE_TEXT_FIELDS: dict[str, tuple[str, int, bool]] = {
    "lastName": ("last_name", 100, True),
    "firstName": ("first_name", 100, True),
    "patronymic": ("patronymic", 100, False),
    "position": ("position", 200, False),
    "university": ("university", 255, False),
    "institute": ("institute", 255, False),
    "department": ("department", 255, False),
    "interests": ("interests", 2000, False),
    "motto": ("motto", 300, False),
    "publicContact": ("public_contact", 500, False),
}
# Fields shown on one line: a line break in them is an error, not formatting.
SINGLE_LINE_FIELDS = frozenset(
    {"lastName", "firstName", "patronymic", "position", "university", "institute", "department"}
)
WORKPLACE_FIELDS = ("university", "institute", "department")
MAX_LINKS = 10
LINK_URL_LIMIT = 2000
LINK_TITLE_LIMIT = 200
# Open cases a mentor may hold at once, as the bot's availability form allows.
MIN_OPEN_CASES = 1
MAX_OPEN_CASES = 20
# How far ahead a mentor may mark themself away, in days.
MAX_AWAY_DAYS = 366
DEFAULT_PAGE_SIZE = 20


class Availability:
    """Availability of a mentor for new cases, as the list shows and filters it."""

    AVAILABLE = "available"  # not away and below their open-case limit
    AWAY = "away"  # away until a date that has not passed
    FULL = "full"  # not away, but holding as many cases as they take

    ALL = (AVAILABLE, AWAY, FULL)


@dataclass(frozen=True)
class ProfileLink:
    url: str
    title: str


@dataclass(frozen=True)
class Workplace:
    university: str
    institute: str
    department: str

    @property
    def line(self) -> str:
        """The place of work in one line, smallest unit first."""
        return ", ".join(part for part in (self.department, self.institute, self.university) if part)


@dataclass(frozen=True)
class MentorSummary:
    """A mentor as the list shows them."""

    user_id: int
    full_name: str
    last_name: str
    first_name: str
    patronymic: str
    position: str
    workplace: Workplace
    areas: tuple[RubricView, ...]
    # Changes whenever the photo changes; None without a photo.
    photo_version: int | None
    availability: str
    away_until: dt.date | None


@dataclass(frozen=True)
class MentorProfileView(MentorSummary):
    """Every public field of a mentor's profile."""

    interests: str
    links: tuple[ProfileLink, ...]
    motto: str
    public_contact: str


@dataclass(frozen=True)
class MentorSettings:
    """Availability settings and load, shown only to the mentor and moderators."""

    away_until: dt.date | None
    max_open_cases: int
    open_cases: int


@dataclass(frozen=True)
class MentorPage:
    items: tuple[MentorSummary, ...]
    total: int


@dataclass(frozen=True)
class StoredPhoto:
    content: bytes
    content_type: str
    updated_at: dt.datetime

    @property
    def version(self) -> int:
        return photo_version(self.updated_at)


def photo_version(updated_at: dt.datetime) -> int:
    return int(updated_at.timestamp() * 1000)


def can_edit(actor: Actor, mentor_id: int) -> bool:
    """Return whether the actor may edit this mentor's profile: their own, or as a moderator."""
    if actor.has(Role.MODERATOR) or actor.has(Role.ADMIN):
        return True
    return actor.user_id == mentor_id and actor.has(Role.MENTOR)


class Profiles:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    # ------------------------------------------------------------------ reading

    async def list_mentors(
        self,
        locale: str | None,
        *,
        rubric: str | None = None,
        availability: str | None = None,
        offset: int = 0,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> MentorPage:
        """List mentors by last name, optionally those advising on a rubric or of one availability."""
        if availability is not None and availability not in Availability.ALL:
            raise ValidationFailed([FieldError("availability", "unknown_choice")])
        today = _today_utc()
        async with self.db.transaction() as session:
            if rubric is not None and await session.get(Rubric, rubric) is None:
                raise ValidationFailed([FieldError("rubric", "unknown_choice")])
            query = _mentor_query(today, rubric, availability)
            total = await session.scalar(select(func.count()).select_from(query.subquery()))
            rows = await session.execute(
                query.order_by(
                    MentorProfile.last_name, MentorProfile.first_name, MentorProfile.user_id
                )
                .offset(offset)
                .limit(limit)
            )
            titles = await _rubric_titles(session, locale)
            items = tuple(
                _summary(profile, user, titles, today, int(open_cases))
                for profile, user, open_cases in rows
            )
            return MentorPage(items, int(total or 0))

    async def profile(self, mentor_id: int, locale: str | None) -> MentorProfileView:
        """Return a mentor's public profile; NotFound for anyone who is not a mentor."""
        async with self.db.transaction() as session:
            profile, user = await _mentor(session, mentor_id)
            titles = await _rubric_titles(session, locale)
            open_cases = await _open_cases(session, mentor_id)
            return _profile_view(profile, user, titles, _today_utc(), open_cases)

    async def settings_of(self, actor: Actor, mentor_id: int) -> MentorSettings:
        """Return the availability settings and load, for the mentor or a moderator."""
        async with self.db.transaction() as session:
            profile, _ = await _mentor(session, mentor_id)
            _check_can_edit(actor, mentor_id)
            return MentorSettings(
                profile.away_until, profile.max_open_cases, await _open_cases(session, mentor_id)
            )

    async def check_can_edit(self, actor: Actor, mentor_id: int) -> None:
        """Raise NotFound for a non-mentor and NotPermitted unless the actor may edit the profile."""
        async with self.db.transaction() as session:
            await _mentor(session, mentor_id)
        _check_can_edit(actor, mentor_id)

    async def photo(self, mentor_id: int) -> StoredPhoto | None:
        """Return a mentor's photo, or None when they have none; NotFound for non-mentors."""
        async with self.db.transaction() as session:
            profile, _ = await _mentor(session, mentor_id, with_photo=True)
            if profile.photo is None or profile.photo_content_type is None:
                return None
            return StoredPhoto(
                profile.photo, profile.photo_content_type, profile.photo_updated_at or utcnow()
            )

    # ------------------------------------------------------------------ editing

    async def update_profile(
        self, actor: Actor, mentor_id: int, changes: Mapping[str, Any]
    ) -> MentorProfileView:
        """Validate and store the fields present in ``changes``; the others stay as they are.

        Raises ``ValidationFailed`` listing every invalid field, and changes
        nothing then.
        """
        async with self.db.transaction() as session:
            profile, user = await _mentor(session, mentor_id)
            _check_can_edit(actor, mentor_id)
            today = await _today_of(session, actor.user_id)
            parsed = parse_profile_changes(changes, await _rubric_keys(session), today)

            for column, value in parsed.texts.items():
                setattr(profile, column, value)
            if parsed.workplace_changed:
                current = workplace_of(profile)
                profile.university = current.university
                profile.institute = current.institute
                profile.department = current.department
                profile.workplace = current.line
            if parsed.links is not None:
                profile.links = [{"url": link.url, "title": link.title} for link in parsed.links]
            if parsed.areas is not None:
                _replace_areas(profile, parsed.areas)
            if parsed.away_until_sent:
                profile.away_until = parsed.away_until
            if parsed.max_open_cases is not None:
                profile.max_open_cases = parsed.max_open_cases
            await session.flush()
            logger.info(
                "mentor profile updated mentor=%s by=%s fields=%s",
                mentor_id, actor.user_id, ",".join(sorted(changes)),
            )  # fmt: skip
            titles = await _rubric_titles(session, actor.locale)
            open_cases = await _open_cases(session, mentor_id)
            return _profile_view(profile, user, titles, _today_utc(), open_cases)

    async def check_availability(
        self, actor: Actor, raw: Mapping[str, Any]
    ) -> tuple[dt.date | None, int]:
        """Validate an availability form (``awayUntil`` and ``maxOpenCases``, both required)."""
        async with self.db.transaction() as session:
            today = await _today_of(session, actor.user_id)
        errors: list[FieldError] = []
        away_until = parse_away_until(raw.get("awayUntil"), today, errors)
        max_open_cases = None
        if raw.get("maxOpenCases") is None:
            errors.append(FieldError("maxOpenCases", "required"))
        else:
            max_open_cases = parse_max_open_cases(raw["maxOpenCases"], errors)
        if errors:
            raise ValidationFailed(errors)
        assert max_open_cases is not None
        return away_until, max_open_cases

    async def set_photo(self, actor: Actor, mentor_id: int, data: bytes) -> MentorProfileView:
        """Check, crop and scale an uploaded image and store it as the mentor's photo."""
        await self.check_can_edit(actor, mentor_id)
        loop = asyncio.get_running_loop()
        # Decoding a large image takes a noticeable time, so it runs off the event loop.
        photo = await loop.run_in_executor(None, process_photo, data)
        async with self.db.transaction() as session:
            profile, user = await _mentor(session, mentor_id)
            profile.photo = photo.content
            profile.photo_content_type = photo.content_type
            profile.photo_updated_at = utcnow()
            await session.flush()
            logger.info(
                "mentor photo stored mentor=%s by=%s source=%s bytes=%s",
                mentor_id, actor.user_id, photo.source_format, len(photo.content),
            )  # fmt: skip
            titles = await _rubric_titles(session, actor.locale)
            open_cases = await _open_cases(session, mentor_id)
            return _profile_view(profile, user, titles, _today_utc(), open_cases)

    async def delete_photo(self, actor: Actor, mentor_id: int) -> None:
        async with self.db.transaction() as session:
            profile, _ = await _mentor(session, mentor_id)
            _check_can_edit(actor, mentor_id)
            profile.photo = None
            profile.photo_content_type = None
            profile.photo_updated_at = utcnow()
        logger.info("mentor photo deleted mentor=%s by=%s", mentor_id, actor.user_id)


# ---------------------------------------------------------------------- parsing

@dataclass(frozen=True)
class ProfileChanges:
    """A validated partial profile: None means the field was not sent."""

    # New values of text columns, by column name.
    texts: dict[str, str]
    workplace_changed: bool
    links: tuple[ProfileLink, ...] | None
    areas: tuple[str, ...] | None
    # An away date may be sent as null to clear it, so ``away_until_sent``
    # records whether the field was sent at all.
    away_until_sent: bool
    away_until: dt.date | None
    max_open_cases: int | None


def parse_profile_changes(
    raw: Mapping[str, Any], rubric_keys: set[str], today: dt.date
) -> ProfileChanges:
    """Validate the profile fields present in ``raw``; raise ``ValidationFailed`` listing all errors."""
    errors: list[FieldError] = []

    texts: dict[str, str] = {}
    for name, (column, limit, required) in PROFILE_TEXT_FIELDS.items():
        if name not in raw:
            continue
        value = raw[name]
        if value is not None and not isinstance(value, str):
            errors.append(FieldError(name, "invalid"))
            continue
        text = (value or "").strip()
        error = check_text(name, text, limit, required=required)
        if error is None and name in SINGLE_LINE_FIELDS and _has_line_break(text):
            error = FieldError(name, "invalid_character")
        if error is not None:
            errors.append(error)
        texts[column] = text

    links = parse_links(raw["links"], errors) if "links" in raw else None
    areas = parse_areas(raw["areas"], rubric_keys, errors) if "areas" in raw else None
    away_until = parse_away_until(raw["awayUntil"], today, errors) if "awayUntil" in raw else None
    max_open_cases = (
        parse_max_open_cases(raw["maxOpenCases"], errors) if "maxOpenCases" in raw else None
    )

    if errors:
        raise ValidationFailed(errors)
    return ProfileChanges(
        texts=texts,
        workplace_changed=any(name in raw for name in WORKPLACE_FIELDS),
        links=links,
        areas=areas,
        away_until_sent="awayUntil" in raw,
        away_until=away_until,
        max_open_cases=max_open_cases,
    )


def parse_links(value: Any, errors: list[FieldError]) -> tuple[ProfileLink, ...]:
    """Read a list of links, each a URL string or an object with ``url`` and ``title``."""
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.append(FieldError("links", "invalid"))
        return ()
    if len(value) > MAX_LINKS:
        errors.append(FieldError("links", "too_many", limit=MAX_LINKS, actual=len(value)))
        return ()
    links: list[ProfileLink] = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            url, title = item, ""
        elif isinstance(item, Mapping):
            url, title = item.get("url"), item.get("title")
        else:
            errors.append(FieldError(f"linkUrl_{index}", "invalid"))
            continue
        url_text = url.strip() if isinstance(url, str) else ""
        title_text = title.strip() if isinstance(title, str) else ""
        if not url_text:
            errors.append(FieldError(f"linkUrl_{index}", "required"))
        elif len(url_text) > LINK_URL_LIMIT:
            errors.append(
                FieldError(f"linkUrl_{index}", "too_long", limit=LINK_URL_LIMIT, actual=len(url_text))
            )
        elif not is_web_url(url_text):
            errors.append(FieldError(f"linkUrl_{index}", "invalid_link"))
        title_error = check_text(f"linkTitle_{index}", title_text, LINK_TITLE_LIMIT, required=False)
        if title_error is None and _has_line_break(title_text):
            title_error = FieldError(f"linkTitle_{index}", "invalid_character")
        if title_error is not None:
            errors.append(title_error)
        links.append(ProfileLink(url_text, title_text))
    return tuple(links)


def is_web_url(url: str) -> bool:
    """Return whether ``url`` is an absolute http or https URL with a host and no whitespace."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host)


def parse_areas(value: Any, rubric_keys: set[str], errors: list[FieldError]) -> tuple[str, ...]:
    """Read the rubric keys of the areas of advice; at least one is required."""
    if value is not None and not isinstance(value, list | str):
        errors.append(FieldError("areas", "invalid"))
        return ()
    keys: list[str] = []
    for item in split_multi(value):
        if item not in rubric_keys:
            errors.append(FieldError("areas", "unknown_choice"))
            return ()
        if item not in keys:
            keys.append(item)
    if not keys:
        errors.append(FieldError("areas", "choose_at_least_one", limit=1))
    return tuple(keys)


def parse_away_until(value: Any, today: dt.date, errors: list[FieldError]) -> dt.date | None:
    """Read an ISO date (YYYY-MM-DD) from today up to ``MAX_AWAY_DAYS`` ahead; empty means none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        errors.append(FieldError("awayUntil", "invalid_date"))
        return None
    try:
        date = dt.date.fromisoformat(value.strip())
    except ValueError:
        errors.append(FieldError("awayUntil", "invalid_date"))
        return None
    if date < today:
        errors.append(FieldError("awayUntil", "in_the_past"))
        return None
    if date > today + dt.timedelta(days=MAX_AWAY_DAYS):
        errors.append(FieldError("awayUntil", "away_too_long", limit=MAX_AWAY_DAYS))
        return None
    return date


def parse_max_open_cases(value: Any, errors: list[FieldError]) -> int | None:
    """Read the open-case limit, a whole number from 1 to 20."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None:
        errors.append(FieldError("maxOpenCases", "not_a_number"))
        return None
    if not MIN_OPEN_CASES <= number <= MAX_OPEN_CASES:
        errors.append(FieldError("maxOpenCases", "out_of_range", limit=MAX_OPEN_CASES, actual=number))
        return None
    return number


def _has_line_break(text: str) -> bool:
    return any(ch in text for ch in "\r\n\u2028\u2029\x0b\x0c\x85")


# ---------------------------------------------------------------------- queries


def _check_can_edit(actor: Actor, mentor_id: int) -> None:
    if not can_edit(actor, mentor_id):
        raise NotPermitted(role=Role.MODERATOR.value)


def _today_utc() -> dt.date:
    # The same "today" the mentor ranking uses when it checks who is away.
    return dt.datetime.now(dt.UTC).date()


async def _today_of(session: AsyncSession, user_id: int) -> dt.date:
    """Return today's date in the user's time zone: an away date is checked against it."""
    user = await session.get(User, user_id)
    name = user.time_zone if user is not None else "Europe/Moscow"
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("Europe/Moscow")
    return dt.datetime.now(zone).date()


def _open_cases_subquery() -> Any:
    return (
        select(Assignment.mentor_id, func.count().label("open_cases"))
        .where(Assignment.status.in_(HOLDING_ASSIGNMENT_STATUSES))
        .group_by(Assignment.mentor_id)
        .subquery()
    )


def _is_mentor() -> Any:
    return exists().where(UserRole.user_id == MentorProfile.user_id, UserRole.role == Role.MENTOR)


def _mentor_query(today: dt.date, rubric: str | None, availability: str | None) -> Select[Any]:
    load = _open_cases_subquery()
    open_cases = func.coalesce(load.c.open_cases, 0)
    query = (
        select(MentorProfile, User, open_cases)
        .join(User, User.id == MentorProfile.user_id)
        .outerjoin(load, load.c.mentor_id == MentorProfile.user_id)
        .where(_is_mentor())
        .options(defer(MentorProfile.photo))
    )
    if rubric is not None:
        query = query.where(
            exists().where(
                MentorArea.user_id == MentorProfile.user_id, MentorArea.rubric_key == rubric
            )
        )
    away = and_(MentorProfile.away_until.is_not(None), MentorProfile.away_until >= today)
    not_away = or_(MentorProfile.away_until.is_(None), MentorProfile.away_until < today)
    if availability == Availability.AWAY:
        query = query.where(away)
    elif availability == Availability.AVAILABLE:
        query = query.where(not_away, open_cases < MentorProfile.max_open_cases)
    elif availability == Availability.FULL:
        query = query.where(not_away, open_cases >= MentorProfile.max_open_cases)
    return query


async def _mentor(
    session: AsyncSession, mentor_id: int, *, with_photo: bool = False
) -> tuple[MentorProfile, User]:
    query = (
        select(MentorProfile, User)
        .join(User, User.id == MentorProfile.user_id)
        .where(MentorProfile.user_id == mentor_id, _is_mentor())
    )
    if not with_photo:
        query = query.options(defer(MentorProfile.photo))
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound(what=f"mentor {mentor_id}")
    return row[0], row[1]


async def _open_cases(session: AsyncSession, mentor_id: int) -> int:
    value = await session.scalar(
        select(func.count())
        .select_from(Assignment)
        .where(
            Assignment.mentor_id == mentor_id,
            Assignment.status.in_(HOLDING_ASSIGNMENT_STATUSES),
        )
    )
    return int(value or 0)


async def _rubric_keys(session: AsyncSession) -> set[str]:
    return set(await session.scalars(select(Rubric.key)))


async def _rubric_titles(session: AsyncSession, locale: str | None) -> dict[str, tuple[int, str]]:
    """Map rubric keys to their position in the rubricator and their title in the language."""
    translate = translator_for(locale)
    rows = await session.scalars(select(Rubric))
    return {r.key: (r.position, translate.pick(r.title_ru, r.title_en)) for r in rows}


def _replace_areas(profile: MentorProfile, keys: Sequence[str]) -> None:
    requested = set(keys)
    profile.areas = [area for area in profile.areas if area.rubric_key in requested]
    present = {area.rubric_key for area in profile.areas}
    for key in keys:
        if key not in present:
            profile.areas.append(MentorArea(user_id=profile.user_id, rubric_key=key))


def workplace_of(profile: MentorProfile) -> Workplace:
    """Return the place of work in parts.

    Profiles created before the parts existed (the demo data, for one) keep
    only the one-line text. Its usual form "department, institute,
    university" is split into the three parts; any other text counts as the
    university.
    """
    if profile.university or profile.institute or profile.department:
        return Workplace(profile.university, profile.institute, profile.department)
    parts = [part.strip() for part in profile.workplace.split(",")]
    if len(parts) == 3 and all(parts):
        return Workplace(university=parts[2], institute=parts[1], department=parts[0])
    return Workplace(profile.workplace.strip(), "", "")


def profile_links(profile: MentorProfile) -> tuple[ProfileLink, ...]:
    """Return the stored links that are web URLs; seeded profiles store plain URL strings."""
    links: list[ProfileLink] = []
    for item in profile.links or []:
        if isinstance(item, str):
            url, title = item, ""
        elif isinstance(item, dict):
            url, title = str(item.get("url", "")), str(item.get("title", "") or "")
        else:
            continue
        if is_web_url(url):
            links.append(ProfileLink(url, title))
    return tuple(links)


def _availability(profile: MentorProfile, today: dt.date, open_cases: int) -> str:
    if profile.away_until is not None and profile.away_until >= today:
        return Availability.AWAY
    if open_cases >= profile.max_open_cases:
        return Availability.FULL
    return Availability.AVAILABLE


def _summary_fields(
    profile: MentorProfile,
    user: User,
    titles: Mapping[str, tuple[int, str]],
    today: dt.date,
    open_cases: int,
) -> dict[str, Any]:
    area_keys = sorted(
        (area.rubric_key for area in profile.areas),
        key=lambda key: (titles.get(key, (999, key))[0], key),
    )
    has_photo = profile.photo_content_type is not None and profile.photo_updated_at is not None
    status = _availability(profile, today, open_cases)
    return {
        "user_id": profile.user_id,
        "full_name": mentor_name(profile, user),
        "last_name": profile.last_name,
        "first_name": profile.first_name,
        "patronymic": profile.patronymic,
        "position": profile.position,
        "workplace": workplace_of(profile),
        "areas": tuple(RubricView(key, titles.get(key, (0, key))[1]) for key in area_keys),
        "photo_version": photo_version(profile.photo_updated_at) if has_photo else None,
        "availability": status,
        "away_until": profile.away_until if status == Availability.AWAY else None,
    }


def _summary(
    profile: MentorProfile,
    user: User,
    titles: Mapping[str, tuple[int, str]],
    today: dt.date,
    open_cases: int,
) -> MentorSummary:
    return MentorSummary(**_summary_fields(profile, user, titles, today, open_cases))


def _profile_view(
    profile: MentorProfile,
    user: User,
    titles: Mapping[str, tuple[int, str]],
    today: dt.date,
    open_cases: int,
) -> MentorProfileView:
    return MentorProfileView(
        **_summary_fields(profile, user, titles, today, open_cases),
        interests=profile.interests,
        links=profile_links(profile),
        motto=profile.motto,
        public_contact=profile.public_contact,
    )

