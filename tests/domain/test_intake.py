"""Validation of the case intake form, field by field, and its error messages."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from teams_app.domain.enums import Participant, Privacy, Urgency
from teams_app.domain.errors import FieldError, ValidationFailed
from teams_app.domain.intake import (
    FIELD_LABELS,
    INTAKE_FIELDS,
    TEXT_LIMITS,
    CaseForm,
    describe_field_error,
    parse_case_form,
    text_length,
)
from teams_app.i18n import Translator

SAMPLES_DIR = Path(__file__).resolve().parents[3] / "shared" / "samples"
RUBRIC_KEYS = frozenset(
    item["key"]
    for item in json.loads(
        (Path(__file__).resolve().parents[2] / "teams_app" / "seed" / "rubrics.json").read_text(
            encoding="utf-8"
        )
    )
)

VALID: dict[str, Any] = {
    "essence": "Шестой класс шумит после большой перемены.",
    "actions_taken": "Рассаживала шумных, писала замечания.",
    "why_difficult": "Нет опыта держать дисциплину без крика.",
    "question": "Какие приёмы помогут быстро переключить класс на работу?",
    "participants": "form_6,fellow_teachers",
    "rubrics": "class_management",
    "privacy": "anonymous",
    "group_consent": "true",
    "urgency": "need_advice",
    "publish_consent": "false",
}
ALL_FIELDS = INTAKE_FIELDS

# Sequences that a reader sees as one character each.
CYRILLIC_LETTER = "ж"
EMOJI = "😀"  # U+1F600: one code point, two UTF-16 code units
DECOMPOSED_SHORT_I = "и\u0306"  # «й» typed as «и» plus a combining breve
# U+1F926 U+200D U+2640 U+FE0F: a ZWJ sequence of four code points, and
# still four after NFC, so it counts as four characters.
FACEPALM_ZWJ = "🤦\u200d♀\ufe0f"


def parse(**changes: Any) -> CaseForm:
    return parse_case_form({**VALID, **changes}, RUBRIC_KEYS)


def errors_of(raw: dict[str, Any]) -> list[FieldError]:
    with pytest.raises(ValidationFailed) as raised:
        parse_case_form(raw, RUBRIC_KEYS)
    return list(raised.value.errors)


def errors_for(**changes: Any) -> list[FieldError]:
    return errors_of({**VALID, **changes})


# --------------------------------------------------------------- a valid form


def test_valid_form_parses() -> None:
    form = parse()

    assert form.essence == VALID["essence"]
    assert form.question == VALID["question"]
    assert form.participants == (Participant.FORM_6, Participant.FELLOW_TEACHERS)
    assert form.rubrics == ("class_management",)
    assert form.privacy == Privacy.ANONYMOUS
    assert form.urgency == Urgency.NEED_ADVICE
    assert form.group_consent is True
    assert form.publish_consent is False


def test_as_dict_is_plain_json() -> None:
    form = parse()

    data = form.as_dict()

    assert json.loads(json.dumps(data)) == data
    assert data["participants"] == ["form_6", "fellow_teachers"]
    assert data["privacy"] == "anonymous"


# ------------------------------------------------------------- text lengths


@pytest.mark.parametrize("field", list(TEXT_LIMITS))
@pytest.mark.parametrize(
    "unit",
    [CYRILLIC_LETTER, EMOJI, DECOMPOSED_SHORT_I],
    ids=["cyrillic", "emoji", "decomposed"],
)
def test_text_at_limit_is_valid(field: str, unit: str) -> None:
    limit = TEXT_LIMITS[field]
    text = unit * limit

    form = parse(**{field: text})

    assert text_length(getattr(form, field)) == limit


@pytest.mark.parametrize("field", list(TEXT_LIMITS))
@pytest.mark.parametrize(
    "unit",
    [CYRILLIC_LETTER, EMOJI, DECOMPOSED_SHORT_I],
    ids=["cyrillic", "emoji", "decomposed"],
)
def test_text_over_limit_is_too_long(field: str, unit: str) -> None:
    limit = TEXT_LIMITS[field]

    errors = errors_for(**{field: unit * (limit + 1)})

    assert errors == [FieldError(field, "too_long", limit=limit, actual=limit + 1)]


def test_limits_match_the_form_rules() -> None:
    assert TEXT_LIMITS == {
        "essence": 1000,
        "actions_taken": 1000,
        "why_difficult": 1000,
        "question": 500,
    }


def test_decomposed_letter_counts_once() -> None:
    assert len(DECOMPOSED_SHORT_I) == 2
    assert text_length(DECOMPOSED_SHORT_I) == 1
    assert text_length("первы" + DECOMPOSED_SHORT_I) == 6


def test_decomposed_text_is_stored_as_typed() -> None:
    text = "Мой перв" + "ы" + DECOMPOSED_SHORT_I + " класс"

    form = parse(essence=text)

    assert form.essence == text
    assert unicodedata.is_normalized("NFC", form.essence) is False


def test_emoji_counts_as_one_character() -> None:
    assert text_length(EMOJI) == 1
    assert len(EMOJI.encode("utf-16-le")) == 4


@pytest.mark.parametrize("field", list(TEXT_LIMITS))
def test_zwj_sequence_counts_code_points(field: str) -> None:
    limit = TEXT_LIMITS[field]
    assert text_length(FACEPALM_ZWJ) == 4
    at_limit = FACEPALM_ZWJ * (limit // 4)

    form = parse(**{field: at_limit})
    errors = errors_for(**{field: at_limit + EMOJI})

    assert getattr(form, field) == at_limit
    assert errors == [FieldError(field, "too_long", limit=limit, actual=limit + 1)]


def test_mixed_text_at_limit_is_valid() -> None:
    # 994 letters, one emoji, one decomposed «й» and one ZWJ sequence of
    # four code points make 1,000 characters after NFC.
    text = CYRILLIC_LETTER * 994 + EMOJI + DECOMPOSED_SHORT_I + FACEPALM_ZWJ

    form = parse(essence=text)
    errors = errors_for(essence=text + CYRILLIC_LETTER)

    assert text_length(form.essence) == 1000
    assert errors == [FieldError("essence", "too_long", limit=1000, actual=1001)]


# --------------------------------------------------------------- whitespace


def test_outer_whitespace_is_trimmed() -> None:
    inner = "Первая строка.\n\n  Вторая   строка\tс табуляцией."

    form = parse(essence=" \n\t" + inner + "\u00a0 \n")

    assert form.essence == inner


def test_outer_whitespace_does_not_count() -> None:
    text = CYRILLIC_LETTER * 1000

    form = parse(essence="   " + text + "\n\n")

    assert form.essence == text


@pytest.mark.parametrize("field", list(TEXT_LIMITS))
@pytest.mark.parametrize("blank", ["", "   ", "\n\t ", None], ids=repr)
def test_blank_text_is_required(field: str, blank: str | None) -> None:
    errors = errors_for(**{field: blank})

    assert errors == [FieldError(field, "required")]


@pytest.mark.parametrize("field", list(TEXT_LIMITS))
def test_nul_character_is_invalid(field: str) -> None:
    errors = errors_for(**{field: "Первая часть\x00вторая часть"})

    assert errors == [FieldError(field, "invalid_character")]


@pytest.mark.parametrize("field", list(TEXT_LIMITS))
def test_control_characters_are_kept(field: str) -> None:
    text = "Строка\tс табуляцией\r\nи переводом строки"

    form = parse(**{field: text})

    assert getattr(form, field) == text


# ---------------------------------------------------------- required fields


@pytest.mark.parametrize(
    ("field", "code"),
    [
        ("essence", "required"),
        ("actions_taken", "required"),
        ("why_difficult", "required"),
        ("question", "required"),
        ("participants", "choose_at_least_one"),
        ("rubrics", "choose_at_least_one"),
        ("privacy", "required"),
        ("urgency", "required"),
    ],
)
def test_missing_field_is_reported(field: str, code: str) -> None:
    raw = {key: value for key, value in VALID.items() if key != field}

    errors = errors_of(raw)

    assert [(e.field, e.code) for e in errors] == [(field, code)]


@pytest.mark.parametrize("field", ["participants", "rubrics"])
@pytest.mark.parametrize("empty", ["", " , ,", [], [""]], ids=repr)
def test_empty_multi_select_is_reported(field: str, empty: Any) -> None:
    errors = errors_for(**{field: empty})

    assert errors == [FieldError(field, "choose_at_least_one", limit=1)]


def test_all_errors_are_reported_at_once() -> None:
    errors = errors_of({})

    assert {e.field for e in errors} == set(ALL_FIELDS) - {"group_consent", "publish_consent"}
    assert len(errors) == 8


def test_every_invalid_field_is_reported_at_once() -> None:
    raw = {
        "essence": CYRILLIC_LETTER * 1001,
        "actions_taken": "",
        "why_difficult": EMOJI * 1001,
        "question": "в" * 501,
        "participants": "form_12",
        "rubrics": "astrology",
        "privacy": "public",
        "group_consent": "maybe",
        "urgency": "yesterday",
        "publish_consent": "perhaps",
    }

    errors = errors_of(raw)

    assert {e.field: e.code for e in errors} == {
        "essence": "too_long",
        "actions_taken": "required",
        "why_difficult": "too_long",
        "question": "too_long",
        "participants": "unknown_choice",
        "rubrics": "unknown_choice",
        "privacy": "unknown_choice",
        "group_consent": "invalid_boolean",
        "urgency": "unknown_choice",
        "publish_consent": "invalid_boolean",
    }
    assert len(errors) == len(ALL_FIELDS)


# ------------------------------------------------------------- multi-select


@pytest.mark.parametrize(
    "value",
    [
        "parents,form_1,form_11",
        " parents , form_1 ,form_11 ",
        "parents,,form_1,form_11,",
        ["parents", "form_1", "form_11"],
        ("parents", " form_1 ", "form_11"),
    ],
    ids=["joined", "joined-spaces", "joined-empty-items", "list", "tuple"],
)
def test_participants_from_string_or_list(value: Any) -> None:
    form = parse(participants=value)

    assert form.participants == (Participant.PARENTS, Participant.FORM_1, Participant.FORM_11)


def test_multi_select_drops_duplicates_keeping_order() -> None:
    form = parse(participants="form_5,parents,form_5", rubrics=["parents", "assessment", "parents"])

    assert form.participants == (Participant.FORM_5, Participant.PARENTS)
    assert form.rubrics == ("parents", "assessment")


def test_every_participant_choice_is_accepted() -> None:
    form = parse(participants=",".join(p.value for p in Participant))

    assert form.participants == tuple(Participant)
    assert len(form.participants) == 18


def test_every_seeded_rubric_is_accepted() -> None:
    form = parse(rubrics=sorted(RUBRIC_KEYS))

    assert set(form.rubrics) == RUBRIC_KEYS
    assert len(RUBRIC_KEYS) == 12


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("participants", "form_12"),
        ("participants", "parents,form_0"),
        ("participants", ["Parents"]),
        ("rubrics", "astrology"),
        ("rubrics", "parents,Parents"),
        ("rubrics", ["class_management", "class management"]),
        ("privacy", "public"),
        ("privacy", "Anonymous"),
        ("urgency", "asap"),
        ("urgency", "URGENT"),
    ],
)
def test_unknown_choice_is_reported(field: str, value: Any) -> None:
    errors = errors_for(**{field: value})

    assert errors == [FieldError(field, "unknown_choice")]


@pytest.mark.parametrize("privacy", list(Privacy))
@pytest.mark.parametrize("urgency", list(Urgency))
def test_every_single_choice_is_accepted(privacy: Privacy, urgency: Urgency) -> None:
    form = parse(privacy=f" {privacy.value} ", urgency=urgency.value)

    assert form.privacy == privacy
    assert form.urgency == urgency


# ------------------------------------------------------------------ toggles


@pytest.mark.parametrize("field", ["group_consent", "publish_consent"])
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("true", True),
        ("false", False),
        ("True", True),
        (" FALSE ", False),
        ("1", True),
        ("0", False),
    ],
    ids=repr,
)
def test_toggle_values(field: str, value: Any, expected: bool) -> None:
    form = parse(**{field: value})

    assert getattr(form, field) is expected


@pytest.mark.parametrize("field", ["group_consent", "publish_consent"])
def test_missing_toggle_means_no_consent(field: str) -> None:
    raw = {key: value for key, value in VALID.items() if key != field}

    form = parse_case_form(raw, RUBRIC_KEYS)

    assert getattr(form, field) is False


@pytest.mark.parametrize("field", ["group_consent", "publish_consent"])
@pytest.mark.parametrize("junk", ["maybe", "да", "2", "truee", ["true"], 2], ids=repr)
def test_junk_toggle_is_invalid(field: str, junk: Any) -> None:
    errors = errors_for(**{field: junk})

    assert errors == [FieldError(field, "invalid_boolean")]


# ----------------------------------------------------------------- messages

MESSAGE_CASES = [
    FieldError("essence", "too_long", limit=1000, actual=1001),
    FieldError("actions_taken", "too_long", limit=1000, actual=1250),
    FieldError("why_difficult", "too_long", limit=1000, actual=1001),
    FieldError("question", "too_long", limit=500, actual=501),
    FieldError("essence", "required"),
    FieldError("participants", "choose_at_least_one", limit=1),
    FieldError("rubrics", "unknown_choice"),
    FieldError("privacy", "required"),
    FieldError("urgency", "unknown_choice"),
    FieldError("group_consent", "invalid_boolean"),
    FieldError("essence", "invalid_character"),
]


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("error", MESSAGE_CASES, ids=lambda e: f"{e.field}-{e.code}")
def test_message_names_the_field(language: str, error: FieldError) -> None:
    translate = Translator(language)

    message = describe_field_error(error, translate)

    assert translate(FIELD_LABELS[error.field]) in message
    assert "{" not in message
    assert "None" not in message


@pytest.mark.parametrize(
    ("language", "error", "limit", "actual"),
    [
        ("en", FieldError("essence", "too_long", 1000, 1001), "1,000", "1,001"),
        ("ru", FieldError("essence", "too_long", 1000, 1001), "1\u00a0000", "1\u00a0001"),
        ("en", FieldError("question", "too_long", 500, 501), "500", "501"),
        ("ru", FieldError("question", "too_long", 500, 501), "500", "501"),
    ],
)
def test_too_long_message_names_the_limit(
    language: str, error: FieldError, limit: str, actual: str
) -> None:
    message = describe_field_error(error, Translator(language))

    assert limit in message
    assert actual in message


def test_english_message_reads_plainly() -> None:
    message = describe_field_error(FieldError("question", "too_long", 500, 612), Translator("en"))

    assert message == "«Your question to the mentor» must be at most 500 characters; it has 612."


@pytest.mark.parametrize("error", MESSAGE_CASES, ids=lambda e: f"{e.field}-{e.code}")
def test_russian_message_is_russian(error: FieldError) -> None:
    translate = Translator("ru")
    label = FIELD_LABELS[error.field]
    if translate(label) == label:
        pytest.skip("the Russian catalogue has no translation of the intake form labels yet")

    message = describe_field_error(error, translate)

    assert message != describe_field_error(error, Translator("en"))
    assert not any("a" <= ch <= "z" for ch in message.lower()), message


def test_validation_error_counts_fields() -> None:
    with pytest.raises(ValidationFailed) as raised:
        parse_case_form({}, RUBRIC_KEYS)

    assert raised.value.code == "validation_failed"
    assert raised.value.fields == {"count": 8}


# ------------------------------------------------------------------ samples


def _sample_cases() -> list[dict[str, Any]]:
    path = SAMPLES_DIR / "cases.jsonl"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


SAMPLE_CASES = _sample_cases()
needs_samples = pytest.mark.skipif(
    not SAMPLE_CASES, reason=f"sample cases not found at {SAMPLES_DIR / 'cases.jsonl'}"
)


@needs_samples
@pytest.mark.parametrize("sample", SAMPLE_CASES, ids=lambda s: s["id"])
def test_sample_case_validates(sample: dict[str, Any]) -> None:
    form = parse_case_form(sample, RUBRIC_KEYS)

    for field in TEXT_LIMITS:
        assert getattr(form, field) == sample[field].strip()
    assert [p.value for p in form.participants] == sample["participants"]
    assert list(form.rubrics) == sample["rubrics"]
    assert form.privacy.value == sample["privacy"]
    assert form.urgency.value == sample["urgency"]
    assert form.group_consent is sample["group_consent"]
    assert form.publish_consent is sample["publish_consent"]


def _sample(sample_id: str) -> dict[str, Any]:
    (sample,) = [s for s in SAMPLE_CASES if s["id"] == sample_id]
    return sample


@needs_samples
def test_sample_essence_exactly_at_limit() -> None:
    sample = _sample("S28")

    form = parse_case_form(sample, RUBRIC_KEYS)
    errors = errors_of({**sample, "essence": sample["essence"] + "."})

    assert text_length(form.essence) == 1000
    assert errors == [FieldError("essence", "too_long", limit=1000, actual=1001)]


@needs_samples
def test_sample_question_exactly_at_limit() -> None:
    sample = _sample("S30")

    form = parse_case_form(sample, RUBRIC_KEYS)
    errors = errors_of({**sample, "question": sample["question"] + "?"})

    assert text_length(form.question) == 500
    assert errors == [FieldError("question", "too_long", limit=500, actual=501)]


@needs_samples
def test_sample_decomposed_letter_kept() -> None:
    sample = _sample("S27")

    form = parse_case_form(sample, RUBRIC_KEYS)

    assert form.essence == sample["essence"]
    assert len(form.essence) == text_length(form.essence) + 1
