"""Reads and writes of the library tab's service: the search query, views and attachments."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import LibraryEntryKind, LibraryEntryStatus
from teams_app.i18n import translator_for
from teams_app.storage import search
from teams_app.storage.models import (
    CaseEvent,
    LibraryEntry,
    LibraryEntryRubric,
    MentorProfile,
    Rubric,
    Solution,
    User,
)
from teams_app.workflow.library_views import (
    SOLUTION_EXCERPT_LIMIT,
    AttachedMaterial,
    Clarification,
    EntryDetail,
    EntrySummary,
    LibraryQuery,
    MentorSolution,
    PublishedSolution,
    SolvedCaseBody,
    SortOrder,
)
from teams_app.workflow.queries import mentor_name
from teams_app.workflow.views import Actor, RubricView

logger = logging.getLogger(__name__)


async def find_entries(
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
        conditions.append(shown_at >= start_of_day(query.published_from, time_zone))
    if query.published_to is not None:
        next_day = query.published_to + dt.timedelta(days=1)
        conditions.append(shown_at < start_of_day(next_day, time_zone))

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


def start_of_day(day: dt.date, time_zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=time_zone).astimezone(dt.UTC)


async def time_zone_of(session: AsyncSession, user_id: int) -> zoneinfo.ZoneInfo:
    user = await session.get(User, user_id)
    try:
        return zoneinfo.ZoneInfo(user.time_zone if user else "Europe/Moscow")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Europe/Moscow")


async def rubric_titles(session: AsyncSession, locale: str | None) -> dict[str, RubricView]:
    translate = translator_for(locale)
    rows = await session.scalars(select(Rubric).order_by(Rubric.position, Rubric.key))
    return {row.key: RubricView(row.key, translate.pick(row.title_ru, row.title_en)) for row in rows}


def rubric_views(keys: Sequence[Any], titles: Mapping[str, RubricView]) -> tuple[RubricView, ...]:
    return tuple(titles.get(str(key), RubricView(str(key), str(key))) for key in keys)


def summary_view(entry: LibraryEntry, titles: Mapping[str, RubricView]) -> EntrySummary:
    return EntrySummary(
        id=entry.id,
        kind=entry.kind,
        material_type=entry.material_type,
        status=entry.status,
        title=entry.title,
        summary=entry.summary,
        url=entry.url,
        language=entry.language,
        rubrics=rubric_views(entry.rubrics or (), titles),
        published_at=entry.published_at,
    )


async def detail_view(
    session: AsyncSession, entry: LibraryEntry, locale: str, moderator: bool
) -> EntryDetail:
    titles = await rubric_titles(session, locale)
    added_by = None
    case = None
    if entry.kind == LibraryEntryKind.MATERIAL and entry.created_by_id is not None:
        user = await session.get(User, entry.created_by_id)
        if user is not None:
            added_by = mentor_name(await session.get(MentorProfile, user.id), user)
    if entry.kind == LibraryEntryKind.SOLVED_CASE:
        case = await case_body(session, entry.body or {}, moderator)
    return EntryDetail(
        id=entry.id,
        kind=entry.kind,
        status=entry.status,
        title=entry.title,
        summary=entry.summary,
        url=entry.url,
        material_type=entry.material_type,
        language=entry.language,
        rubrics=rubric_views(entry.rubrics or (), titles),
        published_at=entry.published_at,
        updated_at=entry.updated_at,
        added_by=added_by,
        case=case,
    )


async def case_body(
    session: AsyncSession, body: Mapping[str, Any], moderator: bool
) -> SolvedCaseBody:
    solutions = []
    for item in body.get("solutions") or []:
        materials = await attached_materials(session, item.get("materials") or [], moderator)
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


async def attached_materials(
    session: AsyncSession, ids: Sequence[Any], moderator: bool
) -> tuple[AttachedMaterial, ...]:
    requested = [int(i) for i in dict.fromkeys(ids) if isinstance(i, int)]
    if not requested:
        return ()
    rows = {
        row.id: row
        for row in await session.scalars(select(LibraryEntry).where(LibraryEntry.id.in_(requested)))
    }
    return tuple(
        AttachedMaterial(row.id, row.title, row.url, row.material_type, row.status)
        for entry_id in requested
        if (row := rows.get(entry_id)) is not None
        and (moderator or row.status == LibraryEntryStatus.PUBLISHED)
    )


async def own_solution(session: AsyncSession, actor: Actor, raw_id: Any) -> Solution | None:
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


async def mentor_solution(
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
        materials=await attached_materials(session, solution.material_ids or [], moderator=False),
    )


async def attach_material(session: AsyncSession, actor: Actor, solution: Solution, entry_id: int) -> None:
    current = [int(i) for i in solution.material_ids or []]
    if entry_id in current:
        return
    solution.material_ids = [*current, entry_id]
    await sync_published_solution(session, solution)
    session.add(
        CaseEvent(
            case_id=solution.case_id,
            actor_id=actor.user_id,
            kind="solution_material_attached",
            after={"solution_id": solution.id, "entry_id": entry_id},
        )
    )


async def detach_material(session: AsyncSession, actor: Actor, solution: Solution, entry_id: int) -> None:
    current = [int(i) for i in solution.material_ids or []]
    if entry_id not in current:
        return
    solution.material_ids = [i for i in current if i != entry_id]
    await sync_published_solution(session, solution)
    session.add(
        CaseEvent(
            case_id=solution.case_id,
            actor_id=actor.user_id,
            kind="solution_material_detached",
            before={"solution_id": solution.id, "entry_id": entry_id},
        )
    )


async def sync_published_solution(session: AsyncSession, solution: Solution) -> None:
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


async def url_taken(session: AsyncSession, url: str, *, except_id: int | None = None) -> bool:
    statement = select(LibraryEntry.id).where(
        LibraryEntry.kind == LibraryEntryKind.MATERIAL,
        LibraryEntry.status == LibraryEntryStatus.PUBLISHED,
        LibraryEntry.url == url,
    )
    if except_id is not None:
        statement = statement.where(LibraryEntry.id != except_id)
    return await session.scalar(statement.limit(1)) is not None


def snapshot(entry: LibraryEntry) -> dict[str, Any]:
    return {
        "title": entry.title,
        "summary": entry.summary,
        "url": entry.url,
        "rubrics": list(entry.rubrics or ()),
        "body": dict(entry.body or {}),
    }


def record_status(session: AsyncSession, entry: LibraryEntry, actor: Actor, kind: str) -> None:
    if entry.source_case_id is not None:
        session.add(CaseEvent(case_id=entry.source_case_id, actor_id=actor.user_id, kind=kind))
