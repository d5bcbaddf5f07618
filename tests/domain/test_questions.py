"""Ordering of suggested questions by their fit to a case's rubrics and words."""

from __future__ import annotations

import json
from pathlib import Path

from teams_app.domain.questions import (
    KEYWORD_FIT_WEIGHT,
    RUBRIC_FIT_WEIGHT,
    QuestionTemplate,
    order_questions,
    question_fit,
)
from teams_app.search_text import tokens

QUESTIONS_JSON = Path(__file__).resolve().parents[2] / "teams_app" / "seed" / "questions.json"


def template(
    key: str,
    position: int,
    rubrics: tuple[str, ...] = (),
    keywords: tuple[str, ...] = (),
) -> QuestionTemplate:
    return QuestionTemplate(key, position, frozenset(rubrics), frozenset(keywords))


def ordered_keys(
    questions: list[QuestionTemplate], rubrics: tuple[str, ...], text: str = ""
) -> list[str]:
    return [q.key for q, _ in order_questions(questions, rubrics, set(tokens(text)))]


def seeded_templates() -> list[QuestionTemplate]:
    templates = []
    position = 0
    for group in json.loads(QUESTIONS_JSON.read_text(encoding="utf-8")):
        for item in group["questions"]:
            words = [word for language in item["keywords"].values() for word in language]
            templates.append(template(item["key"], position, tuple(item["rubrics"]), tuple(words)))
            position += 1
    return templates


# ---------------------------------------------------------------------- fit


def test_fit_counts_rubric_hits() -> None:
    question = template("q", 0, rubrics=("parents", "assessment", "education_law"))

    assert question_fit(question, ["parents", "education_law"], []) == 2 * RUBRIC_FIT_WEIGHT


def test_fit_counts_keyword_prefixes() -> None:
    question = template("q", 0, keywords=("родител", "жалоб", "parent"))

    fit = question_fit(question, [], set(tokens("Родители написали жалобу директору")))

    assert fit == 2 * KEYWORD_FIT_WEIGHT


def test_keyword_matches_word_start_only() -> None:
    question = template("q", 0, keywords=("родител",))

    assert question_fit(question, [], {"прародители"}) == 0
    assert question_fit(question, [], {"родителями"}) == KEYWORD_FIT_WEIGHT


def test_repeated_keyword_counts_once() -> None:
    question = template("q", 0, keywords=("родител",))
    words = set(tokens("родители, родителям, с родителями, о родителях"))

    assert question_fit(question, [], words) == KEYWORD_FIT_WEIGHT


def test_keyword_matches_yo_folded_to_ye() -> None:
    question = template("q", 0, keywords=("ученик",))
    folded = template("r", 1, keywords=("еще",))
    words = set(tokens("Ещё один ученик"))

    assert question_fit(question, [], words) == KEYWORD_FIT_WEIGHT
    assert question_fit(folded, [], words) == KEYWORD_FIT_WEIGHT


def test_rubric_weighs_more_than_keyword() -> None:
    by_rubric = template("rubric", 1, rubrics=("parents",))
    by_keyword = template("keyword", 0, keywords=("родител",))

    keys = ordered_keys([by_keyword, by_rubric], ("parents",), "родители")

    assert keys == ["rubric", "keyword"]


# ----------------------------------------------------------------- ordering


def test_rubric_fit_orders_questions() -> None:
    questions = [
        template("none", 0),
        template("one", 1, rubrics=("parents",)),
        template("two", 2, rubrics=("parents", "education_law")),
    ]

    keys = ordered_keys(questions, ("parents", "education_law"))

    assert keys == ["two", "one", "none"]


def test_keyword_fit_orders_questions() -> None:
    questions = [
        template("plain", 0, keywords=("бюджет",)),
        template("parents", 1, keywords=("родител",)),
        template("conflict", 2, keywords=("родител", "конфликт")),
    ]

    keys = ordered_keys(questions, (), "Конфликт с родителями ученика")

    assert keys == ["conflict", "parents", "plain"]


def test_english_keywords_match_english_text() -> None:
    questions = [
        template("plain", 0, keywords=("budget",)),
        template("parents", 1, keywords=("parent",)),
    ]

    keys = ordered_keys(questions, (), "The parents complained to the head teacher")

    assert keys == ["parents", "plain"]


def test_ties_keep_seeded_order() -> None:
    questions = [
        template("c", 2, rubrics=("parents",)),
        template("a", 0, rubrics=("parents",)),
        template("d", 3),
        template("b", 1),
    ]

    keys = ordered_keys(questions, ("parents",))

    assert keys == ["a", "c", "b", "d"]


def test_no_fit_keeps_seeded_order() -> None:
    questions = [template(f"q{i}", i, rubrics=("assessment",)) for i in (4, 2, 0, 3, 1)]

    scored = order_questions(questions, ("parents",), set())

    assert [q.key for q, _ in scored] == ["q0", "q1", "q2", "q3", "q4"]
    assert {fit for _, fit in scored} == {0.0}


def test_order_returns_every_question_once() -> None:
    questions = seeded_templates()

    scored = order_questions(questions, ("parents",), set(tokens("родители жалоба")))

    assert sorted(q.key for q, _ in scored) == sorted(q.key for q in questions)


# ------------------------------------------------------------ seeded questions


def test_seeded_parent_case_puts_parent_questions_first() -> None:
    questions = seeded_templates()
    text = "Родители ученика пишут жалобы директору и спорят с оценками."

    scored = order_questions(questions, ("parents",), set(tokens(text)))

    top_fit = scored[0][1]
    assert "parents" in scored[0][0].rubrics
    assert top_fit > 0
    fits = [fit for _, fit in scored]
    assert fits == sorted(fits, reverse=True)
    last_parent_question = max(i for i, (q, _) in enumerate(scored) if "parents" in q.rubrics)
    first_unfit_question = min(i for i, (_, fit) in enumerate(scored) if fit == 0)
    assert last_parent_question < first_unfit_question


def test_seeded_rubric_changes_the_first_question() -> None:
    questions = seeded_templates()

    for_law = order_questions(questions, ("education_law",), set())
    for_digital = order_questions(questions, ("digital_technologies",), set())

    assert "education_law" in for_law[0][0].rubrics
    assert "digital_technologies" in for_digital[0][0].rubrics
    assert for_law[0][0].key != for_digital[0][0].key
