"""The case state machine: which action may move a case from which status to which.

Guards that depend on more than the status live in the workflow: the
revision limit, the single second opinion and who may act. This table is the
only place that lists allowed moves.
"""

from __future__ import annotations

import enum

from teams_app.domain.enums import TERMINAL_STATUSES, CaseStatus

S = CaseStatus


class CaseAction(enum.StrEnum):
    CLOSE_BY_LIBRARY = "close_by_library"
    FIND_MENTOR = "find_mentor"
    PICK_MENTOR = "pick_mentor"
    ACCEPT = "accept"
    DECLINE = "decline"
    MODERATOR_ASSIGN = "moderator_assign"
    ASK_QUESTIONS = "ask_questions"
    ANSWER_QUESTIONS = "answer_questions"
    KEEP_VERSION = "keep_version"
    REDEFINE = "redefine"
    WRITE_SOLUTION = "write_solution"
    COMPLETE = "complete"
    SECOND_OPINION = "second_opinion"
    WITHDRAW = "withdraw"


_OPEN_STATUSES = frozenset(S) - TERMINAL_STATUSES
# Looking for a mentor ends either with candidates to choose from or, when
# none is left, with a moderator's alert.
_MENTOR_SEARCH = frozenset({S.CHOOSING_MENTOR, S.AWAITING_MODERATOR})

TRANSITIONS: dict[CaseAction, dict[CaseStatus, frozenset[CaseStatus]]] = {
    CaseAction.CLOSE_BY_LIBRARY: {S.NEW: frozenset({S.ANSWERED_BY_LIBRARY})},
    CaseAction.FIND_MENTOR: {S.NEW: _MENTOR_SEARCH},
    CaseAction.PICK_MENTOR: {S.CHOOSING_MENTOR: frozenset({S.AWAITING_MENTOR})},
    CaseAction.ACCEPT: {S.AWAITING_MENTOR: frozenset({S.IN_PROGRESS})},
    CaseAction.DECLINE: {S.AWAITING_MENTOR: _MENTOR_SEARCH},
    CaseAction.MODERATOR_ASSIGN: {S.AWAITING_MODERATOR: frozenset({S.IN_PROGRESS})},
    CaseAction.ASK_QUESTIONS: {S.IN_PROGRESS: frozenset({S.AWAITING_ANSWERS})},
    CaseAction.ANSWER_QUESTIONS: {S.AWAITING_ANSWERS: frozenset({S.AWAITING_DECISION})},
    CaseAction.KEEP_VERSION: {S.AWAITING_DECISION: frozenset({S.IN_PROGRESS})},
    CaseAction.REDEFINE: {S.AWAITING_DECISION: frozenset({S.IN_PROGRESS})},
    CaseAction.WRITE_SOLUTION: {
        S.IN_PROGRESS: frozenset({S.SOLUTION_OFFERED}),
        S.SOLUTION_OFFERED: frozenset({S.SOLUTION_OFFERED}),
    },
    CaseAction.COMPLETE: {S.SOLUTION_OFFERED: frozenset({S.COMPLETED})},
    CaseAction.SECOND_OPINION: {S.SOLUTION_OFFERED: _MENTOR_SEARCH},
    CaseAction.WITHDRAW: {status: frozenset({S.WITHDRAWN}) for status in _OPEN_STATUSES},
}


class TransitionNotAllowed(Exception):
    """An action was attempted from a status that does not allow it, or to a wrong target."""

    def __init__(self, status: CaseStatus, action: CaseAction, target: CaseStatus | None) -> None:
        self.status = status
        self.action = action
        self.target = target
        super().__init__(f"{action.value} is not allowed from {status.value} to {target}")


def is_allowed(status: CaseStatus, action: CaseAction) -> bool:
    return status in TRANSITIONS[action]


def allowed_actions(status: CaseStatus) -> frozenset[CaseAction]:
    return frozenset(action for action in CaseAction if is_allowed(status, action))


def check_transition(
    status: CaseStatus, action: CaseAction, target: CaseStatus | None = None
) -> CaseStatus:
    """Return the target status of ``action`` from ``status``, or raise ``TransitionNotAllowed``.

    With several possible targets the caller must name one.
    """
    targets = TRANSITIONS[action].get(status)
    if not targets:
        raise TransitionNotAllowed(status, action, target)
    if target is None:
        if len(targets) != 1:
            raise TransitionNotAllowed(status, action, target)
        (target,) = targets
    elif target not in targets:
        raise TransitionNotAllowed(status, action, target)
    return target
