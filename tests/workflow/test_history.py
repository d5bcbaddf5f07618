"""The case history: one event per change, naming the actor and the state before and after."""

from __future__ import annotations

from teams_app.domain.enums import Role
from teams_app.workflow import Workflow
from tests.factories import CASE_FORM, make_mentor, make_user
from tests.workflow.flow import REFLECTION, case_events, offer_of
from tests.workflow.test_revisions import SECOND_VERSION


async def test_every_step_writes_an_event(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    first = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    second = await make_mentor(workflow, "Олег Седов", ("class_management",))
    moderator = await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))

    outcome = await workflow.submit_case(teacher, CASE_FORM)
    case_id = outcome.case_id
    assert case_id is not None
    await workflow.find_mentor(teacher, case_id)
    declined = offer_of(await workflow.pick_mentor(teacher, case_id, first.user_id))
    await workflow.decline(first, declined, "Нет времени")
    accepted = offer_of(await workflow.pick_mentor(teacher, case_id, second.user_id))
    await workflow.accept(second, accepted)
    round_outcome = await workflow.ask_questions(second, case_id, [], ["Сколько детей?"])
    round_id = round_outcome.notifications[0].round_id
    assert round_id is not None
    view = await workflow.case_view(teacher, case_id)
    (question,) = view.question_rounds[0].questions
    await workflow.answer_questions(teacher, round_id, {question.id: "Двадцать восемь"})
    await workflow.redefine_case(teacher, case_id, SECOND_VERSION)
    await workflow.write_solution(second, case_id, "Ритуал начала урока.")
    await workflow.complete(teacher, case_id, {**REFLECTION, "usefulness": "5"})

    events = await case_events(workflow, case_id)
    history = [
        (e.kind, e.actor_id, (e.before or {}).get("status"), e.after["status"])
        for e in events
        if e.kind != "submitted" and e.after is not None and "status" in e.after
    ]
    assert history == [
        ("find_mentor", teacher.user_id, "new", "choosing_mentor"),
        ("pick_mentor", teacher.user_id, "choosing_mentor", "awaiting_mentor"),
        ("decline", first.user_id, "awaiting_mentor", "choosing_mentor"),
        ("pick_mentor", teacher.user_id, "choosing_mentor", "awaiting_mentor"),
        ("accept", second.user_id, "awaiting_mentor", "in_progress"),
        ("ask_questions", second.user_id, "in_progress", "awaiting_answers"),
        ("answer_questions", teacher.user_id, "awaiting_answers", "awaiting_decision"),
        ("redefine", teacher.user_id, "awaiting_decision", "in_progress"),
        ("write_solution", second.user_id, "in_progress", "solution_offered"),
        ("complete", teacher.user_id, "solution_offered", "completed"),
    ]
    kinds = [e.kind for e in events]
    assert kinds[0] == "submitted"
    assert kinds[-1] == "library_draft_prepared"
    assert all(e.created_at is not None for e in events)

    by_kind = {e.kind: e for e in events}
    assert by_kind["submitted"].actor_id == teacher.user_id
    assert by_kind["submitted"].after["essence"] == CASE_FORM["essence"]
    assert by_kind["submitted"].after["rubrics"] == ["class_management"]
    picks = [e for e in events if e.kind == "pick_mentor"]
    assert [e.after["mentor_id"] for e in picks] == [first.user_id, second.user_id]
    assert by_kind["decline"].after["reason"] == "Нет времени"
    assert by_kind["decline"].after["mentor_id"] == first.user_id
    assert by_kind["ask_questions"].after["questions"] == ["Сколько детей?"]
    answers = by_kind["answer_questions"].after["answers"]
    assert list(answers.values()) == ["Двадцать восемь"]
    redefine = by_kind["redefine"]
    assert redefine.before["revision"] == 1
    assert redefine.before["essence"] == CASE_FORM["essence"]
    assert redefine.after["revision"] == 2
    assert redefine.after["essence"] == SECOND_VERSION["essence"]
    assert by_kind["write_solution"].after["solution"] == "Ритуал начала урока."
    assert by_kind["complete"].after["usefulness"] == 5
    assert by_kind["library_draft_prepared"].actor_id is None

    history_view = await workflow.case_history(moderator, case_id)
    assert [e.id for e in history_view] == [e.id for e in events]


async def test_withdraw_and_moderator_events(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("education_law",))
    moderator = await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))
    outcome = await workflow.submit_case(teacher, CASE_FORM)
    case_id = outcome.case_id
    assert case_id is not None

    await workflow.find_mentor(teacher, case_id)
    await workflow.moderator_assign(moderator, case_id, mentor.user_id)
    await workflow.withdraw(teacher, case_id)

    events = await case_events(workflow, case_id)
    moves = [(e.kind, e.actor_id, e.before["status"], e.after["status"]) for e in events[1:]]
    assert moves == [
        ("find_mentor", teacher.user_id, "new", "awaiting_moderator"),
        ("moderator_assign", moderator.user_id, "awaiting_moderator", "in_progress"),
        ("withdraw", teacher.user_id, "in_progress", "withdrawn"),
    ]
    assert events[2].after["mentor_id"] == mentor.user_id


async def test_second_opinion_event(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    first = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    await make_mentor(workflow, "Олег Седов", ("class_management",))
    outcome = await workflow.submit_case(teacher, CASE_FORM)
    case_id = outcome.case_id
    assert case_id is not None
    await workflow.find_mentor(teacher, case_id)
    await workflow.accept(
        first, offer_of(await workflow.pick_mentor(teacher, case_id, first.user_id))
    )
    await workflow.write_solution(first, case_id, "Первое мнение.")

    await workflow.request_second_opinion(teacher, case_id)

    last = (await case_events(workflow, case_id))[-1]
    assert last.kind == "second_opinion"
    assert last.actor_id == teacher.user_id
    assert last.before["status"] == "solution_offered"
    assert last.after["status"] == "choosing_mentor"
