"""The sender's name and e-mail, looked up on the connector when an activity carries no name."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

from bot.cards.welcome import build_welcome_card
from bot.routes import BOT_KEY
from bot.verbs import Verb
from teams_app.domain.enums import CardKind, Role
from teams_app.i18n import translator_for
from teams_app.storage.models import User
from tests.bot.conftest import ChatUser, TeamsChat
from tests.bot.fake_connector import MemberLookup
from tests.bot.steps import stored_card, submit_case

RU = translator_for("ru-RU")
ANNA_EMAIL = "anna.petrova@school-1234.example"


async def stored_user(chat: TeamsChat, user: ChatUser) -> User:
    """Read the user row the bot wrote, without identifying anyone."""
    async with chat.workflow.db.transaction() as session:
        row = await session.scalar(select(User).where(User.teams_user_id == user.teams_id))
    assert row is not None, f"the bot has no user for {user.name}"
    return row


@pytest.mark.parametrize("fixture", ["installation_update.json", "members_added.json"])
async def test_nameless_activity_fetches_member(chat: TeamsChat, fixture: str) -> None:
    anna = ChatUser("Анна Петрова", email=ANNA_EMAIL)
    activity = chat.activity(fixture, anna)
    assert "name" not in activity["from"]

    response = await chat.post(activity)

    assert response.status == 201
    assert chat.connector.member_lookups == [MemberLookup(anna.conversation_id, anna.teams_id, 200)]
    user = await stored_user(chat, anna)
    assert user.display_name == "Анна Петрова"
    assert user.email == ANNA_EMAIL


async def test_named_activity_skips_lookup(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова", email=ANNA_EMAIL)

    await chat.say(anna, "меню")

    assert chat.connector.member_lookups == []
    user = await stored_user(chat, anna)
    assert user.display_name == "Анна Петрова"
    assert user.email is None


async def test_installed_mentor_named_on_candidates(chat: TeamsChat) -> None:
    anna, natalia = ChatUser("Анна Петрова"), ChatUser("Наталья Орлова")
    await chat.add_mentor(natalia, ("class_management",))
    case_id = await submit_case(chat, anna)
    library = await stored_card(chat, case_id, CardKind.LIBRARY_ANSWER, anna)

    await chat.click(anna, Verb.FIND_MENTOR, {"case": case_id}, reply_to_id=library.activity_id)

    (candidate,) = await chat.workflow.candidates(case_id, "ru-RU")
    assert candidate.display_name == "Наталья Орлова"
    candidates = await stored_card(chat, case_id, CardKind.CANDIDATES, anna)
    (sent,) = [r for r in chat.sent_to(anna) if r.response_id == candidates.activity_id]
    assert "Наталья Орлова" in json.dumps(sent.card, ensure_ascii=False)


async def test_email_kept_without_lookup(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова", email=ANNA_EMAIL)
    await chat.post(chat.activity("installation_update.json", anna))

    await chat.say(anna, "меню")

    user = await stored_user(chat, anna)
    assert user.email == ANNA_EMAIL


@pytest.mark.parametrize("status", [404, 500])
async def test_failed_lookup_logged_and_ignored(
    chat: TeamsChat, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    anna = ChatUser("Анна Петрова", email=ANNA_EMAIL)
    install = chat.activity("installation_update.json", anna)
    if status == 404:
        chat.connector.remove_member(anna.conversation_id, anna.teams_id)
    else:
        chat.connector.fail_member_lookups(status)

    with caplog.at_level(logging.WARNING, logger="bot.handler"):
        response = await chat.post(install)

    assert response.status == 201
    (welcome,) = chat.sent_to(anna)
    assert welcome.card == build_welcome_card(RU, {Role.TEACHER})
    assert [lookup.status for lookup in chat.connector.member_lookups] == [status]
    assert (
        f"member lookup failed user={anna.teams_id} conversation={anna.conversation_id} "
        f"status={status} error=ErrorResponseException"
    ) in caplog.messages
    user = await stored_user(chat, anna)
    assert user.display_name == ""
    assert user.email is None


async def test_slow_lookup_times_out(chat: TeamsChat, caplog: pytest.LogCaptureFixture) -> None:
    anna = ChatUser("Анна Петрова", email=ANNA_EMAIL)
    chat.app[BOT_KEY].member_lookup_timeout = 0.1
    chat.connector.delay_member_lookups(1.0)

    with caplog.at_level(logging.WARNING, logger="bot.handler"):
        response = await chat.post(chat.activity("installation_update.json", anna))

    assert response.status == 201
    (welcome,) = chat.sent_to(anna)
    assert welcome.card == build_welcome_card(RU, {Role.TEACHER})
    assert (
        f"member lookup failed user={anna.teams_id} conversation={anna.conversation_id} "
        "status=None error=TimeoutError"
    ) in caplog.messages
    user = await stored_user(chat, anna)
    assert user.display_name == ""


async def test_failed_lookup_keeps_known_name(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова", email=ANNA_EMAIL)
    await chat.post(chat.activity("installation_update.json", anna))
    chat.connector.fail_member_lookups(503)

    await chat.post(chat.activity("members_added.json", anna))

    user = await stored_user(chat, anna)
    assert user.display_name == "Анна Петрова"
    assert user.email == ANNA_EMAIL
