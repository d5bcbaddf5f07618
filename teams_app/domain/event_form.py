"""The event form: local wall-clock times in an IANA zone, validated and converted to UTC.

An organiser enters the start and the end as the time on their clock plus the
zone they mean, such as ``2030-03-31T10:00`` in ``Europe/Berlin``. Stored
times are UTC. A wall time that does not exist in the zone (the hour skipped
when clocks move forward) is rejected. A wall time that occurs twice (the hour
repeated when clocks move back) is read as its first occurrence, ``fold=0``.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from teams_app.domain.enums import EventKind
from teams_app.domain.errors import FieldError, ValidationFailed
from teams_app.domain.intake import check_text

# Limits in characters, counted after Unicode NFC normalisation.
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_LOCATION = 500
MAX_URL = 2000
MAX_DURATION_DAYS = 7
MAX_CAPACITY = 10_000
MAX_RUBRICS = 5
MAX_YEARS_AHEAD = 3
DEFAULT_TIME_ZONE = "Europe/Moscow"

# The API's names of the form fields, as the JSON body spells them.
FIELDS = (
    "kind",
    "title",
    "description",
    "startsAt",
    "endsAt",
    "timeZone",
    "location",
    "meetingUrl",
    "rubrics",
    "isPublic",
    "capacity",
)


@dataclass(frozen=True)
class EventForm:
    """A validated event; ``starts_at`` and ``ends_at`` are aware UTC datetimes."""

    kind: EventKind
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    location: str
    meeting_url: str | None
    rubrics: tuple[str, ...]
    is_public: bool
    capacity: int | None


class NonexistentLocalTime(ValueError):
    """The wall time falls in the gap skipped when the clocks move forward."""


@functools.cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    """Return the zone of a validated IANA name."""
    return zoneinfo.ZoneInfo(name)


def local_to_utc(wall: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Convert a naive wall time in ``zone`` to UTC.

    Raises ``NonexistentLocalTime`` for a time in a spring-forward gap. A time
    repeated at a fall-back change resolves to its first occurrence (fold=0),
    the one still on the summer offset.
    """
    local = wall.replace(tzinfo=zone, fold=0)
    utc = local.astimezone(dt.UTC)
    # zoneinfo maps a gap time onto a real instant with the offset from before
    # the change; converting back then gives a different wall time.
    if utc.astimezone(zone).replace(tzinfo=None) != wall:
        raise NonexistentLocalTime(wall.isoformat())
    return utc


def utc_to_local(moment: dt.datetime, zone_name: str) -> dt.datetime:
    """Return the naive wall time of a UTC instant in a zone."""
    return moment.astimezone(zone_of(zone_name)).replace(tzinfo=None)


def parse_wall_time(value: Any) -> dt.datetime | None:
    """Parse ``YYYY-MM-DDTHH:MM[:SS]`` without an offset; None when it is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) < 16 or text[10] not in "T ":
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        return None
    return parsed.replace(second=0, microsecond=0)


def parse_event_form(
    raw: Mapping[str, Any],
    rubric_keys: Collection[str],
    *,
    now: dt.datetime,
    previous_start: dt.datetime | None = None,
) -> EventForm:
    """Validate a raw event form; raise ``ValidationFailed`` listing every bad field.

    The start must lie ahead of ``now`` unless it equals ``previous_start``, the
    stored start of an edited event, so an event that has begun can still get a
    corrected description.
    """
    errors: list[FieldError] = []

    kind = _parse_kind(raw.get("kind"), errors)
    title = _text(raw, "title", MAX_TITLE, errors, required=True)
    description = _text(raw, "description", MAX_DESCRIPTION, errors, required=False)
    location = _text(
        raw, "location", MAX_LOCATION, errors, required=kind is EventKind.OFFLINE
    )
    meeting_url = _parse_url(raw.get("meetingUrl"), errors)
    rubrics = _parse_rubrics(raw.get("rubrics"), rubric_keys, errors)
    is_public = _parse_flag(raw.get("isPublic", True), "isPublic", errors)
    capacity = _parse_capacity(raw.get("capacity"), errors)
    time_zone, starts_at, ends_at = _parse_times(raw, errors)

    if starts_at is not None and starts_at != previous_start:
        if starts_at < now:
            errors.append(FieldError("startsAt", "in_the_past"))
        elif starts_at > now + dt.timedelta(days=365 * MAX_YEARS_AHEAD):
            errors.append(FieldError("startsAt", "too_far_ahead", limit=MAX_YEARS_AHEAD))

    if errors:
        raise ValidationFailed(errors)
    # Every field is set once no error was found; the asserts narrow the types.
    assert kind is not None
    assert starts_at is not None
    assert ends_at is not None
    assert is_public is not None
    assert time_zone is not None
    return EventForm(
        kind=kind,
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        location=location,
        meeting_url=meeting_url,
        rubrics=rubrics,
        is_public=is_public,
        capacity=capacity,
    )


def _parse_kind(value: Any, errors: list[FieldError]) -> EventKind | None:
    text = "" if value is None else str(value).strip()
    if not text:
        errors.append(FieldError("kind", "required"))
        return None
    try:
        return EventKind(text)
    except ValueError:
        errors.append(FieldError("kind", "unknown_choice"))
        return None


def _text(
    raw: Mapping[str, Any], name: str, limit: int, errors: list[FieldError], *, required: bool
) -> str:
    value = raw.get(name)
    text = "" if value is None else str(value).strip()
    if (error := check_text(name, text, limit, required=required)) is not None:
        errors.append(error)
    return text


def _parse_url(value: Any, errors: list[FieldError]) -> str | None:
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    if len(text) > MAX_URL:
        errors.append(FieldError("meetingUrl", "too_long", limit=MAX_URL, actual=len(text)))
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme.lower() != "https"
        or not parts.hostname
        or any(ch.isspace() or ord(ch) < 32 for ch in text)
    ):
        errors.append(FieldError("meetingUrl", "invalid_url"))
        return None
    return text


def _parse_rubrics(
    value: Any, rubric_keys: Collection[str], errors: list[FieldError]
) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.append(FieldError("rubrics", "unknown_choice"))
        return ()
    chosen = tuple(dict.fromkeys(item.strip() for item in value if item.strip()))
    if any(key not in rubric_keys for key in chosen):
        errors.append(FieldError("rubrics", "unknown_choice"))
        return ()
    if len(chosen) > MAX_RUBRICS:
        errors.append(FieldError("rubrics", "too_many", limit=MAX_RUBRICS, actual=len(chosen)))
        return ()
    return chosen


def _parse_flag(value: Any, name: str, errors: list[FieldError]) -> bool | None:
    if isinstance(value, bool):
        return value
    errors.append(FieldError(name, "invalid_boolean"))
    return None


def _parse_capacity(value: Any, errors: list[FieldError]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        errors.append(FieldError("capacity", "not_a_number"))
        return None
    if not 1 <= value <= MAX_CAPACITY:
        errors.append(FieldError("capacity", "out_of_range", limit=MAX_CAPACITY, actual=value))
        return None
    return value


def _parse_times(
    raw: Mapping[str, Any], errors: list[FieldError]
) -> tuple[str | None, dt.datetime | None, dt.datetime | None]:
    """Validate the zone and both wall times; return the zone and the UTC instants."""
    zone_name = str(raw.get("timeZone") or "").strip()
    zone: zoneinfo.ZoneInfo | None = None
    if not zone_name:
        errors.append(FieldError("timeZone", "required"))
    elif zone_name not in known_time_zones():
        errors.append(FieldError("timeZone", "unknown_time_zone"))
    else:
        zone = zone_of(zone_name)

    instants: dict[str, dt.datetime | None] = {}
    for name in ("startsAt", "endsAt"):
        instants[name] = None
        value = raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.append(FieldError(name, "required"))
            continue
        wall = parse_wall_time(value)
        if wall is None:
            errors.append(FieldError(name, "invalid_date_time"))
            continue
        if zone is None:
            continue
        try:
            instants[name] = local_to_utc(wall, zone)
        except NonexistentLocalTime:
            errors.append(FieldError(name, "nonexistent_local_time"))

    starts_at, ends_at = instants["startsAt"], instants["endsAt"]
    if starts_at is not None and ends_at is not None:
        if ends_at <= starts_at:
            errors.append(FieldError("endsAt", "ends_before_start"))
        elif ends_at - starts_at > dt.timedelta(days=MAX_DURATION_DAYS):
            errors.append(FieldError("endsAt", "too_long_duration", limit=MAX_DURATION_DAYS))
    return (zone_name if zone is not None else None), starts_at, ends_at
