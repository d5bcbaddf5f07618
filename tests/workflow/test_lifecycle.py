"""A case walked through the workflow operations, from submission to the library."""

from __future__ import annotations

from teams_app.domain.enums import CardKind, CaseStatus, LibraryEntryStatus, Role
from teams_app.workflow import Workflow
from tests.factories import CASE_FORM, make_mentor, make_user


async def test_case_walks_to_library(workflow: Workflow) -> None:
    teacher = await make_user(workflow, "Анна Петрова")
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    moderator = await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))

    outcome = await workflow.submit_case(teacher, CASE_FORM, dedupe_key="a1")
    case_id = outcome.case_id
    assert case_id is not None
    assert outcome.notifications[0].kind == CardKind.LIBRARY_ANSWER

    outcome = await workflow.find_mentor(teacher, case_id)
    assert outcome.notifications[0].kind == CardKind.CANDIDATES
    candidates = await workflow.candidates(case_id, "ru-RU")
    assert [c.user_id for c in candidates] == [mentor.user_id]

    outcome = await workflow.pick_mentor(teacher, case_id, mentor.user_id)
    offer = outcome.notifications[0]
    assert offer.kind == CardKind.MENTOR_OFFER
    assert offer.assignment_id is not None
    await workflow.accept(mentor, offer.assignment_id)

    questions = await workflow.suggested_questions(case_id, "ru-RU")
    outcome = await workflow.ask_questions(mentor, case_id, [questions[0].key], ["Сколько детей?"])
    round_id = outcome.notifications[0].round_id
    assert round_id is not None
    view = await workflow.case_view(teacher, case_id)
    answers = {q.id: f"Ответ {q.id}" for q in view.question_rounds[0].questions}
    await workflow.answer_questions(teacher, round_id, answers)
    await workflow.keep_version(teacher, case_id)
    await workflow.write_solution(mentor, case_id, "Ритуал начала урока и сигнал тишины.")
    outcome = await workflow.complete(
        teacher,
        case_id,
        {"will_do": "Введу ритуал", "what_changed": "Понимаю, что делать", "usefulness": "5"},
    )
    assert outcome.entry_id is not None
    assert any(
        n.kind == CardKind.MODERATION and n.recipient_id == moderator.user_id
        for n in outcome.notifications
    )
    await workflow.approve_publication(moderator, outcome.entry_id, {"title": "Шумный класс"})

    entry = await workflow.library_entry(outcome.entry_id)
    assert entry.status == LibraryEntryStatus.PUBLISHED
    view = await workflow.case_view(teacher, case_id)
    assert view.status == CaseStatus.COMPLETED

    next_teacher = await make_user(workflow, "Иван Смирнов")
    outcome = await workflow.submit_case(next_teacher, CASE_FORM)
    assert outcome.case_id is not None
    hits = await workflow.library_hits(outcome.case_id)
    assert outcome.entry_id is None
    assert hits[0].entry_id == entry.id
