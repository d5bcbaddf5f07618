"""The moderator's review of an anonymised library draft before it is published."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bot.cards.common import (
    ENTRY_KEY,
    TEXT_LIMIT_STEPS,
    Card,
    Element,
    TextLimits,
    adaptive_card,
    clip,
    container,
    errors_summary,
    errors_under,
    execute,
    fact_set,
    fit_card,
    heading,
    labelled_text,
    note,
    shortened_note,
    show_card,
    solution_edit_input_id,
    stale_note,
    subheading,
    submitted_text,
    text_block,
    text_input,
)
from bot.cards.labels import (
    ENTRY_STATUS_LABELS,
    field_label,
    participants_text,
    rubrics_text,
    urgency_label,
)
from bot.verbs import Verb
from teams_app.domain.enums import LibraryEntryStatus, Urgency
from teams_app.domain.errors import FieldError
from teams_app.i18n import Translator
from teams_app.i18n import gettext_noop as N_
from teams_app.workflow.limits import ENTRY_TEXT_LIMITS, SOLUTION_LIMIT
from teams_app.workflow.views import LibraryEntryView, RubricView

_TITLE_LABEL = N_("Title in the library")
_CASE_TEXT_FIELDS = ("essence", "actions_taken", "why_difficult", "question")


def build_moderation_card(
    entry: LibraryEntryView,
    translate: Translator,
    rubrics: Sequence[RubricView],
    *,
    actionable: bool,
    latest: bool = True,
    values: Mapping[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
) -> Card:
    """Show a draft's texts as editable inputs, with buttons to publish or reject it.

    Editable values are never shortened, because what the moderator submits is
    published. A solution too long to fit is shown shortened and read-only, and
    is then published unchanged from the draft.
    """
    solutions = _solutions(entry)

    def build(option: tuple[TextLimits, int]) -> Card:
        limits, editable = option
        return _build(
            entry,
            solutions,
            translate,
            rubrics,
            limits,
            editable,
            actionable=actionable,
            latest=latest,
            values=values,
            errors=errors,
        )

    return fit_card(build, _fit_options(len(solutions)))


# The moderator reviews every text before publishing, so clarifications are
# shortened at most to this length and never hidden.
MIN_CLARIFICATION_LENGTH = 80


def _fit_options(solution_count: int) -> Iterator[tuple[TextLimits, int]]:
    steps = [
        dataclasses.replace(limits, older=MIN_CLARIFICATION_LENGTH) if limits.older == 0 else limits
        for limits in TEXT_LIMIT_STEPS
    ]
    for limits in steps:
        yield limits, solution_count
    for editable in range(solution_count - 1, -1, -1):
        yield steps[-1], editable


def _solutions(entry: LibraryEntryView) -> list[str]:
    items = entry.body.get("solutions") or []
    assert isinstance(items, list)
    return [str(item.get("text", "")) for item in items if isinstance(item, dict)]


def _build(
    entry: LibraryEntryView,
    solutions: Sequence[str],
    translate: Translator,
    rubrics: Sequence[RubricView],
    limits: TextLimits,
    editable_solutions: int,
    *,
    actionable: bool,
    latest: bool,
    values: Mapping[str, Any] | None,
    errors: Sequence[FieldError],
) -> Card:
    if entry.source_case_number:
        title = translate("Library draft from case {number}", number=entry.source_case_number)
    else:
        title = translate("Library draft #{id}", id=entry.id)
    body: list[Element] = [
        heading(title),
        text_block(
            translate("Status: {status}", status=translate(ENTRY_STATUS_LABELS[entry.status])),
            subtle=True,
            spacing="Small",
        ),
    ]
    if actionable:
        body.append(
            text_block(
                translate(
                    "The case was anonymised automatically. Check that no names of people, "
                    "schools or places and no contact details remain, correct the texts if "
                    "needed, then publish."
                )
            )
        )
    body.append(fact_set(_facts(entry, translate, rubrics)))
    body += errors_summary(errors, translate) if actionable else []

    texts = {
        "title": entry.title,
        **{name: str(entry.body.get(name, "")) for name in _CASE_TEXT_FIELDS},
    }
    for name, text in texts.items():
        label = translate(_TITLE_LABEL) if name == "title" else field_label(name, translate)
        if actionable:
            typed = submitted_text(values, name)
            body.append(
                text_input(
                    name,
                    label,
                    value=text if typed is None else typed,
                    multiline=name != "title",
                    max_length=ENTRY_TEXT_LIMITS[name],
                    required=True,
                    error_message=translate("Please fill in this field."),
                )
            )
            body += errors_under([name], errors, label, translate)
        else:
            body += labelled_text(label, clip(text, limits.main))

    body += _clarifications(entry, translate, limits)
    if solutions:
        body.append(subheading(translate("Possible solutions")))
    for index, text in enumerate(solutions):
        input_id = solution_edit_input_id(index)
        label = translate("Possible solution {number}", number=index + 1)
        if actionable and index < editable_solutions:
            typed = submitted_text(values, input_id)
            body.append(
                text_input(
                    input_id,
                    label,
                    value=text if typed is None else typed,
                    multiline=True,
                    max_length=SOLUTION_LIMIT,
                    required=True,
                    error_message=translate("Please fill in this field."),
                )
            )
            body += errors_under([input_id], errors, label, translate)
        else:
            body += labelled_text(label, clip(text, limits.recent))
            if actionable:
                body.append(
                    note(
                        translate(
                            "This solution is too long to edit on the card, so it will be "
                            "published unchanged from the draft."
                        )
                    )
                )
    body += shortened_note(limits, translate)
    if not latest:
        body.append(stale_note(translate))

    actions: list[Element] = []
    if actionable:
        data = {ENTRY_KEY: entry.id}
        actions.append(execute(translate("Publish in the library"), Verb.APPROVE_ENTRY, data))
        actions.append(
            show_card(
                translate("Reject"),
                [text_block(translate("Reject this draft? The case will not be published."))],
                [
                    execute(
                        translate("Reject the draft"),
                        Verb.REJECT_ENTRY,
                        data,
                        submit_inputs=False,
                    )
                ],
            )
        )
    return adaptive_card(body, actions)


def _facts(
    entry: LibraryEntryView, translate: Translator, rubrics: Sequence[RubricView]
) -> list[tuple[str, str]]:
    facts = [(field_label("rubrics", translate), rubrics_text(entry.rubrics, rubrics))]
    participants = entry.body.get("participants")
    if isinstance(participants, list):
        facts.append(
            (field_label("participants", translate), participants_text(participants, translate))
        )
    urgency = entry.body.get("urgency")
    if urgency in {u.value for u in Urgency}:
        facts.append(
            (field_label("urgency", translate), urgency_label(Urgency(urgency), translate))
        )
    return facts


def _clarifications(
    entry: LibraryEntryView, translate: Translator, limits: TextLimits
) -> list[Element]:
    items = entry.body.get("clarifications") or []
    assert isinstance(items, list)
    pairs = [item for item in items if isinstance(item, dict)]
    if not pairs:
        return []
    body: list[Element] = [subheading(translate("Clarifications"))]
    for number, pair in enumerate(pairs, start=1):
        question = clip(str(pair.get("question", "")), limits.older)
        answer = clip(str(pair.get("answer", "")), limits.older)
        body.append(
            container(
                [
                    text_block(f"{number}. {question}", spacing="Small"),
                    text_block(answer, subtle=True, spacing="None"),
                ]
            )
        )
    return body


def is_reviewable(entry: LibraryEntryView) -> bool:
    """Return whether a moderator can still publish or reject the entry."""
    return entry.status is LibraryEntryStatus.DRAFT
