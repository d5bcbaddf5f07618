"""Action.Execute invokes end to end: HTTP responses, proactive sends and updates in place."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.adapter_fixes import CARD_CONTENT_TYPE, MESSAGE_CONTENT_TYPE
from bot.cards.intake import build_intake_card
from bot.cards.labels import status_label
from bot.cards.render import render_card
from bot.dispatch import GENERIC_FAILURE
from bot.submissions import parse_case_form
from bot.verbs import Verb
from teams_app.domain.enums import AssignmentStatus, CardKind, CaseStatus
from teams_app.domain.errors import AlreadyProcessed, FieldError, StaleAction
from teams_app.i18n import translator_for
from teams_app.workflow.views import Actor, CardRecord
from tests.bot.conftest import ChatUser, SleepRecorder, TeamsChat
from tests.bot.steps import stored_card, submit_case
from tests.factories import CASE_FORM
from tests.workflow.flow import case_state

RU = translator_for("ru-RU")
AREA = "class_management"


def card_response(card: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": card}


def message_response(text: str) -> dict[str, Any]:
    return {"statusCode": 200, "type": MESSAGE_CONTENT_TYPE, "value": text}


async def render(chat: TeamsChat, actor: Actor, record: CardRecord) -> dict[str, Any]:
    return await render_card(
        chat.workflow,
        actor,
        record.kind,
        case_id=record.case_id,
        assignment_id=record.assignment_id,
        round_id=record.round_id,
        entry_id=record.entry_id,
        latest=record.latest,
    )


async def offer_case(chat: TeamsChat, teacher: ChatUser, mentor: Actor) -> tuple[int, CardRecord]:
    """Submit a case, leave the library answer and pick ``mentor``.

    Return the case id and the teacher's candidates card.
    """
    case_id = await submit_case(chat, teacher)
    library = await stored_card(chat, case_id, CardKind.LIBRARY_ANSWER, teacher)
    await chat.click(teacher, Verb.FIND_MENTOR, {"case": case_id}, reply_to_id=library.activity_id)
    candidates = await stored_card(chat, case_id, CardKind.CANDIDATES, teacher)
    await chat.click(
        teacher,
        Verb.PICK_MENTOR,
        {"case": case_id, "mentor": mentor.user_id},
        reply_to_id=candidates.activity_id,
    )
    return case_id, candidates


# ----------------------------------------------------------- invoke responses


async def test_submit_returns_summary_card(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова")

    body = await chat.click(anna, Verb.SUBMIT_CASE, CASE_FORM, reply_to_id="1:form")

    actor = await chat.actor(anna)
    ((case_id, _, status),) = await chat.workflow.my_cases(actor)
    assert status == CaseStatus.NEW
    intake = await stored_card(chat, case_id, CardKind.INTAKE, anna)
    assert intake.activity_id == "1:form"
    assert body == card_response(await render(chat, actor, intake))


async def test_submit_sends_library_answer_and_updates_form(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова")

    case_id = await submit_case(chat, anna)

    actor = await chat.actor(anna)
    library = await stored_card(chat, case_id, CardKind.LIBRARY_ANSWER, anna)
    intake = await stored_card(chat, case_id, CardKind.INTAKE, anna)
    sent = {request.response_id: request for request in chat.sent_to(anna)}
    assert sent[library.activity_id].kind == "send"
    assert sent[library.activity_id].card == await render(chat, actor, library)
    assert sent["1:form"].kind == "update"
    assert sent["1:form"].card == await render(chat, actor, intake)


async def test_invalid_form_shown_again(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова")
    data = {**CASE_FORM, "essence": "  ", "rubrics": ""}

    body = await chat.click(anna, Verb.SUBMIT_CASE, data, reply_to_id="1:form")

    rubrics = await chat.workflow.rubrics("ru-RU")
    errors = [
        FieldError("essence", "required"),
        FieldError("rubrics", "choose_at_least_one", limit=1),
    ]
    expected = build_intake_card(RU, rubrics, values=parse_case_form(data).values, errors=errors)
    assert body == card_response(expected)
    assert CASE_FORM["question"] in str(body)
    assert await chat.workflow.my_cases(await chat.actor(anna)) == []
    assert [r for r in chat.sent_to(anna) if r.kind == "update"] == []


async def test_retried_invoke_changes_nothing(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова")
    case_id = await submit_case(chat, anna)
    library = await stored_card(chat, case_id, CardKind.LIBRARY_ANSWER, anna)
    click = {"case": case_id}

    await chat.click(
        anna, Verb.FIND_MENTOR, click, reply_to_id=library.activity_id, activity_id="f:retried"
    )
    before = await case_state(chat.workflow, case_id)
    updates_before = len([r for r in chat.sent_to(anna) if r.kind == "update"])
    body = await chat.click(
        anna, Verb.FIND_MENTOR, click, reply_to_id=library.activity_id, activity_id="f:retried"
    )

    assert body == message_response(AlreadyProcessed().render(RU))
    assert await case_state(chat.workflow, case_id) == before
    # The clicked card is brought up to date in place.
    updates = [r for r in chat.sent_to(anna) if r.kind == "update"]
    assert len(updates) == updates_before + 1
    assert updates[-1].activity_id == library.activity_id


async def test_stale_click_changes_nothing(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова")
    case_id = await submit_case(chat, anna)
    library = await stored_card(chat, case_id, CardKind.LIBRARY_ANSWER, anna)
    await chat.click(anna, Verb.FIND_MENTOR, {"case": case_id}, reply_to_id=library.activity_id)
    before = await case_state(chat.workflow, case_id)
    view = await chat.workflow.case_view(await chat.actor(anna), case_id)

    body = await chat.click(
        anna, Verb.CLOSE_BY_LIBRARY, {"case": case_id}, reply_to_id=library.activity_id
    )

    status = status_label(view.status, RU)
    expected = RU(StaleAction.message_id, number=view.number, status=status)
    assert body == message_response(expected)
    assert view.status.value not in body["value"]
    assert await case_state(chat.workflow, case_id) == before
    updates = [r for r in chat.sent_to(anna) if r.kind == "update"]
    assert updates[-1].activity_id == library.activity_id


async def test_unknown_verb_named_in_message(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова")

    body = await chat.click(anna, "case.teleport", {"case": 1})

    assert body["type"] == MESSAGE_CONTENT_TYPE
    assert "«case.teleport»" in body["value"]


async def test_malformed_id_named_in_message(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова")

    body = await chat.click(anna, Verb.WITHDRAW, {"case": "one"})

    assert body["type"] == MESSAGE_CONTENT_TYPE
    assert "«case»" in body["value"]


async def test_unexpected_error_hidden(
    chat: TeamsChat, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    anna = ChatUser("Анна Петрова")
    case_id = await submit_case(chat, anna)
    actor = await chat.actor(anna)

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("connection to db-secret-host refused")

    monkeypatch.setattr(chat.workflow, "find_mentor", broken)
    with caplog.at_level(logging.ERROR, logger="bot.dispatch"):
        body = await chat.click(anna, Verb.FIND_MENTOR, {"case": case_id})

    assert body == message_response(RU(GENERIC_FAILURE))
    (record,) = [r for r in caplog.records if r.name == "bot.dispatch"]
    assert f"user={actor.user_id}" in record.getMessage()
    assert "verb=case.find_mentor" in record.getMessage()
    assert record.exc_info is not None


# --------------------------------------------------------- proactive delivery


async def test_offer_sent_to_mentor(chat: TeamsChat) -> None:
    anna, natalia = ChatUser("Анна Петрова"), ChatUser("Наталья Орлова")
    mentor = await chat.add_mentor(natalia, (AREA,))

    case_id, _ = await offer_case(chat, anna, mentor)

    offer = await stored_card(chat, case_id, CardKind.MENTOR_OFFER, natalia)
    (sent,) = [r for r in chat.sent_to(natalia) if r.response_id == offer.activity_id]
    assert sent.kind == "send"
    assert sent.body["recipient"]["id"] == natalia.teams_id
    assert sent.card == await render(chat, mentor, offer)


async def test_accept_updates_cards_in_place(chat: TeamsChat) -> None:
    anna, natalia = ChatUser("Анна Петрова"), ChatUser("Наталья Орлова")
    mentor = await chat.add_mentor(natalia, (AREA,))
    case_id, candidates = await offer_case(chat, anna, mentor)
    offer = await stored_card(chat, case_id, CardKind.MENTOR_OFFER, natalia)

    body = await chat.click(
        natalia, Verb.ACCEPT, {"assignment": offer.assignment_id}, reply_to_id=offer.activity_id
    )

    # The offer card turns read-only for everyone: in the invoke response and in place.
    read_only_offer = await render(chat, mentor, offer)
    assert body == card_response(read_only_offer)
    offer_updates = [
        r
        for r in chat.sent_to(natalia)
        if r.kind == "update" and r.activity_id == offer.activity_id
    ]
    assert offer_updates[-1].method == "PUT"
    assert offer_updates[-1].card == read_only_offer
    # The teacher's candidates card now names the mentor instead of offering choices.
    teacher = await chat.actor(anna)
    candidate_updates = [
        r
        for r in chat.sent_to(anna)
        if r.kind == "update" and r.activity_id == candidates.activity_id
    ]
    assert candidate_updates[-1].card == await render(chat, teacher, candidates)
    # The mentor gets the case card; the teacher a message.
    mentor_case = await stored_card(chat, case_id, CardKind.MENTOR_CASE, natalia)
    assert mentor_case.activity_id in {r.response_id for r in chat.sent_to(natalia)}
    view = await chat.workflow.case_view(teacher, case_id)
    expected_text = RU(
        "{mentor} accepted case {number}.", mentor=mentor.display_name, number=view.number
    )
    assert expected_text in [r.body.get("text") for r in chat.sent_to(anna)]


async def test_throttled_send_retried(chat: TeamsChat, sleeps: SleepRecorder) -> None:
    anna, natalia = ChatUser("Анна Петрова"), ChatUser("Наталья Орлова")
    mentor = await chat.add_mentor(natalia, (AREA,))
    chat.connector.fail(natalia.conversation_id, 429, times=2, retry_after="3")

    case_id, _ = await offer_case(chat, anna, mentor)

    assert sleeps.delays == [3.0, 3.0]
    statuses = [
        r.status for r in chat.connector.requests if r.conversation_id == natalia.conversation_id
    ]
    assert statuses[-3:] == [429, 429, 200]
    offer = await stored_card(chat, case_id, CardKind.MENTOR_OFFER, natalia)
    assert offer.activity_id == chat.sent_to(natalia)[-1].response_id


async def test_blocked_mentor_offer_released(
    chat: TeamsChat, caplog: pytest.LogCaptureFixture
) -> None:
    anna, natalia = ChatUser("Анна Петрова"), ChatUser("Наталья Орлова")
    mentor = await chat.add_mentor(natalia, (AREA,))
    chat.connector.block(natalia.conversation_id)

    with caplog.at_level(logging.WARNING, logger="bot.notifier"):
        case_id, _ = await offer_case(chat, anna, mentor)
        await chat.notifier.wait_idle()

    messages = [r.getMessage() for r in caplog.records if r.name == "bot.notifier"]
    assert (
        f"delivery failed operation=send user={mentor.user_id} case={case_id} status=403 "
        "error=ErrorResponseException"
    ) in messages
    # The blocked mentor is unreachable now, so the case goes to the moderators.
    view = await chat.workflow.case_view(await chat.actor(anna), case_id)
    assert view.status == CaseStatus.AWAITING_MODERATOR
    assert view.assignments[0].status == AssignmentStatus.DECLINED
    assert await chat.workflow.conversation_reference(mentor.user_id) is None
    records = await chat.workflow.cards_to_refresh(case_id=case_id)
    assert CardKind.MENTOR_OFFER not in {record.kind for record in records}
    texts = [r.body.get("text") or "" for r in chat.sent_to(anna)]
    assert any("Наталья Орлова" in text and "Teams" in text for text in texts)


async def test_invalid_offer_form_shown_again(chat: TeamsChat) -> None:
    anna, natalia = ChatUser("Анна Петрова"), ChatUser("Наталья Орлова")
    mentor = await chat.add_mentor(natalia, (AREA,))
    case_id, _ = await offer_case(chat, anna, mentor)
    offer = await stored_card(chat, case_id, CardKind.MENTOR_OFFER, natalia)
    data = {"assignment": offer.assignment_id, "decline_reason": "Нет времени. " * 60}

    body = await chat.click(natalia, Verb.DECLINE, data, reply_to_id=offer.activity_id)

    errors = [FieldError("decline_reason", "too_long", 500, len(data["decline_reason"].strip()))]
    expected = await render_card(
        chat.workflow,
        mentor,
        CardKind.MENTOR_OFFER,
        case_id=case_id,
        assignment_id=offer.assignment_id,
        latest=True,
        values=data,
        errors=errors,
    )
    assert body == card_response(expected)
    view = await chat.workflow.case_view(await chat.actor(anna), case_id)
    assert view.status == CaseStatus.AWAITING_MENTOR


async def test_turn_failure_sends_generic_message(
    chat: TeamsChat, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    anna = ChatUser("Анна Петрова")

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("connection to db-secret-host refused")

    monkeypatch.setattr(chat.workflow, "identify", broken)
    click = chat.click_activity(anna, Verb.NEW_CASE)
    with caplog.at_level(logging.ERROR, logger="bot.routes"):
        invoke = await chat.post(click)
        message = await chat.post(chat.activity("message.json", anna, text="меню"))

    assert invoke.status == 200
    assert await invoke.json() == message_response(RU(GENERIC_FAILURE))
    assert message.status == 201
    (reply,) = chat.sent_to(anna)
    assert reply.body["text"] == RU(GENERIC_FAILURE)
    assert "db-secret-host" not in str(reply.body)
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.routes"]
    assert f"activity={click['id']} conversation={anna.conversation_id}" in logged[0]


async def test_non_json_request_refused(chat: TeamsChat) -> None:
    response = await chat.client.post(
        "/api/messages", data="hello", headers={"Content-Type": "text/plain"}
    )

    assert response.status == 415


@pytest.mark.parametrize(
    ("status", "retry_after", "delays"),
    [(503, None, None), (502, None, None), (429, "30", [30.0, 30.0])],
)
async def test_failed_update_retried(
    chat: TeamsChat,
    sleeps: SleepRecorder,
    status: int,
    retry_after: str | None,
    delays: list[float] | None,
) -> None:
    anna = ChatUser("Анна Петрова")
    await chat.post(chat.activity("installation_update.json", anna))
    actor = await chat.actor(anna)
    reference = await chat.workflow.conversation_reference(actor.user_id)
    assert reference is not None
    card = {"type": "AdaptiveCard", "version": "1.5", "body": []}
    chat.connector.fail(anna.conversation_id, status, times=2, retry_after=retry_after)

    chat.notifier.schedule_update(reference, "1:card", card, user_id=actor.user_id)
    await chat.notifier.wait_idle()

    updates = [r for r in chat.connector.requests if r.method == "PUT"]
    assert [r.status for r in updates] == [status, status, 200]
    assert updates[-1].activity_id == "1:card"
    assert updates[-1].card == card
    assert len(sleeps.delays) == 2
    if delays is not None:
        assert sleeps.delays == delays
