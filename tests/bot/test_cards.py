"""Card builders and ``render_card``: languages, labels, size, forms, staleness and privacy.

Views are built by hand; ``render_card`` runs against a fake workflow that
returns them, so these tests need no database.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.cards import common
from bot.cards.casework import (
    build_mentor_case_card,
    build_questions_card,
    build_redefine_choice_card,
    build_solution_card,
)
from bot.cards.intake import build_case_summary_card, build_intake_card, revision_values
from bot.cards.library import build_library_answer_card
from bot.cards.lists import (
    build_moderation_queue_card,
    build_my_cases_card,
    build_my_requests_card,
)
from bot.cards.mentors import (
    build_availability_card,
    build_candidates_card,
    build_mentor_offer_card,
    build_moderator_assign_card,
)
from bot.cards.moderation import build_moderation_card
from bot.cards.render import render_card
from bot.cards.welcome import LANGUAGE_BUTTONS, build_welcome_card
from bot.verbs import Verb
from teams_app.domain.enums import (
    AssignmentStatus,
    CardKind,
    CaseStatus,
    LibraryEntryKind,
    LibraryEntryStatus,
    Privacy,
    Role,
    Urgency,
)
from teams_app.domain.errors import FieldError, ValidationFailed
from teams_app.domain.intake import FIELD_LABELS, parse_case_form
from teams_app.i18n import Translator
from teams_app.workflow.views import (
    Actor,
    AssignmentView,
    CandidateView,
    CaseView,
    LibraryEntryView,
    LibraryHitView,
    MaterialRef,
    QuestionRoundView,
    QuestionView,
    ReflectionView,
    RevisionView,
    RubricView,
    SolutionView,
    SuggestedQuestionView,
    TeacherIdentity,
)

ROOT = Path(__file__).resolve().parents[2]
CARDS_PO = ROOT / "teams_app" / "locale" / "ru" / "LC_MESSAGES" / "cards.po"

RU = Translator("ru")
EN = Translator("en")
LANGUAGES = {"ru": RU, "en": EN}

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
CASE_ID = 11
TEACHER_ID = 7
MENTOR_ID = 21
MODERATOR_ID = 3

TEACHER = TeacherIdentity(
    user_id=TEACHER_ID,
    display_name="Maria Ivanova",
    email="m.ivanova@school1234.example",
    teams_user_id="29:teacher-teams-id",
    aad_object_id="aad-teacher-0007",
    chat_link="https://teams.microsoft.com/l/chat/0/0?users=m.ivanova@school1234.example",
)
# Every value a mentor of an anonymous case must never see.
TEACHER_SECRETS = (
    TEACHER.display_name,
    "Ivanova",
    TEACHER.email,
    TEACHER.teams_user_id,
    TEACHER.aad_object_id,
    TEACHER.chat_link,
)

RUBRICS = {
    "en": [
        RubricView("class_management", "Class management and motivation"),
        RubricView("parents", "Interaction with parents"),
        RubricView("assessment", "Monitoring and assessment"),
    ],
    "ru": [
        RubricView("class_management", "Управление классом и мотивация"),
        RubricView("parents", "Взаимодействие с родителями"),
        RubricView("assessment", "Контроль и оценка"),
    ],
}
RUBRIC_KEYS = {rubric.key for rubric in RUBRICS["en"]}

# Sample texts in Latin letters, so a Cyrillic letter on an English card can
# only come from a translation.
SHORT_TEXT = "The pupils of form 5 talk through every lesson."


def long_text(length: int) -> str:
    """Build a Russian text of exactly ``length`` characters."""
    sentence = "Ученики пятого класса постоянно разговаривают на уроке и не слушают. "
    return (sentence * (length // len(sentence) + 1))[:length]


# ------------------------------------------------------------------ views


def revision(number: int, text: str | None = None, changed: tuple[str, ...] = ()) -> RevisionView:
    return RevisionView(
        number=number,
        essence=text or f"{SHORT_TEXT} Revision {number}.",
        actions_taken=text or "I changed the seating plan.",
        why_difficult=text or "Nothing has worked for a month.",
        question=(text or "How do I get the class to listen?")[:500],
        participants=("parents", "form_5"),
        rubrics=("class_management", "parents"),
        changed_fields=changed,
    )


def assignment(
    status: AssignmentStatus = AssignmentStatus.ACCEPTED,
    *,
    assignment_id: int = 31,
    mentor_id: int = MENTOR_ID,
    opinion: int = 1,
    reason: str | None = None,
) -> AssignmentView:
    return AssignmentView(
        id=assignment_id,
        mentor_id=mentor_id,
        mentor_name="Elena Petrova",
        opinion=opinion,
        round=1,
        status=status,
        decline_reason=reason,
        by_moderator=False,
    )


def question_round(
    round_id: int = 41,
    *,
    count: int = 3,
    answered: bool = False,
    decision: str | None = None,
    revision_number: int = 1,
    question_text: str | None = None,
    answer_text: str | None = None,
) -> QuestionRoundView:
    questions = tuple(
        QuestionView(
            id=round_id * 100 + index,
            text=question_text or f"Question {index}: what have you tried?",
            answer=(answer_text or f"Answer {index}.") if answered else None,
        )
        for index in range(1, count + 1)
    )
    return QuestionRoundView(
        id=round_id,
        revision=revision_number,
        asked_at=NOW,
        answered_at=NOW if answered else None,
        decision=decision,
        questions=questions,
    )


def solution(solution_id: int = 51, *, text: str = "Agree on class rules.", opinion: int = 1):
    return SolutionView(
        id=solution_id,
        opinion=opinion,
        mentor_name="Elena Petrova",
        text=text,
        materials=(
            MaterialRef(61, "Rules [that work]", "https://library.example/61"),
            MaterialRef(62, "A book without a link", None),
        ),
        created_at=NOW,
    )


def case_view(
    *,
    status: CaseStatus = CaseStatus.IN_PROGRESS,
    privacy: Privacy = Privacy.PERSONAL,
    relation: str = "teacher",
    teacher: TeacherIdentity | None = TEACHER,
    revisions: tuple[RevisionView, ...] | None = None,
    rounds: tuple[QuestionRoundView, ...] = (),
    solutions: tuple[SolutionView, ...] = (),
    assignments: tuple[AssignmentView, ...] | None = None,
    reflection: ReflectionView | None = None,
    opinion: int = 1,
    second_opinion_available: bool = True,
) -> CaseView:
    return CaseView(
        id=CASE_ID,
        number="2026-0001",
        status=status,
        privacy=privacy,
        urgency=Urgency.NEED_ADVICE,
        group_consent=True,
        publish_consent=True,
        opinion=opinion,
        version=4,
        created_at=NOW,
        revisions=revisions or (revision(1),),
        question_rounds=rounds,
        solutions=solutions,
        assignments=(assignment(),) if assignments is None else assignments,
        reflection=reflection,
        teacher=teacher,
        viewer_relation=relation,
        second_opinion_available=second_opinion_available,
    )


def mentor_view(privacy: Privacy, **changes: Any) -> CaseView:
    """Build a case as the workflow shows it to a mentor: no teacher in an anonymous case."""
    teacher = TEACHER if privacy is Privacy.PERSONAL else None
    return case_view(privacy=privacy, relation="mentor", teacher=teacher, **changes)


CANDIDATE = CandidateView(
    user_id=MENTOR_ID,
    display_name="Elena Petrova",
    position="Associate professor",
    workplace="Institute of Pedagogy",
    areas=(
        RubricView("class_management", "Class management and motivation"),
        RubricView("assessment", "Monitoring and assessment"),
    ),
    matching_areas=("class_management",),
    motto="Every class can be won over.",
    open_cases=1,
    max_open_cases=3,
    score=2.5,
)
HITS = [
    LibraryHitView(
        entry_id=61,
        kind=LibraryEntryKind.SOLVED_CASE,
        title="A noisy form 6",
        summary="How a young teacher settled a noisy class.",
        url=None,
        rubrics=("class_management",),
        score=1.0,
    ),
    LibraryHitView(
        entry_id=62,
        kind=LibraryEntryKind.MATERIAL,
        title="Classroom rules",
        summary="An article on agreeing rules with pupils.",
        url="https://library.example/62",
        rubrics=(),
        score=0.5,
    ),
]
SUGGESTED = [
    SuggestedQuestionView(
        "goals.request", "Goals", "developing", "What do you want from this?", 2.0
    ),
    SuggestedQuestionView("options.seen", "Options", "clarifying", "Which options do you see?", 0),
]
MENTORS = [(MENTOR_ID, "Elena Petrova"), (22, "Oleg Smirnov")]


def entry(
    status: LibraryEntryStatus = LibraryEntryStatus.DRAFT,
    *,
    text: str | None = None,
    solutions: int = 2,
    clarifications: int = 2,
    solution_text: str | None = None,
) -> LibraryEntryView:
    body = {
        "essence": text or SHORT_TEXT,
        "actions_taken": text or "Changed the seating plan.",
        "why_difficult": text or "Nothing worked.",
        "question": (text or "How do I get the class to listen?")[:500],
        "participants": ["parents", "form_5"],
        "rubrics": ["class_management"],
        "urgency": "need_advice",
        "clarifications": [
            {"question": text or f"Question {i}?", "answer": text or f"Answer {i}."}
            for i in range(clarifications)
        ],
        "solutions": [
            {"text": solution_text or f"Solution {i}.", "materials": [61]} for i in range(solutions)
        ],
    }
    return LibraryEntryView(
        id=71,
        kind=LibraryEntryKind.SOLVED_CASE,
        status=status,
        title="A noisy form 5",
        summary=str(body["question"]),
        url=None,
        language="en",
        rubrics=("class_management",),
        body=body,
        source_case_number="2026-0001",
    )


# ------------------------------------------------------------ card walking


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Yield every dict inside a card, ShowCard sub-cards included."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def of_type(card: dict[str, Any], type_prefix: str) -> list[dict[str, Any]]:
    return [node for node in walk(card) if str(node.get("type", "")).startswith(type_prefix)]


def executes(card: dict[str, Any]) -> list[dict[str, Any]]:
    return of_type(card, "Action.Execute")


def verbs(card: dict[str, Any]) -> set[str]:
    return {action["verb"] for action in executes(card)}


def input_ids(card: dict[str, Any]) -> list[str]:
    return [node["id"] for node in of_type(card, "Input.")]


def shown_strings(card: dict[str, Any]) -> list[str]:
    """Return every text a user reads on a card: texts, titles, labels, facts, hints."""
    keys = ("text", "title", "label", "placeholder", "errorMessage")
    strings = [node[key] for node in walk(card) for key in keys if isinstance(node.get(key), str)]
    strings += [node["value"] for node in walk(card) if "title" in node and "value" in node]
    return strings


def size_in_teams(card: dict[str, Any]) -> int:
    """Bytes of the card's JSON text in UTF-16, the unit Teams counts message size in."""
    return len(json.dumps(card, ensure_ascii=False).encode("utf-16-le"))


def flat(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


# ------------------------------------------------------------- all the cards


def build_cards(
    translate: Translator, language: str, *, actionable: bool, latest: bool = True
) -> dict[str, dict[str, Any]]:
    """Build one card of every kind, all actionable or all read-only."""
    rubrics = RUBRICS[language]
    answered = question_round(answered=True)
    return {
        "welcome": build_welcome_card(translate, set(Role)),
        CardKind.INTAKE: build_intake_card(translate, rubrics),
        "intake_redefine": build_intake_card(
            translate,
            rubrics,
            values=revision_values(case_view()),
            revision=2,
            case_id=CASE_ID,
        ),
        "intake_summary": build_case_summary_card(
            case_view(), translate, rubrics, actionable=actionable, latest=latest
        ),
        CardKind.LIBRARY_ANSWER: build_library_answer_card(
            case_view(status=CaseStatus.NEW),
            HITS,
            translate,
            rubrics,
            actionable=actionable,
            latest=latest,
        ),
        CardKind.CANDIDATES: build_candidates_card(
            case_view(status=CaseStatus.CHOOSING_MENTOR),
            [CANDIDATE],
            translate,
            actionable=actionable,
            latest=latest,
        ),
        CardKind.MENTOR_OFFER: build_mentor_offer_card(
            mentor_view(
                Privacy.PERSONAL,
                status=CaseStatus.AWAITING_MENTOR,
                assignments=(assignment(AssignmentStatus.OFFERED),),
            ),
            assignment(AssignmentStatus.OFFERED),
            translate,
            rubrics,
            actionable=actionable,
            latest=latest,
        ),
        CardKind.MODERATOR_ASSIGN: build_moderator_assign_card(
            case_view(
                status=CaseStatus.AWAITING_MODERATOR,
                relation="moderator",
                assignments=(assignment(AssignmentStatus.DECLINED, reason="I am on leave."),),
            ),
            MENTORS,
            translate,
            rubrics,
            actionable=actionable,
            latest=latest,
        ),
        CardKind.MENTOR_CASE: build_mentor_case_card(
            mentor_view(
                Privacy.PERSONAL,
                revisions=(revision(1), revision(2, changed=("essence", "rubrics"))),
                rounds=(question_round(answered=True, decision="redefine"),),
                solutions=(solution(),),
            ),
            assignment(),
            translate,
            rubrics,
            suggested=SUGGESTED,
            materials=HITS,
            can_ask=actionable,
            can_solve=actionable,
            latest=latest,
        ),
        CardKind.QUESTIONS: build_questions_card(
            case_view(status=CaseStatus.AWAITING_ANSWERS),
            question_round(answered=not actionable),
            translate,
            actionable=actionable,
            latest=latest,
        ),
        CardKind.REDEFINE_CHOICE: build_redefine_choice_card(
            case_view(status=CaseStatus.AWAITING_DECISION, rounds=(answered,)),
            answered,
            translate,
            actionable=actionable,
            can_redefine=actionable,
            latest=latest,
        ),
        CardKind.SOLUTION: build_solution_card(
            case_view(
                status=CaseStatus.SOLUTION_OFFERED,
                solutions=(solution(), solution(52, opinion=2)),
            ),
            translate,
            can_complete=actionable,
            can_second_opinion=actionable,
            latest=latest,
        ),
        CardKind.MODERATION: build_moderation_card(
            entry(), translate, rubrics, actionable=actionable, latest=latest
        ),
        "availability": build_availability_card(
            translate, away_until=dt.date(2026, 4, 1), max_open_cases=3
        ),
        "my_cases": build_my_cases_card(
            translate, [(CASE_ID, "2026-0001", CaseStatus.IN_PROGRESS)]
        ),
        "my_requests": build_my_requests_card(
            translate, [(31, CASE_ID, "2026-0001", AssignmentStatus.OFFERED)]
        ),
        "moderation_queue": build_moderation_queue_card(translate, [71], [(CASE_ID, "2026-0001")]),
    }


CARD_NAMES = list(build_cards(EN, "en", actionable=True))
# Cards that only inform or navigate, so they look the same when stale.
NAVIGATION_CARDS = {
    "welcome",
    CardKind.INTAKE,
    "intake_redefine",
    "availability",
    "my_cases",
    "my_requests",
    "moderation_queue",
}


def english_message_ids() -> set[str]:
    """Return the message ids whose Russian translation differs from the English text."""
    with CARDS_PO.open("rb") as po_file:
        catalogue = read_po(po_file, locale="ru")
    return {
        str(message.id)
        for message in catalogue
        if message.id and message.string and message.string != message.id
    }


# ------------------------------------------------------------------ tests


def test_every_card_kind_has_a_builder() -> None:
    assert set(CardKind) <= set(CARD_NAMES)


@pytest.mark.parametrize("name", CARD_NAMES)
@pytest.mark.parametrize("actionable", [True, False])
def test_card_envelope(name: str, actionable: bool) -> None:
    for language, translate in LANGUAGES.items():
        card = build_cards(translate, language, actionable=actionable)[name]
        assert card["type"] == "AdaptiveCard"
        assert card["version"] == "1.5"
        assert card["msteams"] == {"width": "Full"}
        assert card["body"]


@pytest.mark.parametrize("name", CARD_NAMES)
@pytest.mark.parametrize("actionable", [True, False])
def test_russian_card_is_translated(name: str, actionable: bool) -> None:
    card = build_cards(RU, "ru", actionable=actionable)[name]
    untranslated = english_message_ids() & set(shown_strings(card))
    assert not untranslated
    heading = card["body"][0]["text"]
    assert re.search("[а-яё]", heading, re.IGNORECASE), heading


@pytest.mark.parametrize("name", CARD_NAMES)
@pytest.mark.parametrize("actionable", [True, False])
def test_english_card_has_no_russian(name: str, actionable: bool) -> None:
    card = build_cards(EN, "en", actionable=actionable)[name]
    # Each language button is titled in its own language.
    language_titles = {title for _, title in LANGUAGE_BUTTONS}
    cyrillic = [
        text
        for text in shown_strings(card)
        if re.search("[а-яё]", text, re.I) and text not in language_titles
    ]
    assert not cyrillic


@pytest.mark.parametrize("translate", [RU, EN])
def test_welcome_offers_both_languages(translate: Translator) -> None:
    card = build_welcome_card(translate, {Role.TEACHER})

    buttons = [action for action in executes(card) if action["verb"] == Verb.SET_LANGUAGE]

    assert [(button["title"], button["data"]) for button in buttons] == [
        ("Русский", {"language": "ru"}),
        ("English", {"language": "en"}),
    ]


def test_status_line_in_both_languages() -> None:
    cards_ru = build_cards(RU, "ru", actionable=False)
    cards_en = build_cards(EN, "en", actionable=False)
    assert "Кейс 2026-0001: в работе" in shown_strings(cards_ru["intake_summary"])
    assert "Case 2026-0001: in progress" in shown_strings(cards_en["intake_summary"])


def test_participant_labels_are_translated() -> None:
    card_ru = build_cards(RU, "ru", actionable=True)[CardKind.INTAKE]
    card_en = build_cards(EN, "en", actionable=True)[CardKind.INTAKE]
    titles_ru = [choice["title"] for node in walk(card_ru) for choice in node.get("choices", [])]
    titles_en = [choice["title"] for node in walk(card_en) for choice in node.get("choices", [])]
    assert "Ученики 5 класса" in titles_ru
    assert "Родители" in titles_ru
    assert "Pupils of form 5" in titles_en
    assert "Pupils of form 11" in titles_en


@pytest.mark.parametrize("name", CARD_NAMES)
def test_inputs_have_labels(name: str) -> None:
    for language, translate in LANGUAGES.items():
        card = build_cards(translate, language, actionable=True)[name]
        for element in of_type(card, "Input."):
            assert element.get("id"), element
            assert isinstance(element.get("label"), str) and element["label"].strip(), element
        ids = input_ids(card)
        assert len(ids) == len(set(ids))


def test_input_ids_match_the_submission_contract() -> None:
    cards = build_cards(EN, "en", actionable=True)
    assert input_ids(cards[CardKind.INTAKE]) == list(common.INTAKE_INPUTS)
    assert input_ids(cards["intake_redefine"]) == [
        "essence",
        "actions_taken",
        "why_difficult",
        "question",
        "participants",
        "rubrics",
    ]
    assert input_ids(cards[CardKind.MENTOR_OFFER]) == ["decline_reason"]
    assert input_ids(cards[CardKind.MODERATOR_ASSIGN]) == ["mentor"]
    assert input_ids(cards[CardKind.MENTOR_CASE]) == [
        "suggested",
        "custom_questions",
        "solution",
        "materials",
    ]
    assert input_ids(cards[CardKind.QUESTIONS]) == ["answer_4101", "answer_4102", "answer_4103"]
    assert input_ids(cards[CardKind.SOLUTION]) == [
        "will_do",
        "what_changed",
        "usefulness",
        "comment",
    ]
    assert input_ids(cards[CardKind.MODERATION]) == [
        "title",
        "essence",
        "actions_taken",
        "why_difficult",
        "question",
        "solution_0",
        "solution_1",
    ]
    assert input_ids(cards["availability"]) == ["away_until", "max_open_cases"]


def test_actions_carry_their_ids() -> None:
    cards = build_cards(EN, "en", actionable=True)
    pick = next(a for a in executes(cards[CardKind.CANDIDATES]) if a["verb"] == Verb.PICK_MENTOR)
    assert pick["data"] == {"case": CASE_ID, "mentor": MENTOR_ID}
    accept = next(a for a in executes(cards[CardKind.MENTOR_OFFER]) if a["verb"] == Verb.ACCEPT)
    assert accept["data"] == {"case": CASE_ID, "assignment": 31}
    answer = executes(cards[CardKind.QUESTIONS])[0]
    assert answer["verb"] == Verb.ANSWER_QUESTIONS
    assert answer["data"] == {"case": CASE_ID, "round": 41}
    approve = next(
        a for a in executes(cards[CardKind.MODERATION]) if a["verb"] == Verb.APPROVE_ENTRY
    )
    assert approve["data"] == {"entry": 71}


def test_multi_select_values_have_no_commas() -> None:
    cards = build_cards(EN, "en", actionable=True)
    for card in cards.values():
        for element in of_type(card, "Input.ChoiceSet"):
            if element.get("isMultiSelect"):
                assert all("," not in choice["value"] for choice in element["choices"])


# ------------------------------------------------------------------- size


def big_cards(translate: Translator, language: str) -> dict[str, dict[str, Any]]:
    """Build the largest cards: three revisions of full-length texts, ten questions a round."""
    text = long_text(1000)
    revisions = tuple(revision(n, text, changed=("essence",) if n > 1 else ()) for n in range(1, 4))
    rounds = tuple(
        question_round(
            41 + index,
            count=10,
            answered=True,
            decision="redefine" if index < 2 else None,
            revision_number=index + 1,
            question_text=long_text(500),
            answer_text=text,
        )
        for index in range(3)
    )
    open_round = question_round(44, count=10, revision_number=3, question_text=long_text(500))
    solutions = (solution(51, text=long_text(4000)), solution(52, text=long_text(4000), opinion=2))
    rubrics = RUBRICS[language]
    typed_answers = {f"answer_{q.id}": text for q in open_round.questions}
    many_suggested = [
        SuggestedQuestionView(f"group.q{i}", "Group", "clarifying", long_text(150), 1.0)
        for i in range(20)
    ]
    many_materials = [
        LibraryHitView(100 + i, LibraryEntryKind.MATERIAL, long_text(200), "", None, (), 1.0)
        for i in range(20)
    ]
    return {
        "intake_summary": build_case_summary_card(
            case_view(revisions=revisions), translate, rubrics, actionable=True
        ),
        "intake_typed": build_intake_card(
            translate, rubrics, values=revision_values(case_view(revisions=revisions))
        ),
        "mentor_offer": build_mentor_offer_card(
            mentor_view(Privacy.PERSONAL, revisions=revisions, status=CaseStatus.AWAITING_MENTOR),
            assignment(AssignmentStatus.OFFERED),
            translate,
            rubrics,
            actionable=True,
        ),
        "moderator_assign": build_moderator_assign_card(
            case_view(revisions=revisions, relation="moderator"),
            MENTORS * 20,
            translate,
            rubrics,
            actionable=True,
        ),
        "mentor_case": build_mentor_case_card(
            mentor_view(Privacy.PERSONAL, revisions=revisions, rounds=rounds, solutions=solutions),
            assignment(),
            translate,
            rubrics,
            suggested=many_suggested,
            materials=many_materials,
            can_ask=True,
            can_solve=True,
        ),
        "questions": build_questions_card(
            case_view(revisions=revisions, rounds=(*rounds, open_round)),
            open_round,
            translate,
            actionable=True,
            values=typed_answers,
        ),
        "questions_answered": build_questions_card(
            case_view(revisions=revisions, rounds=rounds),
            rounds[-1],
            translate,
            actionable=False,
        ),
        "redefine_choice": build_redefine_choice_card(
            case_view(revisions=revisions, rounds=rounds),
            rounds[1],
            translate,
            actionable=False,
            can_redefine=False,
        ),
        "solution": build_solution_card(
            case_view(revisions=revisions, solutions=solutions * 2),
            translate,
            can_complete=True,
            can_second_opinion=True,
            values={name: text for name in common.REFLECTION_INPUTS},
        ),
        "moderation": build_moderation_card(
            entry(text=text, clarifications=30, solutions=2, solution_text=long_text(4000)),
            translate,
            rubrics,
            actionable=True,
        ),
    }


@pytest.mark.parametrize("language", ["ru", "en"])
def test_large_cards_fit_the_size_budget(language: str) -> None:
    for name, card in big_cards(LANGUAGES[language], language).items():
        assert size_in_teams(card) <= 40_000, name


def test_large_case_text_stays_whole() -> None:
    """Older questions and answers give way before the current case text does."""
    text = long_text(1000)
    revisions = tuple(revision(n, text) for n in range(1, 4))
    rounds = tuple(
        question_round(41 + index, count=10, answered=True, answer_text=text) for index in range(2)
    )
    # The seeded suggested questions: 17 of them, at most 69 characters long.
    suggested = [
        SuggestedQuestionView(f"group.q{i}", "Group", "clarifying", long_text(69), 1.0)
        for i in range(17)
    ]
    card = build_mentor_case_card(
        mentor_view(Privacy.PERSONAL, revisions=revisions, rounds=rounds),
        assignment(),
        RU,
        RUBRICS["ru"],
        suggested=suggested,
        materials=HITS,
        can_ask=True,
        can_solve=True,
    )
    assert size_in_teams(card) <= 40_000
    assert text in shown_strings(card)
    assert RU("Hidden so that the card fits in Teams.") in shown_strings(card)
    assert [line for line in shown_strings(card) if line.endswith("…")]


def test_small_card_is_not_shortened() -> None:
    card = build_cards(EN, "en", actionable=True)[CardKind.MENTOR_CASE]
    assert not [text for text in shown_strings(card) if text.endswith("…")]
    assert "Long texts are shortened or hidden on this card so that it fits in Teams." not in flat(
        card
    )


def test_typed_answers_are_never_shortened() -> None:
    card = big_cards(EN, "en")["questions"]
    values = [element.get("value") for element in of_type(card, "Input.Text")]
    assert values == [long_text(1000)] * 10


def test_moderation_keeps_editable_values_whole() -> None:
    card = big_cards(EN, "en")["moderation"]
    for element in of_type(card, "Input.Text"):
        assert not element.get("value", "").endswith("…"), element["id"]


# ------------------------------------------------------------ intake form

TYPED = {
    "essence": long_text(1200),
    "actions_taken": "I changed the seating plan twice.",
    "why_difficult": "   ",
    "question": "How do I get the class to listen?",
    "participants": "form_5,parents",
    "rubrics": "",
    "privacy": "anonymous",
    "group_consent": "true",
    "urgency": "",
    "publish_consent": "false",
}


def validation_errors(values: dict[str, str]) -> tuple[FieldError, ...]:
    with pytest.raises(ValidationFailed) as raised:
        parse_case_form(values, RUBRIC_KEYS)
    return raised.value.errors


def errors_after(body: list[dict[str, Any]], input_id: str) -> list[str]:
    """Return the red lines right under the input ``input_id``."""
    index = next(i for i, element in enumerate(body) if element.get("id") == input_id)
    lines = []
    for element in body[index + 1 :]:
        if element.get("type") != "TextBlock" or element.get("color") != "Attention":
            break
        lines.append(element["text"])
    return lines


@pytest.mark.parametrize("language", ["ru", "en"])
def test_intake_keeps_typed_values(language: str) -> None:
    translate = LANGUAGES[language]
    errors = validation_errors(TYPED)
    card = build_intake_card(translate, RUBRICS[language], values=TYPED, errors=errors)
    inputs = {element["id"]: element for element in of_type(card, "Input.")}
    assert inputs["essence"]["value"] == TYPED["essence"]
    assert inputs["actions_taken"]["value"] == TYPED["actions_taken"]
    assert inputs["question"]["value"] == TYPED["question"]
    assert inputs["participants"]["value"] == "form_5,parents"
    assert inputs["privacy"]["value"] == "anonymous"
    assert inputs["group_consent"]["value"] == "true"
    assert inputs["publish_consent"]["value"] == "false"
    assert "value" not in inputs["rubrics"]
    assert "value" not in inputs["urgency"]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_intake_shows_one_error_per_bad_field(language: str) -> None:
    translate = LANGUAGES[language]
    errors = validation_errors(TYPED)
    bad_fields = {error.field for error in errors}
    assert bad_fields == {"essence", "why_difficult", "rubrics", "urgency"}
    card = build_intake_card(translate, RUBRICS[language], values=TYPED, errors=errors)
    for name in common.INTAKE_INPUTS:
        lines = errors_after(card["body"], name)
        assert len(lines) == (1 if name in bad_fields else 0), name
    essence_error = errors_after(card["body"], "essence")[0]
    assert translate(FIELD_LABELS["essence"]) in essence_error
    assert "1200" in essence_error.replace("\u00a0", "").replace(",", "")


def test_redefine_form_keeps_case_choices() -> None:
    view = case_view(privacy=Privacy.ANONYMOUS)
    card = build_intake_card(
        EN, RUBRICS["en"], values=revision_values(view), revision=2, case_id=CASE_ID
    )
    assert "Revision 2 of 3" in shown_strings(card)
    (submit,) = executes(card)
    assert submit["verb"] == Verb.SUBMIT_REDEFINE
    assert submit["data"] == {
        "privacy": "anonymous",
        "group_consent": "true",
        "urgency": "need_advice",
        "publish_consent": "true",
        "case": CASE_ID,
    }
    inputs = {element["id"]: element for element in of_type(card, "Input.")}
    assert inputs["essence"]["value"] == view.current.essence
    assert inputs["rubrics"]["value"] == "class_management,parents"


def test_redefine_form_needs_case_id() -> None:
    with pytest.raises(ValueError):
        build_intake_card(EN, RUBRICS["en"], revision=2)


def test_form_errors_outside_intake() -> None:
    errors = (FieldError("answer_4102", "too_long", 1000, 1204),)
    card = build_questions_card(
        case_view(status=CaseStatus.AWAITING_ANSWERS),
        question_round(),
        RU,
        actionable=True,
        values={"answer_4102": long_text(1204)},
        errors=errors,
    )
    assert errors_after(card["body"], "answer_4101") == []
    (line,) = errors_after(card["body"], "answer_4102")
    assert "Ответ 2" in line
    inputs = {element["id"]: element for element in of_type(card, "Input.")}
    assert inputs["answer_4102"]["value"] == long_text(1204)


# ---------------------------------------------------------------- staleness


@pytest.mark.parametrize("name", sorted(set(CARD_NAMES) - NAVIGATION_CARDS, key=str))
def test_read_only_card_has_no_execute(name: str) -> None:
    for language, translate in LANGUAGES.items():
        card = build_cards(translate, language, actionable=False, latest=False)[name]
        assert not executes(card)
        assert not of_type(card, "Input.")


@pytest.mark.parametrize("name", sorted(set(CARD_NAMES) - NAVIGATION_CARDS, key=str))
def test_actionable_card_has_execute(name: str) -> None:
    card = build_cards(EN, "en", actionable=True)[name]
    assert executes(card)


class FakeWorkflow:
    """Return hand-built views the way ``Workflow`` would, recording nothing."""

    def __init__(self, view: CaseView | None = None, library_entry: LibraryEntryView | None = None):
        self.view = view
        self.entry = library_entry

    async def case_view(self, viewer: Actor, case_id: int) -> CaseView:
        assert self.view is not None and case_id == self.view.id
        return self.view

    async def rubrics(self, locale: str | None) -> list[RubricView]:
        return RUBRICS["en"]

    async def library_hits(self, case_id: int) -> list[LibraryHitView]:
        return HITS

    async def candidates(self, case_id: int, locale: str | None) -> list[CandidateView]:
        return [CANDIDATE]

    async def suggested_questions(self, case_id: int, locale: str | None):
        return SUGGESTED

    async def published_materials(self, rubrics: Any, limit: int = 20):
        return HITS

    async def assignable_mentors(self, actor: Actor) -> list[tuple[int, str]]:
        return MENTORS

    async def library_entry(self, entry_id: int) -> LibraryEntryView:
        assert self.entry is not None and entry_id == self.entry.id
        return self.entry


def actor(user_id: int, *roles: Role) -> Actor:
    return Actor(user_id, "Someone", "en-US", frozenset(roles or {Role.TEACHER}))


TEACHER_ACTOR = actor(TEACHER_ID, Role.TEACHER)
MENTOR_ACTOR = actor(MENTOR_ID, Role.MENTOR)
MODERATOR_ACTOR = actor(MODERATOR_ID, Role.MODERATOR, Role.MENTOR)


async def rendered_verbs(view: CaseView, recipient: Actor, kind: CardKind, **ids: Any) -> set[str]:
    return verbs(await render_card(FakeWorkflow(view), recipient, kind, case_id=view.id, **ids))


async def test_offer_acts_only_while_offered() -> None:
    offered = mentor_view(
        Privacy.PERSONAL,
        status=CaseStatus.AWAITING_MENTOR,
        assignments=(assignment(AssignmentStatus.OFFERED),),
    )
    accepted = mentor_view(Privacy.PERSONAL, status=CaseStatus.IN_PROGRESS)
    kind = CardKind.MENTOR_OFFER
    assert await rendered_verbs(offered, MENTOR_ACTOR, kind, assignment_id=31) == {
        Verb.ACCEPT,
        Verb.DECLINE,
    }
    assert await rendered_verbs(accepted, MENTOR_ACTOR, kind, assignment_id=31) == set()
    stale = await rendered_verbs(offered, MENTOR_ACTOR, kind, assignment_id=31, latest=False)
    assert stale == set()
    card = await render_card(FakeWorkflow(accepted), MENTOR_ACTOR, kind, case_id=CASE_ID)
    assert "You accepted this case." in shown_strings(card)


async def test_questions_act_only_while_unanswered() -> None:
    open_round = question_round()
    waiting = case_view(status=CaseStatus.AWAITING_ANSWERS, rounds=(open_round,))
    answered = case_view(
        status=CaseStatus.AWAITING_DECISION, rounds=(question_round(answered=True),)
    )
    kind = CardKind.QUESTIONS
    assert await rendered_verbs(waiting, TEACHER_ACTOR, kind, round_id=41) == {
        Verb.ANSWER_QUESTIONS
    }
    assert await rendered_verbs(answered, TEACHER_ACTOR, kind, round_id=41) == set()
    as_moderator = case_view(
        status=CaseStatus.AWAITING_ANSWERS, rounds=(open_round,), relation="moderator"
    )
    assert await rendered_verbs(as_moderator, MODERATOR_ACTOR, kind, round_id=41) == set()


async def test_candidates_act_only_while_choosing() -> None:
    choosing = case_view(status=CaseStatus.CHOOSING_MENTOR, assignments=())
    waiting = case_view(
        status=CaseStatus.AWAITING_MENTOR, assignments=(assignment(AssignmentStatus.OFFERED),)
    )
    kind = CardKind.CANDIDATES
    assert Verb.PICK_MENTOR in await rendered_verbs(choosing, TEACHER_ACTOR, kind)
    assert await rendered_verbs(waiting, TEACHER_ACTOR, kind) == set()
    card = await render_card(FakeWorkflow(waiting), TEACHER_ACTOR, kind, case_id=CASE_ID)
    assert "Mentor: Elena Petrova" in shown_strings(card)


async def test_mentor_case_actions_follow_status() -> None:
    kind = CardKind.MENTOR_CASE
    in_progress = mentor_view(Privacy.ANONYMOUS)
    offered = mentor_view(Privacy.ANONYMOUS, status=CaseStatus.SOLUTION_OFFERED)
    waiting = mentor_view(Privacy.ANONYMOUS, status=CaseStatus.AWAITING_ANSWERS)
    assert await rendered_verbs(in_progress, MENTOR_ACTOR, kind, assignment_id=31) == {
        Verb.ASK_QUESTIONS,
        Verb.WRITE_SOLUTION,
    }
    assert await rendered_verbs(offered, MENTOR_ACTOR, kind, assignment_id=31) == {
        Verb.WRITE_SOLUTION
    }
    assert await rendered_verbs(waiting, MENTOR_ACTOR, kind, assignment_id=31) == set()
    closed = mentor_view(
        Privacy.ANONYMOUS,
        status=CaseStatus.CHOOSING_MENTOR,
        assignments=(assignment(AssignmentStatus.CLOSED),),
    )
    assert await rendered_verbs(closed, MENTOR_ACTOR, kind, assignment_id=31) == set()


async def test_redefine_choice_at_revision_limit() -> None:
    answered = question_round(answered=True, revision_number=3)
    at_limit = case_view(
        status=CaseStatus.AWAITING_DECISION,
        revisions=(revision(1), revision(2), revision(3)),
        rounds=(answered,),
    )
    below_limit = case_view(
        status=CaseStatus.AWAITING_DECISION, rounds=(question_round(answered=True),)
    )
    kind = CardKind.REDEFINE_CHOICE
    assert await rendered_verbs(at_limit, TEACHER_ACTOR, kind, round_id=41) == {Verb.KEEP_VERSION}
    assert await rendered_verbs(below_limit, TEACHER_ACTOR, kind, round_id=41) == {
        Verb.KEEP_VERSION,
        Verb.OPEN_REDEFINE,
    }


async def test_redefined_choice_shows_new_revision() -> None:
    decided = question_round(answered=True, decision="redefine")
    view = case_view(
        rounds=(decided,),
        revisions=(revision(1), revision(2, "Revision two says this.")),
    )
    card = await render_card(
        FakeWorkflow(view), TEACHER_ACTOR, CardKind.REDEFINE_CHOICE, case_id=CASE_ID, round_id=41
    )
    assert not executes(card)
    assert "You redefined the case." in shown_strings(card)
    assert "Revision two says this." in shown_strings(card)


async def test_second_opinion_offered_once() -> None:
    kind = CardKind.SOLUTION
    first = case_view(status=CaseStatus.SOLUTION_OFFERED, solutions=(solution(),))
    second = case_view(
        status=CaseStatus.SOLUTION_OFFERED,
        solutions=(solution(), solution(52, opinion=2)),
        opinion=2,
        second_opinion_available=False,
    )
    assert await rendered_verbs(first, TEACHER_ACTOR, kind) == {
        Verb.COMPLETE,
        Verb.SECOND_OPINION,
    }
    assert await rendered_verbs(second, TEACHER_ACTOR, kind) == {Verb.COMPLETE}


async def test_library_answer_is_for_the_teacher() -> None:
    view = case_view(status=CaseStatus.NEW, assignments=())
    kind = CardKind.LIBRARY_ANSWER
    assert await rendered_verbs(view, TEACHER_ACTOR, kind) == {
        Verb.CLOSE_BY_LIBRARY,
        Verb.FIND_MENTOR,
        Verb.WITHDRAW,
    }
    moderator_view = case_view(status=CaseStatus.NEW, assignments=(), relation="moderator")
    assert await rendered_verbs(moderator_view, MODERATOR_ACTOR, kind) == set()


async def test_moderation_acts_only_on_drafts() -> None:
    async def moderation_verbs(library_entry: LibraryEntryView, recipient: Actor) -> set[str]:
        card = await render_card(
            FakeWorkflow(library_entry=library_entry),
            recipient,
            CardKind.MODERATION,
            entry_id=library_entry.id,
        )
        return verbs(card)

    assert await moderation_verbs(entry(), MODERATOR_ACTOR) == {
        Verb.APPROVE_ENTRY,
        Verb.REJECT_ENTRY,
    }
    assert await moderation_verbs(entry(LibraryEntryStatus.PUBLISHED), MODERATOR_ACTOR) == set()
    assert await moderation_verbs(entry(), MENTOR_ACTOR) == set()


async def test_moderator_assign_acts_while_unassigned() -> None:
    kind = CardKind.MODERATOR_ASSIGN
    stuck = case_view(status=CaseStatus.AWAITING_MODERATOR, relation="moderator", assignments=())
    assigned = case_view(relation="moderator")
    assert await rendered_verbs(stuck, MODERATOR_ACTOR, kind) == {Verb.MODERATOR_ASSIGN}
    assert await rendered_verbs(assigned, MODERATOR_ACTOR, kind) == set()


async def test_intake_summary_offers_withdraw_while_open() -> None:
    kind = CardKind.INTAKE
    assert await rendered_verbs(case_view(), TEACHER_ACTOR, kind) == {Verb.WITHDRAW}
    done = case_view(status=CaseStatus.COMPLETED)
    assert await rendered_verbs(done, TEACHER_ACTOR, kind) == set()


async def test_intake_without_case_is_the_form() -> None:
    card = await render_card(FakeWorkflow(), TEACHER_ACTOR, CardKind.INTAKE)
    assert verbs(card) == {Verb.SUBMIT_CASE}


# ------------------------------------------------------------------ privacy


def mentor_cards(view: CaseView, translate: Translator) -> list[dict[str, Any]]:
    offer = build_mentor_offer_card(
        view, assignment(AssignmentStatus.OFFERED), translate, RUBRICS["en"], actionable=True
    )
    case = build_mentor_case_card(
        view,
        assignment(),
        translate,
        RUBRICS["en"],
        suggested=SUGGESTED,
        materials=HITS,
        can_ask=True,
        can_solve=True,
    )
    stale_case = build_mentor_case_card(view, assignment(), translate, RUBRICS["en"], latest=False)
    return [offer, case, stale_case]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_anonymous_mentor_cards_hide_teacher(language: str) -> None:
    translate = LANGUAGES[language]
    view = mentor_view(Privacy.ANONYMOUS, solutions=(solution(),))
    for card in mentor_cards(view, translate):
        text = flat(card)
        for secret in TEACHER_SECRETS:
            assert secret not in text
        assert translate("Anonymous teacher") in shown_strings(card)
        assert not of_type(card, "Action.OpenUrl")


def test_personal_mentor_cards_show_teacher() -> None:
    view = mentor_view(Privacy.PERSONAL)
    offer, case, _ = mentor_cards(view, EN)
    assert TEACHER.display_name in shown_strings(offer)
    assert TEACHER.display_name in shown_strings(case)
    (chat,) = of_type(case, "Action.OpenUrl")
    assert chat["url"] == TEACHER.chat_link


def test_builders_recheck_privacy() -> None:
    """The builders check the privacy too, not only the workflow's filtering."""
    view = case_view(privacy=Privacy.ANONYMOUS, relation="mentor", teacher=TEACHER)
    for card in mentor_cards(view, EN):
        text = flat(card)
        for secret in TEACHER_SECRETS:
            assert secret not in text


async def test_rendered_anonymous_offer_hides_teacher() -> None:
    view = mentor_view(
        Privacy.ANONYMOUS,
        status=CaseStatus.AWAITING_MENTOR,
        assignments=(assignment(AssignmentStatus.OFFERED),),
    )
    for kind in (CardKind.MENTOR_OFFER, CardKind.MENTOR_CASE):
        card = await render_card(
            FakeWorkflow(view), MENTOR_ACTOR, kind, case_id=CASE_ID, assignment_id=31
        )
        text = flat(card)
        for secret in TEACHER_SECRETS:
            assert secret not in text
        assert "Anonymous teacher" in shown_strings(card)


# ---------------------------------------------------------------- catalogue


def card_message_ids() -> set[str]:
    """Extract the message ids of bot/cards: literals passed to ``translate`` or ``N_``."""
    found = extract_from_dir(
        str(ROOT / "bot" / "cards"),
        method_map=[("**.py", "python")],
        keywords={"translate": None, "N_": None},
    )
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def test_extraction_finds_card_messages() -> None:
    ids = card_message_ids()
    assert "Case {number}: {status}" in ids
    assert "Pupils of form {form}" in ids
    assert "Anonymous teacher" in ids


def read_catalogue(path: Path) -> dict[str, Any]:
    with path.open("rb") as po_file:
        return {str(m.id): m for m in read_po(po_file, locale="ru") if m.id}


def test_every_card_message_has_russian() -> None:
    catalogue = read_catalogue(CARDS_PO)
    missing = [
        message_id
        for message_id in sorted(card_message_ids())
        if message_id not in catalogue
        or not catalogue[message_id].string
        or catalogue[message_id].fuzzy
    ]
    assert not missing


def test_field_labels_have_russian() -> None:
    """The intake card shows the domain's field labels, translated in another catalogue."""
    for label in FIELD_LABELS.values():
        assert RU(label) != label


def test_translations_keep_placeholders() -> None:
    for message_id, message in read_catalogue(CARDS_PO).items():
        expected = set(re.findall(r"\{(\w+)\}", message_id))
        assert set(re.findall(r"\{(\w+)\}", str(message.string))) == expected, message_id


def test_catalogue_has_no_unused_messages() -> None:
    unused = set(read_catalogue(CARDS_PO)) - card_message_ids()
    assert not unused


def test_shared_messages_agree_with_other_catalogues() -> None:
    """A message id in two catalogues needs one translation, or the load order decides."""
    cards = read_catalogue(CARDS_PO)
    for path in sorted(CARDS_PO.parent.glob("*.po")):
        if path == CARDS_PO:
            continue
        for message_id, message in read_catalogue(path).items():
            if message_id in cards:
                assert cards[message_id].string == message.string, (path.name, message_id)
