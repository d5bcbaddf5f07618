"""The intake form (new case and redefinition) and the read-only summary of a submitted case."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.cards.common import (
    CASE_KEY,
    GROUP_CONSENT_INPUT,
    PARTICIPANTS_INPUT,
    PRIVACY_INPUT,
    PUBLISH_CONSENT_INPUT,
    RUBRICS_INPUT,
    TEXT_LIMIT_STEPS,
    URGENCY_INPUT,
    Card,
    Element,
    TextLimits,
    adaptive_card,
    choice_set,
    clip,
    error_text,
    errors_summary,
    execute,
    fact_set,
    fit_card,
    heading,
    labelled_text,
    note,
    shortened_note,
    show_card,
    stale_note,
    status_line,
    submitted_text,
    text_block,
    text_input,
    toggle,
)
from bot.cards.labels import (
    PRIVACY_CHOICE_LABELS,
    URGENCY_LABELS,
    field_label,
    participant_choices,
    participants_text,
    privacy_label,
    rubrics_text,
    urgency_label,
    yes_no,
)
from bot.verbs import Verb
from teams_app.domain.enums import TERMINAL_STATUSES, Privacy, Urgency
from teams_app.domain.errors import FieldError
from teams_app.domain.intake import (
    TEXT_LIMITS,
    describe_field_error,
    parse_bool,
    split_multi,
)
from teams_app.i18n import Translator
from teams_app.workflow.limits import REVISION_LIMIT
from teams_app.workflow.views import CaseView, RevisionView, RubricView

# Case-level choices that a redefinition keeps: the form shows them read-only
# and carries them in the action's data, so the submission stays complete.
_KEPT_ON_REDEFINE = (PRIVACY_INPUT, GROUP_CONSENT_INPUT, URGENCY_INPUT, PUBLISH_CONSENT_INPUT)


def build_intake_card(
    translate: Translator,
    rubrics: Sequence[RubricView],
    *,
    values: Mapping[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
    revision: int | None = None,
    case_id: int | None = None,
) -> Card:
    """Build the intake form, or with ``revision`` the redefinition form of case ``case_id``.

    ``values`` prefill the inputs (what the user typed, or the current
    revision); ``errors`` put one red line under each invalid field.
    """
    if revision is not None and case_id is None:
        raise ValueError("a redefinition form needs the case_id of the case it redefines")
    values = values or {}
    body: list[Element] = []
    if revision is None:
        body.append(heading(translate("New case")))
        body.append(
            text_block(
                translate(
                    "Describe the situation as you see it. Every field is required, "
                    "except the two consents."
                )
            )
        )
    else:
        body.append(
            heading(
                translate("Revision {number} of {limit}", number=revision, limit=REVISION_LIMIT)
            )
        )
        body.append(
            text_block(
                translate(
                    "Reformulate the case: the form holds the current version. "
                    "Your mentor will see what changed."
                )
            )
        )
    body += errors_summary(errors, translate)

    for name, limit in TEXT_LIMITS.items():
        body.append(
            text_input(
                name,
                field_label(name, translate),
                value=submitted_text(values, name),
                multiline=True,
                max_length=limit,
                required=True,
                error_message=translate("Please fill in this field."),
                placeholder=translate("Up to {limit} characters", limit=_count(limit, translate)),
            )
        )
        body += _field_errors(name, errors, translate)

    body.append(
        choice_set(
            PARTICIPANTS_INPUT,
            field_label(PARTICIPANTS_INPUT, translate),
            participant_choices(translate),
            value=split_multi(values.get(PARTICIPANTS_INPUT)),
            multi_select=True,
            required=True,
            error_message=translate("Please choose at least one option."),
        )
    )
    body += _field_errors(PARTICIPANTS_INPUT, errors, translate)
    body.append(
        choice_set(
            RUBRICS_INPUT,
            field_label(RUBRICS_INPUT, translate),
            [(rubric.key, rubric.title) for rubric in rubrics],
            value=split_multi(values.get(RUBRICS_INPUT)),
            multi_select=True,
            required=True,
            error_message=translate("Please choose at least one option."),
        )
    )
    body += _field_errors(RUBRICS_INPUT, errors, translate)

    data: dict[str, Any] = {}
    if revision is None:
        body += _case_level_inputs(translate, values, errors)
        verb = Verb.SUBMIT_CASE
        title = translate("Submit the case")
    else:
        body.append(fact_set(_kept_facts(translate, values)))
        body.append(note(translate("The format, urgency and consents stay as first chosen.")))
        # Errors of kept fields cannot be fixed on this form, so they are listed here.
        for name in _KEPT_ON_REDEFINE:
            body += _field_errors(name, errors, translate)
        data = {name: _kept_value(values, name) for name in _KEPT_ON_REDEFINE}
        data[CASE_KEY] = case_id
        verb = Verb.SUBMIT_REDEFINE
        title = translate("Submit revision {number}", number=revision)
    return adaptive_card(body, [execute(title, verb, data)])


def _case_level_inputs(
    translate: Translator, values: Mapping[str, Any], errors: Sequence[FieldError]
) -> list[Element]:
    body: list[Element] = [
        choice_set(
            PRIVACY_INPUT,
            field_label(PRIVACY_INPUT, translate),
            [(p.value, translate(PRIVACY_CHOICE_LABELS[p])) for p in Privacy],
            value=submitted_text(values, PRIVACY_INPUT),
            expanded=True,
            required=True,
            error_message=translate("Please choose one option."),
        ),
        *_field_errors(PRIVACY_INPUT, errors, translate),
        toggle(
            GROUP_CONSENT_INPUT,
            field_label(GROUP_CONSENT_INPUT, translate),
            translate(
                "I agree that other mentors and teachers may discuss the case, "
                "as long as no person or organisation in it can be identified"
            ),
            value=bool(parse_bool(values.get(GROUP_CONSENT_INPUT))),
        ),
        *_field_errors(GROUP_CONSENT_INPUT, errors, translate),
        choice_set(
            URGENCY_INPUT,
            field_label(URGENCY_INPUT, translate),
            [(u.value, translate(URGENCY_LABELS[u])) for u in Urgency],
            value=submitted_text(values, URGENCY_INPUT),
            expanded=True,
            required=True,
            error_message=translate("Please choose one option."),
        ),
        *_field_errors(URGENCY_INPUT, errors, translate),
        toggle(
            PUBLISH_CONSENT_INPUT,
            field_label(PUBLISH_CONSENT_INPUT, translate),
            translate(
                "I agree that the solved case, without any personal details, may be "
                "published in the library's history of solutions"
            ),
            value=bool(parse_bool(values.get(PUBLISH_CONSENT_INPUT))),
        ),
        *_field_errors(PUBLISH_CONSENT_INPUT, errors, translate),
    ]
    return body


def _kept_value(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    if name in (GROUP_CONSENT_INPUT, PUBLISH_CONSENT_INPUT):
        return "true" if parse_bool(value) else "false"
    return "" if value is None else str(value)


def _kept_facts(translate: Translator, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    facts = []
    privacy = _enum_or_none(Privacy, values.get(PRIVACY_INPUT))
    if privacy is not None:
        facts.append((field_label(PRIVACY_INPUT, translate), privacy_label(privacy, translate)))
    urgency = _enum_or_none(Urgency, values.get(URGENCY_INPUT))
    if urgency is not None:
        facts.append((field_label(URGENCY_INPUT, translate), urgency_label(urgency, translate)))
    for name in (GROUP_CONSENT_INPUT, PUBLISH_CONSENT_INPUT):
        facts.append(
            (field_label(name, translate), yes_no(bool(parse_bool(values.get(name))), translate))
        )
    return facts


def _enum_or_none(enum_cls: type[Privacy] | type[Urgency], value: Any) -> Any:
    try:
        return enum_cls(str(value))
    except ValueError:
        return None


def _field_errors(name: str, errors: Sequence[FieldError], translate: Translator) -> list[Element]:
    return [
        error_text(describe_field_error(error, translate))
        for error in errors
        if error.field == name
    ]


def _count(value: int, translate: Translator) -> str:
    """Group thousands as the language does: «1 000» in Russian, "1,000" in English."""
    return f"{value:,}".replace(",", "\u00a0" if translate.language == "ru" else ",")


def revision_values(view: CaseView) -> dict[str, Any]:
    """Return the current revision and case choices as intake values, to prefill a redefinition."""
    current = view.current
    return {
        **{name: getattr(current, name) for name in TEXT_LIMITS},
        PARTICIPANTS_INPUT: ",".join(current.participants),
        RUBRICS_INPUT: ",".join(current.rubrics),
        PRIVACY_INPUT: view.privacy.value,
        URGENCY_INPUT: view.urgency.value,
        GROUP_CONSENT_INPUT: "true" if view.group_consent else "false",
        PUBLISH_CONSENT_INPUT: "true" if view.publish_consent else "false",
    }


# ------------------------------------------------------------------ summary


def revision_texts(
    revision: RevisionView, translate: Translator, limit: int | None = None
) -> list[Element]:
    """Show the four texts of a revision under their field labels."""
    body: list[Element] = []
    for name in TEXT_LIMITS:
        body += labelled_text(field_label(name, translate), clip(getattr(revision, name), limit))
    return body


def case_facts(
    view: CaseView,
    translate: Translator,
    rubrics: Sequence[RubricView],
    *,
    teacher_name: str | None = None,
    show_teacher: bool = False,
) -> Element:
    """Build the facts about a case that every case card shows.

    With ``show_teacher``, a teacher row appears: ``teacher_name``, or
    "Anonymous teacher" when it is None.
    """
    current = view.current
    facts = [
        (field_label(URGENCY_INPUT, translate), urgency_label(view.urgency, translate)),
        (field_label(PRIVACY_INPUT, translate), privacy_label(view.privacy, translate)),
    ]
    if show_teacher:
        facts.append((translate("Teacher"), teacher_name or translate("Anonymous teacher")))
    facts += [
        (field_label(RUBRICS_INPUT, translate), rubrics_text(current.rubrics, rubrics)),
        (
            field_label(PARTICIPANTS_INPUT, translate),
            participants_text(current.participants, translate),
        ),
        (
            translate("Discussion with colleagues"),
            translate("allowed") if view.group_consent else translate("not allowed"),
        ),
    ]
    return fact_set(facts)


def build_case_summary_card(
    view: CaseView,
    translate: Translator,
    rubrics: Sequence[RubricView],
    *,
    actionable: bool,
    latest: bool = True,
) -> Card:
    """Show the teacher what they submitted: the current revision, read-only.

    While the card is actionable and the case is open, it offers withdrawing the case.
    """

    def build(limits: TextLimits) -> Card:
        body: list[Element] = [
            heading(translate("Case {number}", number=view.number)),
            status_line(translate, view.number, view.status),
        ]
        if len(view.revisions) > 1:
            body.append(
                text_block(
                    translate(
                        "Revision {number} of {limit}",
                        number=view.current.number,
                        limit=view.revision_limit,
                    ),
                    weight="Bolder",
                )
            )
        body.append(case_facts(view, translate, rubrics))
        body += revision_texts(view.current, translate, limits.main)
        body += shortened_note(limits, translate)
        if not latest:
            body.append(stale_note(translate))
        actions = []
        if actionable and view.status not in TERMINAL_STATUSES:
            actions.append(withdraw_action(view, translate))
        return adaptive_card(body, actions)

    return fit_card(build, TEXT_LIMIT_STEPS)


def withdraw_action(view: CaseView, translate: Translator) -> Element:
    """Offer withdrawing the case behind a confirmation step."""
    return show_card(
        translate("Withdraw the case"),
        [
            text_block(
                translate(
                    "Withdraw case {number}? Work on it stops and it cannot be reopened.",
                    number=view.number,
                )
            )
        ],
        [
            execute(
                translate("Yes, withdraw"),
                Verb.WITHDRAW,
                {CASE_KEY: view.id},
                submit_inputs=False,
            )
        ],
    )
