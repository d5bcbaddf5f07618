"""Read models of the "My cases" tab: case lists, a case page and its history, per viewer.

The state changes themselves are the ``Workflow`` operations the bot calls;
this module only reads. Every view is filtered for its viewer: in an
anonymous case nobody but the teacher gets the teacher's identity, and
mentors see only their own offers and assignments.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import (
    HOLDING_ASSIGNMENT_STATUSES,
    TERMINAL_STATUSES,
    AssignmentStatus,
    CaseStatus,
    LibraryEntryKind,
    LibraryEntryStatus,
    Privacy,
    Role,
    Urgency,
)
from teams_app.domain.errors import NotPermitted, StaleAction
from teams_app.domain.state_machine import CaseAction, is_allowed
from teams_app.settings import Settings
from teams_app.storage import search
from teams_app.storage.db import Database
from teams_app.storage.models import (
    Assignment,
    Case,
    CaseEvent,
    CaseLibraryHit,
    CaseRevision,
    LibraryEntry,
    MentorProfile,
    User,
)
from teams_app.workflow.people import require_role
from teams_app.workflow.queries import load_case_view, mentor_name
from teams_app.workflow.views import (
    Actor,
    AssignmentView,
    CaseView,
    LibraryHitView,
)

logger = logging.getLogger(__name__)

# Characters of the essence a list row shows.
EXCERPT_LENGTH = 160

T = TypeVar("T")


class WaitingFor(enum.StrEnum):
    """Whose move a case is waiting for, and what that move is."""

    TEACHER_LIBRARY_CHOICE = "teacher_library_choice"
    TEACHER_MENTOR_PICK = "teacher_mentor_pick"
    TEACHER_ANSWERS = "teacher_answers"
    TEACHER_DECISION = "teacher_decision"
    TEACHER_REFLECTION = "teacher_reflection"
    MENTOR_ACCEPTANCE = "mentor_acceptance"
    MENTOR_WORK = "mentor_work"
    MODERATOR = "moderator"
    # The case is closed.
    NOTHING = "nothing"
    # The case is open, but the mentor viewing it no longer holds it.
    NOT_YOURS = "not_yours"


_WAITING_BY_STATUS: dict[CaseStatus, WaitingFor] = {
    CaseStatus.NEW: WaitingFor.TEACHER_LIBRARY_CHOICE,
    CaseStatus.CHOOSING_MENTOR: WaitingFor.TEACHER_MENTOR_PICK,
    CaseStatus.AWAITING_MENTOR: WaitingFor.MENTOR_ACCEPTANCE,
    CaseStatus.AWAITING_MODERATOR: WaitingFor.MODERATOR,
    CaseStatus.IN_PROGRESS: WaitingFor.MENTOR_WORK,
    CaseStatus.AWAITING_ANSWERS: WaitingFor.TEACHER_ANSWERS,
    CaseStatus.AWAITING_DECISION: WaitingFor.TEACHER_DECISION,
    CaseStatus.SOLUTION_OFFERED: WaitingFor.TEACHER_REFLECTION,
}

_TEACHER_MOVES = frozenset(
    {
        WaitingFor.TEACHER_LIBRARY_CHOICE,
        WaitingFor.TEACHER_MENTOR_PICK,
        WaitingFor.TEACHER_ANSWERS,
        WaitingFor.TEACHER_DECISION,
        WaitingFor.TEACHER_REFLECTION,
    }
)


class CaseScope(enum.StrEnum):
    """Filter of a case list: open cases, closed cases or all of them."""

    OPEN = "open"
    CLOSED = "closed"
    ALL = "all"


class AssignmentScope(enum.StrEnum):
    """Filter of a mentor's list of offers and assignments."""

    # Offers waiting for the mentor's answer.
    OFFERED = "offered"
    # Cases the mentor accepted and still holds.
    CURRENT = "current"
    # Offers the mentor declined and assignments that ended.
    PAST = "past"


_ASSIGNMENT_STATUSES: dict[AssignmentScope, tuple[AssignmentStatus, ...]] = {
    AssignmentScope.OFFERED: (AssignmentStatus.OFFERED,),
    AssignmentScope.CURRENT: (AssignmentStatus.ACCEPTED,),
    AssignmentScope.PAST: (AssignmentStatus.DECLINED, AssignmentStatus.CLOSED),
}


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int


@dataclass(frozen=True)
class CaseSummary:
    """One row of a case list. It carries nothing that identifies the teacher."""

    id: int
    number: str
    status: CaseStatus
    urgency: Urgency
    privacy: Privacy
    excerpt: str
    rubrics: tuple[str, ...]
    current_revision: int
    created_at: dt.datetime
    updated_at: dt.datetime
    waiting_for: WaitingFor
    # True when the case waits for the viewer of the list.
    waiting_on_viewer: bool
    # The mentor holding the case (offered or accepted), in the teacher's list only.
    mentor_name: str | None


@dataclass(frozen=True)
class AssignmentSummary:
    """A mentor's offer or assignment, with the case it is about."""

    id: int
    status: AssignmentStatus
    opinion: int
    offered_at: dt.datetime
    responded_at: dt.datetime | None
    by_moderator: bool
    case: CaseSummary


@dataclass(frozen=True)
class CasePage:
    """Everything the case page shows one viewer, with the actions open to them now."""

    view: CaseView
    updated_at: dt.datetime
    waiting_for: WaitingFor
    waiting_on_viewer: bool
    # Names of the operations the viewer may start now, such as "answer_questions".
    actions: tuple[str, ...]
    # The viewer's newest assignment on the case, for a mentor.
    own_assignment: AssignmentView | None
    # The library's first automatic answer, shown to the teacher only.
    library_hits: tuple[LibraryHitView, ...]


@dataclass(frozen=True)
class HistoryItem:
    """One event of a case as its viewer may see it."""

    id: int
    kind: str
    at: dt.datetime
    # "you", "teacher", "mentor", "moderator" or "system".
    actor: str
    # A mentor's or moderator's name; never the teacher's.
    actor_name: str | None
    status_before: str | None
    status_after: str | None
    details: dict[str, Any]
    # The stored content before and after the change, for moderators only.
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


# --------------------------------------------------------------- pure rules


def waiting_for(status: CaseStatus) -> WaitingFor:
    """Return whose move a case in ``status`` waits for."""
    if status in TERMINAL_STATUSES:
        return WaitingFor.NOTHING
    return _WAITING_BY_STATUS[status]


def waiting_on(viewer: Actor, relation: str, waiting: WaitingFor, holds_case: bool) -> bool:
    """Tell whether the case waits for ``viewer`` in the given relation to it."""
    if relation == "teacher":
        return waiting in _TEACHER_MOVES
    if waiting is WaitingFor.MODERATOR:
        return viewer.has(Role.MODERATOR)
    if relation == "mentor" and holds_case:
        return waiting in (WaitingFor.MENTOR_ACCEPTANCE, WaitingFor.MENTOR_WORK)
    return False


def teacher_actions(view: CaseView) -> tuple[str, ...]:
    """List the operations the teacher may start on the case in its current state."""
    status = view.status
    actions: list[str] = []
    if is_allowed(status, CaseAction.CLOSE_BY_LIBRARY):
        actions.append("close_by_library")
    if is_allowed(status, CaseAction.FIND_MENTOR):
        actions.append("find_mentor")
    if is_allowed(status, CaseAction.PICK_MENTOR):
        actions.append("pick_mentor")
    if is_allowed(status, CaseAction.ANSWER_QUESTIONS) and view.open_round is not None:
        actions.append("answer_questions")
    if is_allowed(status, CaseAction.KEEP_VERSION):
        actions.append("keep_version")
    if is_allowed(status, CaseAction.REDEFINE) and view.current.number < view.revision_limit:
        actions.append("redefine")
    if is_allowed(status, CaseAction.COMPLETE):
        actions.append("complete")
    if is_allowed(status, CaseAction.SECOND_OPINION) and view.second_opinion_available:
        actions.append("second_opinion")
    if is_allowed(status, CaseAction.WITHDRAW):
        actions.append("withdraw")
    return tuple(actions)


def mentor_actions(view: CaseView, own: AssignmentView | None) -> tuple[str, ...]:
    """List the operations a mentor may start through their own assignment."""
    if own is None:
        return ()
    status = view.status
    if own.status is AssignmentStatus.OFFERED and is_allowed(status, CaseAction.ACCEPT):
        return ("accept", "decline")
    holder = view.holder
    if own.status is not AssignmentStatus.ACCEPTED or holder is None or holder.id != own.id:
        return ()
    actions: list[str] = []
    if is_allowed(status, CaseAction.ASK_QUESTIONS):
        actions.append("ask_questions")
    if is_allowed(status, CaseAction.WRITE_SOLUTION):
        actions.append("write_solution")
    return tuple(actions)


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """Cut ``text`` to at most ``length`` characters at a word boundary, marking the cut."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut[length // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + "…"


def without_teacher(view: CaseView) -> CaseView:
    """Drop the teacher's identity from an anonymous case seen by anyone but the teacher."""
    if view.viewer_relation == "teacher" or view.privacy is not Privacy.ANONYMOUS:
        return view
    return dataclasses.replace(view, teacher=None)


# ------------------------------------------------------------------ service


class TabCases:
    """The reads behind the "My cases" tab; changes go through ``Workflow``."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    # ------------------------------------------------------------ lists

    async def teacher_cases(
        self, actor: Actor, *, scope: CaseScope = CaseScope.ALL, offset: int = 0, limit: int = 20
    ) -> Page[CaseSummary]:
        """Return the teacher's own cases, most recently changed first."""
        conditions = [Case.teacher_id == actor.user_id, *_scope_conditions(scope)]
        async with self.db.transaction() as session:
            total = await session.scalar(select(func.count()).select_from(Case).where(*conditions))
            rows = list(
                await session.execute(
                    _summary_query()
                    .where(*conditions)
                    .order_by(Case.updated_at.desc(), Case.id.desc())
                    .offset(offset)
                    .limit(limit)
                )
            )
            holders = await _holder_names(session, [case.id for case, _ in rows])
            items = []
            for case, revision in rows:
                waiting = waiting_for(case.status)
                items.append(
                    _summary(
                        case,
                        revision,
                        waiting,
                        waiting_on(actor, "teacher", waiting, holds_case=False),
                        holders.get(case.id),
                    )
                )
            return Page(tuple(items), int(total or 0))

    async def mentor_assignments(
        self,
        actor: Actor,
        scope: AssignmentScope,
        *,
        offset: int = 0,
        limit: int = 20,
    ) -> Page[AssignmentSummary]:
        """Return a mentor's offers, held cases or past assignments, newest first."""
        require_role(actor, Role.MENTOR)
        conditions = [
            Assignment.mentor_id == actor.user_id,
            Assignment.status.in_(_ASSIGNMENT_STATUSES[scope]),
        ]
        async with self.db.transaction() as session:
            total = await session.scalar(
                select(func.count()).select_from(Assignment).where(*conditions)
            )
            rows = await session.execute(
                _summary_query()
                .add_columns(Assignment)
                .join(Assignment, Assignment.case_id == Case.id)
                .where(*conditions)
                .order_by(Assignment.offered_at.desc(), Assignment.id.desc())
                .offset(offset)
                .limit(limit)
            )
            items = []
            for case, revision, assignment in rows:
                holds = assignment.status in HOLDING_ASSIGNMENT_STATUSES
                waiting = waiting_for(case.status)
                if not holds and waiting is not WaitingFor.NOTHING:
                    waiting = WaitingFor.NOT_YOURS
                summary = _summary(
                    case,
                    revision,
                    waiting,
                    waiting_on(actor, "mentor", waiting, holds_case=holds),
                    # The mentor's own list does not repeat their name.
                    None,
                )
                items.append(
                    AssignmentSummary(
                        id=assignment.id,
                        status=assignment.status,
                        opinion=assignment.opinion,
                        offered_at=assignment.offered_at,
                        responded_at=assignment.responded_at,
                        by_moderator=assignment.assigned_by_moderator_id is not None,
                        case=summary,
                    )
                )
            return Page(tuple(items), int(total or 0))

    async def cases_awaiting_moderator(
        self, actor: Actor, *, offset: int = 0, limit: int = 20
    ) -> Page[CaseSummary]:
        """Return the cases no mentor took, oldest change first, for a moderator to assign."""
        require_role(actor, Role.MODERATOR)
        condition = Case.status == CaseStatus.AWAITING_MODERATOR
        async with self.db.transaction() as session:
            total = await session.scalar(select(func.count()).select_from(Case).where(condition))
            rows = await session.execute(
                _summary_query()
                .where(condition)
                .order_by(Case.updated_at, Case.id)
                .offset(offset)
                .limit(limit)
            )
            return Page(
                tuple(
                    _summary(case, revision, WaitingFor.MODERATOR, True, None)
                    for case, revision in rows
                ),
                int(total or 0),
            )

    # --------------------------------------------------------- case page

    async def case_page(self, viewer: Actor, case_id: int) -> CasePage:
        """Load the case page for ``viewer``; raise ``NotPermitted`` if they have no part in it."""
        async with self.db.transaction() as session:
            view = without_teacher(await load_case_view(session, viewer, case_id))
            updated_at = await session.scalar(select(Case.updated_at).where(Case.id == case_id))
            hits: tuple[LibraryHitView, ...] = ()
            if view.viewer_relation == "teacher":
                hits = await _library_hits(session, case_id)
        assert updated_at is not None
        own = _own_assignment(view, viewer)
        relation = view.viewer_relation
        holds = own is not None and own.status in HOLDING_ASSIGNMENT_STATUSES
        waiting = waiting_for(view.status)
        if relation == "mentor" and not holds and waiting is not WaitingFor.NOTHING:
            waiting = WaitingFor.NOT_YOURS
        if relation == "teacher":
            actions = teacher_actions(view)
        else:
            actions = mentor_actions(view, own) if relation == "mentor" else ()
            if viewer.has(Role.MODERATOR) and is_allowed(
                view.status, CaseAction.MODERATOR_ASSIGN
            ):
                actions += ("assign_mentor",)
        return CasePage(
            view=view,
            updated_at=updated_at,
            waiting_for=waiting,
            waiting_on_viewer=waiting_on(viewer, relation, waiting, holds),
            actions=actions,
            own_assignment=own,
            library_hits=hits,
        )

    async def check_teacher(self, actor: Actor, case_id: int) -> CaseView:
        """Return the teacher's view of their case, or raise ``NotPermitted`` for anyone else."""
        async with self.db.transaction() as session:
            view = await load_case_view(session, actor, case_id)
        if view.viewer_relation != "teacher":
            raise NotPermitted(role=Role.TEACHER.value)
        return view

    async def check_holder(self, actor: Actor, case_id: int) -> CaseView:
        """Return the case if ``actor`` is the mentor holding it, else raise.

        A mentor who held the case once gets ``StaleAction``; anyone else
        ``NotPermitted``, as in the workflow's own check.
        """
        require_role(actor, Role.MENTOR)
        async with self.db.transaction() as session:
            view = await load_case_view(session, actor, case_id)
        if view.viewer_relation != "mentor":
            raise NotPermitted(role=Role.MENTOR.value)
        holder = view.holder
        if (
            holder is None
            or holder.mentor_id != actor.user_id
            or holder.status is not AssignmentStatus.ACCEPTED
        ):
            raise StaleAction(number=view.number, status=view.status.value)
        return view

    async def published_materials(
        self, query: str, rubrics: Sequence[str], *, limit: int = 20
    ) -> tuple[LibraryHitView, ...]:
        """Return published type 2 materials matching ``query``, best first.

        Without words in the query, return those sharing one of ``rubrics``.
        """
        async with self.db.transaction() as session:
            if query.strip():
                hits = await search.search_library(
                    session, query, (), kinds=(LibraryEntryKind.MATERIAL,), limit=limit
                )
            else:
                hits = await search.search_library(
                    session, "", rubrics, kinds=(LibraryEntryKind.MATERIAL,), limit=limit
                )
            views = []
            for hit in hits:
                entry = await session.get(LibraryEntry, hit.entry_id)
                assert entry is not None
                views.append(
                    LibraryHitView(
                        entry_id=entry.id,
                        kind=entry.kind,
                        title=entry.title,
                        summary=entry.summary,
                        url=entry.url,
                        rubrics=tuple(entry.rubrics or ()),
                        score=hit.score,
                    )
                )
            return tuple(views)

    # ----------------------------------------------------------- history

    async def case_history(self, viewer: Actor, case_id: int) -> tuple[HistoryItem, ...]:
        """Return the case's events as ``viewer`` may see them, oldest first.

        Moderators get every event with its stored content. The teacher and
        mentors get the kind, time, actor and a few safe details. A mentor
        gets no event about another mentor's offer, acceptance or decline.
        Nobody but the teacher learns who the teacher of an anonymous case is.
        """
        async with self.db.transaction() as session:
            view = await load_case_view(session, viewer, case_id)
            case = await session.get(Case, case_id)
            assert case is not None
            events = list(
                await session.scalars(
                    select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
                )
            )
            mentor_names = {a.mentor_id: a.mentor_name for a in view.assignments}
            for mentor_id in await _mentor_ids(session, case_id):
                if mentor_id not in mentor_names:
                    mentor_names[mentor_id] = await _mentor_name(session, mentor_id)
            other_names: dict[int, str] = {}
            for event in events:
                actor_id = event.actor_id
                if (
                    actor_id is not None
                    and actor_id != case.teacher_id
                    and actor_id not in mentor_names
                    and actor_id not in other_names
                ):
                    other_names[actor_id] = (await _user(session, actor_id)).display_name
        relation = view.viewer_relation
        full = relation != "teacher" and viewer.has(Role.MODERATOR)
        items = []
        for event in events:
            if relation == "mentor" and not full and _about_other_mentor(event, viewer.user_id):
                continue
            actor, actor_name = _event_actor(
                event.actor_id, viewer, case.teacher_id, mentor_names, other_names
            )
            before = dict(event.before or {})
            after = dict(event.after or {})
            items.append(
                HistoryItem(
                    id=event.id,
                    kind=event.kind,
                    at=event.created_at,
                    actor=actor,
                    actor_name=actor_name,
                    status_before=before.get("status"),
                    status_after=after.get("status"),
                    details=_event_details(event, mentor_names, viewer, full),
                    before=before if full else None,
                    after=after if full else None,
                )
            )
        return tuple(items)


# ------------------------------------------------------------------ queries


def _summary_query() -> Any:
    return select(Case, CaseRevision).join(
        CaseRevision,
        and_(CaseRevision.case_id == Case.id, CaseRevision.number == Case.current_revision),
    )


def _scope_conditions(scope: CaseScope) -> list[Any]:
    if scope is CaseScope.OPEN:
        return [Case.status.not_in(TERMINAL_STATUSES)]
    if scope is CaseScope.CLOSED:
        return [Case.status.in_(TERMINAL_STATUSES)]
    return []


def _summary(
    case: Case,
    revision: CaseRevision,
    waiting: WaitingFor,
    waiting_on_viewer: bool,
    mentor: str | None,
) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        number=case.number,
        status=case.status,
        urgency=case.urgency,
        privacy=case.privacy,
        excerpt=excerpt(revision.essence),
        rubrics=tuple(revision.rubrics or ()),
        current_revision=case.current_revision,
        created_at=case.created_at,
        updated_at=case.updated_at,
        waiting_for=waiting,
        waiting_on_viewer=waiting_on_viewer,
        mentor_name=mentor,
    )


async def _holder_names(session: AsyncSession, case_ids: list[int]) -> dict[int, str]:
    if not case_ids:
        return {}
    rows = await session.execute(
        select(Assignment.case_id, User, MentorProfile)
        .join(User, User.id == Assignment.mentor_id)
        .outerjoin(MentorProfile, MentorProfile.user_id == Assignment.mentor_id)
        .where(
            Assignment.case_id.in_(case_ids),
            Assignment.status.in_(HOLDING_ASSIGNMENT_STATUSES),
        )
    )
    return {case_id: mentor_name(profile, user) for case_id, user, profile in rows}


async def _library_hits(session: AsyncSession, case_id: int) -> tuple[LibraryHitView, ...]:
    rows = await session.execute(
        select(LibraryEntry, CaseLibraryHit.rank)
        .join(CaseLibraryHit, CaseLibraryHit.entry_id == LibraryEntry.id)
        .where(
            CaseLibraryHit.case_id == case_id,
            LibraryEntry.status == LibraryEntryStatus.PUBLISHED,
        )
        .order_by(CaseLibraryHit.rank)
    )
    return tuple(
        LibraryHitView(
            entry_id=entry.id,
            kind=entry.kind,
            title=entry.title,
            summary=entry.summary,
            url=entry.url,
            rubrics=tuple(entry.rubrics or ()),
            score=1.0 / rank,
        )
        for entry, rank in rows
    )


async def _user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    assert user is not None, f"user {user_id} is referenced but missing"
    return user


async def _mentor_name(session: AsyncSession, user_id: int) -> str:
    return mentor_name(await session.get(MentorProfile, user_id), await _user(session, user_id))


async def _mentor_ids(session: AsyncSession, case_id: int) -> list[int]:
    rows = await session.scalars(
        select(Assignment.mentor_id).where(Assignment.case_id == case_id).distinct()
    )
    return list(rows)


def _own_assignment(view: CaseView, viewer: Actor) -> AssignmentView | None:
    own = [a for a in view.assignments if a.mentor_id == viewer.user_id]
    return own[-1] if own else None


# ------------------------------------------------------------------ history

# Events that concern one mentor's offer or assignment, named in ``after.mentor_id``
# or made by that mentor.
_ASSIGNMENT_EVENTS = frozenset(
    {
        CaseAction.PICK_MENTOR.value,
        CaseAction.ACCEPT.value,
        CaseAction.DECLINE.value,
        CaseAction.MODERATOR_ASSIGN.value,
    }
)


def _about_other_mentor(event: CaseEvent, viewer_id: int) -> bool:
    if event.kind not in _ASSIGNMENT_EVENTS:
        return False
    mentor_id = (event.after or {}).get("mentor_id", event.actor_id)
    return mentor_id != viewer_id


def _event_actor(
    actor_id: int | None,
    viewer: Actor,
    teacher_id: int,
    mentor_names: dict[int, str],
    other_names: dict[int, str],
) -> tuple[str, str | None]:
    if actor_id is None:
        return "system", None
    if actor_id == viewer.user_id:
        return "you", None
    if actor_id == teacher_id:
        return "teacher", None
    if actor_id in mentor_names:
        return "mentor", mentor_names[actor_id]
    return "moderator", other_names.get(actor_id)


def _event_details(
    event: CaseEvent, mentor_names: dict[int, str], viewer: Actor, full: bool
) -> dict[str, Any]:
    after = event.after or {}
    details: dict[str, Any] = {}
    if "revision" in after:
        details["revision"] = after["revision"]
    if event.kind == "submitted":
        details["revision"] = 1
    mentor_id = after.get("mentor_id")
    if isinstance(mentor_id, int) and mentor_id in mentor_names:
        details["mentorName"] = mentor_names[mentor_id]
    if event.kind == CaseAction.DECLINE.value and after.get("reason"):
        # The teacher never sees why a mentor declined.
        if full or mentor_id == viewer.user_id:
            details["reason"] = after["reason"]
    if isinstance(after.get("questions"), list):
        details["questionCount"] = len(after["questions"])
    if isinstance(after.get("answers"), dict):
        details["answerCount"] = len(after["answers"])
    if event.kind == CaseAction.COMPLETE.value and "usefulness" in after:
        details["usefulness"] = after["usefulness"]
    return details
