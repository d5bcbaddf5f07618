"""Shared pieces of the card builders: input ids, elements, the envelope and the size budget.

Builders return plain Adaptive Card 1.5 dicts. Every button that acts is an
``Action.Execute`` whose ``data`` carries the ids of what it acts on; Teams
merges the card's input values into that ``data`` on submission.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from bot.cards.labels import status_label
from bot.verbs import Verb
from teams_app.domain.enums import CaseStatus
from teams_app.domain.errors import FieldError
from teams_app.domain.intake import describe_field_error
from teams_app.i18n import Translator

Card = dict[str, Any]
Element = dict[str, Any]

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
# Teams renders Adaptive Card features up to version 1.5.
CARD_VERSION = "1.5"

# ----------------------------------------------------------------- input ids
# The bot runtime reads submissions by these ids, so they never change.

# The intake form, field by field as the domain validates it.
ESSENCE_INPUT = "essence"
ACTIONS_TAKEN_INPUT = "actions_taken"
WHY_DIFFICULT_INPUT = "why_difficult"
QUESTION_INPUT = "question"
PARTICIPANTS_INPUT = "participants"
RUBRICS_INPUT = "rubrics"
PRIVACY_INPUT = "privacy"
GROUP_CONSENT_INPUT = "group_consent"
URGENCY_INPUT = "urgency"
PUBLISH_CONSENT_INPUT = "publish_consent"
INTAKE_TEXT_INPUTS = (ESSENCE_INPUT, ACTIONS_TAKEN_INPUT, WHY_DIFFICULT_INPUT, QUESTION_INPUT)
INTAKE_INPUTS = (
    *INTAKE_TEXT_INPUTS,
    PARTICIPANTS_INPUT,
    RUBRICS_INPUT,
    PRIVACY_INPUT,
    GROUP_CONSENT_INPUT,
    URGENCY_INPUT,
    PUBLISH_CONSENT_INPUT,
)

# The mentor's offer card.
DECLINE_REASON_INPUT = "decline_reason"
# The moderator's assignment card: the chosen mentor's user id.
MENTOR_INPUT = "mentor"
# The mentor's case card: picked suggested question keys (comma-joined) and
# the mentor's own questions, one per line.
SUGGESTED_INPUT = "suggested"
CUSTOM_QUESTIONS_INPUT = "custom_questions"
# The mentor's case card: a possible solution and attached library entry ids.
SOLUTION_INPUT = "solution"
MATERIALS_INPUT = "materials"
# The teacher's questions card: one input per question, ``answer_<question id>``.
ANSWER_INPUT_PREFIX = "answer_"
# The reflection sheet on the teacher's solution card.
WILL_DO_INPUT = "will_do"
WHAT_CHANGED_INPUT = "what_changed"
USEFULNESS_INPUT = "usefulness"
COMMENT_INPUT = "comment"
REFLECTION_INPUTS = (WILL_DO_INPUT, WHAT_CHANGED_INPUT, USEFULNESS_INPUT, COMMENT_INPUT)
# The moderator's edits of a library draft; solutions are ``solution_<index>``.
ENTRY_TEXT_INPUTS = ("title", "essence", "actions_taken", "why_difficult", "question")
SOLUTION_EDIT_INPUT_PREFIX = "solution_"
# The mentor's availability card.
AWAY_UNTIL_INPUT = "away_until"
MAX_OPEN_CASES_INPUT = "max_open_cases"

# Keys of ``Action.Execute`` data naming what an action applies to.
CASE_KEY = "case"
ASSIGNMENT_KEY = "assignment"
ROUND_KEY = "round"
ENTRY_KEY = "entry"
MENTOR_KEY = "mentor"
# The language that a language button or a typed language command chooses: "ru" or "en".
LANGUAGE_KEY = "language"


def answer_input_id(question_id: int) -> str:
    return f"{ANSWER_INPUT_PREFIX}{question_id}"


def solution_edit_input_id(index: int) -> str:
    return f"{SOLUTION_EDIT_INPUT_PREFIX}{index}"


# ----------------------------------------------------------------- envelope


def adaptive_card(body: Sequence[Element], actions: Sequence[Element] = ()) -> Card:
    """Wrap body elements and card-level actions into a full-width Adaptive Card 1.5."""
    card: Card = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "msteams": {"width": "Full"},
        "body": list(body),
    }
    if actions:
        card["actions"] = list(actions)
    return card


# ----------------------------------------------------------------- elements


def text_block(
    text: str,
    *,
    weight: str | None = None,
    size: str | None = None,
    color: str | None = None,
    subtle: bool = False,
    spacing: str | None = None,
    separator: bool = False,
    style: str | None = None,
) -> Element:
    block: Element = {"type": "TextBlock", "text": text, "wrap": True}
    if weight:
        block["weight"] = weight
    if size:
        block["size"] = size
    if color:
        block["color"] = color
    if subtle:
        block["isSubtle"] = True
    if spacing:
        block["spacing"] = spacing
    if separator:
        block["separator"] = True
    if style:
        block["style"] = style
    return block


def heading(text: str) -> Element:
    return text_block(text, weight="Bolder", size="Medium", style="heading")


def subheading(text: str, *, separator: bool = True) -> Element:
    return text_block(text, weight="Bolder", spacing="Medium", separator=separator)


def note(text: str) -> Element:
    return text_block(text, subtle=True, size="Small")


def error_text(message: str) -> Element:
    return text_block(message, color="Attention", size="Small", spacing="None")


def labelled_text(label: str, text: str) -> list[Element]:
    """Show a read-only text under a bold caption."""
    return [
        text_block(label, weight="Bolder", spacing="Medium"),
        text_block(text, spacing="Small"),
    ]


def fact_set(facts: Iterable[tuple[str, str]]) -> Element:
    """Build a FactSet, leaving out facts whose value is empty."""
    return {
        "type": "FactSet",
        "facts": [{"title": title, "value": value} for title, value in facts if value],
    }


def container(
    items: Sequence[Element], *, separator: bool = False, style: str | None = None
) -> Element:
    element: Element = {"type": "Container", "items": list(items)}
    if separator:
        element["separator"] = True
        element["spacing"] = "Medium"
    if style:
        element["style"] = style
    return element


def action_set(actions: Sequence[Element]) -> Element:
    return {"type": "ActionSet", "actions": list(actions)}


def execute(
    title: str,
    verb: Verb,
    data: Mapping[str, Any] | None = None,
    *,
    submit_inputs: bool = True,
) -> Element:
    """Build an ``Action.Execute`` with ``verb`` and ``data``.

    Without ``submit_inputs`` the action neither sends nor validates the card's inputs.
    """
    action: Element = {
        "type": "Action.Execute",
        "title": title,
        "verb": verb.value,
        "data": dict(data or {}),
    }
    if not submit_inputs:
        action["associatedInputs"] = "none"
    return action


def open_url(title: str, url: str) -> Element:
    return {"type": "Action.OpenUrl", "title": title, "url": url}


def show_card(title: str, body: Sequence[Element], actions: Sequence[Element]) -> Element:
    """Build an ``Action.ShowCard`` with a sub-form.

    A button of the sub-form submits the sub-form's inputs and the parent card's.
    """
    return {
        "type": "Action.ShowCard",
        "title": title,
        "card": {"type": "AdaptiveCard", "body": list(body), "actions": list(actions)},
    }


# ------------------------------------------------------------------- inputs


def text_input(
    input_id: str,
    label: str,
    *,
    value: str | None = None,
    multiline: bool = False,
    max_length: int | None = None,
    required: bool = False,
    error_message: str | None = None,
    placeholder: str | None = None,
) -> Element:
    element: Element = {"type": "Input.Text", "id": input_id, "label": label}
    if multiline:
        element["isMultiline"] = True
    if max_length is not None:
        element["maxLength"] = max_length
    if required:
        element["isRequired"] = True
    if error_message:
        element["errorMessage"] = error_message
    if placeholder:
        element["placeholder"] = placeholder
    if value:
        element["value"] = value
    return element


def choice_set(
    input_id: str,
    label: str,
    choices: Iterable[tuple[str, str]],
    *,
    value: Sequence[str] | str | None = None,
    multi_select: bool = False,
    expanded: bool = False,
    required: bool = False,
    error_message: str | None = None,
) -> Element:
    """Build an Input.ChoiceSet from (value, title) pairs.

    A multi-select set submits one comma-joined string, so values never contain commas.
    """
    element: Element = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label,
        "choices": [{"title": title, "value": choice} for choice, title in choices],
        "style": "expanded" if expanded else "compact",
    }
    if multi_select:
        element["isMultiSelect"] = True
    if required:
        element["isRequired"] = True
    if error_message:
        element["errorMessage"] = error_message
    if value:
        element["value"] = value if isinstance(value, str) else ",".join(value)
    return element


def toggle(input_id: str, label: str, title: str, *, value: bool = False) -> Element:
    return {
        "type": "Input.Toggle",
        "id": input_id,
        "label": label,
        "title": title,
        "valueOn": "true",
        "valueOff": "false",
        "value": "true" if value else "false",
    }


def date_input(input_id: str, label: str, *, value: str | None = None) -> Element:
    element: Element = {"type": "Input.Date", "id": input_id, "label": label}
    if value:
        element["value"] = value
    return element


def number_input(
    input_id: str, label: str, *, value: int | None, minimum: int, maximum: int
) -> Element:
    element: Element = {
        "type": "Input.Number",
        "id": input_id,
        "label": label,
        "min": minimum,
        "max": maximum,
    }
    if value is not None:
        element["value"] = value
    return element


def submitted_text(values: Mapping[str, Any] | None, input_id: str) -> str | None:
    """Return what the user typed into an input, or None when the card is shown fresh."""
    if values is None or values.get(input_id) is None:
        return None
    return str(values[input_id])


# ------------------------------------------------------------------- errors


def describe_input_error(error: FieldError, label: str, translate: Translator) -> str:
    """Return the message for an invalid input, naming the input by ``label``.

    ``label`` is an English message id or text already translated: the
    translator leaves text that is not a message id as it is.
    """
    return describe_field_error(dataclasses.replace(error, field=label), translate)


def errors_under(
    input_ids: Iterable[str],
    errors: Sequence[FieldError],
    label: str,
    translate: Translator,
) -> list[Element]:
    """Build one red line per error of the given inputs, to sit under the input."""
    fields = set(input_ids)
    return [
        error_text(describe_input_error(error, label, translate))
        for error in errors
        if error.field in fields
    ]


def errors_summary(errors: Sequence[FieldError], translate: Translator) -> list[Element]:
    if not errors:
        return []
    return [
        text_block(
            translate("Please correct the fields marked in red below."),
            color="Attention",
            weight="Bolder",
        )
    ]


# --------------------------------------------------------------- status line


def status_line(translate: Translator, number: str, status: CaseStatus) -> Element:
    """Build the status line of a case, such as "Case 2026-0001: in progress"."""
    return text_block(
        translate("Case {number}: {status}", number=number, status=status_label(status, translate)),
        subtle=True,
        spacing="Small",
    )


def stale_note(translate: Translator) -> Element:
    return note(translate("A newer card about this was sent later. Please use the newest one."))


# -------------------------------------------------------------- size budget

# Budget for one card. Teams rejects bot messages over about 100 KB and used
# to reject them over 28 KB and then 40 KB, so cards stay within the oldest
# limit that still leaves room for long case texts.
MAX_CARD_BYTES = 40_000


def card_size(card: Card) -> int:
    """Measure a card as Teams counts message size: its JSON text in UTF-16 bytes.

    NOTE: Microsoft documents the message size as counted in UTF-16 but not
    which serialisation it measures, so this is an estimate.
    """
    return len(json.dumps(card, ensure_ascii=False).encode("utf-16-le"))


@dataclasses.dataclass(frozen=True)
class TextLimits:
    """Character limits for read-only long texts on a card: None shows a text in full, 0 hides it.

    ``main`` applies to what the card is about (the current case text),
    ``recent`` to the latest questions, answers and solution, ``older`` to the rest.
    """

    main: int | None = None
    recent: int | None = None
    older: int | None = None

    @property
    def shortens(self) -> bool:
        return any(limit is not None for limit in (self.main, self.recent, self.older))


# Tried in order until a card fits: older texts shrink first and then hide,
# the case text shrinks last.
TEXT_LIMIT_STEPS = (
    TextLimits(),
    TextLimits(older=400),
    TextLimits(recent=600, older=150),
    TextLimits(recent=400, older=0),
    TextLimits(recent=200, older=0),
    TextLimits(main=600, recent=150, older=0),
    TextLimits(main=300, recent=100, older=0),
)

Option = TypeVar("Option")


def fit_card(build: Callable[[Option], Card], options: Iterable[Option]) -> Card:
    """Return the first card built from ``options`` that fits the budget, else the last one."""
    card: Card | None = None
    for option in options:
        card = build(option)
        if card_size(card) <= MAX_CARD_BYTES:
            return card
    if card is None:
        raise ValueError("fit_card needs at least one option")
    return card


def clip(text: str, limit: int | None) -> str:
    """Shorten ``text`` to at most ``limit`` characters at a word boundary, marking the cut.

    A limit of 0 means the text is hidden, so nothing is left of it.
    """
    if limit == 0:
        return ""
    if limit is None or len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def shortened_note(limits: TextLimits, translate: Translator) -> list[Element]:
    if not limits.shortens:
        return []
    return [
        note(translate("Long texts are shortened or hidden on this card so that it fits in Teams."))
    ]
