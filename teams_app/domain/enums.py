"""Enumerations shared by the domain, storage, cards and the bot.

Values are stored in the database and travel in card payloads, so they never
change once released.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    TEACHER = "teacher"
    MENTOR = "mentor"
    MODERATOR = "moderator"
    ADMIN = "admin"


class Privacy(enum.StrEnum):
    PERSONAL = "personal"
    ANONYMOUS = "anonymous"


class Urgency(enum.StrEnum):
    URGENT = "urgent"
    NEED_ADVICE = "need_advice"
    EXPERT_OPINION = "expert_opinion"


class Participant(enum.StrEnum):
    PARENTS = "parents"
    FELLOW_TEACHERS = "fellow_teachers"
    SCHOOL_ADMINISTRATION = "school_administration"
    EDUCATION_DEPARTMENT = "education_department"
    OTHER_AGENCIES = "other_agencies"
    NGOS = "ngos"
    PRESCHOOL_CHILDREN = "preschool_children"
    FORM_1 = "form_1"
    FORM_2 = "form_2"
    FORM_3 = "form_3"
    FORM_4 = "form_4"
    FORM_5 = "form_5"
    FORM_6 = "form_6"
    FORM_7 = "form_7"
    FORM_8 = "form_8"
    FORM_9 = "form_9"
    FORM_10 = "form_10"
    FORM_11 = "form_11"


class CaseStatus(enum.StrEnum):
    """Status of a case in the workflow; ``state_machine`` lists the allowed moves."""

    # Submitted; the first automatic answer from the library was shown.
    NEW = "new"
    # The teacher is choosing a mentor from ranked candidates.
    CHOOSING_MENTOR = "choosing_mentor"
    # A mentor was offered the case and has not answered yet.
    AWAITING_MENTOR = "awaiting_mentor"
    # No candidate is left; a moderator must assign a mentor.
    AWAITING_MODERATOR = "awaiting_moderator"
    # A mentor is assigned to the case: clarifying or writing a solution.
    IN_PROGRESS = "in_progress"
    # The mentor asked questions; the teacher has not answered yet.
    AWAITING_ANSWERS = "awaiting_answers"
    # The teacher answered and decides whether to redefine the case.
    AWAITING_DECISION = "awaiting_decision"
    # At least one possible solution was offered.
    SOLUTION_OFFERED = "solution_offered"
    COMPLETED = "completed"
    ANSWERED_BY_LIBRARY = "answered_by_library"
    WITHDRAWN = "withdrawn"


TERMINAL_STATUSES = frozenset(
    {CaseStatus.COMPLETED, CaseStatus.ANSWERED_BY_LIBRARY, CaseStatus.WITHDRAWN}
)


class AssignmentStatus(enum.StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    # The case ended or moved on while the offer or assignment was open.
    CLOSED = "closed"


# An assignment in one of these states ties the case to its mentor: at most one per case.
HOLDING_ASSIGNMENT_STATUSES = (AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED)


class QuestionKind(enum.StrEnum):
    CLARIFYING = "clarifying"
    DEVELOPING = "developing"


class LibraryEntryKind(enum.StrEnum):
    SOLVED_CASE = "solved_case"  # type 1
    MATERIAL = "material"  # type 2


class MaterialType(enum.StrEnum):
    ARTICLE = "article"
    BOOK = "book"
    LINK = "link"
    VIDEO = "video"


class LibraryEntryStatus(enum.StrEnum):
    DRAFT = "draft"  # waiting for a moderator's approval
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"


class CardKind(enum.StrEnum):
    """Kinds of case cards the bot sends and later updates in place."""

    INTAKE = "intake"
    LIBRARY_ANSWER = "library_answer"
    CANDIDATES = "candidates"
    MENTOR_OFFER = "mentor_offer"
    MODERATOR_ASSIGN = "moderator_assign"
    MENTOR_CASE = "mentor_case"
    QUESTIONS = "questions"
    REDEFINE_CHOICE = "redefine_choice"
    SOLUTION = "solution"
    MODERATION = "moderation"


class EventKind(enum.StrEnum):
    ONLINE = "online"  # held in a Teams meeting
    OFFLINE = "offline"  # announced, held in person


class EventStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class NewsStatus(enum.StrEnum):
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
