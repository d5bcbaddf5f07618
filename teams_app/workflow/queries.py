"""Loading a case as a view filtered for its viewer."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import Privacy, Role
from teams_app.domain.errors import NotFound, NotPermitted
from teams_app.storage.models import (
    Assignment,
    Case,
    CaseRevision,
    LibraryEntry,
    MentorProfile,
    QuestionRound,
    Reflection,
    Solution,
    User,
)
from teams_app.workflow.views import (
    Actor,
    AssignmentView,
    CaseView,
    MaterialRef,
    QuestionRoundView,
    QuestionView,
    ReflectionView,
    RevisionView,
    SolutionView,
    TeacherIdentity,
)

_COMPARED_FIELDS = (
    "essence", "actions_taken", "why_difficult", "question", "participants", "rubrics"
)


def chat_deep_link(user: User) -> str | None:
    """Build the Teams deep link that opens a 1:1 chat with a user."""
    if user.email:
        target = user.email
    elif user.aad_object_id:
        target = f"8:orgid:{user.aad_object_id}"
    else:
        return None
    return f"https://teams.microsoft.com/l/chat/0/0?users={quote(target, safe=':@')}"


def _revision_view(revision: CaseRevision, previous: CaseRevision | None) -> RevisionView:
    changed: tuple[str, ...] = ()
    if previous is not None:
        changed = tuple(
            name
            for name in _COMPARED_FIELDS
            if getattr(revision, name) != getattr(previous, name)
        )
    return RevisionView(
        number=revision.number,
        essence=revision.essence,
        actions_taken=revision.actions_taken,
        why_difficult=revision.why_difficult,
        question=revision.question,
        participants=tuple(revision.participants),
        rubrics=tuple(revision.rubrics),
        changed_fields=changed,
    )


async def load_case_view(session: AsyncSession, viewer: Actor, case_id: int) -> CaseView:
    """Load a case for a viewer, raising ``NotPermitted`` if they have no part in it.

    The teacher's identity is filled in only for the teacher, moderators and,
    in a personal case, the mentors involved.
    """
    case = await session.get(Case, case_id, populate_existing=True)
    if case is None:
        raise NotFound(what=f"case {case_id}")
    assignments = list(
        await session.scalars(
            select(Assignment).where(Assignment.case_id == case.id).order_by(Assignment.id)
        )
    )
    mentor_ids = {a.mentor_id for a in assignments}
    if viewer.user_id == case.teacher_id:
        relation = "teacher"
    elif viewer.user_id in mentor_ids:
        relation = "mentor"
    elif viewer.has(Role.MODERATOR):
        relation = "moderator"
    else:
        raise NotPermitted(role=Role.MODERATOR.value)

    names: dict[int, str] = {}
    for mentor_id in mentor_ids:
        user = await session.get(User, mentor_id)
        profile = await session.get(MentorProfile, mentor_id)
        assert user is not None
        names[mentor_id] = mentor_name(profile, user)

    teacher = None
    if relation != "mentor" or case.privacy == Privacy.PERSONAL:
        user = await session.get(User, case.teacher_id)
        assert user is not None
        teacher = TeacherIdentity(
            user_id=user.id,
            display_name=user.display_name,
            email=user.email,
            teams_user_id=user.teams_user_id,
            aad_object_id=user.aad_object_id,
            chat_link=chat_deep_link(user),
        )

    revisions = []
    previous = None
    for revision in case.revisions:
        revisions.append(_revision_view(revision, previous))
        previous = revision

    rounds = [
        QuestionRoundView(
            id=r.id,
            revision=r.revision,
            asked_at=r.asked_at,
            answered_at=r.answered_at,
            decision=r.decision,
            questions=tuple(QuestionView(q.id, q.text, q.answer) for q in r.questions),
        )
        for r in await session.scalars(
            select(QuestionRound).where(QuestionRound.case_id == case.id).order_by(QuestionRound.id)
        )
    ]

    opinions = {a.id: a.opinion for a in assignments}
    solutions = []
    for solution in await session.scalars(
        select(Solution).where(Solution.case_id == case.id).order_by(Solution.id)
    ):
        materials = []
        for entry_id in solution.material_ids or []:
            entry = await session.get(LibraryEntry, entry_id)
            if entry is not None:
                materials.append(MaterialRef(entry.id, entry.title, entry.url))
        solutions.append(
            SolutionView(
                id=solution.id,
                opinion=opinions.get(solution.assignment_id, 1),
                mentor_name=names.get(solution.mentor_id, ""),
                text=solution.text,
                materials=tuple(materials),
                created_at=solution.created_at,
            )
        )

    reflection_row = await session.get(Reflection, case.id)
    reflection = (
        ReflectionView(
            reflection_row.will_do,
            reflection_row.what_changed,
            reflection_row.usefulness,
            reflection_row.comment,
        )
        if reflection_row
        else None
    )

    return CaseView(
        id=case.id,
        number=case.number,
        status=case.status,
        privacy=case.privacy,
        urgency=case.urgency,
        group_consent=case.group_consent,
        publish_consent=case.publish_consent,
        opinion=case.opinion,
        version=case.version,
        created_at=case.created_at,
        revisions=tuple(revisions),
        question_rounds=tuple(rounds),
        solutions=tuple(solutions),
        assignments=tuple(
            AssignmentView(
                id=a.id,
                mentor_id=a.mentor_id,
                mentor_name=names[a.mentor_id],
                opinion=a.opinion,
                round=a.round,
                status=a.status,
                decline_reason=a.decline_reason if relation != "teacher" else None,
                by_moderator=a.assigned_by_moderator_id is not None,
            )
            for a in assignments
            # A mentor sees only their own assignments; others' declines are not theirs to see.
            if relation != "mentor" or a.mentor_id == viewer.user_id
        ),
        reflection=reflection,
        teacher=teacher,
        viewer_relation=relation,
        second_opinion_available=case.opinion < 2,
    )


def mentor_name(profile: MentorProfile | None, user: User) -> str:
    if profile is not None and (profile.first_name or profile.last_name):
        parts = [profile.first_name, profile.patronymic, profile.last_name]
        return " ".join(part for part in parts if part)
    return user.display_name

