"""Read models handed to card builders and pages.

A view is already filtered for its viewer: a mentor's view of an anonymous
case carries no teacher identity at all, so no builder can leak it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from teams_app.domain.enums import (
    AssignmentStatus,
    CardKind,
    CaseStatus,
    LibraryEntryKind,
    LibraryEntryStatus,
    MaterialType,
    Privacy,
    Role,
    Urgency,
)


@dataclass(frozen=True)
class Actor:
    """The person acting, as the bot or a tab identified them."""

    user_id: int
    display_name: str
    locale: str
    roles: frozenset[Role]

    def has(self, role: Role) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class TeamsIdentity:
    """Sender of an activity, with the ids Teams gives them."""

    teams_user_id: str
    aad_object_id: str | None
    tenant_id: str
    display_name: str
    locale: str | None
    # From the connector's member lookup; activities themselves carry no e-mail.
    email: str | None = None


@dataclass(frozen=True)
class RubricView:
    key: str
    title: str


@dataclass(frozen=True)
class RevisionView:
    number: int
    essence: str
    actions_taken: str
    why_difficult: str
    question: str
    participants: tuple[str, ...]
    rubrics: tuple[str, ...]
    # Names of the fields that differ from the previous revision.
    changed_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeacherIdentity:
    """Present only in views of personal cases, or for the teacher and moderators."""

    user_id: int
    display_name: str
    email: str | None
    teams_user_id: str | None
    aad_object_id: str | None
    # Teams deep link that opens a 1:1 chat with the teacher.
    chat_link: str | None


@dataclass(frozen=True)
class QuestionView:
    id: int
    text: str
    answer: str | None


@dataclass(frozen=True)
class QuestionRoundView:
    id: int
    revision: int
    asked_at: dt.datetime
    answered_at: dt.datetime | None
    decision: str | None
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class MaterialRef:
    entry_id: int
    title: str
    url: str | None


@dataclass(frozen=True)
class SolutionView:
    id: int
    opinion: int
    # Mentor's public name; mentors' names are never secret.
    mentor_name: str
    text: str
    materials: tuple[MaterialRef, ...]
    created_at: dt.datetime


@dataclass(frozen=True)
class AssignmentView:
    id: int
    mentor_id: int
    mentor_name: str
    opinion: int
    round: int
    status: AssignmentStatus
    decline_reason: str | None
    by_moderator: bool


@dataclass(frozen=True)
class ReflectionView:
    will_do: str
    what_changed: str
    usefulness: int
    comment: str


@dataclass(frozen=True)
class CaseView:
    id: int
    number: str
    status: CaseStatus
    privacy: Privacy
    urgency: Urgency
    group_consent: bool
    publish_consent: bool
    opinion: int
    version: int
    created_at: dt.datetime
    revisions: tuple[RevisionView, ...]
    question_rounds: tuple[QuestionRoundView, ...]
    solutions: tuple[SolutionView, ...]
    assignments: tuple[AssignmentView, ...]
    reflection: ReflectionView | None
    # None whenever the viewer may not learn who the teacher is.
    teacher: TeacherIdentity | None
    # Relation of the viewer to this case: "teacher", "mentor", "moderator" or "none".
    viewer_relation: str
    second_opinion_available: bool
    revision_limit: int = 3

    @property
    def current(self) -> RevisionView:
        return self.revisions[-1]

    @property
    def holder(self) -> AssignmentView | None:
        for assignment in self.assignments:
            if assignment.status in (AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED):
                return assignment
        return None

    @property
    def open_round(self) -> QuestionRoundView | None:
        for question_round in reversed(self.question_rounds):
            if question_round.answered_at is None:
                return question_round
        return None


@dataclass(frozen=True)
class CandidateView:
    """A mentor offered to the teacher, with the profile summary shown on the card."""

    user_id: int
    display_name: str
    position: str
    workplace: str
    areas: tuple[RubricView, ...]
    matching_areas: tuple[str, ...]
    motto: str
    open_cases: int
    max_open_cases: int
    score: float


@dataclass(frozen=True)
class LibraryHitView:
    entry_id: int
    kind: LibraryEntryKind
    title: str
    summary: str
    url: str | None
    rubrics: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class LibraryEntryView:
    id: int
    kind: LibraryEntryKind
    status: LibraryEntryStatus
    title: str
    summary: str
    url: str | None
    language: str
    rubrics: tuple[str, ...]
    body: dict[str, object]
    source_case_number: str | None
    # Set for a type 2 material only.
    material_type: MaterialType | None = None


@dataclass(frozen=True)
class SuggestedQuestionView:
    key: str
    group_title: str
    kind: str
    text: str
    fit: float


@dataclass(frozen=True)
class Notification:
    """Something to deliver after a transaction commits.

    With ``kind`` set, a new card of that kind goes to the recipient; with only
    ``message_id``, a plain message.
    """

    recipient_id: int
    kind: CardKind | None = None
    case_id: int | None = None
    assignment_id: int | None = None
    round_id: int | None = None
    entry_id: int | None = None
    message_id: str | None = None
    fields: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """Result of an operation: the case to refresh and whom to notify."""

    case_id: int | None = None
    entry_id: int | None = None
    notifications: tuple[Notification, ...] = ()


@dataclass(frozen=True)
class CardRecord:
    """A stored card message, to be re-rendered and updated in place."""

    id: int
    recipient_id: int
    recipient_locale: str
    kind: CardKind
    case_id: int | None
    entry_id: int | None
    assignment_id: int | None
    round_id: int | None
    conversation_id: str
    activity_id: str
    # False when a newer card of the same kind went to the same recipient.
    latest: bool


@dataclass(frozen=True)
class Delivery:
    """An outbox row claimed for delivery: the outcome and the extra cards to update."""

    id: int
    outcome: Outcome
    also_refresh: tuple[CardRecord, ...] = ()
    # How many times the row was claimed, this claim included.
    attempts: int = 1
