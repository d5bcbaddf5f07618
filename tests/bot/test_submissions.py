"""Parsing card submissions into typed records, as Teams and other clients send them."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.submissions import (
    AnswersInput,
    AvailabilityInput,
    CaseChoice,
    EntryEdits,
    InvalidSubmission,
    LanguageChoice,
    MentorChoice,
    OfferDecline,
    QuestionsInput,
    SolutionInput,
    parse_answers,
    parse_availability,
    parse_case,
    parse_case_form,
    parse_decline,
    parse_entry_edits,
    parse_language,
    parse_mentor_pick,
    parse_moderator_assign,
    parse_questions,
    parse_solution,
)
from teams_app.domain.errors import FieldError, ValidationFailed
from tests.factories import CASE_FORM


@pytest.mark.parametrize("value", [7, "7", " 7 "])
def test_case_id_read_as_int(value: object) -> None:
    assert parse_case({"case": value}) == CaseChoice(7)


@pytest.mark.parametrize("value", [None, "", "seven", "7.5", "-1", True])
def test_bad_case_id_rejected(value: object) -> None:
    with pytest.raises(InvalidSubmission) as raised:
        parse_case({"case": value})

    assert raised.value.fields == {"field": "case"}


def test_mentor_pick_reads_both_ids() -> None:
    assert parse_mentor_pick({"case": "3", "mentor": 12}) == MentorChoice(3, 12)


def test_moderator_assign_needs_mentor() -> None:
    assert parse_moderator_assign({"case": 3, "mentor": "12"}) == MentorChoice(3, 12)
    with pytest.raises(ValidationFailed) as raised:
        parse_moderator_assign({"case": 3, "mentor": ""})

    assert raised.value.errors == (FieldError("mentor", "required"),)


def test_decline_reason_optional() -> None:
    assert parse_decline({"assignment": 5, "decline_reason": "  "}) == OfferDecline(5, None)
    assert parse_decline({"assignment": 5, "decline_reason": " Занята "}) == OfferDecline(
        5, "Занята"
    )


def test_case_form_normalises_choices_and_toggles() -> None:
    data = {
        **CASE_FORM,
        "participants": "form_6, fellow_teachers,",
        "group_consent": True,
        "publish_consent": "false",
        "case": "9",
        "unrelated": "ignored",
    }

    form = parse_case_form(data)

    assert form.case_id == 9
    assert form.values["participants"] == "form_6,fellow_teachers"
    assert form.values["group_consent"] == "true"
    assert form.values["publish_consent"] == "false"
    assert form.values["essence"] == CASE_FORM["essence"]
    assert "unrelated" not in form.values


def test_case_form_keeps_unreadable_toggle() -> None:
    form = parse_case_form({**CASE_FORM, "group_consent": "maybe"})

    assert form.values["group_consent"] == "maybe"
    assert form.case_id is None


def test_questions_split_lines_and_choices() -> None:
    data = {
        "case": 4,
        "suggested": "q1,q7",
        "custom_questions": "Сколько детей?\n\n  Кто завуч?  \n",
    }

    assert parse_questions(data) == QuestionsInput(
        4, ("q1", "q7"), ("Сколько детей?", "Кто завуч?")
    )


def test_solution_material_ids_read_as_ints() -> None:
    data = {"case": 4, "solution": " Ритуал начала урока ", "materials": "12,15"}

    assert parse_solution(data) == SolutionInput(4, "Ритуал начала урока", (12, 15))


def test_solution_bad_material_rejected() -> None:
    with pytest.raises(InvalidSubmission):
        parse_solution({"case": 4, "solution": "Текст", "materials": "12,abc"})


def test_answers_keyed_by_question_id() -> None:
    data = {"round": "2", "answer_10": "Двадцать пять", "answer_11": None, "other": "x"}

    assert parse_answers(data) == AnswersInput(2, {10: "Двадцать пять", 11: ""})


def test_entry_edits_keep_text_inputs_only() -> None:
    data = {"entry": 8, "title": "Шумный класс", "solution_0": "Текст", "verb": "x"}

    assert parse_entry_edits(data) == EntryEdits(
        8, {"title": "Шумный класс", "solution_0": "Текст"}
    )


def test_availability_parsed() -> None:
    data = {"away_until": "2026-04-01", "max_open_cases": "5"}

    assert parse_availability(data) == AvailabilityInput(dt.date(2026, 4, 1), 5)
    assert parse_availability({}) == AvailabilityInput(None, None)


def test_availability_errors_listed() -> None:
    with pytest.raises(ValidationFailed) as raised:
        parse_availability({"away_until": "1 April", "max_open_cases": "many"})

    assert [error.field for error in raised.value.errors] == ["away_until", "max_open_cases"]


def test_language_choice_parsed() -> None:
    assert parse_language({"language": " EN "}) == LanguageChoice("en")
    assert parse_language({"language": "ru"}) == LanguageChoice("ru")
    assert parse_language({}) == LanguageChoice(None)
    with pytest.raises(InvalidSubmission):
        parse_language({"language": "de"})
