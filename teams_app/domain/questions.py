"""Ordering suggested questions by their fit to a case's rubrics and text."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

RUBRIC_FIT_WEIGHT = 2.0
KEYWORD_FIT_WEIGHT = 1.0


@dataclass(frozen=True)
class QuestionTemplate:
    key: str
    position: int
    rubrics: frozenset[str]
    # Lower-case word prefixes in both languages, with «ё» written as «е».
    keywords: frozenset[str]


def question_fit(
    question: QuestionTemplate, case_rubrics: Collection[str], case_words: Collection[str]
) -> float:
    rubric_hits = len(question.rubrics & set(case_rubrics))
    keyword_hits = sum(
        1 for keyword in question.keywords if any(word.startswith(keyword) for word in case_words)
    )
    return RUBRIC_FIT_WEIGHT * rubric_hits + KEYWORD_FIT_WEIGHT * keyword_hits


def order_questions(
    questions: Sequence[QuestionTemplate],
    case_rubrics: Collection[str],
    case_words: Collection[str],
) -> list[tuple[QuestionTemplate, float]]:
    """Return questions with their fit, best fit first, seeded order breaking ties."""
    scored = [(q, question_fit(q, case_rubrics, case_words)) for q in questions]
    scored.sort(key=lambda item: (-item[1], item[0].position))
    return scored
