"""Redefining a case after answering questions: at most three revisions in all."""

from __future__ import annotations

import pytest

from teams_app.domain.enums import CardKind, CaseStatus
from teams_app.domain.errors import RevisionLimitReached, StaleAction, ValidationFailed
from teams_app.workflow import Workflow
from tests.factories import CASE_FORM, make_mentor, make_user
from tests.workflow.flow import accepted_case, answered_case, case_state, notified

SECOND_VERSION = {
    **CASE_FORM,
    "essence": "Шестой класс шумит после большой перемены и после физкультуры.",
    "question": "Как за две минуты переключить класс на работу после физкультуры?",
}
THIRD_VERSION = {
    **SECOND_VERSION,
    "participants": "form_6,fellow_teachers,school_administration",
    "rubrics": "class_management,professional_ethics",
}


async def test_redefinitions_make_revisions_two_and_three(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, assignment_id = await accepted_case(workflow, teacher, mentor)

    await answered_case(workflow, teacher, mentor, case_id)
    outcome = await workflow.redefine_case(teacher, case_id, SECOND_VERSION)
    await answered_case(workflow, teacher, mentor, case_id)
    await workflow.redefine_case(teacher, case_id, THIRD_VERSION)

    assert notified(outcome, CardKind.MENTOR_CASE) == [mentor.user_id]
    assert outcome.notifications[0].assignment_id == assignment_id
    view = await workflow.case_view(mentor, case_id)
    assert [r.number for r in view.revisions] == [1, 2, 3]
    assert view.current.number == 3
    assert view.status == CaseStatus.IN_PROGRESS
    first, second, third = view.revisions
    assert first.changed_fields == ()
    assert second.changed_fields == ("essence", "question")
    assert third.changed_fields == ("participants", "rubrics")


async def test_revisions_keep_full_text(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, _ = await accepted_case(workflow, teacher, mentor)
    await answered_case(workflow, teacher, mentor, case_id)

    await workflow.redefine_case(teacher, case_id, SECOND_VERSION)

    view = await workflow.case_view(teacher, case_id)
    first, second = view.revisions
    assert first.essence == CASE_FORM["essence"]
    assert first.question == CASE_FORM["question"]
    assert second.essence == SECOND_VERSION["essence"]
    assert second.actions_taken == CASE_FORM["actions_taken"]
    assert second.participants == ("form_6", "fellow_teachers")
    assert second.rubrics == ("class_management",)


async def test_question_round_names_its_revision(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, _ = await accepted_case(workflow, teacher, mentor)
    await answered_case(workflow, teacher, mentor, case_id)
    await workflow.redefine_case(teacher, case_id, SECOND_VERSION)
    await answered_case(workflow, teacher, mentor, case_id)
    await workflow.keep_version(teacher, case_id)

    view = await workflow.case_view(mentor, case_id)

    assert [(r.revision, r.decision) for r in view.question_rounds] == [
        (1, "redefine"),
        (2, "keep"),
    ]


async def test_fourth_revision_is_rejected(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, _ = await accepted_case(workflow, teacher, mentor)
    await answered_case(workflow, teacher, mentor, case_id)
    await workflow.redefine_case(teacher, case_id, SECOND_VERSION)
    await answered_case(workflow, teacher, mentor, case_id)
    await workflow.redefine_case(teacher, case_id, THIRD_VERSION)
    await answered_case(workflow, teacher, mentor, case_id)
    before = await case_state(workflow, case_id)

    with pytest.raises(RevisionLimitReached) as raised:
        await workflow.redefine_case(teacher, case_id, {**THIRD_VERSION, "essence": "Четвёртая"})
    with pytest.raises(RevisionLimitReached):
        await workflow.check_can_redefine(teacher, case_id)

    assert raised.value.fields["limit"] == 3
    assert await case_state(workflow, case_id) == before
    view = await workflow.case_view(teacher, case_id)
    assert len(view.revisions) == 3
    await workflow.keep_version(teacher, case_id)
    assert (await case_state(workflow, case_id)).status == CaseStatus.IN_PROGRESS


async def test_redefine_before_answers_is_stale(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, _ = await accepted_case(workflow, teacher, mentor)
    before = await case_state(workflow, case_id)

    with pytest.raises(StaleAction):
        await workflow.redefine_case(teacher, case_id, SECOND_VERSION)
    with pytest.raises(StaleAction):
        await workflow.check_can_redefine(teacher, case_id)

    assert await case_state(workflow, case_id) == before


async def test_invalid_redefinition_changes_nothing(workflow: Workflow) -> None:
    teacher = await make_user(workflow)
    mentor = await make_mentor(workflow, "Наталья Орлова", ("class_management",))
    case_id, _ = await accepted_case(workflow, teacher, mentor)
    await answered_case(workflow, teacher, mentor, case_id)
    before = await case_state(workflow, case_id)

    with pytest.raises(ValidationFailed) as raised:
        await workflow.redefine_case(teacher, case_id, {**SECOND_VERSION, "question": "?" * 501})

    assert [(e.field, e.code) for e in raised.value.errors] == [("question", "too_long")]
    assert await case_state(workflow, case_id) == before
    view = await workflow.case_view(teacher, case_id)
    assert len(view.revisions) == 1
