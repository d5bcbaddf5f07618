"""Typed parsing of card submissions: one record per kind of action, parsed once.

Teams merges a card's input values into the ``Action.Execute`` data. Ids
arrive as numbers or as digit strings, a multi-select ChoiceSet as one
comma-joined string, a toggle as ``"true"``/``"false"`` (or a bool from
other clients). The handlers never look into the raw data themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.cards.common import (
    ANSWER_INPUT_PREFIX,
    ASSIGNMENT_KEY,
    AWAY_UNTIL_INPUT,
    CASE_KEY,
    CUSTOM_QUESTIONS_INPUT,
    DECLINE_REASON_INPUT,
    ENTRY_KEY,
    ENTRY_TEXT_INPUTS,
    GROUP_CONSENT_INPUT,
    INTAKE_INPUTS,
    INTAKE_TEXT_INPUTS,
    LANGUAGE_KEY,
    MATERIALS_INPUT,
    MAX_OPEN_CASES_INPUT,
    MENTOR_INPUT,
    MENTOR_KEY,
    PARTICIPANTS_INPUT,
    PUBLISH_CONSENT_INPUT,
    REFLECTION_INPUTS,
    ROUND_KEY,
    RUBRICS_INPUT,
    SOLUTION_EDIT_INPUT_PREFIX,
    SOLUTION_INPUT,
    SUGGESTED_INPUT,
)
from teams_app.domain.errors import DomainError, FieldError, ValidationFailed
from teams_app.domain.intake import parse_bool, split_multi
from teams_app.i18n import gettext_noop as N_

Data = Mapping[str, Any]

# The languages a user can choose for the bot.
LANGUAGES = ("ru", "en")


class InvalidSubmission(DomainError):
    """A card sent data that no current card produces: a missing or malformed id."""

    code = "invalid_submission"
    message_id = N_(
        "The card sent an invalid value for «{field}». Nothing was changed; "
        "please use the newest card."
    )


# ------------------------------------------------------------------ records


@dataclass(frozen=True)
class NoInput:
    """An action that needs nothing from the card, such as opening a menu item."""


@dataclass(frozen=True)
class CaseChoice:
    case_id: int


@dataclass(frozen=True)
class MentorChoice:
    case_id: int
    mentor_id: int


@dataclass(frozen=True)
class OfferChoice:
    assignment_id: int


@dataclass(frozen=True)
class OfferDecline:
    assignment_id: int
    reason: str | None


@dataclass(frozen=True)
class CaseFormInput:
    """The intake or redefinition form. ``values`` keeps what was typed, for a re-render."""

    values: dict[str, str]
    case_id: int | None


@dataclass(frozen=True)
class QuestionsInput:
    case_id: int
    suggested_keys: tuple[str, ...]
    custom_questions: tuple[str, ...]


@dataclass(frozen=True)
class SolutionInput:
    case_id: int
    text: str
    material_ids: tuple[int, ...]


@dataclass(frozen=True)
class AnswersInput:
    round_id: int
    answers: dict[int, str]


@dataclass(frozen=True)
class ReflectionInput:
    case_id: int
    values: dict[str, str]


@dataclass(frozen=True)
class EntryChoice:
    entry_id: int


@dataclass(frozen=True)
class EntryEdits:
    entry_id: int
    edits: dict[str, str]


@dataclass(frozen=True)
class LanguageChoice:
    # None follows the locale of the user's Teams client.
    language: str | None


@dataclass(frozen=True)
class AvailabilityInput:
    away_until: dt.date | None
    max_open_cases: int | None


# ------------------------------------------------------------------ parsers


def parse_nothing(data: Data) -> NoInput:
    return NoInput()


def parse_case(data: Data) -> CaseChoice:
    return CaseChoice(require_id(data, CASE_KEY))


def parse_mentor_pick(data: Data) -> MentorChoice:
    return MentorChoice(require_id(data, CASE_KEY), require_id(data, MENTOR_KEY))


def parse_moderator_assign(data: Data) -> MentorChoice:
    """Read the case from the data and the mentor from the ChoiceSet input."""
    if not text_of(data, MENTOR_INPUT):
        raise ValidationFailed([FieldError(MENTOR_INPUT, "required")])
    return MentorChoice(require_id(data, CASE_KEY), require_id(data, MENTOR_INPUT))


def parse_offer(data: Data) -> OfferChoice:
    return OfferChoice(require_id(data, ASSIGNMENT_KEY))


def parse_decline(data: Data) -> OfferDecline:
    reason = text_of(data, DECLINE_REASON_INPUT)
    return OfferDecline(require_id(data, ASSIGNMENT_KEY), reason or None)


def parse_case_form(data: Data) -> CaseFormInput:
    """Collect the intake inputs as strings for the workflow to validate."""
    values: dict[str, str] = {}
    for name in INTAKE_TEXT_INPUTS:
        values[name] = raw_text(data, name)
    for name in (PARTICIPANTS_INPUT, RUBRICS_INPUT):
        values[name] = ",".join(split_multi(data.get(name)))
    for name in (GROUP_CONSENT_INPUT, PUBLISH_CONSENT_INPUT):
        flag = parse_bool(data.get(name))
        if flag is None:
            # An unreadable toggle stays as sent, so the workflow reports it.
            values[name] = raw_text(data, name)
        else:
            values[name] = "true" if flag else "false"
    for name in INTAKE_INPUTS:
        values.setdefault(name, raw_text(data, name))
    case_id = optional_id(data, CASE_KEY)
    return CaseFormInput(values, case_id)


def parse_questions(data: Data) -> QuestionsInput:
    custom = tuple(
        line.strip() for line in raw_text(data, CUSTOM_QUESTIONS_INPUT).splitlines() if line.strip()
    )
    return QuestionsInput(
        require_id(data, CASE_KEY), tuple(split_multi(data.get(SUGGESTED_INPUT))), custom
    )


def parse_solution(data: Data) -> SolutionInput:
    materials = tuple(
        to_int(item, MATERIALS_INPUT) for item in split_multi(data.get(MATERIALS_INPUT))
    )
    return SolutionInput(require_id(data, CASE_KEY), text_of(data, SOLUTION_INPUT), materials)


def parse_answers(data: Data) -> AnswersInput:
    answers: dict[int, str] = {}
    for key, value in data.items():
        if key.startswith(ANSWER_INPUT_PREFIX):
            question_id = to_int(key.removeprefix(ANSWER_INPUT_PREFIX), key)
            answers[question_id] = "" if value is None else str(value)
    return AnswersInput(require_id(data, ROUND_KEY), answers)


def parse_reflection(data: Data) -> ReflectionInput:
    values = {name: raw_text(data, name) for name in REFLECTION_INPUTS}
    return ReflectionInput(require_id(data, CASE_KEY), values)


def parse_entry(data: Data) -> EntryChoice:
    return EntryChoice(require_id(data, ENTRY_KEY))


def parse_entry_edits(data: Data) -> EntryEdits:
    edits = {
        key: raw_text(data, key)
        for key in data
        if key in ENTRY_TEXT_INPUTS or key.startswith(SOLUTION_EDIT_INPUT_PREFIX)
    }
    return EntryEdits(require_id(data, ENTRY_KEY), edits)


def parse_language(data: Data) -> LanguageChoice:
    language = text_of(data, LANGUAGE_KEY).lower()
    if not language:
        return LanguageChoice(None)
    if language not in LANGUAGES:
        raise InvalidSubmission(field=LANGUAGE_KEY)
    return LanguageChoice(language)


def parse_availability(data: Data) -> AvailabilityInput:
    errors: list[FieldError] = []
    away_until = None
    away_text = text_of(data, AWAY_UNTIL_INPUT)
    if away_text:
        try:
            away_until = dt.date.fromisoformat(away_text)
        except ValueError:
            errors.append(FieldError(AWAY_UNTIL_INPUT, "invalid_date"))
    max_open_cases = None
    limit_text = text_of(data, MAX_OPEN_CASES_INPUT)
    if limit_text:
        try:
            max_open_cases = int(float(limit_text))
        except ValueError:
            errors.append(FieldError(MAX_OPEN_CASES_INPUT, "out_of_range", limit=20))
    if errors:
        raise ValidationFailed(errors)
    return AvailabilityInput(away_until, max_open_cases)


# ------------------------------------------------------------------ helpers


def raw_text(data: Data, key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def text_of(data: Data, key: str) -> str:
    return raw_text(data, key).strip()


def to_int(value: Any, field: str) -> int:
    """Read an id sent as a number or a digit string."""
    if isinstance(value, bool):
        raise InvalidSubmission(field=field)
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.isdigit():
        raise InvalidSubmission(field=field)
    return int(text)


def require_id(data: Data, key: str) -> int:
    value = data.get(key)
    if value is None or value == "":
        raise InvalidSubmission(field=key)
    return to_int(value, key)


def optional_id(data: Data, key: str) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    return to_int(value, key)
