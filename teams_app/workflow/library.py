"""The library tab: search with filters and paging, entry pages, materials and moderation.

Readers see published entries only. Mentors and moderators add type 2
materials, published at once, and mentors attach them to their own solutions.
Moderators edit, unpublish and publish again, and approve or reject the drafts
of solved cases. A solved case never names or links to its author: its view
carries the anonymised texts only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import ipaddress
import logging
import unicodedata
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import (
    LibraryEntryKind,
    LibraryEntryStatus,
    MaterialType,
    Role,
)
from teams_app.domain.errors import (
    DomainError,
    FieldError,
    NotFound,
    NotPermitted,
    ValidationFailed,
)
from teams_app.domain.intake import check_text, split_multi
from teams_app.i18n import SUPPORTED_LANGUAGES, gettext_noop as N_, translator_for
from teams_app.search_text import tokens
from teams_app.settings import Settings
from teams_app.storage import search
from teams_app.storage.db import Database
from teams_app.storage.models import (
    Case,
    CaseEvent,
    LibraryEntry,
    LibraryEntryRubric,
    MentorProfile,
    Rubric,
    Solution,
    User,
    utcnow,
)
from teams_app.workflow.drafts import lock_entry, replace_entry_rubrics
from teams_app.workflow.limits import (
    ANSWER_LIMIT,
    CUSTOM_QUESTION_LIMIT,
    ENTRY_TEXT_LIMITS,
    SOLUTION_LIMIT,
)
from teams_app.workflow.queries import mentor_name
from teams_app.workflow.service import Workflow
from teams_app.workflow.views import Actor, Outcome, RubricView

logger = logging.getLogger(__name__)

# Limits of a type 2 material, in NFC characters.
MATERIAL_TITLE_LIMIT = 200
MATERIAL_SUMMARY_LIMIT = 2000
URL_LIMIT = 2000
# A search text longer than this is rejected rather than cut.
QUERY_LIMIT = 200
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
# Characters of a solution's text shown in a mentor's list of solutions.
SOLUTION_EXCERPT_LIMIT = 300

# Texts of a solved case's body a moderator edits, by API field name.
CASE_TEXT_FIELDS = {
    "essence": "essence",
    "actionsTaken": "actions_taken",
    "whyDifficult": "why_difficult",
    "question": "question",
}


class SortOrder(enum.StrEnum):
    RELEVANCE = "relevance"  # best text match first; needs search words
    NEWEST = "newest"
    OLDEST = "oldest"


class EntryStateConflict(DomainError):
    """An action that does not apply to the entry's current status."""

    code = "entry_state_conflict"
    message_id = N_("Library entry #{id} is «{status}»; this action does not apply to it.")


class EditConflict(DomainError):
    code = "edit_conflict"
    message_id = N_(
        "Library entry #{id} was changed by someone else while you edited it. "
        "Reload the page and apply your changes again."
    )


# ----------------------------------------------------------------------- views


@dataclass(frozen=True)
class LibraryQuery:
    """A search of the library tab; dates are days in the searcher's time zone."""

    text: str = ""
    rubrics: tuple[str, ...] = ()
    kind: LibraryEntryKind | None = None
    material_types: tuple[MaterialType, ...] = ()
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    # Anything but PUBLISHED is for moderators only.
    statuses: tuple[LibraryEntryStatus, ...] = (LibraryEntryStatus.PUBLISHED,)
    # None: by relevance when the text has search words, else newest first.
    sort: SortOrder | None = None
    offset: int = 0
    limit: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class EntrySummary:
    """One row of a result list."""

    id: int
    kind: LibraryEntryKind
    material_type: MaterialType | None
    status: LibraryEntryStatus
    title: str
    summary: str
    url: str | None
    language: str
    rubrics: tuple[RubricView, ...]
    published_at: dt.datetime | None


@dataclass(frozen=True)
class LibraryPage:
    items: tuple[EntrySummary, ...]
    total: int
    offset: int
    limit: int
    sort: SortOrder


@dataclass(frozen=True)
class AttachedMaterial:
    id: int
    title: str
    url: str | None
    material_type: MaterialType | None
    # Shown to moderators only; readers never get unpublished materials.
    status: LibraryEntryStatus


@dataclass(frozen=True)
class Clarification:
    question: str
    answer: str


@dataclass(frozen=True)
class PublishedSolution:
    text: str
    materials: tuple[AttachedMaterial, ...]


@dataclass(frozen=True)
class SolvedCaseBody:
    """The anonymised texts of a solved case, as published."""

    essence: str
    actions_taken: str
    why_difficult: str
    question: str
    participants: tuple[str, ...]
    urgency: str | None
    clarifications: tuple[Clarification, ...]
    solutions: tuple[PublishedSolution, ...]


@dataclass(frozen=True)
class EntryDetail:
    id: int
    kind: LibraryEntryKind
    status: LibraryEntryStatus
    title: str
    summary: str
    url: str | None
    material_type: MaterialType | None
    language: str
    rubrics: tuple[RubricView, ...]
    published_at: dt.datetime | None
    updated_at: dt.datetime | None
    # The name of the mentor or moderator who added a material; None for solved cases.
    added_by: str | None
    case: SolvedCaseBody | None


@dataclass(frozen=True)
class MentorSolution:
    """A solution the signed-in mentor wrote, with the materials attached to it."""

    id: int
    case_number: str
    created_at: dt.datetime
    excerpt: str
    materials: tuple[AttachedMaterial, ...]


@dataclass(frozen=True)
class SolutionPage:
    items: tuple[MentorSolution, ...]
    total: int


# ------------------------------------------------------------------- service


class Library:
    """Operations of the library tab; the case workflow publishes and rejects drafts."""

    def __init__(self, db: Database, settings: Settings, workflow: Workflow) -> None:
        self.db = db
        self.settings = settings
        self.workflow = workflow
        self._anonymizer: Any = None

    # ------------------------------------------------------------- searching

    async def search(self, actor: Actor, query: LibraryQuery) -> LibraryPage:
        """Return one page of entries matching the text and every filter, and their total."""
        if query.statuses != (LibraryEntryStatus.PUBLISHED,):
            _require_moderator(actor)
        errors = _check_query(query)
        async with self.db.transaction() as session:
            rubrics = await _rubric_titles(session, actor.locale)
            unknown = [key for key in query.rubrics if key not in rubrics]
            if unknown:
                errors.append(FieldError("rubrics", "unknown_choice"))
            if errors:
                raise ValidationFailed(errors)
            time_zone = await _time_zone_of(session, actor.user_id)
            words = search.query_words(query.text)
            sort = query.sort or (SortOrder.RELEVANCE if words else SortOrder.NEWEST)
            if sort is SortOrder.RELEVANCE and not words:
                sort = SortOrder.NEWEST
            if words or not tokens(query.text):
                ids, total = await _find_entries(session, query, words, sort, time_zone)
            else:
                # Stop words alone ("на", "the") match no entry rather than all of them.
                ids, total = [], 0
            entries = {
                entry.id: entry
                for entry in await session.scalars(
                    select(LibraryEntry).where(LibraryEntry.id.in_(ids))
                )
            }
            items = tuple(_summary(entries[entry_id], rubrics) for entry_id in ids)
        return LibraryPage(items, total, query.offset, query.limit, sort)

    async def moderation_queue(
        self, actor: Actor, *, offset: int = 0, limit: int = DEFAULT_PAGE_SIZE
    ) -> LibraryPage:
        """List the drafts of solved cases waiting for a moderator, oldest first.

        Completed cases whose draft failed earlier get it first, as in the bot.
        """
        _require_moderator(actor)
        await self.workflow.awaiting_moderation(_as_moderator(actor))
        return await self.search(
            actor,
            LibraryQuery(
                statuses=(LibraryEntryStatus.DRAFT,),
                sort=SortOrder.OLDEST,
                offset=offset,
                limit=limit,
            ),
        )

    async def rubrics(self, locale: str) -> list[RubricView]:
        async with self.db.transaction() as session:
            return list((await _rubric_titles(session, locale)).values())

    # ---------------------------------------------------------------- reading

    async def entry(self, actor: Actor, entry_id: int) -> EntryDetail:
        """Return an entry's page; anything unpublished is a 404 except for moderators."""
        moderator = _is_moderator(actor)
        async with self.db.transaction() as session:
            entry = await session.get(LibraryEntry, entry_id)
            if entry is None or (
                entry.status != LibraryEntryStatus.PUBLISHED and not moderator
            ):
                raise NotFound(what=f"library entry {entry_id}")
            return await _detail(session, entry, actor.locale, moderator)

    # ------------------------------------------------------------- materials

    async def add_material(
        self, actor: Actor, raw: Mapping[str, Any]
    ) -> tuple[EntryDetail, Outcome | None]:
        """Add a type 2 material, published at once, and attach it to a solution if asked.

        The outcome, when a solution was named, refreshes that case's cards.
        """
        _require_staff(actor)
        async with self.db.transaction() as session:
            known = set(await _rubric_titles(session, actor.locale))
            values, errors = _parse_material(raw, known)
            solution: Solution | None = None
            if raw.get("solutionId") not in (None, ""):
                solution = await _own_solution(session, actor, raw.get("solutionId"))
                if solution is None:
                    errors.append(FieldError("solutionId", "unknown_choice"))
            if "url" in values and await _url_taken(session, values["url"]):
                errors.append(FieldError("url", "duplicate_link"))
            if errors:
                raise ValidationFailed(errors)

            now = utcnow()
            entry = LibraryEntry(
                kind=LibraryEntryKind.MATERIAL,
                status=LibraryEntryStatus.PUBLISHED,
                created_by_id=actor.user_id,
                approved_by_id=actor.user_id,
                created_at=now,
                published_at=now,
                body={},
                **values,
            )
            session.add(entry)
            await session.flush()
            await replace_entry_rubrics(session, entry)
            await search.index_entry(session, entry)
            outcome = None
            if solution is not None:
                await _attach(session, actor, solution, entry.id)
                outcome = Outcome(case_id=solution.case_id)
            logger.info("library material added entry=%s by=%s", entry.id, actor.user_id)
            entry_id = entry.id
        return await self.entry(actor, entry_id), outcome

    async def solutions(
        self, actor: Actor, *, offset: int = 0, limit: int = DEFAULT_PAGE_SIZE
    ) -> SolutionPage:
        """List the solutions the mentor wrote, newest first, to attach materials to."""
        if not actor.has(Role.MENTOR):
            raise NotPermitted(role=Role.MENTOR.value)
        async with self.db.transaction() as session:
            mine = Solution.mentor_id == actor.user_id
            total = await session.scalar(select(func.count()).select_from(Solution).where(mine))
            rows = await session.execute(
                select(Solution, Case.number)
                .join(Case, Case.id == Solution.case_id)
                .where(mine)
                .order_by(Solution.created_at.desc(), Solution.id.desc())
                .offset(offset)
                .limit(limit)
            )
            items = tuple(
                [await _mentor_solution(session, solution, number) for solution, number in rows]
            )
            return SolutionPage(items, int(total or 0))

    async def attach_material(
        self, actor: Actor, solution_id: int, entry_id: int
    ) -> tuple[MentorSolution, Outcome]:
        """Attach a published material to a solution the mentor wrote; repeats change nothing."""
        return await self._change_attachment(actor, solution_id, entry_id, attach=True)

    async def detach_material(
        self, actor: Actor, solution_id: int, entry_id: int
    ) -> tuple[MentorSolution, Outcome]:
        return await self._change_attachment(actor, solution_id, entry_id, attach=False)

    async def _change_attachment(
        self, actor: Actor, solution_id: int, entry_id: int, *, attach: bool
    ) -> tuple[MentorSolution, Outcome]:
        if not actor.has(Role.MENTOR):
            raise NotPermitted(role=Role.MENTOR.value)
        async with self.db.transaction() as session:
            solution = await _own_solution(session, actor, solution_id)
            if solution is None:
                raise NotFound(what=f"solution {solution_id}")
            if attach:
                material = await session.get(LibraryEntry, entry_id)
                if (
                    material is None
                    or material.kind != LibraryEntryKind.MATERIAL
                    or material.status != LibraryEntryStatus.PUBLISHED
                ):
                    raise ValidationFailed([FieldError("materialId", "unknown_choice")])
                await _attach(session, actor, solution, entry_id)
            else:
                await _detach(session, actor, solution, entry_id)
            number = await session.scalar(select(Case.number).where(Case.id == solution.case_id))
            view = await _mentor_solution(session, solution, str(number))
            return view, Outcome(case_id=solution.case_id)

    # ------------------------------------------------------------ moderation

    async def update_entry(self, actor: Actor, entry_id: int, raw: Mapping[str, Any]) -> EntryDetail:
        """Apply a moderator's edits and keep the full-text index in step.

        Edited texts of a solved case go through the anonymiser again. A text
        in which it finds personal data is rejected with a field error, so no
        edit can publish a name, a school, an e-mail address or a phone number.
        """
        _require_moderator(actor)
        async with self.db.transaction() as session:
            entry = await session.get(LibraryEntry, entry_id)
            if entry is None:
                raise NotFound(what=f"library entry {entry_id}")
            known = set(await _rubric_titles(session, actor.locale))
            changes, errors = _parse_entry_edits(entry, raw, known)
            language = entry.language if entry.language in SUPPORTED_LANGUAGES else "ru"
        if entry.kind == LibraryEntryKind.SOLVED_CASE:
            errors += await self._personal_data_errors(changes.texts, language)
        if errors:
            raise ValidationFailed(errors)

        async with self.db.transaction() as session:
            entry = await lock_entry(session, entry_id)
            # The anonymiser ran outside the lock. The edits, parsed again
            # against the locked row, must change the same texts. Otherwise
            # another moderator edited the entry in between.
            checked = changes.texts
            changes, errors = _parse_entry_edits(entry, raw, known)
            if errors or changes.texts != checked:
                raise EditConflict(id=entry.id)
            if "url" in changes.values and await _url_taken(
                session, changes.values["url"], except_id=entry.id
            ):
                raise ValidationFailed([FieldError("url", "duplicate_link")])
            before = _snapshot(entry)
            for name, value in changes.values.items():
                setattr(entry, name, value)
            if changes.body is not None:
                entry.body = changes.body
                if entry.kind == LibraryEntryKind.SOLVED_CASE:
                    entry.summary = str(changes.body.get("question", entry.summary))
            entry.updated_at = utcnow()
            entry.updated_by_id = actor.user_id
            await session.flush()
            if "rubrics" in changes.values:
                await replace_entry_rubrics(session, entry)
            # Every status stays indexed; searches filter by status.
            await search.index_entry(session, entry)
            if entry.source_case_id is not None:
                session.add(
                    CaseEvent(
                        case_id=entry.source_case_id,
                        actor_id=actor.user_id,
                        kind="library_entry_edited",
                        before=before,
                        after=_snapshot(entry),
                    )
                )
            logger.info("library entry edited entry=%s by=%s", entry.id, actor.user_id)
        return await self.entry(actor, entry_id)

    async def publish(self, actor: Actor, entry_id: int) -> tuple[EntryDetail, Outcome]:
        """Approve a draft, or publish an unpublished entry again."""
        _require_moderator(actor)
        async with self.db.transaction() as session:
            entry = await session.get(LibraryEntry, entry_id)
            if entry is None:
                raise NotFound(what=f"library entry {entry_id}")
            status = entry.status
        if status == LibraryEntryStatus.DRAFT:
            outcome = await self.workflow.approve_publication(_as_moderator(actor), entry_id, {})
            return await self.entry(actor, entry_id), outcome

        async with self.db.transaction() as session:
            entry = await lock_entry(session, entry_id)
            if entry.status != LibraryEntryStatus.UNPUBLISHED:
                raise EntryStateConflict(id=entry.id, status=entry.status.value)
            entry.status = LibraryEntryStatus.PUBLISHED
            entry.published_at = entry.published_at or utcnow()
            entry.approved_by_id = entry.approved_by_id or actor.user_id
            entry.updated_at = utcnow()
            entry.updated_by_id = actor.user_id
            await session.flush()
            await replace_entry_rubrics(session, entry)
            await search.index_entry(session, entry)
            _record_status(session, entry, actor, "library_entry_republished")
            logger.info("library entry published again entry=%s by=%s", entry.id, actor.user_id)
        return await self.entry(actor, entry_id), Outcome(entry_id=entry_id)

    async def unpublish(self, actor: Actor, entry_id: int) -> tuple[EntryDetail, Outcome]:
        """Take a published entry out of the library, or reject a draft."""
        _require_moderator(actor)
        async with self.db.transaction() as session:
            entry = await session.get(LibraryEntry, entry_id)
            if entry is None:
                raise NotFound(what=f"library entry {entry_id}")
            status = entry.status
        if status == LibraryEntryStatus.DRAFT:
            outcome = await self.workflow.reject_publication(_as_moderator(actor), entry_id)
            return await self.entry(actor, entry_id), outcome

        async with self.db.transaction() as session:
            entry = await lock_entry(session, entry_id)
            if entry.status != LibraryEntryStatus.PUBLISHED:
                raise EntryStateConflict(id=entry.id, status=entry.status.value)
            entry.status = LibraryEntryStatus.UNPUBLISHED
            entry.updated_at = utcnow()
            entry.updated_by_id = actor.user_id
            # The entry stays in the full-text index, so moderators find it by
            # text; every search of readers filters by status.
            _record_status(session, entry, actor, "library_entry_unpublished")
            logger.info("library entry unpublished entry=%s by=%s", entry.id, actor.user_id)
        return await self.entry(actor, entry_id), Outcome(entry_id=entry_id)

    # --------------------------------------------------------------- helpers

    async def _personal_data_errors(
        self, texts: Mapping[str, str], language: str
    ) -> list[FieldError]:
        if not texts:
            return []
        if self._anonymizer is None:
            from teams_app.anonymizer import Anonymizer

            self._anonymizer = Anonymizer()
        anonymizer = self._anonymizer

        def fields_with_personal_data() -> list[str]:
            return [
                field
                for field, value in texts.items()
                if anonymizer.anonymize(value, language).replacements
            ]

        found = await asyncio.to_thread(fields_with_personal_data)
        return [FieldError(field, "personal_data") for field in found]


# -------------------------------------------------------------------- access


def _is_moderator(actor: Actor) -> bool:
    return actor.has(Role.MODERATOR) or actor.has(Role.ADMIN)


def _require_moderator(actor: Actor) -> None:
    if not _is_moderator(actor):
        raise NotPermitted(role=Role.MODERATOR.value)


def _require_staff(actor: Actor) -> None:
    if not (actor.has(Role.MENTOR) or _is_moderator(actor)):
        raise NotPermitted(role=Role.MENTOR.value)


def _as_moderator(actor: Actor) -> Actor:
    # The workflow checks the moderator role alone; an administrator moderates too.
    if actor.has(Role.MODERATOR):
        return actor
    return Actor(actor.user_id, actor.display_name, actor.locale, actor.roles | {Role.MODERATOR})


# ------------------------------------------------------------------ queries


def _check_query(query: LibraryQuery) -> list[FieldError]:
    errors: list[FieldError] = []
    if "\x00" in query.text:
        errors.append(FieldError("q", "invalid_character"))
    elif (length := len(unicodedata.normalize("NFC", query.text))) > QUERY_LIMIT:
        errors.append(FieldError("q", "too_long", limit=QUERY_LIMIT, actual=length))
    if (
        query.published_from is not None
        and query.published_to is not None
        and query.published_to < query.published_from
    ):
        errors.append(FieldError("to", "before_start"))
    return errors


async def _find_entries(
    session: AsyncSession,
    query: LibraryQuery,
    words: Sequence[search.QueryWord],
    sort: SortOrder,
    time_zone: zoneinfo.ZoneInfo,
) -> tuple[list[int], int]:
    """Return the ids of one page of matching entries, in order, and the number of all."""
    entry = LibraryEntry
    shown_at = func.coalesce(entry.published_at, entry.created_at)
    conditions: list[Any] = [entry.status.in_(query.statuses)]
    if query.kind is not None:
        conditions.append(entry.kind == query.kind)
    if query.material_types:
        conditions.append(entry.material_type.in_(query.material_types))
    if query.rubrics:
        tagged = select(LibraryEntryRubric.entry_id).where(
            LibraryEntryRubric.rubric_key.in_(query.rubrics)
        )
        conditions.append(entry.id.in_(tagged))
    if query.published_from is not None:
        conditions.append(shown_at >= _start_of_day(query.published_from, time_zone))
    if query.published_to is not None:
        next_day = query.published_to + dt.timedelta(days=1)
        conditions.append(shown_at < _start_of_day(next_day, time_zone))

    statement = select(entry.id).where(*conditions)
    order: list[Any] = []
    if words:
        hits = search.text_hits(session, words)
        statement = statement.join(hits, hits.c.entry_id == entry.id).where(
            hits.c.matched >= search.required_matches(len(words))
        )
        if sort is SortOrder.RELEVANCE:
            order = [hits.c.matched.desc(), hits.c.rank]
    if sort is SortOrder.OLDEST:
        order += [shown_at.asc(), entry.id.asc()]
    else:
        order += [shown_at.desc(), entry.id.desc()]

    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    page = await session.scalars(
        statement.order_by(*order).offset(query.offset).limit(query.limit)
    )
    return list(page), int(total or 0)


def _start_of_day(day: dt.date, time_zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=time_zone).astimezone(dt.UTC)


async def _time_zone_of(session: AsyncSession, user_id: int) -> zoneinfo.ZoneInfo:
    user = await session.get(User, user_id)
    try:
        return zoneinfo.ZoneInfo(user.time_zone if user else "Europe/Moscow")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Europe/Moscow")


async def _rubric_titles(session: AsyncSession, locale: str | None) -> dict[str, RubricView]:
    translate = translator_for(locale)
    rows = await session.scalars(select(Rubric).order_by(Rubric.position, Rubric.key))
    return {row.key: RubricView(row.key, translate.pick(row.title_ru, row.title_en)) for row in rows}


def _rubric_views(keys: Sequence[Any], titles: Mapping[str, RubricView]) -> tuple[RubricView, ...]:
    return tuple(titles.get(str(key), RubricView(str(key), str(key))) for key in keys)


def _summary(entry: LibraryEntry, titles: Mapping[str, RubricView]) -> EntrySummary:
    return EntrySummary(
        id=entry.id,
        kind=entry.kind,
        material_type=entry.material_type,
        status=entry.status,
        title=entry.title,
        summary=entry.summary,
        url=entry.url,
        language=entry.language,
        rubrics=_rubric_views(entry.rubrics or (), titles),
        published_at=entry.published_at,
    )


async def _detail(
    session: AsyncSession, entry: LibraryEntry, locale: str, moderator: bool
) -> EntryDetail:
    titles = await _rubric_titles(session, locale)
    added_by = None
    case = None
    if entry.kind == LibraryEntryKind.MATERIAL and entry.created_by_id is not None:
        user = await session.get(User, entry.created_by_id)
        if user is not None:
            added_by = mentor_name(await session.get(MentorProfile, user.id), user)
    if entry.kind == LibraryEntryKind.SOLVED_CASE:
        case = await _case_body(session, entry.body or {}, moderator)
    return EntryDetail(
        id=entry.id,
        kind=entry.kind,
        status=entry.status,
        title=entry.title,
        summary=entry.summary,
        url=entry.url,
        material_type=entry.material_type,
        language=entry.language,
        rubrics=_rubric_views(entry.rubrics or (), titles),
        published_at=entry.published_at,
        updated_at=entry.updated_at,
        added_by=added_by,
        case=case,
    )


async def _case_body(
    session: AsyncSession, body: Mapping[str, Any], moderator: bool
) -> SolvedCaseBody:
    solutions = []
    for item in body.get("solutions") or []:
        materials = await _materials(session, item.get("materials") or [], moderator)
        solutions.append(PublishedSolution(str(item.get("text", "")), materials))
    return SolvedCaseBody(
        essence=str(body.get("essence", "")),
        actions_taken=str(body.get("actions_taken", "")),
        why_difficult=str(body.get("why_difficult", "")),
        question=str(body.get("question", "")),
        participants=tuple(str(p) for p in body.get("participants") or ()),
        urgency=body.get("urgency"),
        clarifications=tuple(
            Clarification(str(item.get("question", "")), str(item.get("answer", "")))
            for item in body.get("clarifications") or []
        ),
        solutions=tuple(solutions),
    )


async def _materials(
    session: AsyncSession, ids: Sequence[Any], moderator: bool
) -> tuple[AttachedMaterial, ...]:
    wanted = [int(i) for i in dict.fromkeys(ids) if isinstance(i, int)]
    if not wanted:
        return ()
    rows = {
        row.id: row
        for row in await session.scalars(select(LibraryEntry).where(LibraryEntry.id.in_(wanted)))
    }
    return tuple(
        AttachedMaterial(row.id, row.title, row.url, row.material_type, row.status)
        for entry_id in wanted
        if (row := rows.get(entry_id)) is not None
        and (moderator or row.status == LibraryEntryStatus.PUBLISHED)
    )


# ------------------------------------------------------------- solutions


async def _own_solution(session: AsyncSession, actor: Actor, raw_id: Any) -> Solution | None:
    try:
        solution_id = int(raw_id)
    except (TypeError, ValueError):
        return None
    if isinstance(raw_id, bool):
        return None
    solution = await session.get(Solution, solution_id, with_for_update=True)
    if solution is None or solution.mentor_id != actor.user_id:
        return None
    return solution


async def _mentor_solution(
    session: AsyncSession, solution: Solution, number: str
) -> MentorSolution:
    text = " ".join(solution.text.split())
    if len(text) > SOLUTION_EXCERPT_LIMIT:
        text = text[: SOLUTION_EXCERPT_LIMIT - 1].rstrip() + "…"
    return MentorSolution(
        id=solution.id,
        case_number=number,
        created_at=solution.created_at,
        excerpt=text,
        materials=await _materials(session, solution.material_ids or [], moderator=False),
    )


async def _attach(session: AsyncSession, actor: Actor, solution: Solution, entry_id: int) -> None:
    current = [int(i) for i in solution.material_ids or []]
    if entry_id in current:
        return
    solution.material_ids = [*current, entry_id]
    await _sync_published_solution(session, solution)
    session.add(
        CaseEvent(
            case_id=solution.case_id,
            actor_id=actor.user_id,
            kind="solution_material_attached",
            after={"solution_id": solution.id, "entry_id": entry_id},
        )
    )


async def _detach(session: AsyncSession, actor: Actor, solution: Solution, entry_id: int) -> None:
    current = [int(i) for i in solution.material_ids or []]
    if entry_id not in current:
        return
    solution.material_ids = [i for i in current if i != entry_id]
    await _sync_published_solution(session, solution)
    session.add(
        CaseEvent(
            case_id=solution.case_id,
            actor_id=actor.user_id,
            kind="solution_material_detached",
            before={"solution_id": solution.id, "entry_id": entry_id},
        )
    )


async def _sync_published_solution(session: AsyncSession, solution: Solution) -> None:
    """Copy a solution's materials into the library entry of its case, if there is one.

    The entry lists the case's solutions in the order they were written, so
    the solution's position among them finds its copy.
    """
    entry = await session.scalar(
        select(LibraryEntry).where(LibraryEntry.source_case_id == solution.case_id)
    )
    if entry is None:
        return
    order = list(
        await session.scalars(
            select(Solution.id).where(Solution.case_id == solution.case_id).order_by(Solution.id)
        )
    )
    body = dict(entry.body or {})
    published = [dict(item) for item in body.get("solutions") or []]
    if len(published) != len(order):
        logger.warning(
            "library entry lists %s solutions, the case has %s; materials not copied entry=%s",
            len(published), len(order), entry.id,
        )
        return
    published[order.index(solution.id)]["materials"] = list(solution.material_ids or [])
    body["solutions"] = published
    entry.body = body


# -------------------------------------------------------- input parsing


def _clean(raw: Any) -> str:
    return unicodedata.normalize("NFC", "" if raw is None else str(raw)).strip()


def _parse_material(
    raw: Mapping[str, Any], known_rubrics: set[str]
) -> tuple[dict[str, Any], list[FieldError]]:
    """Validate a new material; return its column values and every field error."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for field, limit in (("title", MATERIAL_TITLE_LIMIT), ("summary", MATERIAL_SUMMARY_LIMIT)):
        value = _clean(raw.get(field))
        if (error := check_text(field, value, limit)) is not None:
            errors.append(error)
        values[field] = value
    url, error = parse_url("url", raw.get("url"))
    if error is not None:
        errors.append(error)
    else:
        values["url"] = url
    material_type, error = _parse_material_type(raw.get("materialType"))
    if error is not None:
        errors.append(error)
    values["material_type"] = material_type
    rubrics, error = _parse_rubrics(raw.get("rubrics"), known_rubrics)
    if error is not None:
        errors.append(error)
    values["rubrics"] = rubrics
    language = _clean(raw.get("language"))
    if not language:
        errors.append(FieldError("language", "required"))
    elif language not in SUPPORTED_LANGUAGES:
        errors.append(FieldError("language", "unknown_choice"))
    values["language"] = language
    return values, errors


def parse_url(field: str, raw: Any) -> tuple[str, FieldError | None]:
    """Check a web link: http or https, a host name with a dot or an IP address, no credentials.

    Return the link with its scheme and host in lower case.
    """
    value = _clean(raw)
    if not value:
        return "", FieldError(field, "required")
    if len(value) > URL_LIMIT:
        return "", FieldError(field, "too_long", limit=URL_LIMIT, actual=len(value))
    invalid = FieldError(field, "invalid_link")
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in value):
        return "", invalid
    try:
        parts = urlsplit(value)
        # Reading the port raises ValueError unless it is a number from 0 to 65535.
        parts.port  # noqa: B018
    except ValueError:
        return "", invalid
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "", invalid
    if parts.username is not None or parts.password is not None:
        return "", invalid
    if not _valid_host(parts.hostname):
        return "", invalid
    return (
        urlunsplit(
            (parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment)
        ),
        None,
    )


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    if len(labels) < 2:
        return False
    return all(
        0 < len(label) <= 63
        and label[0] != "-"
        and label[-1] != "-"
        and all(char.isalnum() or char == "-" for char in label)
        for label in labels
    )


def _parse_material_type(raw: Any) -> tuple[MaterialType | None, FieldError | None]:
    value = _clean(raw)
    if not value:
        return None, FieldError("materialType", "required")
    try:
        return MaterialType(value), None
    except ValueError:
        return None, FieldError("materialType", "unknown_choice")


def _parse_rubrics(raw: Any, known: set[str]) -> tuple[list[str], FieldError | None]:
    keys = list(dict.fromkeys(split_multi(raw)))
    if any(key not in known for key in keys):
        return keys, FieldError("rubrics", "unknown_choice")
    if not keys:
        return keys, FieldError("rubrics", "choose_at_least_one", limit=1)
    return keys, None


async def _url_taken(session: AsyncSession, url: str, *, except_id: int | None = None) -> bool:
    statement = select(LibraryEntry.id).where(
        LibraryEntry.kind == LibraryEntryKind.MATERIAL,
        LibraryEntry.status == LibraryEntryStatus.PUBLISHED,
        LibraryEntry.url == url,
    )
    if except_id is not None:
        statement = statement.where(LibraryEntry.id != except_id)
    return await session.scalar(statement.limit(1)) is not None


@dataclass
class _EntryChanges:
    # Column values to set.
    values: dict[str, Any]
    # The new body of a solved case, or None when no body text changed.
    body: dict[str, Any] | None
    # Changed free texts of a solved case by API field name, for the anonymiser.
    texts: dict[str, str]


def _parse_entry_edits(
    entry: LibraryEntry, raw: Mapping[str, Any], known_rubrics: set[str]
) -> tuple[_EntryChanges, list[FieldError]]:
    """Validate a moderator's edits; only fields present in ``raw`` change."""
    changes = _EntryChanges({}, None, {})
    errors: list[FieldError] = []
    solved_case = entry.kind == LibraryEntryKind.SOLVED_CASE

    def text_field(field: str, current: str, limit: int) -> str | None:
        value = _clean(raw.get(field))
        if (error := check_text(field, value, limit)) is not None:
            errors.append(error)
            return None
        if value != current and solved_case:
            changes.texts[field] = value
        return value

    if "title" in raw:
        limit = ENTRY_TEXT_LIMITS["title"] if solved_case else MATERIAL_TITLE_LIMIT
        if (value := text_field("title", entry.title, limit)) is not None:
            changes.values["title"] = value
    if "rubrics" in raw:
        rubrics, error = _parse_rubrics(raw.get("rubrics"), known_rubrics)
        if error is not None:
            errors.append(error)
        else:
            changes.values["rubrics"] = rubrics

    if not solved_case:
        if "summary" in raw:
            value = text_field("summary", entry.summary, MATERIAL_SUMMARY_LIMIT)
            if value is not None:
                changes.values["summary"] = value
        if "url" in raw:
            url, error = parse_url("url", raw.get("url"))
            if error is not None:
                errors.append(error)
            else:
                changes.values["url"] = url
        if "materialType" in raw:
            material_type, error = _parse_material_type(raw.get("materialType"))
            if error is not None:
                errors.append(error)
            else:
                changes.values["material_type"] = material_type
        if "language" in raw:
            language = _clean(raw.get("language"))
            if language not in SUPPORTED_LANGUAGES:
                errors.append(FieldError("language", "unknown_choice"))
            else:
                changes.values["language"] = language
        return changes, errors

    body = dict(entry.body or {})
    body_changed = False
    for field, key in CASE_TEXT_FIELDS.items():
        if field in raw:
            value = text_field(field, str(body.get(key, "")), ENTRY_TEXT_LIMITS[key])
            if value is not None:
                body[key] = value
                body_changed = True
    if "clarifications" in raw:
        items = _edited_list(raw.get("clarifications"), body.get("clarifications"), "clarifications", errors)
        if items is not None:
            clarifications = [dict(item) for item in body.get("clarifications") or []]
            for index, item in enumerate(items):
                for part, limit in (("question", CUSTOM_QUESTION_LIMIT), ("answer", ANSWER_LIMIT)):
                    if part not in item:
                        continue
                    field = f"clarification{part.capitalize()}_{index}"
                    current = str(clarifications[index].get(part, ""))
                    value = _clean(item.get(part))
                    if (error := check_text(field, value, limit)) is not None:
                        errors.append(error)
                        continue
                    if value != current:
                        changes.texts[field] = value
                    clarifications[index][part] = value
            body["clarifications"] = clarifications
            body_changed = True
    if "solutions" in raw:
        items = _edited_list(raw.get("solutions"), body.get("solutions"), "solutions", errors)
        if items is not None:
            solutions = [dict(item) for item in body.get("solutions") or []]
            for index, item in enumerate(items):
                if "text" not in item:
                    continue
                field = f"solution_{index}"
                value = _clean(item.get("text"))
                if (error := check_text(field, value, SOLUTION_LIMIT)) is not None:
                    errors.append(error)
                    continue
                if value != str(solutions[index].get("text", "")):
                    changes.texts[field] = value
                solutions[index]["text"] = value
            body["solutions"] = solutions
            body_changed = True
    if body_changed:
        changes.body = body
    return changes, errors


def _edited_list(
    raw: Any, current: Any, field: str, errors: list[FieldError]
) -> list[Mapping[str, Any]] | None:
    """Check that edits of a list of items give one object per existing item."""
    existing = current or []
    if (
        not isinstance(raw, list)
        or len(raw) != len(existing)
        or not all(isinstance(item, Mapping) for item in raw)
    ):
        errors.append(FieldError(field, "item_count", limit=len(existing)))
        return None
    return raw


def _snapshot(entry: LibraryEntry) -> dict[str, Any]:
    return {
        "title": entry.title,
        "summary": entry.summary,
        "url": entry.url,
        "rubrics": list(entry.rubrics or ()),
        "body": dict(entry.body or {}),
    }


def _record_status(session: AsyncSession, entry: LibraryEntry, actor: Actor, kind: str) -> None:
    if entry.source_case_id is not None:
        session.add(CaseEvent(case_id=entry.source_case_id, actor_id=actor.user_id, kind=kind))
