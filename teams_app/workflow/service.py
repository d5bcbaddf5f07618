"""Workflow operations on cases: every state change of the product goes through here.

Each operation runs in one database transaction. It first records the key of
the activity behind it, so a retried delivery fails with ``AlreadyProcessed``
and changes nothing. It moves the case with ``_move``, which applies only to
the version of the case it read, and writes a history event. It returns an
``Outcome`` naming whom to notify once the transaction has committed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import statistics
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import (
    HOLDING_ASSIGNMENT_STATUSES,
    TERMINAL_STATUSES,
    AssignmentStatus,
    CardKind,
    CaseStatus,
    LibraryEntryKind,
    LibraryEntryStatus,
    Role,
)
from teams_app.domain.errors import (
    AlreadyProcessed,
    CaseAlreadyHeld,
    FieldError,
    MentorUnavailable,
    NotFound,
    NotPermitted,
    RevisionLimitReached,
    SecondOpinionUsed,
    StaleAction,
    ValidationFailed,
)
from teams_app.domain.intake import CaseForm, check_text, parse_case_form
from teams_app.domain.questions import QuestionTemplate, order_questions
from teams_app.domain.ranking import MentorStats, RankedMentor, rank_mentors
from teams_app.domain.state_machine import (
    CaseAction,
    TransitionNotAllowed,
    check_transition,
    is_allowed,
)
from teams_app.i18n import gettext_noop as N_
from teams_app.i18n import language_of, translator_for
from teams_app.search_text import tokens
from teams_app.settings import Settings
from teams_app.storage import search
from teams_app.storage.db import Database
from teams_app.storage.models import (
    Assignment,
    CardMessage,
    Case,
    CaseEvent,
    CaseLibraryHit,
    CaseQuestion,
    CaseRevision,
    ConversationRef,
    LibraryEntry,
    LibraryEntryRubric,
    MentorArea,
    MentorProfile,
    ProcessedActivity,
    QuestionRound,
    Reflection,
    Rubric,
    Solution,
    SuggestedQuestion,
    User,
    UserRole,
    utcnow,
)
from teams_app.workflow.queries import load_case_view, mentor_name
from teams_app.workflow.views import (
    Actor,
    CandidateView,
    CaseView,
    CardRecord,
    LibraryEntryView,
    LibraryHitView,
    Notification,
    Outcome,
    RubricView,
    SuggestedQuestionView,
    TeamsIdentity,
)

logger = logging.getLogger(__name__)

REVISION_LIMIT = 3
CUSTOM_QUESTION_LIMIT = 500
ANSWER_LIMIT = 1000
SOLUTION_LIMIT = 4000
REFLECTION_TEXT_LIMIT = 1000
DECLINE_REASON_LIMIT = 500
MAX_QUESTIONS_PER_ROUND = 10


class Workflow:
    """The use cases of the product, shared by the bot and the tabs."""

    def __init__(self, db: Database, settings: Settings, anonymizer: Any = None) -> None:
        self.db = db
        self.settings = settings
        self._anonymizer = anonymizer

    # ----------------------------------------------------------------- people

    async def identify(
        self, identity: TeamsIdentity, reference: Mapping[str, Any] | None = None
    ) -> Actor:
        """Find or create the user behind an activity and refresh their conversation reference.

        An identity without a display name or an e-mail keeps the stored one.
        Every new user is a teacher; other roles are granted by an administrator,
        or in demo mode to the ids listed in ``MENTORING_DEMO_MENTOR_IDS``.
        """
        try:
            return await self._identify(identity, reference)
        except IntegrityError:
            # A person's first activities can reach two workers at once, and
            # both insert the same user or conversation reference. The loser
            # retries once and then finds the winner's rows.
            logger.info("user insert raced, retrying teams_user_id=%s", identity.teams_user_id)
            return await self._identify(identity, reference)

    async def _identify(
        self, identity: TeamsIdentity, reference: Mapping[str, Any] | None
    ) -> Actor:
        async with self.db.transaction() as session:
            user = await _find_user(session, identity)
            if user is None:
                user = User(
                    tenant_id=identity.tenant_id or "",
                    aad_object_id=identity.aad_object_id,
                    teams_user_id=identity.teams_user_id,
                    display_name=identity.display_name or "",
                    email=identity.email,
                    locale=identity.locale or self.settings.default_locale,
                )
                session.add(user)
                await session.flush()
                session.add(UserRole(user_id=user.id, role=Role.TEACHER))
                logger.info("user created id=%s", user.id)
            else:
                user.teams_user_id = identity.teams_user_id or user.teams_user_id
                user.aad_object_id = identity.aad_object_id or user.aad_object_id
                if identity.display_name:
                    user.display_name = identity.display_name
                if identity.email:
                    user.email = identity.email
                if identity.locale:
                    user.locale = identity.locale
            if self.settings.demo and self._is_demo_mentor(identity):
                await _grant_demo_mentor(session, user)
            if reference is not None:
                await _store_reference(session, user.id, reference)
            await session.flush()
            roles = await _roles_of(session, user.id)
            return Actor(user.id, user.display_name, user.effective_locale, roles)

    def _is_demo_mentor(self, identity: TeamsIdentity) -> bool:
        ids = set(self.settings.demo_mentor_ids)
        return identity.teams_user_id in ids or (identity.aad_object_id or "") in ids

    async def actor(self, user_id: int) -> Actor:
        async with self.db.transaction() as session:
            user = await session.get(User, user_id)
            if user is None:
                raise NotFound(what=f"user {user_id}")
            return Actor(
                user.id, user.display_name, user.effective_locale, await _roles_of(session, user.id)
            )

    async def conversation_reference(self, user_id: int) -> dict[str, Any] | None:
        async with self.db.transaction() as session:
            ref = await session.get(ConversationRef, user_id)
            return dict(ref.reference) if ref else None

    async def user_locale(self, user_id: int) -> str:
        async with self.db.transaction() as session:
            user = await session.get(User, user_id)
            return user.effective_locale if user else self.settings.default_locale

    async def set_language(self, actor: Actor, language: str | None) -> Actor:
        """Store the language the user chose (``ru`` or ``en``), or None to follow Teams."""
        if language not in (None, "ru", "en"):
            raise ValidationFailed([FieldError("language", "unknown_choice")])
        async with self.db.transaction() as session:
            user = await session.get(User, actor.user_id)
            if user is None:
                raise NotFound(what=f"user {actor.user_id}")
            user.preferred_language = language
            roles = await _roles_of(session, user.id)
            return Actor(user.id, user.display_name, user.effective_locale, roles)

    async def rubrics(self, locale: str | None) -> list[RubricView]:
        translate = translator_for(locale)
        async with self.db.transaction() as session:
            rows = await session.scalars(select(Rubric).order_by(Rubric.position))
            return [RubricView(r.key, translate.pick(r.title_ru, r.title_en)) for r in rows]

    async def set_availability(
        self, actor: Actor, *, away_until: dt.date | None, max_open_cases: int | None
    ) -> None:
        """Set a mentor's away date and open-case limit (1 to 20)."""
        _require(actor, Role.MENTOR)
        if max_open_cases is not None and not 1 <= max_open_cases <= 20:
            raise ValidationFailed([FieldError("max_open_cases", "out_of_range", limit=20)])
        async with self.db.transaction() as session:
            profile = await _mentor_profile(session, actor.user_id)
            profile.away_until = away_until
            if max_open_cases is not None:
                profile.max_open_cases = max_open_cases

    async def availability(self, actor: Actor) -> tuple[dt.date | None, int]:
        """Return a mentor's away date and open-case limit, for the availability form."""
        _require(actor, Role.MENTOR)
        async with self.db.transaction() as session:
            profile = await _mentor_profile(session, actor.user_id)
            return profile.away_until, profile.max_open_cases

    # ---------------------------------------------------------------- intake

    async def submit_case(
        self, actor: Actor, raw: Mapping[str, Any], dedupe_key: str | None = None
    ) -> Outcome:
        """Validate an intake form, create the case with its number, and find library hits."""
        _require(actor, Role.TEACHER)
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            form = parse_case_form(raw, await _rubric_keys(session))
            now = utcnow()
            number = await _next_case_number(session, now.year)
            case = Case(
                number=number,
                teacher_id=actor.user_id,
                status=CaseStatus.NEW,
                privacy=form.privacy,
                urgency=form.urgency,
                group_consent=form.group_consent,
                publish_consent=form.publish_consent,
                locale=actor.locale,
                current_revision=1,
                created_at=now,
                updated_at=now,
            )
            session.add(case)
            await session.flush()
            session.add(_revision(case.id, 1, form))
            session.add(
                CaseEvent(
                    case_id=case.id, actor_id=actor.user_id, kind="submitted", after=form.as_dict()
                )
            )
            await self._store_library_hits(session, case.id, form)
            logger.info("case submitted id=%s number=%s", case.id, number)
            return Outcome(
                case_id=case.id,
                notifications=(Notification(actor.user_id, CardKind.LIBRARY_ANSWER, case.id),),
            )

    async def _store_library_hits(self, session: AsyncSession, case_id: int, form: CaseForm) -> None:
        await session.execute(
            CaseLibraryHit.__table__.delete().where(CaseLibraryHit.case_id == case_id)
        )
        query = " ".join(form.texts().values())
        hits = await search.search_library(
            session,
            query,
            form.rubrics,
            limit=self.settings.library_hit_count,
            exclude_case_id=case_id,
        )
        for rank, hit in enumerate(hits, start=1):
            session.add(CaseLibraryHit(case_id=case_id, entry_id=hit.entry_id, rank=rank))

    async def redefine_case(
        self, actor: Actor, case_id: int, raw: Mapping[str, Any], dedupe_key: str | None = None
    ) -> Outcome:
        """Store a new revision of the case from the prefilled form (at most three in all)."""
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            case = await _case_for_teacher(session, actor, case_id)
            if case.current_revision >= REVISION_LIMIT:
                raise RevisionLimitReached(number=case.number, limit=REVISION_LIMIT)
            await _ensure_allowed(session, case, CaseAction.REDEFINE)
            form = parse_case_form(raw, await _rubric_keys(session))
            previous = case.revisions[-1]
            number = case.current_revision + 1
            session.add(_revision(case.id, number, form))
            await _move(
                session,
                case,
                CaseAction.REDEFINE,
                actor.user_id,
                before=_revision_dict(previous),
                after={**form.as_dict(), "revision": number},
                changes={"current_revision": number},
            )
            await _decide_round(session, case.id, "redefine")
            holder = await _holding_assignment(session, case.id)
            assert holder is not None
            return Outcome(
                case_id=case.id,
                notifications=(
                    Notification(
                        holder.mentor_id, CardKind.MENTOR_CASE, case.id, assignment_id=holder.id
                    ),
                ),
            )

    # ------------------------------------------------- first automatic answer

    async def close_by_library(
        self, actor: Actor, case_id: int, dedupe_key: str | None = None
    ) -> Outcome:
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            case = await _case_for_teacher(session, actor, case_id)
            await _move(session, case, CaseAction.CLOSE_BY_LIBRARY, actor.user_id, closes=True)
            return Outcome(
                case_id=case.id,
                notifications=(
                    Notification(
                        actor.user_id,
                        case_id=case.id,
                        message_id=N_("Case {number} is closed as answered by the library."),
                        fields={"number": case.number},
                    ),
                ),
            )

    async def find_mentor(
        self, actor: Actor, case_id: int, dedupe_key: str | None = None
    ) -> Outcome:
        """Leave the library answer and look for mentor candidates."""
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            case = await _case_for_teacher(session, actor, case_id)
            notifications = await self._start_mentor_round(
                session, case, CaseAction.FIND_MENTOR, actor.user_id
            )
            return Outcome(case_id=case.id, notifications=notifications)

    # ------------------------------------------------------- choosing a mentor

    async def candidates(self, case_id: int, locale: str | None) -> list[CandidateView]:
        """Return the mentors currently offered for a case, best first."""
        translate = translator_for(locale)
        async with self.db.transaction() as session:
            case = await _get_case(session, case_id)
            ranked = (await self._rank(session, case))[: self.settings.candidate_count]
            rubric_titles = {
                r.key: translate.pick(r.title_ru, r.title_en)
                for r in await session.scalars(select(Rubric))
            }
            views = []
            for item in ranked:
                profile = await session.get(MentorProfile, item.user_id)
                user = await session.get(User, item.user_id)
                assert profile is not None and user is not None
                views.append(
                    CandidateView(
                        user_id=item.user_id,
                        display_name=mentor_name(profile, user),
                        position=profile.position,
                        workplace=profile.workplace,
                        areas=tuple(
                            RubricView(a.rubric_key, rubric_titles.get(a.rubric_key, a.rubric_key))
                            for a in profile.areas
                        ),
                        matching_areas=item.matching_areas,
                        motto=profile.motto,
                        open_cases=await _open_case_count(session, item.user_id),
                        max_open_cases=profile.max_open_cases,
                        score=item.score,
                    )
                )
            return views

    async def _rank(self, session: AsyncSession, case: Case) -> list[RankedMentor]:
        revision = case.revisions[-1]
        excluded = await _excluded_mentors(session, case)
        return rank_mentors(
            await _mentor_stats(session),
            revision.rubrics,
            case.urgency,
            dt.datetime.now(dt.UTC).date(),
            exclude=excluded,
        )

    async def _start_mentor_round(
        self,
        session: AsyncSession,
        case: Case,
        action: CaseAction,
        actor_id: int | None,
        after: dict[str, Any] | None = None,
    ) -> tuple[Notification, ...]:
        """Move the case to choosing a mentor, or to the moderators when nobody is left."""
        if await self._rank(session, case):
            await _move(
                session, case, action, actor_id, target=CaseStatus.CHOOSING_MENTOR, after=after
            )
            return (Notification(case.teacher_id, CardKind.CANDIDATES, case.id),)
        await _move(
            session, case, action, actor_id, target=CaseStatus.AWAITING_MODERATOR, after=after
        )
        moderators = await _users_with_role(session, Role.MODERATOR)
        logger.warning("no mentor candidates left case=%s", case.id)
        return (
            Notification(
                case.teacher_id,
                case_id=case.id,
                message_id=N_(
                    "No available mentor is left for case {number}. "
                    "A moderator was asked to assign one."
                ),
                fields={"number": case.number},
            ),
            *(Notification(m, CardKind.MODERATOR_ASSIGN, case.id) for m in moderators),
        )

    async def pick_mentor(
        self, actor: Actor, case_id: int, mentor_id: int, dedupe_key: str | None = None
    ) -> Outcome:
        """Offer the case to the mentor the teacher picked."""
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            case = await _case_for_teacher(session, actor, case_id)
            await _ensure_allowed(session, case, CaseAction.PICK_MENTOR)
            ranked = await self._rank(session, case)
            if mentor_id not in {item.user_id for item in ranked}:
                raise MentorUnavailable(number=case.number)
            await _move(
                session, case, CaseAction.PICK_MENTOR, actor.user_id, after={"mentor_id": mentor_id}
            )
            assignment = await _add_assignment(
                session, case, mentor_id, AssignmentStatus.OFFERED, moderator_id=None
            )
            return Outcome(
                case_id=case.id,
                notifications=(
                    Notification(
                        mentor_id, CardKind.MENTOR_OFFER, case.id, assignment_id=assignment.id
                    ),
                ),
            )

    async def accept(
        self, actor: Actor, assignment_id: int, dedupe_key: str | None = None
    ) -> Outcome:
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            assignment, case = await _assignment_for_mentor(session, actor, assignment_id)
            if assignment.status != AssignmentStatus.OFFERED:
                raise StaleAction(number=case.number, status=case.status.value)
            await _move(session, case, CaseAction.ACCEPT, actor.user_id)
            assignment.status = AssignmentStatus.ACCEPTED
            assignment.responded_at = utcnow()
            return Outcome(
                case_id=case.id,
                notifications=(
                    Notification(
                        actor.user_id, CardKind.MENTOR_CASE, case.id, assignment_id=assignment.id
                    ),
                    Notification(
                        case.teacher_id,
                        case_id=case.id,
                        message_id=N_("{mentor} accepted case {number}."),
                        fields={"mentor": await _mentor_name(session, actor.user_id),
                                "number": case.number},
                    ),
                ),
            )

    async def decline(
        self,
        actor: Actor,
        assignment_id: int,
        reason: str | None,
        dedupe_key: str | None = None,
    ) -> Outcome:
        """Decline an offer; the next round never offers the case to this mentor again."""
        reason = (reason or "").strip() or None
        if reason and (error := check_text("decline_reason", reason, DECLINE_REASON_LIMIT)):
            raise ValidationFailed([error])
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            assignment, case = await _assignment_for_mentor(session, actor, assignment_id)
            if assignment.status != AssignmentStatus.OFFERED:
                raise StaleAction(number=case.number, status=case.status.value)
            assignment.status = AssignmentStatus.DECLINED
            assignment.decline_reason = reason
            assignment.responded_at = utcnow()
            await session.flush()
            notifications = await self._start_mentor_round(
                session,
                case,
                CaseAction.DECLINE,
                actor.user_id,
                after={"mentor_id": actor.user_id, "reason": reason},
            )
            return Outcome(case_id=case.id, notifications=notifications)

    async def assignable_mentors(self, actor: Actor) -> list[tuple[int, str]]:
        """List every mentor a moderator may assign, by name."""
        _require(actor, Role.MODERATOR)
        async with self.db.transaction() as session:
            rows = await session.execute(
                select(MentorProfile, User).join(User, User.id == MentorProfile.user_id)
            )
            mentors = [(user.id, mentor_name(profile, user)) for profile, user in rows]
            return sorted(mentors, key=lambda item: item[1])

    async def moderator_assign(
        self, actor: Actor, case_id: int, mentor_id: int, dedupe_key: str | None = None
    ) -> Outcome:
        """Assign any mentor to a case nobody took; the assignment counts as accepted."""
        _require(actor, Role.MODERATOR)
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            case = await _get_case(session, case_id, lock=True)
            if await session.get(MentorProfile, mentor_id) is None:
                raise NotFound(what=f"mentor {mentor_id}")
            if mentor_id == case.teacher_id:
                # A teacher who is also a mentor never mentors their own case.
                raise MentorUnavailable(number=case.number)
            await _move(
                session,
                case,
                CaseAction.MODERATOR_ASSIGN,
                actor.user_id,
                after={"mentor_id": mentor_id},
            )
            assignment = await _add_assignment(
                session, case, mentor_id, AssignmentStatus.ACCEPTED, moderator_id=actor.user_id
            )
            return Outcome(
                case_id=case.id,
                notifications=(
                    Notification(
                        mentor_id, CardKind.MENTOR_CASE, case.id, assignment_id=assignment.id
                    ),
                    Notification(
                        case.teacher_id,
                        case_id=case.id,
                        message_id=N_("A moderator assigned {mentor} to case {number}."),
                        fields={"mentor": await _mentor_name(session, mentor_id),
                                "number": case.number},
                    ),
                ),
            )

    # -------------------------------------------------------------- clarifying

    async def suggested_questions(
        self, case_id: int, locale: str | None
    ) -> list[SuggestedQuestionView]:
        """Return the suggested questions, those fitting the case's rubrics and text first."""
        translate = translator_for(locale)
        async with self.db.transaction() as session:
            case = await _get_case(session, case_id)
            revision = case.revisions[-1]
            rows = list(await session.scalars(select(SuggestedQuestion)))
            by_key = {row.key: row for row in rows}
            templates = [
                QuestionTemplate(
                    key=row.key,
                    position=row.position,
                    rubrics=frozenset(row.rubrics or ()),
                    keywords=frozenset(
                        word
                        for words in (row.keywords or {}).values()
                        for word in words
                    ),
                )
                for row in rows
            ]
            case_words = set(tokens(" ".join(_revision_texts(revision))))
            ordered = order_questions(templates, revision.rubrics, case_words)
            return [
                SuggestedQuestionView(
                    key=template.key,
                    group_title=translate.pick(
                        by_key[template.key].group_title_ru, by_key[template.key].group_title_en
                    ),
                    kind=by_key[template.key].kind.value,
                    text=translate.pick(by_key[template.key].text_ru, by_key[template.key].text_en),
                    fit=fit,
                )
                for template, fit in ordered
            ]

    async def ask_questions(
        self,
        actor: Actor,
        case_id: int,
        suggested_keys: Sequence[str],
        custom_questions: Sequence[str],
        dedupe_key: str | None = None,
    ) -> Outcome:
        """Send the teacher the picked suggested questions and the mentor's own ones."""
        custom = [q.strip() for q in custom_questions if q and q.strip()]
        errors = [
            error
            for q in custom
            if (error := check_text("custom_question", q, CUSTOM_QUESTION_LIMIT)) is not None
        ]
        if not suggested_keys and not custom:
            errors.append(FieldError("questions", "choose_at_least_one", limit=1))
        if len(suggested_keys) + len(custom) > MAX_QUESTIONS_PER_ROUND:
            errors.append(
                FieldError(
                    "questions", "too_many", MAX_QUESTIONS_PER_ROUND,
                    len(suggested_keys) + len(custom),
                )
            )
        if errors:
            raise ValidationFailed(errors)
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            case, assignment = await _case_for_holder(session, actor, case_id)
            teacher_language = language_of(case.locale)
            texts: list[tuple[str | None, str]] = []
            for key in dict.fromkeys(suggested_keys):
                question = await session.get(SuggestedQuestion, key)
                if question is None:
                    raise ValidationFailed([FieldError("questions", "unknown_choice")])
                texts.append(
                    (key, question.text_en if teacher_language == "en" else question.text_ru)
                )
            texts.extend((None, q) for q in custom)
            await _move(
                session,
                case,
                CaseAction.ASK_QUESTIONS,
                actor.user_id,
                after={"questions": [q for _, q in texts]},
            )
            question_round = QuestionRound(
                case_id=case.id, assignment_id=assignment.id, revision=case.current_revision
            )
            question_round.questions = [
                CaseQuestion(position=i, suggested_key=key, text=q)
                for i, (key, q) in enumerate(texts, start=1)
            ]
            session.add(question_round)
            await session.flush()
            return Outcome(
                case_id=case.id,
                notifications=(
                    Notification(
                        case.teacher_id, CardKind.QUESTIONS, case.id, round_id=question_round.id
                    ),
                ),
            )

    async def answer_questions(
        self,
        actor: Actor,
        round_id: int,
        answers: Mapping[int, str],
        dedupe_key: str | None = None,
    ) -> Outcome:
        """Store the teacher's answers (every question needs one) and ask about redefining."""
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            question_round = await session.get(QuestionRound, round_id)
            if question_round is None:
                raise NotFound(what=f"question round {round_id}")
            case = await _case_for_teacher(session, actor, question_round.case_id)
            if question_round.answered_at is not None:
                raise StaleAction(number=case.number, status=case.status.value)
            errors = []
            for question in question_round.questions:
                answer = (answers.get(question.id) or "").strip()
                error = check_text(f"answer_{question.id}", answer, ANSWER_LIMIT)
                if error is not None:
                    errors.append(error)
            if errors:
                raise ValidationFailed(errors)
            await _move(
                session,
                case,
                CaseAction.ANSWER_QUESTIONS,
                actor.user_id,
                after={"answers": {q.id: answers[q.id].strip() for q in question_round.questions}},
            )
            for question in question_round.questions:
                question.answer = answers[question.id].strip()
            question_round.answered_at = utcnow()
            holder = await _holding_assignment(session, case.id)
            assert holder is not None
            return Outcome(
                case_id=case.id,
                notifications=(
                    Notification(
                        actor.user_id, CardKind.REDEFINE_CHOICE, case.id, round_id=round_id
                    ),
                    Notification(
                        holder.mentor_id,
                        case_id=case.id,
                        message_id=N_(
                            "The teacher answered your questions on case {number}."
                        ),
                        fields={"number": case.number},
                    ),
                ),
            )

    async def keep_version(
        self, actor: Actor, case_id: int, dedupe_key: str | None = None
    ) -> Outcome:
        """Record that the teacher keeps the current version after answering."""
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            case = await _case_for_teacher(session, actor, case_id)
            await _move(
                session,
                case,
                CaseAction.KEEP_VERSION,
                actor.user_id,
                after={"revision": case.current_revision},
            )
            await _decide_round(session, case.id, "keep")
            holder = await _holding_assignment(session, case.id)
            assert holder is not None
            return Outcome(
                case_id=case.id,
                notifications=(
                    Notification(
                        holder.mentor_id, CardKind.MENTOR_CASE, case.id, assignment_id=holder.id
                    ),
                ),
            )

    async def check_can_redefine(self, actor: Actor, case_id: int) -> None:
        """Raise unless the teacher may open the redefinition form now."""
        async with self.db.transaction() as session:
            case = await _case_for_teacher(session, actor, case_id)
            if case.current_revision >= REVISION_LIMIT:
                raise RevisionLimitReached(number=case.number, limit=REVISION_LIMIT)
            await _ensure_allowed(session, case, CaseAction.REDEFINE)

    # ---------------------------------------------------- solution, reflection

    async def write_solution(
        self,
        actor: Actor,
        case_id: int,
        solution_text: str,
        material_ids: Sequence[int] = (),
        dedupe_key: str | None = None,
    ) -> Outcome:
        solution_text = (solution_text or "").strip()
        if (error := check_text("solution", solution_text, SOLUTION_LIMIT)) is not None:
            raise ValidationFailed([error])
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            case, assignment = await _case_for_holder(session, actor, case_id)
            materials = []
            for entry_id in dict.fromkeys(material_ids):
                entry = await session.get(LibraryEntry, entry_id)
                if entry is None or entry.status != LibraryEntryStatus.PUBLISHED:
                    raise ValidationFailed([FieldError("materials", "unknown_choice")])
                materials.append(entry.id)
            await _move(
                session,
                case,
                CaseAction.WRITE_SOLUTION,
                actor.user_id,
                after={"solution": solution_text, "materials": materials},
            )
            session.add(
                Solution(
                    case_id=case.id,
                    assignment_id=assignment.id,
                    mentor_id=actor.user_id,
                    text=solution_text,
                    material_ids=materials,
                )
            )
            return Outcome(
                case_id=case.id,
                notifications=(Notification(case.teacher_id, CardKind.SOLUTION, case.id),),
            )

    async def request_second_opinion(
        self, actor: Actor, case_id: int, dedupe_key: str | None = None
    ) -> Outcome:
        """Ask for another mentor's opinion, once per case."""
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            case = await _case_for_teacher(session, actor, case_id)
            if case.opinion >= 2:
                raise SecondOpinionUsed(number=case.number)
            await _ensure_allowed(session, case, CaseAction.SECOND_OPINION)
            holder = await _holding_assignment(session, case.id)
            first_mentor = holder.mentor_id if holder else None
            await _close_holding_assignment(session, case.id)
            case.opinion = 2
            await session.flush()
            notifications = await self._start_mentor_round(
                session, case, CaseAction.SECOND_OPINION, actor.user_id
            )
            if first_mentor is not None:
                notifications += (
                    Notification(
                        first_mentor,
                        case_id=case.id,
                        message_id=N_("The teacher asked a second opinion on case {number}."),
                        fields={"number": case.number},
                    ),
                )
            return Outcome(case_id=case.id, notifications=notifications)

    async def complete(
        self, actor: Actor, case_id: int, raw: Mapping[str, Any], dedupe_key: str | None = None
    ) -> Outcome:
        """Complete the case with the reflection sheet; with consent, prepare a library draft."""
        reflection = _parse_reflection(raw)
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            case = await _case_for_teacher(session, actor, case_id)
            await _move(
                session, case, CaseAction.COMPLETE, actor.user_id, after=reflection, closes=True
            )
            session.add(Reflection(case_id=case.id, **reflection))
            mentors = {
                a.mentor_id
                for a in await session.scalars(
                    select(Assignment).where(
                        Assignment.case_id == case.id,
                        Assignment.status == AssignmentStatus.ACCEPTED,
                    )
                )
            }
            await _close_holding_assignment(session, case.id)
            publish = case.publish_consent
            number = case.number
        notifications = [
            Notification(
                mentor,
                case_id=case_id,
                message_id=N_("Case {number} is completed. Usefulness rating: {rating} of 5."),
                fields={"number": number, "rating": reflection["usefulness"]},
            )
            for mentor in sorted(mentors)
        ]
        entry_id = None
        if publish:
            try:
                entry_id = await self.prepare_library_draft(case_id)
            except Exception:
                # The case stays completed; the moderation queue prepares the
                # missing draft again when a moderator opens it.
                logger.exception("library draft failed case=%s", case_id)
                return Outcome(case_id=case_id, notifications=tuple(notifications))
            async with self.db.transaction() as session:
                notifications.extend(
                    Notification(m, CardKind.MODERATION, case_id, entry_id=entry_id)
                    for m in await _users_with_role(session, Role.MODERATOR)
                )
        return Outcome(case_id=case_id, entry_id=entry_id, notifications=tuple(notifications))

    async def withdraw(self, actor: Actor, case_id: int, dedupe_key: str | None = None) -> Outcome:
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            case = await _case_for_teacher(session, actor, case_id)
            holder = await _holding_assignment(session, case.id)
            await _move(session, case, CaseAction.WITHDRAW, actor.user_id, closes=True)
            await _close_holding_assignment(session, case.id)
            notifications: tuple[Notification, ...] = ()
            if holder is not None:
                notifications = (
                    Notification(
                        holder.mentor_id,
                        case_id=case.id,
                        message_id=N_("The teacher withdrew case {number}."),
                        fields={"number": case.number},
                    ),
                )
            return Outcome(case_id=case.id, notifications=notifications)

    # ------------------------------------------------------------ the library

    def _anonymizer_instance(self) -> Any:
        if self._anonymizer is None:
            from teams_app.anonymizer import Anonymizer

            self._anonymizer = Anonymizer()
        return self._anonymizer

    async def prepare_library_draft(self, case_id: int) -> int:
        """Build the anonymised draft of a completed case; repeated calls return the same draft."""
        async with self.db.transaction() as session:
            existing = await session.scalar(
                select(LibraryEntry.id).where(LibraryEntry.source_case_id == case_id)
            )
            if existing is not None:
                return existing
            case = await _get_case(session, case_id)
            teacher = await session.get(User, case.teacher_id)
            assert teacher is not None
            source = await _library_source(session, case)
            known_names = [n for n in (teacher.display_name,) if n]
        language = language_of(case.locale)
        anonymizer = self._anonymizer_instance()

        def anonymize_all() -> dict[str, Any]:
            return _map_texts(
                source,
                lambda value: anonymizer.anonymize(value, language, known_names).text,
            )

        body = await asyncio.to_thread(anonymize_all)
        async with self.db.transaction() as session:
            existing = await session.scalar(
                select(LibraryEntry.id).where(LibraryEntry.source_case_id == case_id)
            )
            if existing is not None:
                return existing
            entry = LibraryEntry(
                kind=LibraryEntryKind.SOLVED_CASE,
                status=LibraryEntryStatus.DRAFT,
                language=language,
                title=_draft_title(body["question"]),
                summary=body["question"],
                body=body,
                rubrics=list(source["rubrics"]),
                source_case_id=case_id,
            )
            session.add(entry)
            await session.flush()
            session.add(
                CaseEvent(case_id=case_id, actor_id=None, kind="library_draft_prepared",
                          after={"entry_id": entry.id})
            )
            logger.info("library draft prepared case=%s entry=%s", case_id, entry.id)
            return entry.id

    async def approve_publication(
        self,
        actor: Actor,
        entry_id: int,
        edits: Mapping[str, str],
        dedupe_key: str | None = None,
    ) -> Outcome:
        """Publish a draft, applying the moderator's edits to its title and texts."""
        _require(actor, Role.MODERATOR)
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            entry = await _lock_entry(session, entry_id)
            if entry.status != LibraryEntryStatus.DRAFT:
                raise StaleAction(number=_entry_label(entry), status=entry.status.value)
            before = {"title": entry.title, "body": entry.body}
            entry.title, entry.body = _apply_edits(entry, edits)
            entry.summary = entry.body.get("question", entry.summary)
            entry.status = LibraryEntryStatus.PUBLISHED
            entry.approved_by_id = actor.user_id
            entry.published_at = utcnow()
            await _replace_entry_rubrics(session, entry)
            await session.flush()
            await search.index_entry(session, entry)
            if entry.source_case_id is not None:
                session.add(
                    CaseEvent(
                        case_id=entry.source_case_id,
                        actor_id=actor.user_id,
                        kind="published",
                        before=before,
                        after={"title": entry.title, "body": entry.body},
                    )
                )
            return Outcome(case_id=entry.source_case_id, entry_id=entry.id)

    async def reject_publication(
        self, actor: Actor, entry_id: int, dedupe_key: str | None = None
    ) -> Outcome:
        _require(actor, Role.MODERATOR)
        async with self.db.transaction() as session:
            await _claim(session, dedupe_key)
            entry = await _lock_entry(session, entry_id)
            if entry.status != LibraryEntryStatus.DRAFT:
                raise StaleAction(number=_entry_label(entry), status=entry.status.value)
            entry.status = LibraryEntryStatus.UNPUBLISHED
            if entry.source_case_id is not None:
                session.add(
                    CaseEvent(case_id=entry.source_case_id, actor_id=actor.user_id,
                              kind="publication_rejected")
                )
            return Outcome(case_id=entry.source_case_id, entry_id=entry.id)

    async def library_entry(self, entry_id: int) -> LibraryEntryView:
        async with self.db.transaction() as session:
            entry = await session.get(LibraryEntry, entry_id)
            if entry is None:
                raise NotFound(what=f"library entry {entry_id}")
            number = None
            if entry.source_case_id is not None:
                number = await session.scalar(
                    select(Case.number).where(Case.id == entry.source_case_id)
                )
            return LibraryEntryView(
                id=entry.id,
                kind=entry.kind,
                status=entry.status,
                title=entry.title,
                summary=entry.summary,
                url=entry.url,
                language=entry.language,
                rubrics=tuple(entry.rubrics or ()),
                body=dict(entry.body or {}),
                source_case_number=number,
            )

    async def library_hits(self, case_id: int) -> list[LibraryHitView]:
        async with self.db.transaction() as session:
            rows = await session.execute(
                select(LibraryEntry, CaseLibraryHit.rank)
                .join(CaseLibraryHit, CaseLibraryHit.entry_id == LibraryEntry.id)
                .where(CaseLibraryHit.case_id == case_id)
                .order_by(CaseLibraryHit.rank)
            )
            return [
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
            ]

    async def search_library(
        self, query: str, rubrics: Sequence[str] = (), limit: int = 10
    ) -> list[LibraryHitView]:
        async with self.db.transaction() as session:
            hits = await search.search_library(session, query, rubrics, limit=limit)
            views = []
            for hit in hits:
                entry = await session.get(LibraryEntry, hit.entry_id)
                assert entry is not None
                views.append(
                    LibraryHitView(
                        entry.id, entry.kind, entry.title, entry.summary, entry.url,
                        tuple(entry.rubrics or ()), hit.score,
                    )
                )
            return views

    async def published_materials(self, rubrics: Sequence[str], limit: int = 20) -> list[LibraryHitView]:
        """Return published type 2 materials sharing a rubric, for attaching to a solution."""
        async with self.db.transaction() as session:
            hits = await search.search_library(
                session, "", rubrics, kinds=(LibraryEntryKind.MATERIAL,), limit=limit
            )
            views = []
            for hit in hits:
                entry = await session.get(LibraryEntry, hit.entry_id)
                assert entry is not None
                views.append(
                    LibraryHitView(
                        entry.id, entry.kind, entry.title, entry.summary, entry.url,
                        tuple(entry.rubrics or ()), hit.score,
                    )
                )
            return views

    # -------------------------------------------------------------- listings

    async def my_cases(self, actor: Actor) -> list[tuple[int, str, CaseStatus]]:
        """Return the teacher's cases, newest first, as (id, number, status)."""
        async with self.db.transaction() as session:
            rows = await session.execute(
                select(Case.id, Case.number, Case.status)
                .where(Case.teacher_id == actor.user_id)
                .order_by(Case.id.desc())
            )
            return [(row.id, row.number, row.status) for row in rows]

    async def mentor_requests(self, actor: Actor) -> list[tuple[int, int, str, AssignmentStatus]]:
        """Return the mentor's open offers and cases as (assignment id, case id, number, status)."""
        _require(actor, Role.MENTOR)
        async with self.db.transaction() as session:
            rows = await session.execute(
                select(Assignment.id, Case.id, Case.number, Assignment.status)
                .join(Case, Case.id == Assignment.case_id)
                .where(
                    Assignment.mentor_id == actor.user_id,
                    Assignment.status.in_(HOLDING_ASSIGNMENT_STATUSES),
                )
                .order_by(Assignment.id.desc())
            )
            return [tuple(row) for row in rows]  # type: ignore[misc]

    async def awaiting_moderation(self, actor: Actor) -> tuple[list[int], list[tuple[int, str]]]:
        """Return draft library entry ids and cases waiting for a mentor assignment.

        Completed cases with publish consent whose draft failed earlier get it now.
        """
        _require(actor, Role.MODERATOR)
        async with self.db.transaction() as session:
            missing = list(
                await session.scalars(
                    select(Case.id)
                    .outerjoin(LibraryEntry, LibraryEntry.source_case_id == Case.id)
                    .where(
                        Case.status == CaseStatus.COMPLETED,
                        Case.publish_consent.is_(True),
                        LibraryEntry.id.is_(None),
                    )
                )
            )
        for case_id in missing:
            await self.prepare_library_draft(case_id)
        async with self.db.transaction() as session:
            drafts = list(
                await session.scalars(
                    select(LibraryEntry.id)
                    .where(LibraryEntry.status == LibraryEntryStatus.DRAFT)
                    .order_by(LibraryEntry.id)
                )
            )
            stuck = await session.execute(
                select(Case.id, Case.number)
                .where(Case.status == CaseStatus.AWAITING_MODERATOR)
                .order_by(Case.id)
            )
            return drafts, [tuple(row) for row in stuck]  # type: ignore[misc]

    async def case_view(self, viewer: Actor, case_id: int) -> CaseView:
        """Load a case as the viewer may see it; mentors of anonymous cases get no teacher."""
        async with self.db.transaction() as session:
            return await load_case_view(session, viewer, case_id)

    async def case_history(self, actor: Actor, case_id: int) -> list[CaseEvent]:
        _require(actor, Role.MODERATOR)
        async with self.db.transaction() as session:
            return list(
                await session.scalars(
                    select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
                )
            )

    # ------------------------------------------------------------------ cards

    async def record_card(
        self,
        recipient_id: int,
        kind: CardKind,
        conversation_id: str,
        activity_id: str,
        *,
        case_id: int | None = None,
        entry_id: int | None = None,
        assignment_id: int | None = None,
        round_id: int | None = None,
    ) -> None:
        """Remember a sent card so later changes can update it in place."""
        async with self.db.transaction() as session:
            session.add(
                CardMessage(
                    case_id=case_id,
                    entry_id=entry_id,
                    recipient_id=recipient_id,
                    kind=kind,
                    assignment_id=assignment_id,
                    question_round_id=round_id,
                    conversation_id=conversation_id,
                    activity_id=activity_id,
                )
            )

    async def cards_to_refresh(
        self, case_id: int | None = None, entry_id: int | None = None
    ) -> list[CardRecord]:
        """Return every stored card about a case or a library entry."""
        async with self.db.transaction() as session:
            query = select(CardMessage, User).join(User, User.id == CardMessage.recipient_id)
            if case_id is not None:
                query = query.where(CardMessage.case_id == case_id)
            elif entry_id is not None:
                query = query.where(CardMessage.entry_id == entry_id)
            else:
                return []
            rows = list(await session.execute(query.order_by(CardMessage.id)))
            newest: dict[tuple[int, CardKind], int] = {}
            for card, _ in rows:
                newest[(card.recipient_id, card.kind)] = card.id
            return [
                CardRecord(
                    id=card.id,
                    recipient_id=card.recipient_id,
                    recipient_locale=user.effective_locale,
                    kind=card.kind,
                    case_id=card.case_id,
                    entry_id=card.entry_id,
                    assignment_id=card.assignment_id,
                    round_id=card.question_round_id,
                    conversation_id=card.conversation_id,
                    activity_id=card.activity_id,
                    latest=newest[(card.recipient_id, card.kind)] == card.id,
                )
                for card, user in rows
            ]

    async def find_card(self, conversation_id: str, activity_id: str) -> CardRecord | None:
        """Return the stored card behind a message id, if the bot recorded one."""
        async with self.db.transaction() as session:
            card = await session.scalar(
                select(CardMessage).where(
                    CardMessage.conversation_id == conversation_id,
                    CardMessage.activity_id == activity_id,
                )
            )
        if card is None:
            return None
        for record in await self.cards_to_refresh(card.case_id, card.entry_id):
            if record.id == card.id:
                return record
        return None

    async def moderators(self) -> list[int]:
        async with self.db.transaction() as session:
            return await _users_with_role(session, Role.MODERATOR)


# ---------------------------------------------------------------- helpers


def _require(actor: Actor, role: Role) -> None:
    if not actor.has(role):
        raise NotPermitted(role=role.value)


async def _claim(session: AsyncSession, dedupe_key: str | None) -> None:
    """Record an activity key; a second delivery of the same key raises ``AlreadyProcessed``."""
    if not dedupe_key:
        return
    existing = await session.get(ProcessedActivity, dedupe_key)
    if existing is not None:
        raise AlreadyProcessed()
    try:
        async with session.begin_nested():
            session.add(ProcessedActivity(key=dedupe_key))
            await session.flush()
    except IntegrityError as error:
        raise AlreadyProcessed() from error


async def _find_user(session: AsyncSession, identity: TeamsIdentity) -> User | None:
    if identity.aad_object_id:
        user = await session.scalar(
            select(User).where(
                User.tenant_id == (identity.tenant_id or ""),
                User.aad_object_id == identity.aad_object_id,
            )
        )
        if user is not None:
            return user
    return await session.scalar(select(User).where(User.teams_user_id == identity.teams_user_id))


async def _store_reference(
    session: AsyncSession, user_id: int, reference: Mapping[str, Any]
) -> None:
    conversation = reference.get("conversation") or {}
    values = {
        "conversation_id": str(conversation.get("id", "")),
        "service_url": str(reference.get("serviceUrl") or reference.get("service_url") or ""),
        "reference": dict(reference),
        "updated_at": utcnow(),
    }
    stored = await session.get(ConversationRef, user_id)
    if stored is None:
        session.add(ConversationRef(user_id=user_id, **values))
    else:
        for key, value in values.items():
            setattr(stored, key, value)


async def _roles_of(session: AsyncSession, user_id: int) -> frozenset[Role]:
    rows = await session.scalars(select(UserRole.role).where(UserRole.user_id == user_id))
    return frozenset(rows)


async def _users_with_role(session: AsyncSession, role: Role) -> list[int]:
    rows = await session.scalars(
        select(UserRole.user_id).where(UserRole.role == role).order_by(UserRole.user_id)
    )
    return list(rows)


async def grant_role(session: AsyncSession, user_id: int, role: Role) -> bool:
    """Grant a role; return False when the user already had it."""
    if await session.get(UserRole, (user_id, role)) is not None:
        return False
    session.add(UserRole(user_id=user_id, role=role))
    if role == Role.MENTOR and await session.get(MentorProfile, user_id) is None:
        user = await session.get(User, user_id)
        first, _, last = (user.display_name if user else "").partition(" ")
        session.add(MentorProfile(user_id=user_id, first_name=first, last_name=last))
    await session.flush()
    return True


async def _grant_demo_mentor(session: AsyncSession, user: User) -> None:
    granted = False
    for role in (Role.MENTOR, Role.MODERATOR):
        granted = await grant_role(session, user.id, role) or granted
    profile = await session.get(MentorProfile, user.id)
    assert profile is not None
    if granted and not profile.areas:
        # The demo mentor advises on every rubric, so every demo case finds them.
        for key in await _rubric_keys(session):
            profile.areas.append(MentorArea(user_id=user.id, rubric_key=key))
        profile.position = profile.position or "Demo mentor"
        profile.max_open_cases = 10


async def _mentor_profile(session: AsyncSession, user_id: int) -> MentorProfile:
    profile = await session.get(MentorProfile, user_id)
    if profile is None:
        raise NotFound(what=f"mentor profile {user_id}")
    return profile


async def _mentor_name(session: AsyncSession, user_id: int) -> str:
    user = await session.get(User, user_id)
    assert user is not None
    return mentor_name(await session.get(MentorProfile, user_id), user)


async def _rubric_keys(session: AsyncSession) -> set[str]:
    return set(await session.scalars(select(Rubric.key)))


async def _next_case_number(session: AsyncSession, year: int) -> str:
    """Hand out the next number of the year with one atomic upsert, safe across workers."""
    value = await session.scalar(
        text(
            "INSERT INTO case_number_counters (year, last_value) VALUES (:year, 1) "
            "ON CONFLICT (year) DO UPDATE SET last_value = case_number_counters.last_value + 1 "
            "RETURNING last_value"
        ),
        {"year": year},
    )
    return f"{year}-{int(value):04d}"


def _revision(case_id: int, number: int, form: CaseForm) -> CaseRevision:
    return CaseRevision(
        case_id=case_id,
        number=number,
        **form.texts(),
        participants=[p.value for p in form.participants],
        rubrics=list(form.rubrics),
    )


def _revision_texts(revision: CaseRevision) -> list[str]:
    return [revision.essence, revision.actions_taken, revision.why_difficult, revision.question]


def _revision_dict(revision: CaseRevision) -> dict[str, Any]:
    return {
        "revision": revision.number,
        "essence": revision.essence,
        "actions_taken": revision.actions_taken,
        "why_difficult": revision.why_difficult,
        "question": revision.question,
        "participants": list(revision.participants),
        "rubrics": list(revision.rubrics),
    }


async def _get_case(session: AsyncSession, case_id: int, *, lock: bool = False) -> Case:
    case = await session.get(Case, case_id, populate_existing=True, with_for_update=lock)
    if case is None:
        raise NotFound(what=f"case {case_id}")
    return case


async def _case_for_teacher(session: AsyncSession, actor: Actor, case_id: int) -> Case:
    case = await _get_case(session, case_id, lock=True)
    if case.teacher_id != actor.user_id:
        raise NotPermitted(role=Role.TEACHER.value)
    return case


async def _case_for_holder(
    session: AsyncSession, actor: Actor, case_id: int
) -> tuple[Case, Assignment]:
    case = await _get_case(session, case_id, lock=True)
    holder = await _holding_assignment(session, case.id)
    if holder is None or holder.mentor_id != actor.user_id:
        # A mentor who once held the case (before a second opinion, say) is
        # clicking an old card: that is stale, not a missing permission.
        if (
            case.status in TERMINAL_STATUSES
            or not actor.has(Role.MENTOR)
            or await _was_assigned(session, case.id, actor.user_id)
        ):
            raise StaleAction(number=case.number, status=case.status.value)
        raise NotPermitted(role=Role.MENTOR.value)
    if holder.status != AssignmentStatus.ACCEPTED:
        raise StaleAction(number=case.number, status=case.status.value)
    return case, holder


async def _was_assigned(session: AsyncSession, case_id: int, mentor_id: int) -> bool:
    assignment_id = await session.scalar(
        select(Assignment.id)
        .where(Assignment.case_id == case_id, Assignment.mentor_id == mentor_id)
        .limit(1)
    )
    return assignment_id is not None


async def _assignment_for_mentor(
    session: AsyncSession, actor: Actor, assignment_id: int
) -> tuple[Assignment, Case]:
    assignment = await session.get(Assignment, assignment_id, populate_existing=True)
    if assignment is None:
        raise NotFound(what=f"assignment {assignment_id}")
    if assignment.mentor_id != actor.user_id:
        raise NotPermitted(role=Role.MENTOR.value)
    case = await _get_case(session, assignment.case_id, lock=True)
    return assignment, case


async def _holding_assignment(session: AsyncSession, case_id: int) -> Assignment | None:
    return await session.scalar(
        select(Assignment).where(
            Assignment.case_id == case_id,
            Assignment.status.in_(HOLDING_ASSIGNMENT_STATUSES),
        )
    )


async def _close_holding_assignment(session: AsyncSession, case_id: int) -> None:
    await session.execute(
        update(Assignment)
        .where(
            Assignment.case_id == case_id,
            Assignment.status.in_(HOLDING_ASSIGNMENT_STATUSES),
        )
        .values(status=AssignmentStatus.CLOSED)
        .execution_options(synchronize_session="fetch")
    )


async def _add_assignment(
    session: AsyncSession,
    case: Case,
    mentor_id: int,
    status: AssignmentStatus,
    *,
    moderator_id: int | None,
) -> Assignment:
    rounds = await session.scalar(
        select(func.count()).select_from(Assignment).where(
            Assignment.case_id == case.id, Assignment.opinion == case.opinion
        )
    )
    assignment = Assignment(
        case_id=case.id,
        mentor_id=mentor_id,
        opinion=case.opinion,
        round=int(rounds or 0) + 1,
        status=status,
        assigned_by_moderator_id=moderator_id,
        responded_at=utcnow() if status == AssignmentStatus.ACCEPTED else None,
    )
    try:
        async with session.begin_nested():
            session.add(assignment)
            await session.flush()
    except IntegrityError as error:
        # The partial unique index refused a second holder of the case.
        raise CaseAlreadyHeld(number=case.number) from error
    return assignment


async def _excluded_mentors(session: AsyncSession, case: Case) -> set[int]:
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


async def _open_case_count(session: AsyncSession, mentor_id: int) -> int:
    value = await session.scalar(
        select(func.count())
        .select_from(Assignment)
        .where(Assignment.mentor_id == mentor_id, Assignment.status.in_(HOLDING_ASSIGNMENT_STATUSES))
    )
    return int(value or 0)


async def _mentor_stats(session: AsyncSession) -> list[MentorStats]:
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
                open_cases=await _open_case_count(session, profile.user_id),
                away_until=profile.away_until,
                median_response_hours=statistics.median(hours) if hours else None,
            )
        )
    return stats


async def _ensure_allowed(session: AsyncSession, case: Case, action: CaseAction) -> None:
    if not is_allowed(case.status, action):
        raise StaleAction(number=case.number, status=case.status.value)


async def _move(
    session: AsyncSession,
    case: Case,
    action: CaseAction,
    actor_id: int | None,
    *,
    target: CaseStatus | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
    closes: bool = False,
) -> None:
    """Apply a transition to the version of the case read in this transaction.

    The UPDATE matches the version it read, so of two concurrent moves on the
    same case the second one changes no row and fails as a stale action.
    """
    try:
        new_status = check_transition(case.status, action, target)
    except TransitionNotAllowed as error:
        raise StaleAction(number=case.number, status=case.status.value) from error
    now = utcnow()
    values: dict[str, Any] = {
        "status": new_status,
        "version": case.version + 1,
        "updated_at": now,
        **(changes or {}),
    }
    if closes:
        values["closed_at"] = now
    result = await session.execute(
        update(Case)
        .where(Case.id == case.id, Case.version == case.version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleAction(number=case.number, status=case.status.value)
    old_status = case.status
    for key, value in values.items():
        setattr(case, key, value)
    session.add(
        CaseEvent(
            case_id=case.id,
            actor_id=actor_id,
            kind=action.value,
            before={"status": old_status.value, **(before or {})},
            after={"status": new_status.value, **(after or {})},
            created_at=now,
        )
    )
    logger.info(
        "case moved id=%s action=%s from=%s to=%s", case.id, action.value, old_status, new_status
    )


async def _decide_round(session: AsyncSession, case_id: int, decision: str) -> None:
    question_round = await session.scalar(
        select(QuestionRound)
        .where(QuestionRound.case_id == case_id, QuestionRound.decision.is_(None),
               QuestionRound.answered_at.is_not(None))
        .order_by(QuestionRound.id.desc())
    )
    if question_round is not None:
        question_round.decision = decision


def _parse_reflection(raw: Mapping[str, Any]) -> dict[str, Any]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for name, required in (("will_do", True), ("what_changed", True), ("comment", False)):
        value = str(raw.get(name) or "").strip()
        error = check_text(name, value, REFLECTION_TEXT_LIMIT, required=required)
        if error is not None:
            errors.append(error)
        values[name] = value
    rating_text = str(raw.get("usefulness") or "").strip()
    if not rating_text:
        errors.append(FieldError("usefulness", "required"))
    elif not rating_text.isdigit() or not 1 <= int(rating_text) <= 5:
        errors.append(FieldError("usefulness", "out_of_range", limit=5))
    else:
        values["usefulness"] = int(rating_text)
    if errors:
        raise ValidationFailed(errors)
    return values


async def _library_source(session: AsyncSession, case: Case) -> dict[str, Any]:
    """Collect what a published case shows: final revision, clarifications, solutions."""
    revision = case.revisions[-1]
    rounds = await session.scalars(
        select(QuestionRound).where(QuestionRound.case_id == case.id).order_by(QuestionRound.id)
    )
    clarifications = [
        {"question": q.text, "answer": q.answer or ""}
        for question_round in rounds
        for q in question_round.questions
        if q.answer
    ]
    solutions = []
    for solution in await session.scalars(
        select(Solution).where(Solution.case_id == case.id).order_by(Solution.id)
    ):
        solutions.append({"text": solution.text, "materials": list(solution.material_ids or [])})
    return {
        "essence": revision.essence,
        "actions_taken": revision.actions_taken,
        "why_difficult": revision.why_difficult,
        "question": revision.question,
        "participants": list(revision.participants),
        "rubrics": list(revision.rubrics),
        "urgency": case.urgency.value,
        "clarifications": clarifications,
        "solutions": solutions,
    }


_ANONYMISED_TEXT_KEYS = ("essence", "actions_taken", "why_difficult", "question")


def _map_texts(source: Mapping[str, Any], transform: Any) -> dict[str, Any]:
    body = dict(source)
    for key in _ANONYMISED_TEXT_KEYS:
        body[key] = transform(source[key])
    body["clarifications"] = [
        {"question": transform(item["question"]), "answer": transform(item["answer"])}
        for item in source["clarifications"]
    ]
    body["solutions"] = [
        {"text": transform(item["text"]), "materials": item["materials"]}
        for item in source["solutions"]
    ]
    return body


def _draft_title(question: str, limit: int = 120) -> str:
    title = " ".join(question.split())
    if len(title) <= limit:
        return title
    return title[: limit - 1].rsplit(" ", 1)[0] + "…"


EDITABLE_ENTRY_FIELDS = ("title", *_ANONYMISED_TEXT_KEYS)
ENTRY_TEXT_LIMITS = {"title": 200, "essence": 1000, "actions_taken": 1000,
                     "why_difficult": 1000, "question": 500}


def _apply_edits(entry: LibraryEntry, edits: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """Validate the moderator's edits of a draft and return the new title and body."""
    body = dict(entry.body or {})
    title = entry.title
    errors: list[FieldError] = []
    for key, raw in edits.items():
        value = unicodedata.normalize("NFC", str(raw)).strip()
        if key.startswith("solution_"):
            index = key.removeprefix("solution_")
            solutions = [dict(s) for s in body.get("solutions", [])]
            if not index.isdigit() or int(index) >= len(solutions):
                continue
            if (error := check_text(key, value, SOLUTION_LIMIT)) is not None:
                errors.append(error)
            solutions[int(index)]["text"] = value
            body["solutions"] = solutions
            continue
        if key not in EDITABLE_ENTRY_FIELDS:
            continue
        limit = ENTRY_TEXT_LIMITS[key]
        if (error := check_text(key, value, limit)) is not None:
            errors.append(error)
        if key == "title":
            title = value
        else:
            body[key] = value
    if errors:
        raise ValidationFailed(errors)
    return title, body


async def _replace_entry_rubrics(session: AsyncSession, entry: LibraryEntry) -> None:
    await session.execute(
        LibraryEntryRubric.__table__.delete().where(LibraryEntryRubric.entry_id == entry.id)
    )
    for key in dict.fromkeys(entry.rubrics or ()):
        session.add(LibraryEntryRubric(entry_id=entry.id, rubric_key=key))


async def _lock_entry(session: AsyncSession, entry_id: int) -> LibraryEntry:
    entry = await session.get(
        LibraryEntry, entry_id, populate_existing=True, with_for_update=True
    )
    if entry is None:
        raise NotFound(what=f"library entry {entry_id}")
    return entry


def _entry_label(entry: LibraryEntry) -> str:
    return f"#{entry.id}"

