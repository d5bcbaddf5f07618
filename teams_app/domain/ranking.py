"""Ranking of mentors for a case: area overlap, availability, load, speed, urgency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from teams_app.domain.enums import Urgency

# Weights of the score parts; each part lies in 0..1.
OVERLAP_WEIGHT = 0.5
LOAD_WEIGHT = 0.2
SPEED_WEIGHT = 0.3
# An urgent case values a fast answer more than a perfect fit, an expert
# opinion the other way round.
URGENCY_SPEED_FACTOR = {Urgency.URGENT: 2.0, Urgency.NEED_ADVICE: 1.0, Urgency.EXPERT_OPINION: 0.5}
URGENCY_OVERLAP_FACTOR = {
    Urgency.URGENT: 1.0,
    Urgency.NEED_ADVICE: 1.0,
    Urgency.EXPERT_OPINION: 1.5,
}
# A mentor with no answered offers yet is assumed to answer within a day.
DEFAULT_RESPONSE_HOURS = 24.0
# Answering within this many hours or faster earns the whole speed part.
FAST_RESPONSE_HOURS = 2.0
SLOW_RESPONSE_HOURS = 72.0


@dataclass(frozen=True)
class MentorStats:
    user_id: int
    areas: frozenset[str]
    max_open_cases: int
    open_cases: int
    away_until: dt.date | None
    # Median hours from offer to accept or decline; None with no history.
    median_response_hours: float | None


@dataclass(frozen=True)
class RankedMentor:
    user_id: int
    score: float
    matching_areas: tuple[str, ...]


def is_available(mentor: MentorStats, today: dt.date) -> bool:
    """Return whether a mentor is available: not away today and below their open-case limit."""
    if mentor.away_until is not None and mentor.away_until >= today:
        return False
    return mentor.open_cases < mentor.max_open_cases


def _speed(hours: float | None) -> float:
    hours = DEFAULT_RESPONSE_HOURS if hours is None else hours
    if hours <= FAST_RESPONSE_HOURS:
        return 1.0
    if hours >= SLOW_RESPONSE_HOURS:
        return 0.0
    return 1.0 - (hours - FAST_RESPONSE_HOURS) / (SLOW_RESPONSE_HOURS - FAST_RESPONSE_HOURS)


def rank_mentors(
    mentors: Iterable[MentorStats],
    case_rubrics: Collection[str],
    urgency: Urgency,
    today: dt.date,
    *,
    exclude: Collection[int] = (),
) -> list[RankedMentor]:
    """Rank available mentors sharing at least one rubric with the case, best first.

    Ties break on the user id so the order is stable.
    """
    case_areas = frozenset(case_rubrics)
    ranked: list[RankedMentor] = []
    for mentor in mentors:
        if mentor.user_id in exclude or not is_available(mentor, today):
            continue
        matching = case_areas & mentor.areas
        if not matching or not case_areas:
            continue
        overlap = len(matching) / len(case_areas)
        load = 1.0 - mentor.open_cases / max(mentor.max_open_cases, 1)
        score = (
            OVERLAP_WEIGHT * URGENCY_OVERLAP_FACTOR[urgency] * overlap
            + LOAD_WEIGHT * load
            + SPEED_WEIGHT * URGENCY_SPEED_FACTOR[urgency] * _speed(mentor.median_response_hours)
        )
        ranked.append(RankedMentor(mentor.user_id, round(score, 6), tuple(sorted(matching))))
    ranked.sort(key=lambda item: (-item.score, item.user_id))
    return ranked
