"""Mentor cards: candidates, the offer, the moderator's assignment and availability."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from bot.cards.common import (
    ASSIGNMENT_KEY,
    AWAY_UNTIL_INPUT,
    CASE_KEY,
    DECLINE_REASON_INPUT,
    MAX_OPEN_CASES_INPUT,
    MENTOR_INPUT,
    MENTOR_KEY,
    TEXT_LIMIT_STEPS,
    Card,
    Element,
    TextLimits,
    action_set,
    adaptive_card,
    choice_set,
    clip,
    container,
    date_input,
    errors_summary,
    errors_under,
    execute,
    fit_card,
    heading,
    labelled_text,
    note,
    number_input,
    shortened_note,
    show_card,
    stale_note,
    status_line,
    submitted_text,
    text_block,
    text_input,
)
from bot.cards.intake import case_facts, revision_texts, withdraw_action
from bot.cards.labels import field_label
from bot.verbs import Verb
from teams_app.domain.enums import AssignmentStatus, Privacy
from teams_app.domain.errors import FieldError
from teams_app.i18n import Translator
from teams_app.i18n import gettext_noop as N_
from teams_app.workflow.service import DECLINE_REASON_LIMIT
from teams_app.workflow.views import AssignmentView, CandidateView, CaseView, RubricView

# The highest open-case limit ``Workflow.set_availability`` accepts.
MAX_OPEN_CASES_LIMIT = 20

_DECLINE_REASON_LABEL = N_("Reason for declining (optional, the teacher does not see it)")
_AWAY_UNTIL_LABEL = N_("Away until (leave empty when you are available)")
_MAX_OPEN_CASES_LABEL = N_("How many open cases you take at most (1 to 20)")


def teacher_name_for_mentor(view: CaseView) -> str | None:
    """Return the teacher's name a mentor may see: only in a personal case, else None."""
    if view.privacy is not Privacy.PERSONAL or view.teacher is None:
        return None
    return view.teacher.display_name


# ---------------------------------------------------------------- candidates


def build_candidates_card(
    view: CaseView,
    candidates: Sequence[CandidateView],
    translate: Translator,
    *,
    actionable: bool,
    latest: bool = True,
) -> Card:
    """List the ranked mentors for the teacher, each with a button to choose them."""
    body: list[Element] = [
        heading(translate("Case {number}: choose a mentor", number=view.number)),
        status_line(translate, view.number, view.status),
    ]
    if actionable:
        if candidates:
            body.append(
                text_block(
                    translate(
                        "These mentors advise in the fields of your case and can take it now. "
                        "The mentor you choose gets the case and accepts or declines it."
                    )
                )
            )
            if view.privacy is Privacy.ANONYMOUS:
                body.append(
                    note(
                        translate("Your case is anonymous: the mentor will not learn who you are.")
                    )
                )
            body += [_candidate(view, candidate, translate) for candidate in candidates]
        else:
            body.append(text_block(translate("No mentor is available for this case right now.")))
    else:
        holder = view.holder
        if holder is not None:
            body.append(text_block(translate("Mentor: {mentor}", mentor=holder.mentor_name)))
        if not latest:
            body.append(stale_note(translate))
    actions = [withdraw_action(view, translate)] if actionable else []
    return adaptive_card(body, actions)


def _candidate(view: CaseView, candidate: CandidateView, translate: Translator) -> Element:
    matching = set(candidate.matching_areas)
    areas = ", ".join(
        f"✓ {area.title}" if area.key in matching else area.title for area in candidate.areas
    )
    items: list[Element] = [text_block(candidate.display_name, weight="Bolder")]
    about = [part for part in (candidate.position, candidate.workplace) if part]
    if about:
        items.append(note(", ".join(about)))
    if areas:
        items.append(text_block(translate("Areas: {areas}", areas=areas), spacing="Small"))
    if candidate.motto:
        items.append(text_block(f"«{candidate.motto}»", subtle=True, spacing="Small"))
    items.append(
        note(
            translate(
                "Open cases: {open} of {limit}",
                open=candidate.open_cases,
                limit=candidate.max_open_cases,
            )
        )
    )
    items.append(
        action_set(
            [
                execute(
                    translate("Choose"),
                    Verb.PICK_MENTOR,
                    {CASE_KEY: view.id, MENTOR_KEY: candidate.user_id},
                )
            ]
        )
    )
    return container(items, separator=True)


# --------------------------------------------------------------------- offer

_OFFER_OUTCOMES = {
    AssignmentStatus.ACCEPTED: N_("You accepted this case."),
    AssignmentStatus.DECLINED: N_("You declined this case."),
    AssignmentStatus.CLOSED: N_("This offer is closed."),
}


def build_mentor_offer_card(
    view: CaseView,
    assignment: AssignmentView | None,
    translate: Translator,
    rubrics: Sequence[RubricView],
    *,
    actionable: bool,
    latest: bool = True,
    values: Mapping[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
) -> Card:
    """Offer a case to a mentor: accept, or decline with an optional reason.

    In an anonymous case the card shows "Anonymous teacher" and nothing else
    about the teacher.
    """
    assignment_id = assignment.id if assignment is not None else None

    def build(limits: TextLimits) -> Card:
        body: list[Element] = [
            heading(translate("Case {number}: a request for your help", number=view.number)),
            status_line(translate, view.number, view.status),
        ]
        if assignment is not None and assignment.opinion > 1:
            body.append(text_block(translate("The teacher asks you for a second opinion.")))
        body.append(
            case_facts(
                view,
                translate,
                rubrics,
                teacher_name=teacher_name_for_mentor(view),
                show_teacher=True,
            )
        )
        body += revision_texts(view.current, translate, limits.main)
        body += shortened_note(limits, translate)
        if not actionable:
            if assignment is not None and assignment.status in _OFFER_OUTCOMES:
                body.append(
                    text_block(translate(_OFFER_OUTCOMES[assignment.status]), weight="Bolder")
                )
            if not latest:
                body.append(stale_note(translate))
            return adaptive_card(body)

        body += errors_summary(errors, translate)
        data = {CASE_KEY: view.id, ASSIGNMENT_KEY: assignment_id}
        decline_form: list[Element] = [
            text_input(
                DECLINE_REASON_INPUT,
                translate(_DECLINE_REASON_LABEL),
                value=submitted_text(values, DECLINE_REASON_INPUT),
                multiline=True,
                max_length=DECLINE_REASON_LIMIT,
            ),
            *errors_under(
                [DECLINE_REASON_INPUT], errors, translate(_DECLINE_REASON_LABEL), translate
            ),
        ]
        actions = [
            execute(translate("Accept"), Verb.ACCEPT, data, submit_inputs=False),
            show_card(
                translate("Decline"),
                decline_form,
                [execute(translate("Decline the case"), Verb.DECLINE, data)],
            ),
        ]
        return adaptive_card(body, actions)

    return fit_card(build, TEXT_LIMIT_STEPS)


# ---------------------------------------------------------- moderator assign


def build_moderator_assign_card(
    view: CaseView,
    mentors: Sequence[tuple[int, str]],
    translate: Translator,
    rubrics: Sequence[RubricView],
    *,
    actionable: bool,
    latest: bool = True,
    values: Mapping[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
) -> Card:
    """Ask moderators to assign any mentor to a case that no candidate took."""

    def build(limits: TextLimits) -> Card:
        body: list[Element] = [
            heading(translate("Case {number} needs a mentor", number=view.number)),
            status_line(translate, view.number, view.status),
        ]
        if actionable:
            body.append(
                text_block(
                    translate(
                        "No available mentor is left for this case. Assign one: "
                        "the assignment counts as accepted."
                    )
                )
            )
        body.append(case_facts(view, translate, rubrics))
        for name in ("question", "essence"):
            body += labelled_text(
                field_label(name, translate), clip(getattr(view.current, name), limits.main)
            )
        declines = [a for a in view.assignments if a.status is AssignmentStatus.DECLINED]
        if declines:
            body.append(text_block(translate("Declined by"), weight="Bolder", spacing="Medium"))
            body += [_decline_line(a, translate, limits.older) for a in declines]
        body += shortened_note(limits, translate)
        if not actionable:
            holder = view.holder
            if holder is not None:
                body.append(text_block(translate("Mentor: {mentor}", mentor=holder.mentor_name)))
            if not latest:
                body.append(stale_note(translate))
            return adaptive_card(body)

        body += errors_summary(errors, translate)
        body.append(
            choice_set(
                MENTOR_INPUT,
                field_label(MENTOR_INPUT, translate),
                [(str(user_id), name) for user_id, name in mentors],
                value=submitted_text(values, MENTOR_INPUT),
                required=True,
                error_message=translate("Please choose one option."),
            )
        )
        body += errors_under(
            [MENTOR_INPUT], errors, field_label(MENTOR_INPUT, translate), translate
        )
        actions = [execute(translate("Assign"), Verb.MODERATOR_ASSIGN, {CASE_KEY: view.id})]
        return adaptive_card(body, actions)

    return fit_card(build, TEXT_LIMIT_STEPS)


def _decline_line(assignment: AssignmentView, translate: Translator, limit: int | None) -> Element:
    reason = assignment.decline_reason or translate("no reason given")
    return text_block(f"{assignment.mentor_name}: {clip(reason, limit)}", spacing="Small")


# -------------------------------------------------------------- availability


def build_availability_card(
    translate: Translator,
    *,
    away_until: dt.date | None,
    max_open_cases: int,
    values: Mapping[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
) -> Card:
    """Let a mentor set an away date and how many open cases they take."""
    away_value = submitted_text(values, AWAY_UNTIL_INPUT)
    if away_value is None and away_until is not None:
        away_value = away_until.isoformat()
    limit_value: int | None = max_open_cases
    typed_limit = submitted_text(values, MAX_OPEN_CASES_INPUT)
    if typed_limit is not None:
        limit_value = int(typed_limit) if typed_limit.strip().isdigit() else None
    body: list[Element] = [
        heading(translate("Your availability")),
        text_block(
            translate(
                "Teachers are offered mentors who are available and below their limit "
                "of open cases."
            )
        ),
        *errors_summary(errors, translate),
        date_input(AWAY_UNTIL_INPUT, translate(_AWAY_UNTIL_LABEL), value=away_value),
        *errors_under([AWAY_UNTIL_INPUT], errors, translate(_AWAY_UNTIL_LABEL), translate),
        number_input(
            MAX_OPEN_CASES_INPUT,
            translate(_MAX_OPEN_CASES_LABEL),
            value=limit_value,
            minimum=1,
            maximum=MAX_OPEN_CASES_LIMIT,
        ),
        *errors_under([MAX_OPEN_CASES_INPUT], errors, translate(_MAX_OPEN_CASES_LABEL), translate),
    ]
    return adaptive_card(body, [execute(translate("Save"), Verb.SAVE_AVAILABILITY)])
