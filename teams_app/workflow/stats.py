"""Statistics of the platform for moderators, and a mentor's own figures.

A report covers a period of whole days in the user's time zone. The platform
report (moderators) counts the cases submitted in the period. A mentor's own
report counts the cases the mentor took in the period: offers they accepted,
or cases a moderator assigned to them. Every figure is a count, a share or a
duration. No figure names or counts a teacher individually, so no figure
shows who wrote an anonymous case.

Grouping runs in SQL that SQLite and PostgreSQL both accept. Medians, shares
of rubric lists (stored as JSON) and duration buckets are computed in Python
over rows bounded by the period, which is at most ``MAX_PERIOD_YEARS`` long.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import statistics
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, distinct, exists, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import AssignmentStatus, CaseStatus, Role, Urgency
from teams_app.domain.errors import FieldError, NotFound, NotPermitted, ValidationFailed
from teams_app.i18n import Translator, translator_for
from teams_app.i18n import gettext_noop as N_
from teams_app.settings import Settings
from teams_app.storage.db import Database
from teams_app.storage.models import (
    Assignment,
    Case,
    CaseEvent,
    CaseLibraryHit,
    CaseRevision,
    LibraryEntry,
    MentorProfile,
    Reflection,
    Rubric,
    Solution,
    User,
    UserRole,
)
from teams_app.workflow.queries import mentor_name
from teams_app.workflow.views import Actor

logger = logging.getLogger(__name__)

DEFAULT_TIME_ZONE = "Europe/Moscow"
# A longer period would make the per-year and per-case queries unbounded.
MAX_PERIOD_YEARS = 10
# Dates outside these years are rejected, which also keeps zone conversions in range.
FIRST_YEAR = 2000
LAST_YEAR = 2099
# The number of rows of the table of library entries shown on cases the library answered.
TOP_LIBRARY_ENTRIES = 10

# An assignment in one of these statuses with a response time was accepted by
# its mentor or made by a moderator: CLOSED is what an accepted assignment
# becomes when the case ends or a second opinion is asked.
_ENGAGED_STATUSES = (AssignmentStatus.ACCEPTED, AssignmentStatus.CLOSED)
_SEARCHING_STATUSES = (
    CaseStatus.CHOOSING_MENTOR,
    CaseStatus.AWAITING_MENTOR,
    CaseStatus.AWAITING_MODERATOR,
)


class Scope(enum.StrEnum):
    """Whose figures a report shows."""

    PLATFORM = "platform"  # every case; moderators only
    MINE = "mine"  # the cases the signed-in mentor took


class ColumnKind(enum.StrEnum):
    TEXT = "text"
    COUNT = "count"
    HOURS = "hours"  # a duration in hours, two decimals
    PERCENT = "percent"  # 0 to 100, one decimal
    RATING = "rating"  # a mean usefulness of 1 to 5, two decimals


# ------------------------------------------------------------------ views


@dataclass(frozen=True)
class Period:
    """Whole days from ``first_day`` to ``last_day`` inclusive, in ``time_zone``."""

    first_day: dt.date
    last_day: dt.date
    time_zone: str

    @property
    def starts_at(self) -> dt.datetime:
        return local_midnight(self.first_day, self.time_zone)

    @property
    def ends_at(self) -> dt.datetime:
        """The first instant after the period, in UTC."""
        return local_midnight(self.last_day + dt.timedelta(days=1), self.time_zone)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: ColumnKind


@dataclass(frozen=True)
class StatsTable:
    """One exportable table. Rows map column keys to values, and a row may also carry a ``key``."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Any], ...]
    note: str = ""


@dataclass(frozen=True)
class Figure:
    """A headline number of a section, such as the median time to acceptance."""

    key: str
    label: str
    value: float | int | None
    kind: ColumnKind


@dataclass(frozen=True)
class StatsSection:
    name: str
    title: str
    tables: tuple[StatsTable, ...]
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class StatsReport:
    period: Period
    scope: Scope
    sections: tuple[StatsSection, ...]

    def table(self, name: str) -> StatsTable | None:
        for section in self.sections:
            for table in section.tables:
                if table.name == name:
                    return table
        return None


# The tables of each section, and the scopes that include the section.
SECTION_TABLES: dict[str, tuple[str, ...]] = {
    "cases": ("rubrics", "statuses", "urgency"),
    "timing": ("timings", "timing_distribution"),
    "rounds": ("rounds",),
    "mentors": ("mentors",),
    "library": ("library", "library_entries"),
    "activity": ("active_users",),
}
SECTION_SCOPES: dict[str, frozenset[Scope]] = {
    "cases": frozenset(Scope),
    "timing": frozenset(Scope),
    "rounds": frozenset({Scope.PLATFORM}),
    "mentors": frozenset(Scope),
    "library": frozenset({Scope.PLATFORM}),
    "activity": frozenset({Scope.PLATFORM}),
}
TABLE_NAMES = frozenset(name for names in SECTION_TABLES.values() for name in names)

# ------------------------------------------------------------------ labels

SECTION_TITLES = {
    "cases": N_("Cases"),
    "timing": N_("Response times"),
    "rounds": N_("Rounds to find a mentor"),
    "mentors": N_("Mentor load and ratings"),
    "library": N_("Answers from the library"),
    "activity": N_("Active users"),
}

STATUS_LABELS: dict[CaseStatus, str] = {
    CaseStatus.NEW: N_("New, library answer shown"),
    CaseStatus.CHOOSING_MENTOR: N_("Choosing a mentor"),
    CaseStatus.AWAITING_MENTOR: N_("Waiting for the mentor to accept"),
    CaseStatus.AWAITING_MODERATOR: N_("Waiting for a moderator"),
    CaseStatus.IN_PROGRESS: N_("In progress"),
    CaseStatus.AWAITING_ANSWERS: N_("Waiting for the teacher's answers"),
    CaseStatus.AWAITING_DECISION: N_("Waiting for the teacher's decision"),
    CaseStatus.SOLUTION_OFFERED: N_("Solution offered"),
    CaseStatus.COMPLETED: N_("Completed"),
    CaseStatus.ANSWERED_BY_LIBRARY: N_("Answered by the library"),
    CaseStatus.WITHDRAWN: N_("Withdrawn"),
}

URGENCY_LABELS: dict[Urgency, str] = {
    Urgency.URGENT: N_("Urgent"),
    Urgency.NEED_ADVICE: N_("I need advice"),
    Urgency.EXPERT_OPINION: N_("I need an expert opinion"),
}

MEASURE_LABELS = {
    "submission_to_acceptance": N_("From submission to a mentor's acceptance"),
    "offer_to_acceptance": N_("From an offer to its acceptance"),
    "submission_to_solution": N_("From submission to the first solution"),
    "acceptance_to_solution": N_("From acceptance to the first solution"),
}
_PLATFORM_MEASURES = (
    "submission_to_acceptance",
    "offer_to_acceptance",
    "submission_to_solution",
    "acceptance_to_solution",
)
_MENTOR_MEASURES = ("offer_to_acceptance", "acceptance_to_solution")

# Lower bounds of the duration buckets, in hours, with their labels.
DURATION_BUCKETS: tuple[tuple[float, str], ...] = (
    (0, N_("Under 1 hour")),
    (1, N_("1 to 4 hours")),
    (4, N_("4 to 24 hours")),
    (24, N_("1 to 3 days")),
    (72, N_("3 to 7 days")),
    (168, N_("Over 7 days")),
)

# Rounds of offers are counted up to this number, and longer searches share its row.
MAX_ROUND_ROW = 4


def _section_title(name: str, translate: Translator) -> str:
    return translate(SECTION_TITLES[name])


# ------------------------------------------------------------------ period


def local_midnight(day: dt.date, time_zone: str) -> dt.datetime:
    """Return the start of ``day`` in ``time_zone`` as a UTC datetime."""
    local = dt.datetime.combine(day, dt.time.min, tzinfo=zoneinfo.ZoneInfo(time_zone))
    return local.astimezone(dt.UTC)


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _parse_day(name: str, raw: str | None, errors: list[FieldError]) -> dt.date | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError:
        errors.append(FieldError(name, "invalid_date"))
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors.append(FieldError(name, "date_out_of_range"))
        return None
    return day


def parse_period(
    raw_from: str | None, raw_to: str | None, time_zone: str, now: dt.datetime
) -> Period:
    """Read the period of a report from ISO dates; either may be missing.

    Without dates the period is the last twelve months up to today in the
    user's time zone. Raises ``ValidationFailed`` naming ``periodFrom`` or
    ``periodTo``.
    """
    errors: list[FieldError] = []
    first = _parse_day("periodFrom", raw_from, errors)
    last = _parse_day("periodTo", raw_to, errors)
    if errors:
        raise ValidationFailed(errors)
    today = now.astimezone(zoneinfo.ZoneInfo(time_zone)).date()
    if last is None:
        last = today if first is None else max(first, min(today, _years_later(first, 1)))
    if first is None:
        first = _years_later(last, -1) + dt.timedelta(days=1)
    if last < first:
        raise ValidationFailed([FieldError("periodTo", "before_start")])
    if last >= _years_later(first, MAX_PERIOD_YEARS):
        raise ValidationFailed([FieldError("periodTo", "period_too_long", limit=MAX_PERIOD_YEARS)])
    return Period(first, last, time_zone)


# ------------------------------------------------------------------ helpers


def _engaged() -> ColumnElement[bool]:
    """Return the condition that an assignment was accepted by its mentor or made by a moderator."""
    return and_(Assignment.status.in_(_ENGAGED_STATUSES), Assignment.responded_at.is_not(None))


def _within(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.starts_at, column < period.ends_at)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def _seconds_between(pairs: Iterable[Sequence[Any]]) -> list[float]:
    return [(end - start).total_seconds() for start, end in pairs if start and end]


def _bucket_counts(durations: Sequence[float]) -> list[int]:
    """Count durations per bucket of ``DURATION_BUCKETS``; a bucket includes its lower bound."""
    counts = [0] * len(DURATION_BUCKETS)
    for seconds in durations:
        hours = seconds / 3600
        index = 0
        for position, (lower_bound, _) in enumerate(DURATION_BUCKETS):
            if hours >= lower_bound:
                index = position
        counts[index] += 1
    return counts


@dataclass(frozen=True)
class _Filters:
    """The rows a report counts, as SQL conditions and subqueries."""

    period: Period
    scope: Scope
    mentor_id: int | None

    def engaged_assignments(self) -> ColumnElement[bool]:
        """Accepted assignments the report counts: on cases in scope, or the mentor's own."""
        if self.scope is Scope.PLATFORM:
            return and_(_engaged(), Assignment.case_id.in_(self.case_ids()))
        return and_(
            _engaged(),
            Assignment.mentor_id == self.mentor_id,
            _within(Assignment.responded_at, self.period),
        )

    def case_ids(self) -> Select[tuple[int]]:
        if self.scope is Scope.PLATFORM:
            return select(Case.id).where(_within(Case.created_at, self.period))
        return select(Assignment.case_id).where(self.engaged_assignments())


# ------------------------------------------------------------------ the service


class Stats:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    async def report(
        self,
        actor: Actor,
        *,
        period_from: str | None = None,
        period_to: str | None = None,
        scope: str | None = None,
        locale: str | None = None,
        now: dt.datetime | None = None,
        sections: Iterable[str] | None = None,
    ) -> StatsReport:
        """Build the report the actor may see, or raise ``NotPermitted`` or ``ValidationFailed``."""
        chosen = _scope_for(actor, scope)
        translate = translator_for(locale or actor.locale)
        requested = set(SECTION_TABLES) if sections is None else set(sections)
        included = [
            name for name in SECTION_TABLES if chosen in SECTION_SCOPES[name] and name in requested
        ]
        async with self.db.transaction() as session:
            time_zone = await _time_zone_of(session, actor.user_id)
            period = parse_period(period_from, period_to, time_zone, now or dt.datetime.now(dt.UTC))
            filters = _Filters(period, chosen, actor.user_id if chosen is Scope.MINE else None)
            built = [
                await _SECTION_BUILDERS[name](session, filters, translate) for name in included
            ]
        logger.info(
            "stats report user=%s scope=%s from=%s to=%s sections=%s",
            actor.user_id,
            chosen,
            period.first_day,
            period.last_day,
            ",".join(included),
        )
        return StatsReport(period, chosen, tuple(built))

    async def table(
        self,
        actor: Actor,
        name: str,
        *,
        period_from: str | None = None,
        period_to: str | None = None,
        scope: str | None = None,
        locale: str | None = None,
        now: dt.datetime | None = None,
    ) -> tuple[StatsReport, StatsTable]:
        """Build one table of the report, for the CSV export.

        Raises ``NotFound`` for a table name that does not exist, and
        ``NotPermitted`` for a table outside the actor's scope.
        """
        sections = [s for s, names in SECTION_TABLES.items() if name in names]
        if not sections:
            raise NotFound(what=f"statistics table {name}")
        (section,) = sections
        chosen = _scope_for(actor, scope)
        if chosen not in SECTION_SCOPES[section]:
            raise NotPermitted(role=Role.MODERATOR.value)
        report = await self.report(
            actor,
            period_from=period_from,
            period_to=period_to,
            scope=chosen.value,
            locale=locale,
            now=now,
            sections=(section,),
        )
        table = report.table(name)
        assert table is not None
        return report, table


def _is_moderator(actor: Actor) -> bool:
    return actor.has(Role.MODERATOR) or actor.has(Role.ADMIN)


def _scope_for(actor: Actor, requested: str | None) -> Scope:
    """Pick the scope: the platform for moderators, the mentor's own figures otherwise."""
    if requested in (None, ""):
        if _is_moderator(actor):
            return Scope.PLATFORM
        if actor.has(Role.MENTOR):
            return Scope.MINE
        raise NotPermitted(role=Role.MENTOR.value)
    try:
        scope = Scope(requested)
    except ValueError:
        raise ValidationFailed([FieldError("scope", "unknown_choice")]) from None
    if scope is Scope.PLATFORM and not _is_moderator(actor):
        raise NotPermitted(role=Role.MODERATOR.value)
    if scope is Scope.MINE and not actor.has(Role.MENTOR):
        raise NotPermitted(role=Role.MENTOR.value)
    return scope


async def _time_zone_of(session: AsyncSession, user_id: int) -> str:
    user = await session.get(User, user_id)
    zone = user.time_zone if user is not None else DEFAULT_TIME_ZONE
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        logger.warning(
            "unknown time zone user=%s zone=%r; using %s", user_id, zone, DEFAULT_TIME_ZONE
        )
        return DEFAULT_TIME_ZONE
    return zone


async def _count(session: AsyncSession, statement: Select[Any]) -> int:
    return int(await session.scalar(statement) or 0)


# ------------------------------------------------------------------ cases


async def _cases_section(
    session: AsyncSession, filters: _Filters, translate: Translator
) -> StatsSection:
    case_ids = filters.case_ids()
    total = await _count(
        session, select(func.count()).select_from(Case).where(Case.id.in_(case_ids))
    )

    # Rubrics of each case's current revision; a case counts once per rubric.
    rubric_lists = await session.scalars(
        select(CaseRevision.rubrics)
        .join(
            Case,
            and_(Case.id == CaseRevision.case_id, CaseRevision.number == Case.current_revision),
        )
        .where(Case.id.in_(case_ids))
    )
    per_rubric: Counter[str] = Counter()
    for keys in rubric_lists:
        per_rubric.update({str(key) for key in keys or ()})
    rubric_rows = []
    for rubric in await session.scalars(select(Rubric).order_by(Rubric.position, Rubric.key)):
        count = per_rubric.pop(rubric.key, 0)
        rubric_rows.append(
            {
                "key": rubric.key,
                "rubric": translate.pick(rubric.title_ru, rubric.title_en),
                "cases": count,
                "share": _percent(count, total),
            }
        )
    # Keys of rubrics removed from the rubricator since the case was submitted.
    for key, count in sorted(per_rubric.items()):
        rubric_rows.append(
            {"key": key, "rubric": key, "cases": count, "share": _percent(count, total)}
        )

    per_status = dict(
        (
            await session.execute(
                select(Case.status, func.count()).where(Case.id.in_(case_ids)).group_by(Case.status)
            )
        )
        .tuples()
        .all()
    )
    per_urgency = dict(
        (
            await session.execute(
                select(Case.urgency, func.count())
                .where(Case.id.in_(case_ids))
                .group_by(Case.urgency)
            )
        )
        .tuples()
        .all()
    )

    def share_columns(first_key: str, first_title: str) -> tuple[Column, ...]:
        return (
            Column(first_key, translate(first_title), ColumnKind.TEXT),
            Column("cases", translate(N_("Cases")), ColumnKind.COUNT),
            Column("share", translate(N_("Share of cases, %")), ColumnKind.PERCENT),
        )

    cases_note = (
        N_("Cases submitted in the period.")
        if filters.scope is Scope.PLATFORM
        else N_("Cases you took in the period.")
    )
    return StatsSection(
        name="cases",
        title=_section_title("cases", translate),
        figures=(Figure("cases", translate(N_("Cases")), total, ColumnKind.COUNT),),
        tables=(
            StatsTable(
                name="rubrics",
                title=translate(N_("Cases by rubric")),
                columns=share_columns("rubric", N_("Rubric")),
                rows=tuple(rubric_rows),
                note=translate(cases_note)
                + " "
                + translate(N_("A case with several rubrics counts once in each.")),
            ),
            StatsTable(
                name="statuses",
                title=translate(N_("Cases by status")),
                columns=share_columns("status", N_("Status")),
                rows=tuple(
                    {
                        "key": status.value,
                        "status": translate(STATUS_LABELS[status]),
                        "cases": int(per_status.get(status, 0)),
                        "share": _percent(int(per_status.get(status, 0)), total),
                    }
                    for status in CaseStatus
                ),
                note=translate(cases_note) + " " + translate(N_("Status as of now.")),
            ),
            StatsTable(
                name="urgency",
                title=translate(N_("Cases by urgency")),
                columns=share_columns("urgency", N_("Urgency")),
                rows=tuple(
                    {
                        "key": urgency.value,
                        "urgency": translate(URGENCY_LABELS[urgency]),
                        "cases": int(per_urgency.get(urgency, 0)),
                        "share": _percent(int(per_urgency.get(urgency, 0)), total),
                    }
                    for urgency in Urgency
                ),
                note=translate(cases_note),
            ),
        ),
    )


# ------------------------------------------------------------------ timing


async def _durations(session: AsyncSession, filters: _Filters) -> dict[str, list[float]]:
    """Return durations in seconds per measure, for the measures of the scope."""
    engaged = filters.engaged_assignments()
    found: dict[str, list[float]] = {}
    if filters.scope is Scope.PLATFORM:
        in_period = _within(Case.created_at, filters.period)
        # The first mentor of each case, found by an accepted offer or a moderator.
        first_acceptance = await session.execute(
            select(Case.created_at, func.min(Assignment.responded_at))
            .join(Assignment, Assignment.case_id == Case.id)
            .where(in_period, _engaged(), Assignment.opinion == 1)
            .group_by(Case.id, Case.created_at)
        )
        found["submission_to_acceptance"] = _seconds_between(first_acceptance)
        first_solution = await session.execute(
            select(Case.created_at, func.min(Solution.created_at))
            .join(Solution, Solution.case_id == Case.id)
            .where(in_period)
            .group_by(Case.id, Case.created_at)
        )
        found["submission_to_solution"] = _seconds_between(first_solution)
    offers = await session.execute(
        select(Assignment.offered_at, Assignment.responded_at).where(
            engaged, Assignment.assigned_by_moderator_id.is_(None)
        )
    )
    found["offer_to_acceptance"] = _seconds_between(offers)
    solutions = await session.execute(
        select(Assignment.responded_at, func.min(Solution.created_at))
        .join(Solution, Solution.assignment_id == Assignment.id)
        .where(engaged)
        .group_by(Assignment.id, Assignment.responded_at)
    )
    found["acceptance_to_solution"] = _seconds_between(solutions)
    return found


async def _timing_section(
    session: AsyncSession, filters: _Filters, translate: Translator
) -> StatsSection:
    durations = await _durations(session, filters)
    measures = _PLATFORM_MEASURES if filters.scope is Scope.PLATFORM else _MENTOR_MEASURES
    summary_rows = []
    for measure in measures:
        values = durations[measure]
        summary_rows.append(
            {
                "key": measure,
                "measure": translate(MEASURE_LABELS[measure]),
                "count": len(values),
                "median": _hours(statistics.median(values)) if values else None,
                "mean": _hours(statistics.fmean(values)) if values else None,
                "max": _hours(max(values)) if values else None,
            }
        )
    buckets = {measure: _bucket_counts(durations[measure]) for measure in measures}
    distribution_rows = []
    for index, (_, label) in enumerate(DURATION_BUCKETS):
        row: dict[str, Any] = {"key": str(index), "bucket": translate(label)}
        for measure in measures:
            row[_camel(measure)] = buckets[measure][index]
        distribution_rows.append(row)

    headline = (
        "submission_to_acceptance" if filters.scope is Scope.PLATFORM else "offer_to_acceptance"
    )
    headline_values = durations[headline]
    note = (
        N_(
            "Cases submitted in the period. A moderator's assignment counts as an "
            "acceptance, except in the time from an offer to its acceptance."
        )
        if filters.scope is Scope.PLATFORM
        else N_("Offers you accepted in the period.")
    )
    return StatsSection(
        name="timing",
        title=_section_title("timing", translate),
        figures=(
            Figure(
                "medianHours",
                translate(N_("Median time to acceptance, hours")),
                _hours(statistics.median(headline_values)) if headline_values else None,
                ColumnKind.HOURS,
            ),
        ),
        tables=(
            StatsTable(
                name="timings",
                title=translate(N_("Time to acceptance and to the first solution")),
                columns=(
                    Column("measure", translate(N_("Measure")), ColumnKind.TEXT),
                    Column("count", translate(N_("Cases")), ColumnKind.COUNT),
                    Column("median", translate(N_("Median, hours")), ColumnKind.HOURS),
                    Column("mean", translate(N_("Mean, hours")), ColumnKind.HOURS),
                    Column("max", translate(N_("Longest, hours")), ColumnKind.HOURS),
                ),
                rows=tuple(summary_rows),
                note=translate(note),
            ),
            StatsTable(
                name="timing_distribution",
                title=translate(N_("Distribution of the times")),
                columns=(
                    Column("bucket", translate(N_("Time")), ColumnKind.TEXT),
                    *(
                        Column(_camel(m), translate(MEASURE_LABELS[m]), ColumnKind.COUNT)
                        for m in measures
                    ),
                ),
                rows=tuple(distribution_rows),
                note=translate(N_("Number of cases per interval.")),
            ),
        ),
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# ------------------------------------------------------------------ rounds


async def _rounds_section(
    session: AsyncSession, filters: _Filters, translate: Translator
) -> StatsSection:
    # Each engaged assignment ends one search for a mentor, for the first
    # opinion or a second one. Its round is the number of offers that search made.
    ended = (
        (
            await session.execute(
                select(Assignment.round, Assignment.assigned_by_moderator_id.is_not(None)).where(
                    filters.engaged_assignments()
                )
            )
        )
        .tuples()
        .all()
    )
    per_row: Counter[int] = Counter()
    by_moderator: Counter[int] = Counter()
    for round_number, moderator in ended:
        row = min(int(round_number), MAX_ROUND_ROW)
        per_row[row] += 1
        if moderator:
            by_moderator[row] += 1
    searching = await _count(
        session,
        select(func.count())
        .select_from(Case)
        .where(Case.id.in_(filters.case_ids()), Case.status.in_(_SEARCHING_STATUSES)),
    )
    rounds = [int(r) for r, _ in ended]
    rows = []
    for row in range(1, MAX_ROUND_ROW + 1):
        label = (
            str(row)
            if row < MAX_ROUND_ROW
            else translate(N_("{count} or more"), count=MAX_ROUND_ROW)
        )
        rows.append(
            {
                "key": str(row),
                "rounds": label,
                "searches": per_row[row],
                "byModerator": by_moderator[row],
                "share": _percent(per_row[row], len(ended)),
            }
        )
    return StatsSection(
        name="rounds",
        title=_section_title("rounds", translate),
        figures=(
            Figure(
                "meanRounds",
                translate(N_("Mean number of rounds")),
                round(statistics.fmean(rounds), 2) if rounds else None,
                ColumnKind.RATING,
            ),
            Figure(
                "searching",
                translate(N_("Cases still looking for a mentor")),
                searching,
                ColumnKind.COUNT,
            ),
        ),
        tables=(
            StatsTable(
                name="rounds",
                title=translate(N_("Offer rounds until a mentor accepted")),
                columns=(
                    Column("rounds", translate(N_("Rounds")), ColumnKind.TEXT),
                    Column("searches", translate(N_("Mentors found")), ColumnKind.COUNT),
                    Column(
                        "byModerator",
                        translate(N_("Of them assigned by a moderator")),
                        ColumnKind.COUNT,
                    ),
                    Column("share", translate(N_("Share, %")), ColumnKind.PERCENT),
                ),
                rows=tuple(rows),
                note=translate(
                    N_(
                        "Cases submitted in the period. A second opinion is a separate "
                        "search. A moderator's assignment counts as the last round."
                    )
                ),
            ),
        ),
    )


# ------------------------------------------------------------------ mentors


async def _mentors_section(
    session: AsyncSession, filters: _Filters, translate: Translator
) -> StatsSection:
    period = filters.period
    mentors_query = (
        select(User, MentorProfile)
        .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == Role.MENTOR))
        .outerjoin(MentorProfile, MentorProfile.user_id == User.id)
    )
    if filters.scope is Scope.MINE:
        mentors_query = mentors_query.where(User.id == filters.mentor_id)
    mentors = (await session.execute(mentors_query)).tuples().all()

    async def count_per_mentor(statement: Select[Any]) -> dict[int, int]:
        return {mentor: int(count) for mentor, count in (await session.execute(statement)).tuples()}

    in_work = await count_per_mentor(
        select(Assignment.mentor_id, func.count())
        .where(Assignment.status == AssignmentStatus.ACCEPTED)
        .group_by(Assignment.mentor_id)
    )
    offers = await count_per_mentor(
        select(Assignment.mentor_id, func.count())
        .where(Assignment.status == AssignmentStatus.OFFERED)
        .group_by(Assignment.mentor_id)
    )
    handled = await count_per_mentor(
        select(Assignment.mentor_id, func.count(distinct(Assignment.case_id)))
        .where(_engaged(), _within(Assignment.responded_at, period))
        .group_by(Assignment.mentor_id)
    )
    # NOTE: a rating is credited to every mentor who held the case, so a case
    # with a second opinion counts for both mentors.
    engaged_pairs = (
        select(Assignment.mentor_id, Assignment.case_id).where(_engaged()).distinct().subquery()
    )
    ratings = {
        mentor: (int(count), mean)
        for mentor, count, mean in (
            await session.execute(
                select(engaged_pairs.c.mentor_id, func.count(), func.avg(Reflection.usefulness))
                .join(Reflection, Reflection.case_id == engaged_pairs.c.case_id)
                .where(_within(Reflection.created_at, period))
                .group_by(engaged_pairs.c.mentor_id)
            )
        ).tuples()
    }

    rows = []
    for user, profile in mentors:
        rating_count, rating_mean = ratings.get(user.id, (0, None))
        rows.append(
            {
                "key": str(user.id),
                "mentor": mentor_name(profile, user),
                "inWork": in_work.get(user.id, 0),
                "offers": offers.get(user.id, 0),
                "maxOpenCases": profile.max_open_cases if profile is not None else None,
                "handled": handled.get(user.id, 0),
                "ratings": rating_count,
                "meanRating": round(float(rating_mean), 2) if rating_mean is not None else None,
            }
        )
    rows.sort(key=lambda row: (str(row["mentor"]).casefold(), row["key"]))
    return StatsSection(
        name="mentors",
        title=_section_title("mentors", translate),
        tables=(
            StatsTable(
                name="mentors",
                title=translate(N_("Mentor load and reflection ratings")),
                columns=(
                    Column("mentor", translate(N_("Mentor")), ColumnKind.TEXT),
                    Column("inWork", translate(N_("Cases in work now")), ColumnKind.COUNT),
                    Column("offers", translate(N_("Offers waiting now")), ColumnKind.COUNT),
                    Column("maxOpenCases", translate(N_("Open cases at most")), ColumnKind.COUNT),
                    Column("handled", translate(N_("Cases taken in the period")), ColumnKind.COUNT),
                    Column("ratings", translate(N_("Ratings in the period")), ColumnKind.COUNT),
                    Column(
                        "meanRating", translate(N_("Mean usefulness, 1 to 5")), ColumnKind.RATING
                    ),
                ),
                rows=tuple(rows),
                note=translate(
                    N_(
                        "Load is counted now; cases taken and ratings in the period. "
                        "A rating comes from the teacher's reflection sheet."
                    )
                ),
            ),
        ),
    )


# ------------------------------------------------------------------ library


async def _library_section(
    session: AsyncSession, filters: _Filters, translate: Translator
) -> StatsSection:
    case_ids = filters.case_ids()
    with_hits = exists().where(CaseLibraryHit.case_id == Case.id)
    answered = Case.status == CaseStatus.ANSWERED_BY_LIBRARY
    submitted = await _count(
        session, select(func.count()).select_from(Case).where(Case.id.in_(case_ids))
    )
    shown = await _count(
        session, select(func.count()).select_from(Case).where(Case.id.in_(case_ids), with_hits)
    )
    closed = await _count(
        session, select(func.count()).select_from(Case).where(Case.id.in_(case_ids), answered)
    )
    closed_with_hits = await _count(
        session,
        select(func.count()).select_from(Case).where(Case.id.in_(case_ids), answered, with_hits),
    )
    entries = (
        (
            await session.execute(
                select(LibraryEntry.id, LibraryEntry.title, func.count())
                .join(CaseLibraryHit, CaseLibraryHit.entry_id == LibraryEntry.id)
                .join(Case, Case.id == CaseLibraryHit.case_id)
                .where(Case.id.in_(case_ids), answered)
                .group_by(LibraryEntry.id, LibraryEntry.title)
                .order_by(func.count().desc(), LibraryEntry.id)
                .limit(TOP_LIBRARY_ENTRIES)
            )
        )
        .tuples()
        .all()
    )

    summary_rows = (
        {
            "key": "submitted",
            "measure": translate(N_("Cases submitted")),
            "cases": submitted,
            "share": _percent(submitted, submitted),
        },
        {
            "key": "shown",
            "measure": translate(N_("Library answer shown")),
            "cases": shown,
            "share": _percent(shown, submitted),
        },
        {
            "key": "answered",
            "measure": translate(N_("Closed as answered by the library")),
            "cases": closed,
            "share": _percent(closed, submitted),
        },
        {
            "key": "answered_of_shown",
            "measure": translate(N_("Closed as answered, of the cases with a library answer")),
            "cases": closed_with_hits,
            "share": _percent(closed_with_hits, shown),
        },
    )
    return StatsSection(
        name="library",
        title=_section_title("library", translate),
        figures=(
            Figure(
                "answeredShare",
                translate(N_("Cases answered by the library at once, %")),
                _percent(closed, submitted),
                ColumnKind.PERCENT,
            ),
        ),
        tables=(
            StatsTable(
                name="library",
                title=translate(N_("How often the library answered a case at once")),
                columns=(
                    Column("measure", translate(N_("Measure")), ColumnKind.TEXT),
                    Column("cases", translate(N_("Cases")), ColumnKind.COUNT),
                    Column("share", translate(N_("Share, %")), ColumnKind.PERCENT),
                ),
                rows=summary_rows,
                note=translate(
                    N_(
                        "Cases submitted in the period. The last row's share is of the "
                        "cases with a library answer; the others are of all cases."
                    )
                ),
            ),
            StatsTable(
                name="library_entries",
                title=translate(N_("Library entries shown on cases the library answered")),
                columns=(
                    Column("entry", translate(N_("Library entry")), ColumnKind.TEXT),
                    Column("cases", translate(N_("Cases")), ColumnKind.COUNT),
                ),
                rows=tuple(
                    {"key": str(entry_id), "entry": title, "cases": int(count)}
                    for entry_id, title, count in entries
                ),
                note=translate(
                    N_("The {limit} entries shown most often on cases closed as answered."),
                    limit=TOP_LIBRARY_ENTRIES,
                ),
            ),
        ),
    )


# ------------------------------------------------------------------ active users


def _year_spans(period: Period) -> list[tuple[int, dt.date, dt.date]]:
    """Split the period at the new years of its time zone."""
    spans = []
    for year in range(period.first_day.year, period.last_day.year + 1):
        first = max(period.first_day, dt.date(year, 1, 1))
        last = min(period.last_day, dt.date(year, 12, 31))
        spans.append((year, first, last))
    return spans


def _active_queries(
    starts_at: dt.datetime, ends_at: dt.datetime
) -> tuple[Select[Any], Select[Any]]:
    """Return queries for the ids of teachers and of mentors who acted in a time span."""
    in_span = and_(CaseEvent.created_at >= starts_at, CaseEvent.created_at < ends_at)
    teachers = (
        select(CaseEvent.actor_id.label("user_id"))
        .join(Case, Case.id == CaseEvent.case_id)
        .where(in_span, CaseEvent.actor_id == Case.teacher_id)
    )
    # A mentor acts on a case they were offered or assigned: accepting,
    # declining, asking questions, writing solutions.
    mentor_events = select(CaseEvent.actor_id.label("user_id")).where(
        in_span,
        exists().where(
            Assignment.case_id == CaseEvent.case_id, Assignment.mentor_id == CaseEvent.actor_id
        ),
    )
    solutions = select(Solution.mentor_id.label("user_id")).where(
        Solution.created_at >= starts_at, Solution.created_at < ends_at
    )
    return teachers, union(mentor_events, solutions)  # type: ignore[return-value]


async def _activity_section(
    session: AsyncSession, filters: _Filters, translate: Translator
) -> StatsSection:
    rows = []
    for year, first, last in _year_spans(filters.period):
        starts_at = local_midnight(first, filters.period.time_zone)
        ends_at = local_midnight(last + dt.timedelta(days=1), filters.period.time_zone)
        teachers, mentors = _active_queries(starts_at, ends_at)
        teacher_ids = teachers.distinct().subquery()
        mentor_ids = mentors.subquery()
        everyone = union(select(teacher_ids.c.user_id), select(mentor_ids.c.user_id)).subquery()
        whole_year = first == dt.date(year, 1, 1) and last == dt.date(year, 12, 31)
        rows.append(
            {
                "key": str(year),
                "year": str(year),
                "teachers": await _count(session, select(func.count()).select_from(teacher_ids)),
                "mentors": await _count(session, select(func.count()).select_from(mentor_ids)),
                "total": await _count(session, select(func.count()).select_from(everyone)),
                "days": "" if whole_year else f"{first.isoformat()} – {last.isoformat()}",
            }
        )
    return StatsSection(
        name="activity",
        title=_section_title("activity", translate),
        tables=(
            StatsTable(
                name="active_users",
                title=translate(N_("Active users per year")),
                columns=(
                    Column("year", translate(N_("Year")), ColumnKind.TEXT),
                    Column("teachers", translate(N_("Teachers")), ColumnKind.COUNT),
                    Column("mentors", translate(N_("Mentors")), ColumnKind.COUNT),
                    Column("total", translate(N_("People in all")), ColumnKind.COUNT),
                    Column("days", translate(N_("Part of the year counted")), ColumnKind.TEXT),
                ),
                rows=tuple(rows),
                note=translate(
                    N_(
                        "A teacher counts when they submitted a case or acted on their own "
                        "case; a mentor when they acted on a case offered or assigned to "
                        "them. Only days inside the period count."
                    )
                ),
            ),
        ),
    )


_SECTION_BUILDERS = {
    "cases": _cases_section,
    "timing": _timing_section,
    "rounds": _rounds_section,
    "mentors": _mentors_section,
    "library": _library_section,
    "activity": _activity_section,
}
