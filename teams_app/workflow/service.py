"""Workflow operations on cases: every state change of the product goes through here.

Each operation runs in one database transaction. It first records the key of
the activity behind it, so a retried delivery fails with ``AlreadyProcessed``
and changes nothing. It moves the case with ``move_case``, which applies only to
the version of the case it read, and writes a history event. It returns an
``Outcome`` naming whom to notify once the transaction has committed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import (
    HOLDING_ASSIGNMENT_STATUSES,
    AssignmentStatus,
    CardKind,
    CaseStatus,
    LibraryEntryKind,
    LibraryEntryStatus,
    Role,
)
from teams_app.domain.errors import (
    FieldError,
    MentorUnavailable,
    NotFound,
    RevisionLimitReached,
    SecondOpinionUsed,
    StaleAction,
    ValidationFailed,
)
from teams_app.domain.intake import CaseForm, check_text, parse_case_form
from teams_app.domain.questions import QuestionTemplate, order_questions
from teams_app.domain.ranking import RankedMentor, rank_mentors
from teams_app.domain.state_machine import (
    CaseAction,
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
    ConversationRef,
    LibraryEntry,
    MentorProfile,
    QuestionRound,
    Reflection,
    Rubric,
    Solution,
    SuggestedQuestion,
    User,
    UserRole,
    utcnow,
)
from teams_app.workflow.drafts import (
    apply_edits,
    draft_title,
    entry_label,
    library_source,
    lock_entry,
    map_texts,
    replace_entry_rubrics,
)
from teams_app.workflow.limits import (
    ANSWER_LIMIT,
    CUSTOM_QUESTION_LIMIT,
    DECLINE_REASON_LIMIT,
    MAX_QUESTIONS_PER_ROUND,
    REVISION_LIMIT,
    SOLUTION_LIMIT,
)
from teams_app.workflow.matching import (
    excluded_mentors,
    mentor_stats,
    open_case_count,
)
from teams_app.workflow.people import (
    find_user,
    grant_demo_mentor,
    mentor_name_of,
    mentor_profile_of,
    require_role,
    roles_of,
    rubric_keys,
    store_reference,
    users_with_role,
)
from teams_app.workflow.queries import load_case_view, mentor_name
from teams_app.workflow.records import (
    add_assignment,
    assignment_for_mentor,
    case_for_holder,
    case_for_teacher,
    claim_activity,
    close_holding_assignment,
    decide_round,
    ensure_allowed,
    get_case,
    holding_assignment,
    move_case,
    next_case_number,
    parse_reflection,
    revision_dict,
    revision_row,
    revision_texts,
)
from teams_app.workflow import outbox
from teams_app.workflow.views import (
    Actor,
    CandidateView,
    CardRecord,
    CaseView,
    Delivery,
    LibraryEntryView,
    LibraryHitView,
    Notification,
    Outcome,
    RubricView,
    SuggestedQuestionView,
    TeamsIdentity,
)

logger = logging.getLogger(__name__)



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
            user = await find_user(session, identity)
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
                await grant_demo_mentor(session, user)
            if reference is not None:
                await store_reference(session, user.id, reference)
            await session.flush()
            roles = await roles_of(session, user.id)
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
                user.id, user.display_name, user.effective_locale, await roles_of(session, user.id)
            )

    async def conversation_reference(self, user_id: int) -> dict[str, Any] | None:
        async with self.db.transaction() as session:
            ref = await session.get(ConversationRef, user_id)
            return dict(ref.reference) if ref else None

    async def forget_conversation(self, user_id: int) -> None:
        """Drop a user's conversation reference because Teams reported the bot blocked.

        The user is unreachable, and so never a mentor candidate, until they
        write to the bot again.
        """
        async with self.db.transaction() as session:
            reference = await session.get(ConversationRef, user_id)
            if reference is not None:
                await session.delete(reference)
                logger.warning("conversation reference dropped user=%s", user_id)

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
            roles = await roles_of(session, user.id)
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
        require_role(actor, Role.MENTOR)
        if max_open_cases is not None and not 1 <= max_open_cases <= 20:
            raise ValidationFailed([FieldError("max_open_cases", "out_of_range", limit=20)])
        async with self.db.transaction() as session:
            profile = await mentor_profile_of(session, actor.user_id)
            profile.away_until = away_until
            if max_open_cases is not None:
                profile.max_open_cases = max_open_cases

    async def availability(self, actor: Actor) -> tuple[dt.date | None, int]:
        """Return a mentor's away date and open-case limit, for the availability form."""
        require_role(actor, Role.MENTOR)
        async with self.db.transaction() as session:
            profile = await mentor_profile_of(session, actor.user_id)
            return profile.away_until, profile.max_open_cases

    # ---------------------------------------------------------------- intake

    async def submit_case(
        self, actor: Actor, raw: Mapping[str, Any], dedupe_key: str | None = None
    ) -> Outcome:
        """Validate an intake form, create the case with its number, and find library hits."""
        require_role(actor, Role.TEACHER)
        async with self.db.transaction() as session:
            await claim_activity(session, dedupe_key)
            form = parse_case_form(raw, await rubric_keys(session))
            now = utcnow()
            number = await next_case_number(session, now.year)
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
            session.add(revision_row(case.id, 1, form))
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
            await claim_activity(session, dedupe_key)
            case = await case_for_teacher(session, actor, case_id)
            if case.current_revision >= REVISION_LIMIT:
                raise RevisionLimitReached(number=case.number, limit=REVISION_LIMIT)
            await ensure_allowed(session, case, CaseAction.REDEFINE)
            form = parse_case_form(raw, await rubric_keys(session))
            previous = case.revisions[-1]
            number = case.current_revision + 1
            session.add(revision_row(case.id, number, form))
            await move_case(
                session,
                case,
                CaseAction.REDEFINE,
                actor.user_id,
                before=revision_dict(previous),
                after={**form.as_dict(), "revision": number},
                changes={"current_revision": number},
            )
            await decide_round(session, case.id, "redefine")
            holder = await holding_assignment(session, case.id)
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
            await claim_activity(session, dedupe_key)
            case = await case_for_teacher(session, actor, case_id)
            await move_case(session, case, CaseAction.CLOSE_BY_LIBRARY, actor.user_id, closes=True)
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
            await claim_activity(session, dedupe_key)
            case = await case_for_teacher(session, actor, case_id)
            notifications = await self._start_mentor_round(
                session, case, CaseAction.FIND_MENTOR, actor.user_id
            )
            return Outcome(case_id=case.id, notifications=notifications)

    # ------------------------------------------------------- choosing a mentor

    async def candidates(self, case_id: int, locale: str | None) -> list[CandidateView]:
        """Return the mentors currently offered for a case, best first."""
        translate = translator_for(locale)
        async with self.db.transaction() as session:
            case = await get_case(session, case_id)
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
                        open_cases=await open_case_count(session, item.user_id),
                        max_open_cases=profile.max_open_cases,
                        score=item.score,
                    )
                )
            return views

    async def _rank(self, session: AsyncSession, case: Case) -> list[RankedMentor]:
        revision = case.revisions[-1]
        excluded = await excluded_mentors(session, case)
        return rank_mentors(
            await mentor_stats(session),
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
            await move_case(
                session, case, action, actor_id, target=CaseStatus.CHOOSING_MENTOR, after=after
            )
            return (Notification(case.teacher_id, CardKind.CANDIDATES, case.id),)
        await move_case(
            session, case, action, actor_id, target=CaseStatus.AWAITING_MODERATOR, after=after
        )
        moderators = await users_with_role(session, Role.MODERATOR)
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
            await claim_activity(session, dedupe_key)
            case = await case_for_teacher(session, actor, case_id)
            await ensure_allowed(session, case, CaseAction.PICK_MENTOR)
            ranked = await self._rank(session, case)
            if mentor_id not in {item.user_id for item in ranked}:
                raise MentorUnavailable(number=case.number)
            await move_case(
                session, case, CaseAction.PICK_MENTOR, actor.user_id, after={"mentor_id": mentor_id}
            )
            assignment = await add_assignment(
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
            await claim_activity(session, dedupe_key)
            assignment, case = await assignment_for_mentor(session, actor, assignment_id)
            if assignment.status != AssignmentStatus.OFFERED:
                raise StaleAction(number=case.number, status=case.status.value)
            await move_case(session, case, CaseAction.ACCEPT, actor.user_id)
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
                        fields={"mentor": await mentor_name_of(session, actor.user_id),
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
            await claim_activity(session, dedupe_key)
            assignment, case = await assignment_for_mentor(session, actor, assignment_id)
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

    async def release_undelivered_offer(self, assignment_id: int) -> Outcome:
        """Decline, for the mentor, an offer their chat could not receive, and start the next round.

        Does nothing when the mentor already answered the offer.
        """
        async with self.db.transaction() as session:
            assignment = await session.get(Assignment, assignment_id, populate_existing=True)
            if assignment is None or assignment.status != AssignmentStatus.OFFERED:
                return Outcome()
            case = await get_case(session, assignment.case_id, lock=True)
            assignment.status = AssignmentStatus.DECLINED
            assignment.responded_at = utcnow()
            await session.flush()
            mentor = await mentor_name_of(session, assignment.mentor_id)
            notifications = await self._start_mentor_round(
                session,
                case,
                CaseAction.DECLINE,
                None,
                after={"mentor_id": assignment.mentor_id, "reason": "offer not delivered"},
            )
            logger.warning(
                "offer released: not delivered case=%s assignment=%s", case.id, assignment_id
            )
            return Outcome(
                case_id=case.id,
                notifications=(
                    Notification(
                        case.teacher_id,
                        case_id=case.id,
                        message_id=N_(
                            "{mentor} cannot be reached in Teams right now, "
                            "so case {number} goes to the next round."
                        ),
                        fields={"mentor": mentor, "number": case.number},
                    ),
                    *notifications,
                ),
            )

    async def assignable_mentors(self, actor: Actor) -> list[tuple[int, str]]:
        """List every mentor a moderator may assign, by name."""
        require_role(actor, Role.MODERATOR)
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
        require_role(actor, Role.MODERATOR)
        async with self.db.transaction() as session:
            await claim_activity(session, dedupe_key)
            case = await get_case(session, case_id, lock=True)
            if await session.get(MentorProfile, mentor_id) is None:
                raise NotFound(what=f"mentor {mentor_id}")
            if mentor_id == case.teacher_id:
                # A teacher who is also a mentor never mentors their own case.
                raise MentorUnavailable(number=case.number)
            await move_case(
                session,
                case,
                CaseAction.MODERATOR_ASSIGN,
                actor.user_id,
                after={"mentor_id": mentor_id},
            )
            assignment = await add_assignment(
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
                        fields={"mentor": await mentor_name_of(session, mentor_id),
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
            case = await get_case(session, case_id)
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
            case_words = set(tokens(" ".join(revision_texts(revision))))
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
            await claim_activity(session, dedupe_key)
            case, assignment = await case_for_holder(session, actor, case_id)
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
            await move_case(
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
            await claim_activity(session, dedupe_key)
            question_round = await session.get(QuestionRound, round_id)
            if question_round is None:
                raise NotFound(what=f"question round {round_id}")
            case = await case_for_teacher(session, actor, question_round.case_id)
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
            await move_case(
                session,
                case,
                CaseAction.ANSWER_QUESTIONS,
                actor.user_id,
                after={"answers": {q.id: answers[q.id].strip() for q in question_round.questions}},
            )
            for question in question_round.questions:
                question.answer = answers[question.id].strip()
            question_round.answered_at = utcnow()
            holder = await holding_assignment(session, case.id)
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
            await claim_activity(session, dedupe_key)
            case = await case_for_teacher(session, actor, case_id)
            await move_case(
                session,
                case,
                CaseAction.KEEP_VERSION,
                actor.user_id,
                after={"revision": case.current_revision},
            )
            await decide_round(session, case.id, "keep")
            holder = await holding_assignment(session, case.id)
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
            case = await case_for_teacher(session, actor, case_id)
            if case.current_revision >= REVISION_LIMIT:
                raise RevisionLimitReached(number=case.number, limit=REVISION_LIMIT)
            await ensure_allowed(session, case, CaseAction.REDEFINE)

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
            await claim_activity(session, dedupe_key)
            case, assignment = await case_for_holder(session, actor, case_id)
            materials = []
            for entry_id in dict.fromkeys(material_ids):
                entry = await session.get(LibraryEntry, entry_id)
                if entry is None or entry.status != LibraryEntryStatus.PUBLISHED:
                    raise ValidationFailed([FieldError("materials", "unknown_choice")])
                materials.append(entry.id)
            await move_case(
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
            await claim_activity(session, dedupe_key)
            case = await case_for_teacher(session, actor, case_id)
            if case.opinion >= 2:
                raise SecondOpinionUsed(number=case.number)
            await ensure_allowed(session, case, CaseAction.SECOND_OPINION)
            holder = await holding_assignment(session, case.id)
            first_mentor = holder.mentor_id if holder else None
            await close_holding_assignment(session, case.id)
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
        reflection = parse_reflection(raw)
        async with self.db.transaction() as session:
            await claim_activity(session, dedupe_key)
            case = await case_for_teacher(session, actor, case_id)
            await move_case(
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
            await close_holding_assignment(session, case.id)
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
                    for m in await users_with_role(session, Role.MODERATOR)
                )
        return Outcome(case_id=case_id, entry_id=entry_id, notifications=tuple(notifications))

    async def withdraw(self, actor: Actor, case_id: int, dedupe_key: str | None = None) -> Outcome:
        async with self.db.transaction() as session:
            await claim_activity(session, dedupe_key)
            case = await case_for_teacher(session, actor, case_id)
            holder = await holding_assignment(session, case.id)
            await move_case(session, case, CaseAction.WITHDRAW, actor.user_id, closes=True)
            await close_holding_assignment(session, case.id)
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
            case = await get_case(session, case_id)
            teacher = await session.get(User, case.teacher_id)
            assert teacher is not None
            source = await library_source(session, case)
            known_names = [n for n in (teacher.display_name,) if n]
        language = language_of(case.locale)
        anonymizer = self._anonymizer_instance()

        def anonymize_all() -> dict[str, Any]:
            return map_texts(
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
                title=draft_title(body["question"]),
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
        require_role(actor, Role.MODERATOR)
        async with self.db.transaction() as session:
            await claim_activity(session, dedupe_key)
            entry = await lock_entry(session, entry_id)
            if entry.status != LibraryEntryStatus.DRAFT:
                raise StaleAction(number=entry_label(entry), status=entry.status.value)
            before = {"title": entry.title, "body": entry.body}
            entry.title, entry.body = apply_edits(entry, edits)
            entry.summary = entry.body.get("question", entry.summary)
            entry.status = LibraryEntryStatus.PUBLISHED
            entry.approved_by_id = actor.user_id
            entry.published_at = utcnow()
            await replace_entry_rubrics(session, entry)
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
        require_role(actor, Role.MODERATOR)
        async with self.db.transaction() as session:
            await claim_activity(session, dedupe_key)
            entry = await lock_entry(session, entry_id)
            if entry.status != LibraryEntryStatus.DRAFT:
                raise StaleAction(number=entry_label(entry), status=entry.status.value)
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
                material_type=entry.material_type,
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

    async def search_library_page(
        self, query: str, *, offset: int = 0, limit: int = 25
    ) -> list[LibraryEntryView]:
        """Return one page of published entries: best match first, or newest first for no words.

        One SQL statement finds and loads the page. The views leave
        ``source_case_number`` empty.
        """
        async with self.db.transaction() as session:
            entries = await search.published_page(session, query, offset=offset, limit=limit)
            return [
                LibraryEntryView(
                    id=entry.id,
                    kind=entry.kind,
                    status=entry.status,
                    title=entry.title,
                    summary=entry.summary,
                    url=entry.url,
                    language=entry.language,
                    rubrics=tuple(entry.rubrics or ()),
                    body=dict(entry.body or {}),
                    source_case_number=None,
                    material_type=entry.material_type,
                )
                for entry in entries
            ]

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
        require_role(actor, Role.MENTOR)
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
        require_role(actor, Role.MODERATOR)
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
        require_role(actor, Role.MODERATOR)
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

    # ------------------------------------------------------------- deliveries

    async def enqueue_delivery(
        self, outcome: Outcome, also_refresh: Sequence[CardRecord] = ()
    ) -> int:
        """Store ``outcome`` in the delivery outbox, unclaimed, and return the row id."""
        async with self.db.transaction() as session:
            return await outbox.add_delivery(
                session, outcome, tuple(record.id for record in also_refresh)
            )

    async def claim_delivery(self, delivery_id: int) -> Delivery | None:
        """Lease an outbox row for ``settings.delivery_lease`` seconds and return its content.

        Return None when the row is done, leased by another worker, or was
        claimed ``outbox.MAX_DELIVERY_ATTEMPTS`` times already.
        """
        async with self.db.transaction() as session:
            row = await outbox.claim(session, delivery_id, self.settings.delivery_lease)
            if row is None:
                return None
            outcome, card_ids = outbox.deserialise(row)
            attempts = row.attempts
            cards = list(
                await session.scalars(select(CardMessage).where(CardMessage.id.in_(card_ids)))
            )
        records: list[CardRecord] = []
        for card in cards:
            records.extend(
                record
                for record in await self.cards_to_refresh(card.case_id, card.entry_id)
                if record.id == card.id
            )
        return Delivery(delivery_id, outcome, tuple(records), attempts)

    async def complete_delivery(self, delivery_id: int) -> None:
        """Mark an outbox row delivered, so that no worker claims it again."""
        async with self.db.transaction() as session:
            await outbox.mark_done(session, delivery_id)

    async def due_deliveries(self, min_age: float, limit: int = 50) -> list[int]:
        """Return the ids of outbox rows to deliver again, oldest first.

        These are rows whose lease ran out and rows never claimed that are at
        least ``min_age`` seconds old.
        """
        async with self.db.transaction() as session:
            return await outbox.due_ids(session, min_age, limit)

    async def moderators(self) -> list[int]:
        async with self.db.transaction() as session:
            return await users_with_role(session, Role.MODERATOR)
