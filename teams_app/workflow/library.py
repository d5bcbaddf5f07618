"""The library tab: search with filters and paging, entry pages, materials and moderation.

Readers see published entries only. Mentors and moderators add type 2
materials, published at once, and mentors attach them to their own solutions.
Moderators edit, unpublish and publish again, and approve or reject the drafts
of solved cases. A solved case never names or links to its author: its view
carries the anonymised texts only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from teams_app.domain.enums import LibraryEntryKind, LibraryEntryStatus, Role
from teams_app.domain.errors import FieldError, NotFound, NotPermitted, ValidationFailed
from teams_app.i18n import SUPPORTED_LANGUAGES
from teams_app.search_text import tokens
from teams_app.settings import Settings
from teams_app.storage import search
from teams_app.storage.db import Database
from teams_app.storage.models import Case, CaseEvent, LibraryEntry, Solution, utcnow
from teams_app.workflow.drafts import lock_entry, replace_entry_rubrics
from teams_app.workflow.library_forms import (
    check_query,
    parse_entry_edits,
    parse_material,
)
from teams_app.workflow.library_records import (
    attach_material,
    detach_material,
    detail_view,
    find_entries,
    mentor_solution,
    own_solution,
    record_status,
    rubric_titles,
    snapshot,
    summary_view,
    time_zone_of,
    url_taken,
)
from teams_app.workflow.library_views import (
    DEFAULT_PAGE_SIZE,
    EditConflict,
    EntryDetail,
    EntryStateConflict,
    LibraryPage,
    LibraryQuery,
    MentorSolution,
    SolutionPage,
    SortOrder,
)
from teams_app.workflow.service import Workflow
from teams_app.workflow.views import Actor, Outcome, RubricView

logger = logging.getLogger(__name__)


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
        errors = check_query(query)
        async with self.db.transaction() as session:
            rubrics = await rubric_titles(session, actor.locale)
            unknown = [key for key in query.rubrics if key not in rubrics]
            if unknown:
                errors.append(FieldError("rubrics", "unknown_choice"))
            if errors:
                raise ValidationFailed(errors)
            time_zone = await time_zone_of(session, actor.user_id)
            words = search.query_words(query.text)
            sort = query.sort or (SortOrder.RELEVANCE if words else SortOrder.NEWEST)
            if sort is SortOrder.RELEVANCE and not words:
                sort = SortOrder.NEWEST
            if words or not tokens(query.text):
                ids, total = await find_entries(session, query, words, sort, time_zone)
            else:
                # Stop words alone ("на", "the") match no entry rather than all of them.
                ids, total = [], 0
            entries = {
                entry.id: entry
                for entry in await session.scalars(
                    select(LibraryEntry).where(LibraryEntry.id.in_(ids))
                )
            }
            items = tuple(summary_view(entries[entry_id], rubrics) for entry_id in ids)
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
            return list((await rubric_titles(session, locale)).values())

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
            return await detail_view(session, entry, actor.locale, moderator)

    # ------------------------------------------------------------- materials

    async def add_material(
        self, actor: Actor, raw: Mapping[str, Any]
    ) -> tuple[EntryDetail, Outcome | None]:
        """Add a type 2 material, published at once, and attach it to a solution if asked.

        The outcome, when a solution was named, refreshes that case's cards.
        """
        _require_staff(actor)
        async with self.db.transaction() as session:
            known = set(await rubric_titles(session, actor.locale))
            values, errors = parse_material(raw, known)
            solution: Solution | None = None
            if raw.get("solutionId") not in (None, ""):
                solution = await own_solution(session, actor, raw.get("solutionId"))
                if solution is None:
                    errors.append(FieldError("solutionId", "unknown_choice"))
            if "url" in values and await url_taken(session, values["url"]):
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
                await attach_material(session, actor, solution, entry.id)
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
                [await mentor_solution(session, solution, number) for solution, number in rows]
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
            solution = await own_solution(session, actor, solution_id)
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
                await attach_material(session, actor, solution, entry_id)
            else:
                await detach_material(session, actor, solution, entry_id)
            number = await session.scalar(select(Case.number).where(Case.id == solution.case_id))
            view = await mentor_solution(session, solution, str(number))
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
            known = set(await rubric_titles(session, actor.locale))
            changes, errors = parse_entry_edits(entry, raw, known)
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
            changes, errors = parse_entry_edits(entry, raw, known)
            if errors or changes.texts != checked:
                raise EditConflict(id=entry.id)
            if "url" in changes.values and await url_taken(
                session, changes.values["url"], except_id=entry.id
            ):
                raise ValidationFailed([FieldError("url", "duplicate_link")])
            before = snapshot(entry)
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
                        after=snapshot(entry),
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
            record_status(session, entry, actor, "library_entry_republished")
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
            record_status(session, entry, actor, "library_entry_unpublished")
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
