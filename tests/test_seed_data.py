"""Shape checks for the seed and demo data files in teams_app/seed.

The seed loader is written against exactly this format, so these checks catch
a missing key, an unknown rubric or an over-long text before the loader runs.
"""

import datetime
import json
import re
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

SEED_DIR = Path(__file__).resolve().parents[1] / "teams_app" / "seed"
DEMO_DIR = SEED_DIR / "demo"

SEED_FILES = {
    "rubrics": SEED_DIR / "rubrics.json",
    "questions": SEED_DIR / "questions.json",
    "mentors": DEMO_DIR / "mentors.json",
    "materials": DEMO_DIR / "materials.json",
    "solved_cases": DEMO_DIR / "solved_cases.json",
}

# The twelve rubrics of the rubricator, in seed order.
RUBRIC_KEYS = [
    "education_law",
    "professional_ethics",
    "class_management",
    "digital_technologies",
    "individualization",
    "subject_methods",
    "assessment",
    "urban_projects",
    "self_management",
    "parents",
    "personal_resources",
    "families_at_risk",
]

PARTICIPANTS = {
    "parents",
    "fellow_teachers",
    "school_administration",
    "education_department",
    "other_agencies",
    "ngos",
    "preschool_children",
} | {f"form_{number}" for number in range(1, 12)}

URGENCIES = {"urgent", "need_advice", "expert_opinion"}
LANGUAGES = {"ru", "en"}
MENTOR_LOCALES = {"ru-RU", "en-US"}
MATERIAL_KINDS = {"article", "book", "link", "video"}
MENTOR_TEXT_FIELDS = (
    "last_name",
    "first_name",
    "position",
    "workplace",
    "interests",
    "motto",
)

# Question groups in seed order, with their kind and number of questions.
QUESTION_GROUPS = {
    "goals": ("developing", 5),
    "swot": ("developing", 4),
    "options": ("clarifying", 7),
    "planning": ("clarifying", 1),
}

# Maximum length of each case field in characters, counted after NFC.
CASE_TEXT_LIMITS = {
    "essence": 1000,
    "actions_taken": 1000,
    "why_difficult": 1000,
    "question": 500,
}

# Keywords are lowercase word prefixes with "ё" written as "е". Four letters
# is the minimum because shorter prefixes match too many unrelated words.
KEYWORD_PATTERNS = {
    "ru": re.compile(r"[а-я]{4,}"),
    "en": re.compile(r"[a-z]{4,}"),
}

CYRILLIC = re.compile(r"[А-Яа-яЁё]")

# Patterns of contact details and school numbers that an anonymised case
# must not contain.
IDENTIFYING_PATTERNS = {
    "e-mail address": re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
    "phone number": re.compile(r"\+?\d[\d\s()-]{6,}\d"),
    "web address": re.compile(r"https?://|www\.", re.IGNORECASE),
    "number sign": re.compile(r"№"),
}


def load_seed(name: str) -> list[dict[str, Any]]:
    return json.loads(SEED_FILES[name].read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rubrics() -> list[dict[str, Any]]:
    return load_seed("rubrics")


@pytest.fixture(scope="module")
def questions() -> list[dict[str, Any]]:
    return load_seed("questions")


@pytest.fixture(scope="module")
def mentors() -> list[dict[str, Any]]:
    return load_seed("mentors")


@pytest.fixture(scope="module")
def materials() -> list[dict[str, Any]]:
    return load_seed("materials")


@pytest.fixture(scope="module")
def solved_cases() -> list[dict[str, Any]]:
    return load_seed("solved_cases")


def nfc_length(text: str) -> int:
    return len(unicodedata.normalize("NFC", text.strip()))


def test_nfc_length_counts_composed_characters() -> None:
    # "е" followed by a combining diaeresis composes to the single letter "ё".
    assert nfc_length("е\u0308ж") == 2
    assert nfc_length("  слово \n") == 5


def assert_text(value: Any, where: str) -> None:
    assert isinstance(value, str), f"{where}: expected a string, got {value!r}"
    assert value.strip(), f"{where}: empty text"


def assert_language(text: str, language: str, where: str) -> None:
    if language == "ru":
        assert CYRILLIC.search(text), f"{where}: Russian text without Cyrillic"
    else:
        assert not CYRILLIC.search(text), f"{where}: English text with Cyrillic"


def assert_bilingual(value: Any, where: str) -> None:
    assert isinstance(value, dict), f"{where}: expected {{'ru', 'en'}}, got {value!r}"
    assert set(value) == LANGUAGES, f"{where}: languages {sorted(value)}"
    for language in sorted(LANGUAGES):
        assert_text(value[language], f"{where}.{language}")
        assert_language(value[language], language, f"{where}.{language}")


def assert_rubric_list(value: Any, where: str, *, allow_empty: bool) -> None:
    assert isinstance(value, list), f"{where}: expected a list, got {value!r}"
    if not allow_empty:
        assert value, f"{where}: no rubrics"
    unknown = set(value) - set(RUBRIC_KEYS)
    assert not unknown, f"{where}: unknown rubrics {sorted(unknown)}"
    assert len(set(value)) == len(value), f"{where}: repeated rubrics {value}"


def assert_example_url(url: Any, where: str) -> None:
    assert_text(url, where)
    parts = urlsplit(url)
    assert parts.scheme == "https", f"{where}: {url!r} is not https"
    assert parts.hostname == "example.org", f"{where}: {url!r} is not on example.org"


def assert_unique_keys(items: list[dict[str, Any]], name: str) -> None:
    keys = [item["key"] for item in items]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    assert not repeated, f"{name}: repeated keys {repeated}"


@pytest.mark.parametrize("name", sorted(SEED_FILES))
def test_seed_file_is_list_of_objects(name: str) -> None:
    data = load_seed(name)

    assert isinstance(data, list), f"{name}: top level is not a list"
    assert data, f"{name}: empty list"
    for index, item in enumerate(data):
        assert isinstance(item, dict), f"{name}[{index}]: not an object"
        assert isinstance(item.get("key"), str), f"{name}[{index}]: no string key"


def test_rubrics_match_rubricator_order(rubrics: list[dict[str, Any]]) -> None:
    assert [rubric["key"] for rubric in rubrics] == RUBRIC_KEYS


def test_rubrics_have_bilingual_texts(rubrics: list[dict[str, Any]]) -> None:
    for rubric in rubrics:
        key = rubric["key"]
        assert set(rubric) == {"key", "title", "description"}, sorted(rubric)
        assert_bilingual(rubric["title"], f"{key}.title")
        assert_bilingual(rubric["description"], f"{key}.description")


def test_question_groups_kinds_and_sizes(questions: list[dict[str, Any]]) -> None:
    assert [group["key"] for group in questions] == list(QUESTION_GROUPS)
    for group in questions:
        kind, size = QUESTION_GROUPS[group["key"]]
        assert set(group) == {"key", "kind", "title", "questions"}, sorted(group)
        assert group["kind"] == kind, f"{group['key']}: kind {group['kind']!r}"
        assert len(group["questions"]) == size, f"{group['key']}: question count"
        assert_bilingual(group["title"], f"{group['key']}.title")


def test_questions_fields(questions: list[dict[str, Any]]) -> None:
    for group in questions:
        for question in group["questions"]:
            key = question["key"]
            assert set(question) == {"key", "text", "rubrics", "keywords"}, key
            assert key.startswith(group["key"] + "."), f"{key}: not in {group['key']}"
            assert_bilingual(question["text"], f"{key}.text")
            for language in sorted(LANGUAGES):
                text = question["text"][language]
                assert text.endswith("?"), f"{key}.text.{language}: not a question"
            assert_rubric_list(question["rubrics"], f"{key}.rubrics", allow_empty=True)


def test_question_keywords_shape(questions: list[dict[str, Any]]) -> None:
    for group in questions:
        for question in group["questions"]:
            key = question["key"]
            keywords = question["keywords"]
            assert set(keywords) == LANGUAGES, f"{key}.keywords: {sorted(keywords)}"
            for language, pattern in KEYWORD_PATTERNS.items():
                words = keywords[language]
                assert words, f"{key}.keywords.{language}: empty"
                assert len(set(words)) == len(words), f"{key}.keywords.{language}"
                for word in words:
                    where = f"{key}.keywords.{language}"
                    assert pattern.fullmatch(word), f"{where}: invalid {word!r}"


def test_question_keys_unique(questions: list[dict[str, Any]]) -> None:
    assert_unique_keys(questions, "question groups")
    assert_unique_keys(
        [question for group in questions for question in group["questions"]],
        "questions",
    )


def test_mentors_fields(mentors: list[dict[str, Any]]) -> None:
    expected_keys = {
        "key", "last_name", "first_name", "patronymic", "position", "workplace",
        "areas", "interests", "links", "motto", "email", "locale",
        "max_open_cases", "away_until",
    }  # fmt: skip
    for mentor in mentors:
        key = mentor["key"]
        assert set(mentor) == expected_keys, f"{key}: {sorted(mentor)}"
        assert key.startswith("m-"), f"{key}: key must start with 'm-'"
        for field in MENTOR_TEXT_FIELDS:
            assert_text(mentor[field], f"{key}.{field}")
        # Only English-speaking mentors may have no patronymic.
        assert isinstance(mentor["patronymic"], str), f"{key}.patronymic"
        if mentor["locale"] == "ru-RU":
            assert_text(mentor["patronymic"], f"{key}.patronymic")
        assert mentor["locale"] in MENTOR_LOCALES, f"{key}.locale: {mentor['locale']!r}"
        assert_rubric_list(mentor["areas"], f"{key}.areas", allow_empty=False)
        assert mentor["links"], f"{key}.links: empty"
        for link in mentor["links"]:
            assert_example_url(link, f"{key}.links")
        email = mentor["email"]
        assert re.fullmatch(r"[a-z0-9.-]+@example\.org", email), f"{key}: {email!r}"
        capacity = mentor["max_open_cases"]
        assert type(capacity) is int, f"{key}.max_open_cases: {capacity!r}"
        assert capacity > 0, f"{key}.max_open_cases: {capacity}"
        away_until = mentor["away_until"]
        if away_until is not None:
            where = f"{key}.away_until: {away_until!r}"
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", away_until), where
            datetime.date.fromisoformat(away_until)


def test_mentor_keys_unique(mentors: list[dict[str, Any]]) -> None:
    assert len(mentors) == 6
    assert_unique_keys(mentors, "mentors")


def test_mentors_cover_every_rubric(mentors: list[dict[str, Any]]) -> None:
    covered = {area for mentor in mentors for area in mentor["areas"]}
    missing = sorted(set(RUBRIC_KEYS) - covered)

    assert not missing, f"rubrics without a demo mentor: {missing}"


def test_available_mentors_cover_every_rubric(mentors: list[dict[str, Any]]) -> None:
    # Demo mode must find a mentor for any rubric while the away mentor is away.
    available = [mentor for mentor in mentors if mentor["away_until"] is None]
    covered = {area for mentor in available for area in mentor["areas"]}
    missing = sorted(set(RUBRIC_KEYS) - covered)

    assert len(available) < len(mentors), "no demo mentor is away"
    assert not missing, f"rubrics without an available demo mentor: {missing}"


def test_materials_fields(materials: list[dict[str, Any]]) -> None:
    expected_keys = {"key", "kind", "title", "summary", "url", "rubrics", "language"}
    for material in materials:
        key = material["key"]
        assert set(material) == expected_keys, f"{key}: {sorted(material)}"
        assert key.startswith("mat-"), f"{key}: key must start with 'mat-'"
        assert material["kind"] in MATERIAL_KINDS, f"{key}.kind: {material['kind']!r}"
        assert material["language"] in LANGUAGES, f"{key}.language"
        for field in ("title", "summary"):
            assert_text(material[field], f"{key}.{field}")
            assert_language(material[field], material["language"], f"{key}.{field}")
        assert_example_url(material["url"], f"{key}.url")
        assert_rubric_list(material["rubrics"], f"{key}.rubrics", allow_empty=False)


def test_material_keys_unique(materials: list[dict[str, Any]]) -> None:
    assert len(materials) == 10
    assert_unique_keys(materials, "materials")


def test_solved_cases_fields(solved_cases: list[dict[str, Any]]) -> None:
    expected_keys = {
        "key", "language", "title", "rubrics", "participants", "urgency",
        "clarifications", "solutions", *CASE_TEXT_LIMITS,
    }  # fmt: skip
    for case in solved_cases:
        key = case["key"]
        assert set(case) == expected_keys, f"{key}: {sorted(case)}"
        assert re.fullmatch(r"demo-case-\d+", key), f"{key}: key pattern"
        assert case["language"] in LANGUAGES, f"{key}.language"
        assert case["urgency"] in URGENCIES, f"{key}.urgency: {case['urgency']!r}"
        assert_rubric_list(case["rubrics"], f"{key}.rubrics", allow_empty=False)
        participants = case["participants"]
        assert participants, f"{key}.participants: empty"
        unknown = set(participants) - PARTICIPANTS
        assert not unknown, f"{key}.participants: unknown {sorted(unknown)}"
        assert len(set(participants)) == len(participants), f"{key}.participants"


def test_solved_case_text_limits(solved_cases: list[dict[str, Any]]) -> None:
    for case in solved_cases:
        key = case["key"]
        assert_text(case["title"], f"{key}.title")
        for field, limit in CASE_TEXT_LIMITS.items():
            assert_text(case[field], f"{key}.{field}")
            length = nfc_length(case[field])
            assert length <= limit, f"{key}.{field}: {length} > {limit} characters"


def case_texts(case: dict[str, Any]) -> dict[str, str]:
    """Return every free text of a case, keyed by where it sits in the case."""
    texts = {field: case[field] for field in ("title", *CASE_TEXT_LIMITS)}
    for index, item in enumerate(case["clarifications"]):
        texts[f"clarifications[{index}].question"] = item["question"]
        texts[f"clarifications[{index}].answer"] = item["answer"]
    for index, solution in enumerate(case["solutions"]):
        texts[f"solutions[{index}].text"] = solution["text"]
    return texts


def test_solved_case_dialogue(solved_cases: list[dict[str, Any]]) -> None:
    for case in solved_cases:
        key = case["key"]
        assert case["clarifications"], f"{key}.clarifications: empty"
        for item in case["clarifications"]:
            assert set(item) == {"question", "answer"}, f"{key}.clarifications: {item}"
        assert case["solutions"], f"{key}.solutions: empty"
        for solution in case["solutions"]:
            assert set(solution) == {"text", "materials"}, f"{key}.solutions"
            assert isinstance(solution["materials"], list), f"{key}.solutions"
        for where, text in case_texts(case).items():
            assert_text(text, f"{key}.{where}")
            assert_language(text, case["language"], f"{key}.{where}")


def test_solved_cases_are_anonymised(solved_cases: list[dict[str, Any]]) -> None:
    for case in solved_cases:
        for where, text in case_texts(case).items():
            for label, pattern in IDENTIFYING_PATTERNS.items():
                found = pattern.search(text)
                if found:
                    pytest.fail(f"{case['key']}.{where}: {label} {found[0]!r}")


def test_solution_materials_resolve(
    solved_cases: list[dict[str, Any]], materials: list[dict[str, Any]]
) -> None:
    material_keys = {material["key"] for material in materials}
    for case in solved_cases:
        for solution in case["solutions"]:
            unknown = set(solution["materials"]) - material_keys
            assert not unknown, f"{case['key']}: unknown materials {sorted(unknown)}"


def test_solved_case_keys_unique(solved_cases: list[dict[str, Any]]) -> None:
    assert len(solved_cases) == 8
    assert_unique_keys(solved_cases, "solved cases")
