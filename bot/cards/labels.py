"""Translated labels for the values of domain enums shown on cards."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from teams_app.domain.enums import (
    AssignmentStatus,
    CaseStatus,
    LibraryEntryStatus,
    Participant,
    Privacy,
    Urgency,
)
from teams_app.domain.intake import FIELD_LABELS
from teams_app.i18n import Translator
from teams_app.i18n import gettext_noop as N_
from teams_app.workflow.views import RubricView

STATUS_LABELS: dict[CaseStatus, str] = {
    CaseStatus.NEW: N_("new, the library's answer is shown"),
    CaseStatus.CHOOSING_MENTOR: N_("choosing a mentor"),
    CaseStatus.AWAITING_MENTOR: N_("waiting for the mentor to accept"),
    CaseStatus.AWAITING_MODERATOR: N_("waiting for a moderator to assign a mentor"),
    CaseStatus.IN_PROGRESS: N_("in progress"),
    CaseStatus.AWAITING_ANSWERS: N_("waiting for the teacher's answers"),
    CaseStatus.AWAITING_DECISION: N_("waiting for the teacher to decide on redefining"),
    CaseStatus.SOLUTION_OFFERED: N_("a possible solution is offered"),
    CaseStatus.COMPLETED: N_("completed"),
    CaseStatus.ANSWERED_BY_LIBRARY: N_("closed, answered by the library"),
    CaseStatus.WITHDRAWN: N_("withdrawn"),
}

ASSIGNMENT_STATUS_LABELS: dict[AssignmentStatus, str] = {
    AssignmentStatus.OFFERED: N_("offered, waiting for your answer"),
    AssignmentStatus.ACCEPTED: N_("in your work"),
    AssignmentStatus.DECLINED: N_("declined"),
    AssignmentStatus.CLOSED: N_("closed"),
}

ENTRY_STATUS_LABELS: dict[LibraryEntryStatus, str] = {
    LibraryEntryStatus.DRAFT: N_("draft waiting for approval"),
    LibraryEntryStatus.PUBLISHED: N_("published in the library"),
    LibraryEntryStatus.UNPUBLISHED: N_("not published"),
}

URGENCY_LABELS: dict[Urgency, str] = {
    Urgency.URGENT: N_("Urgent"),
    Urgency.NEED_ADVICE: N_("I need advice"),
    Urgency.EXPERT_OPINION: N_("I need an expert opinion"),
}

# Short names of the communication formats, for facts.
PRIVACY_LABELS: dict[Privacy, str] = {
    Privacy.PERSONAL: N_("Personal"),
    Privacy.ANONYMOUS: N_("Anonymous"),
}

# Descriptions of the formats for the choice on the intake form.
PRIVACY_CHOICE_LABELS: dict[Privacy, str] = {
    Privacy.PERSONAL: N_("Personal: the mentor sees who I am and may contact me directly"),
    Privacy.ANONYMOUS: N_(
        "Anonymous: the mentor never learns who I am or where I work; "
        "everything goes through the bot"
    ),
}

_GROUP_LABELS: dict[Participant, str] = {
    Participant.PARENTS: N_("Parents"),
    Participant.FELLOW_TEACHERS: N_("Fellow teachers"),
    Participant.SCHOOL_ADMINISTRATION: N_("School administration"),
    Participant.EDUCATION_DEPARTMENT: N_("Education department administration"),
    Participant.OTHER_AGENCIES: N_("Other agencies"),
    Participant.NGOS: N_("Non-governmental organisations"),
    Participant.PRESCHOOL_CHILDREN: N_("Preschool children"),
}

_FORM_PREFIX = "form_"


def field_label(name: str, translate: Translator) -> str:
    """Name an intake field as the form and its error messages do."""
    return translate(FIELD_LABELS[name])


def status_label(status: CaseStatus, translate: Translator) -> str:
    return translate(STATUS_LABELS[status])


def urgency_label(urgency: Urgency, translate: Translator) -> str:
    return translate(URGENCY_LABELS[urgency])


def privacy_label(privacy: Privacy, translate: Translator) -> str:
    return translate(PRIVACY_LABELS[privacy])


def participant_label(value: str, translate: Translator) -> str:
    """Name a participant group; forms 1 to 11 share one message with the form number."""
    try:
        participant = Participant(value)
    except ValueError:
        return value
    if participant in _GROUP_LABELS:
        return translate(_GROUP_LABELS[participant])
    return translate("Pupils of form {form}", form=participant.value.removeprefix(_FORM_PREFIX))


def participant_choices(translate: Translator) -> list[tuple[str, str]]:
    """Return (value, label) for every participant group, in the order of the enum."""
    return [(p.value, participant_label(p.value, translate)) for p in Participant]


def participants_text(values: Iterable[str], translate: Translator) -> str:
    return ", ".join(participant_label(value, translate) for value in values)


def rubric_titles(rubrics: Sequence[RubricView]) -> dict[str, str]:
    return {rubric.key: rubric.title for rubric in rubrics}


def rubrics_text(keys: Iterable[str], rubrics: Sequence[RubricView]) -> str:
    """Join the titles of rubric keys; an unknown key shows as itself."""
    titles = rubric_titles(rubrics)
    return ", ".join(titles.get(key, key) for key in keys)


def yes_no(value: bool, translate: Translator) -> str:
    return translate("yes") if value else translate("no")
