"""Ranking of mentors for a case: who is offered, and in which order."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from teams_app.domain.enums import Urgency
from teams_app.domain.ranking import MentorStats, is_available, rank_mentors

TODAY = dt.date(2026, 3, 2)


def mentor(
    user_id: int,
    areas: tuple[str, ...] = ("parents",),
    *,
    max_open_cases: int = 3,
    open_cases: int = 0,
    away_until: dt.date | None = None,
    hours: float | None = 10.0,
) -> MentorStats:
    return MentorStats(
        user_id=user_id,
        areas=frozenset(areas),
        max_open_cases=max_open_cases,
        open_cases=open_cases,
        away_until=away_until,
        median_response_hours=hours,
    )


def ranked_ids(
    mentors: list[MentorStats],
    rubrics: tuple[str, ...] = ("parents",),
    urgency: Urgency = Urgency.NEED_ADVICE,
    **kwargs: object,
) -> list[int]:
    return [r.user_id for r in rank_mentors(mentors, rubrics, urgency, TODAY, **kwargs)]


# ------------------------------------------------------------------ overlap


def test_mentor_without_overlap_is_excluded() -> None:
    mentors = [mentor(1, ("assessment",)), mentor(2, ("parents", "assessment"))]

    assert ranked_ids(mentors, ("parents",)) == [2]


def test_case_without_rubrics_finds_nobody() -> None:
    assert ranked_ids([mentor(1)], ()) == []


def test_larger_overlap_ranks_first() -> None:
    mentors = [
        mentor(1, ("parents",)),
        mentor(2, ("parents", "education_law", "assessment")),
        mentor(3, ("parents", "education_law")),
    ]

    assert ranked_ids(mentors, ("parents", "education_law", "assessment")) == [2, 3, 1]


def test_matching_areas_listed_sorted() -> None:
    mentors = [mentor(1, ("parents", "assessment", "education_law", "self_management"))]

    (ranked,) = rank_mentors(
        mentors, ("parents", "education_law", "urban_projects"), Urgency.NEED_ADVICE, TODAY
    )

    assert ranked.matching_areas == ("education_law", "parents")


# ------------------------------------------------------------- availability


def test_away_mentor_is_excluded() -> None:
    mentors = [mentor(1, away_until=TODAY + dt.timedelta(days=5)), mentor(2)]

    assert ranked_ids(mentors) == [2]


def test_mentor_away_until_today_is_excluded() -> None:
    assert not is_available(mentor(1, away_until=TODAY), TODAY)
    assert ranked_ids([mentor(1, away_until=TODAY)]) == []


def test_mentor_back_since_yesterday_is_offered() -> None:
    back = mentor(1, away_until=TODAY - dt.timedelta(days=1))

    assert is_available(back, TODAY)
    assert ranked_ids([back]) == [1]


@pytest.mark.parametrize(("open_cases", "max_open_cases"), [(3, 3), (4, 3), (1, 1), (0, 0)])
def test_full_mentor_is_excluded(open_cases: int, max_open_cases: int) -> None:
    full = mentor(1, open_cases=open_cases, max_open_cases=max_open_cases)

    assert not is_available(full, TODAY)
    assert ranked_ids([full, mentor(2)]) == [2]


def test_mentor_one_below_limit_is_offered() -> None:
    assert ranked_ids([mentor(1, open_cases=2, max_open_cases=3)]) == [1]


# ------------------------------------------------------------ load and speed


def test_lower_load_ranks_first() -> None:
    mentors = [
        mentor(1, open_cases=2, max_open_cases=3),
        mentor(2, open_cases=0, max_open_cases=3),
        mentor(3, open_cases=1, max_open_cases=3),
    ]

    assert ranked_ids(mentors) == [2, 3, 1]


def test_load_is_relative_to_limit() -> None:
    # Two of ten open cases leave more room than one of three.
    mentors = [
        mentor(1, open_cases=1, max_open_cases=3),
        mentor(2, open_cases=2, max_open_cases=10),
    ]

    assert ranked_ids(mentors) == [2, 1]


def test_faster_mentor_ranks_first() -> None:
    mentors = [mentor(1, hours=48.0), mentor(2, hours=1.0), mentor(3, hours=12.0)]

    assert ranked_ids(mentors) == [2, 3, 1]


def test_speed_saturates_at_both_ends() -> None:
    fast = rank_mentors(
        [mentor(1, hours=0.5), mentor(2, hours=2.0)], ("parents",), Urgency.NEED_ADVICE, TODAY
    )
    slow = rank_mentors(
        [mentor(3, hours=72.0), mentor(4, hours=500.0)], ("parents",), Urgency.NEED_ADVICE, TODAY
    )

    assert fast[0].score == fast[1].score
    assert slow[0].score == slow[1].score
    assert fast[0].score > slow[0].score


def test_mentor_without_history_sits_between() -> None:
    mentors = [mentor(1, hours=None), mentor(2, hours=1.0), mentor(3, hours=60.0)]

    assert ranked_ids(mentors) == [2, 1, 3]


def test_overlap_outweighs_load_and_speed() -> None:
    # Full overlap with some load and slow responses still beats half overlap
    # from an idle, fast mentor when the case asks for an expert opinion.
    mentors = [
        mentor(1, ("parents", "education_law"), open_cases=2, hours=48.0),
        mentor(2, ("parents",), open_cases=0, hours=1.0),
    ]

    assert ranked_ids(mentors, ("parents", "education_law"), Urgency.EXPERT_OPINION) == [1, 2]


# ------------------------------------------------------------------ urgency

# A full fit who responds in about two days against a half fit who responds
# within two hours, both idle: scores are 0.80 against 0.75 for advice,
# 0.91 against 1.05 for an urgent case and 1.00 against 0.73 for an expert
# opinion.
FIT_BUT_SLOW = mentor(1, ("parents", "education_law"), hours=48.0)
FAST_BUT_PARTIAL = mentor(2, ("parents",), hours=1.0)


@pytest.mark.parametrize(
    ("urgency", "expected"),
    [
        (Urgency.URGENT, [2, 1]),
        (Urgency.NEED_ADVICE, [1, 2]),
        (Urgency.EXPERT_OPINION, [1, 2]),
    ],
)
def test_urgency_changes_the_order(urgency: Urgency, expected: list[int]) -> None:
    mentors = [FIT_BUT_SLOW, FAST_BUT_PARTIAL]

    assert ranked_ids(mentors, ("parents", "education_law"), urgency) == expected


def test_urgent_case_weighs_speed_more() -> None:
    mentors = [FIT_BUT_SLOW, FAST_BUT_PARTIAL]
    rubrics = ("parents", "education_law")

    def gap(urgency: Urgency) -> float:
        scores = {r.user_id: r.score for r in rank_mentors(mentors, rubrics, urgency, TODAY)}
        return scores[2] - scores[1]

    assert gap(Urgency.URGENT) > gap(Urgency.NEED_ADVICE) > gap(Urgency.EXPERT_OPINION)


# ---------------------------------------------------------------- exclusion


def test_excluded_mentors_never_ranked() -> None:
    mentors = [mentor(1, hours=1.0), mentor(2), mentor(3)]

    assert ranked_ids(mentors, exclude={1, 3}) == [2]


def test_excluding_everyone_leaves_nobody() -> None:
    mentors = [mentor(1), mentor(2)]

    assert ranked_ids(mentors, exclude=[1, 2]) == []


# -------------------------------------------------------------- stable ties


def test_ties_break_on_user_id() -> None:
    mentors = [mentor(user_id) for user_id in (7, 3, 11, 5)]

    ranked = rank_mentors(mentors, ("parents",), Urgency.NEED_ADVICE, TODAY)

    assert len({r.score for r in ranked}) == 1
    assert [r.user_id for r in ranked] == [3, 5, 7, 11]


def test_order_ignores_input_order() -> None:
    mentors = [
        mentor(1, ("parents",), hours=5.0),
        mentor(2, ("parents", "assessment"), open_cases=1),
        mentor(3, ("parents",), hours=5.0),
        mentor(4, ("assessment",), hours=None),
        mentor(5, ("parents", "assessment"), open_cases=1),
    ]
    expected = ranked_ids(mentors, ("parents", "assessment"))

    shuffler = random.Random(20260302)
    for _ in range(20):
        shuffled = mentors[:]
        shuffler.shuffle(shuffled)
        assert ranked_ids(shuffled, ("parents", "assessment")) == expected
    assert expected == [2, 5, 1, 3, 4]
