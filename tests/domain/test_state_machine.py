"""The case state machine: every (status, action) pair, allowed or not."""

from __future__ import annotations

import itertools

import pytest

from teams_app.domain.enums import TERMINAL_STATUSES, CaseStatus
from teams_app.domain.state_machine import (
    CaseAction,
    TransitionNotAllowed,
    allowed_actions,
    check_transition,
    is_allowed,
)

S = CaseStatus
A = CaseAction

# Written out by hand from the product's workflow, not derived from the
# module's table, so a changed or missing move in the code fails here.
MENTOR_SEARCH = {S.CHOOSING_MENTOR, S.AWAITING_MODERATOR}
EXPECTED: dict[tuple[CaseStatus, CaseAction], set[CaseStatus]] = {
    (S.NEW, A.CLOSE_BY_LIBRARY): {S.ANSWERED_BY_LIBRARY},
    (S.NEW, A.FIND_MENTOR): MENTOR_SEARCH,
    (S.CHOOSING_MENTOR, A.PICK_MENTOR): {S.AWAITING_MENTOR},
    (S.AWAITING_MENTOR, A.ACCEPT): {S.IN_PROGRESS},
    (S.AWAITING_MENTOR, A.DECLINE): MENTOR_SEARCH,
    (S.AWAITING_MODERATOR, A.MODERATOR_ASSIGN): {S.IN_PROGRESS},
    (S.IN_PROGRESS, A.ASK_QUESTIONS): {S.AWAITING_ANSWERS},
    (S.AWAITING_ANSWERS, A.ANSWER_QUESTIONS): {S.AWAITING_DECISION},
    (S.AWAITING_DECISION, A.KEEP_VERSION): {S.IN_PROGRESS},
    (S.AWAITING_DECISION, A.REDEFINE): {S.IN_PROGRESS},
    (S.IN_PROGRESS, A.WRITE_SOLUTION): {S.SOLUTION_OFFERED},
    (S.SOLUTION_OFFERED, A.WRITE_SOLUTION): {S.SOLUTION_OFFERED},
    (S.SOLUTION_OFFERED, A.COMPLETE): {S.COMPLETED},
    (S.SOLUTION_OFFERED, A.SECOND_OPINION): MENTOR_SEARCH,
}
OPEN_STATUSES = [
    S.NEW,
    S.CHOOSING_MENTOR,
    S.AWAITING_MENTOR,
    S.AWAITING_MODERATOR,
    S.IN_PROGRESS,
    S.AWAITING_ANSWERS,
    S.AWAITING_DECISION,
    S.SOLUTION_OFFERED,
]
for _status in OPEN_STATUSES:
    EXPECTED[(_status, A.WITHDRAW)] = {S.WITHDRAWN}

ALL_PAIRS = list(itertools.product(CaseStatus, CaseAction))
ALLOWED_PAIRS = [pair for pair in ALL_PAIRS if pair in EXPECTED]
FORBIDDEN_PAIRS = [pair for pair in ALL_PAIRS if pair not in EXPECTED]


def _pair_id(pair: tuple[CaseStatus, CaseAction]) -> str:
    return f"{pair[0].value}-{pair[1].value}"


def test_terminal_statuses_are_the_closed_ones() -> None:
    assert TERMINAL_STATUSES == {S.COMPLETED, S.ANSWERED_BY_LIBRARY, S.WITHDRAWN}
    assert set(CaseStatus) == set(OPEN_STATUSES) | TERMINAL_STATUSES


@pytest.mark.parametrize("pair", ALLOWED_PAIRS, ids=_pair_id)
def test_allowed_pair_returns_targets(pair: tuple[CaseStatus, CaseAction]) -> None:
    status, action = pair
    targets = EXPECTED[pair]

    assert is_allowed(status, action)
    assert action in allowed_actions(status)
    for target in targets:
        assert check_transition(status, action, target) == target
    if len(targets) == 1:
        (only,) = targets
        assert check_transition(status, action) == only
    else:
        # With several possible targets the caller must name one.
        with pytest.raises(TransitionNotAllowed):
            check_transition(status, action)


@pytest.mark.parametrize("pair", ALLOWED_PAIRS, ids=_pair_id)
def test_allowed_pair_rejects_other_targets(pair: tuple[CaseStatus, CaseAction]) -> None:
    status, action = pair
    for target in set(CaseStatus) - EXPECTED[pair]:
        with pytest.raises(TransitionNotAllowed) as raised:
            check_transition(status, action, target)
        assert raised.value.target == target


@pytest.mark.parametrize("pair", FORBIDDEN_PAIRS, ids=_pair_id)
def test_forbidden_pair_raises(pair: tuple[CaseStatus, CaseAction]) -> None:
    status, action = pair

    assert not is_allowed(status, action)
    assert action not in allowed_actions(status)
    with pytest.raises(TransitionNotAllowed) as raised:
        check_transition(status, action)
    assert raised.value.status == status
    assert raised.value.action == action
    for target in CaseStatus:
        with pytest.raises(TransitionNotAllowed):
            check_transition(status, action, target)


@pytest.mark.parametrize("status", sorted(TERMINAL_STATUSES), ids=str)
def test_terminal_status_allows_nothing(status: CaseStatus) -> None:
    assert allowed_actions(status) == frozenset()


@pytest.mark.parametrize("status", OPEN_STATUSES, ids=str)
def test_withdraw_from_open_status(status: CaseStatus) -> None:
    assert check_transition(status, A.WITHDRAW) == S.WITHDRAWN


@pytest.mark.parametrize("status", OPEN_STATUSES, ids=str)
def test_open_status_allowed_actions(status: CaseStatus) -> None:
    expected = {action for (from_status, action) in EXPECTED if from_status == status}
    assert allowed_actions(status) == expected


def test_error_names_status_action_and_target() -> None:
    with pytest.raises(TransitionNotAllowed) as raised:
        check_transition(S.COMPLETED, A.ACCEPT, S.IN_PROGRESS)
    message = str(raised.value)
    assert "accept" in message
    assert "completed" in message
    assert "in_progress" in message
