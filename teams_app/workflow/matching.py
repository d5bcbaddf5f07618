"""Facts about mentors that ranking needs: areas, load, speed and reachability."""

from __future__ import annotations

import statistics

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import (
    HOLDING_ASSIGNMENT_STATUSES,
    AssignmentStatus,
    Role,
)
from teams_app.domain.ranking import MentorStats
from teams_app.storage.models import (
    Assignment,
    Case,
    ConversationRef,
    MentorProfile,
    UserRole,
)


async def excluded_mentors(session: AsyncSession, case: Case) -> set[int]:
    """Mentors never offered this case again: decliners, and for a second opinion everyone before."""
    query = select(Assignment.mentor_id).where(Assignment.case_id == case.id)
    if case.opinion < 2:
        query = query.where(Assignment.status == AssignmentStatus.DECLINED)
    excluded = set(await session.scalars(query))
    # A teacher who is also a mentor never mentors their own case.
    excluded.add(case.teacher_id)
    # A mentor can only get an offer card in a chat they opened with the bot.
    reachable = set(await session.scalars(select(ConversationRef.user_id)))
    all_mentors = set(await session.scalars(select(MentorProfile.user_id)))
    return excluded | (all_mentors - reachable)


async def open_case_count(session: AsyncSession, mentor_id: int) -> int:
    value = await session.scalar(
        select(func.count())
        .select_from(Assignment)
        .where(
            Assignment.mentor_id == mentor_id, Assignment.status.in_(HOLDING_ASSIGNMENT_STATUSES)
        )
    )
    return int(value or 0)


async def mentor_stats(session: AsyncSession) -> list[MentorStats]:
    profiles = list(await session.scalars(select(MentorProfile)))
    roles = set(await session.scalars(select(UserRole.user_id).where(UserRole.role == Role.MENTOR)))
    stats = []
    for profile in profiles:
        if profile.user_id not in roles:
            continue
        responses = await session.execute(
            select(Assignment.offered_at, Assignment.responded_at).where(
                Assignment.mentor_id == profile.user_id,
                Assignment.responded_at.is_not(None),
                Assignment.assigned_by_moderator_id.is_(None),
            )
        )
        hours = [
            (responded - offered).total_seconds() / 3600
            for offered, responded in responses
            if responded is not None and offered is not None
        ]
        stats.append(
            MentorStats(
                user_id=profile.user_id,
                areas=frozenset(area.rubric_key for area in profile.areas),
                max_open_cases=profile.max_open_cases,
                open_cases=await open_case_count(session, profile.user_id),
                away_until=profile.away_until,
                median_response_hours=statistics.median(hours) if hours else None,
            )
        )
    return stats
