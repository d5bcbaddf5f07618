"""Install, membersAdded and typed commands, posted to /api/messages as Teams sends them."""

from __future__ import annotations

import pytest

from bot.adapter_fixes import CARD_CONTENT_TYPE, MESSAGE_CONTENT_TYPE
from bot.cards.intake import build_intake_card
from bot.cards.lists import build_my_cases_card
from bot.cards.welcome import build_welcome_card
from bot.handler import UNKNOWN_TEXT
from bot.submissions import InvalidSubmission
from bot.verbs import Verb
from teams_app.domain.enums import Role
from teams_app.domain.errors import NotPermitted
from teams_app.i18n import Translator, translator_for
from tests.bot.conftest import ChatUser, TeamsChat
from tests.bot.fake_connector import FakeConnector

RU = translator_for("ru-RU")
EN = translator_for("en-US")


async def test_install_sends_welcome(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова")

    response = await chat.post(chat.activity("installation_update.json", anna))

    assert response.status == 201
    (reply,) = chat.sent_to(anna)
    assert reply.card == build_welcome_card(RU, {Role.TEACHER})


async def test_install_in_english_welcomes_in_english(chat: TeamsChat) -> None:
    john = ChatUser("John Smith", locale="en-US")

    await chat.post(chat.activity("installation_update.json", john))

    (reply,) = chat.sent_to(john)
    assert reply.card == build_welcome_card(EN, {Role.TEACHER})


async def test_member_added_stores_reference_only(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова")

    response = await chat.post(chat.activity("members_added.json", anna))

    assert response.status == 201
    assert chat.sent_to(anna) == []
    actor = await chat.actor(anna)
    stored = await chat.workflow.conversation_reference(actor.user_id)
    assert stored is not None
    assert stored["conversation"]["id"] == anna.conversation_id


@pytest.mark.parametrize(
    "fixtures",
    [
        ("members_added.json", "installation_update.json"),
        ("installation_update.json", "members_added.json"),
    ],
)
async def test_install_welcomes_once(chat: TeamsChat, fixtures: tuple[str, str]) -> None:
    anna = ChatUser("Анна Петрова")

    for fixture in fixtures:
        response = await chat.post(chat.activity(fixture, anna))
        assert response.status == 201

    (reply,) = chat.sent_to(anna)
    assert reply.card == build_welcome_card(RU, {Role.TEACHER})


@pytest.mark.parametrize(
    "text", ["мои кейсы", "Мои Кейсы", "  мои   кейсы \n", "my cases", "MY CASES"]
)
async def test_my_cases_command(chat: TeamsChat, text: str) -> None:
    anna = ChatUser("Анна Петрова")

    await chat.say(anna, text)

    (reply,) = chat.sent_to(anna)
    assert reply.card == build_my_cases_card(RU, [])


@pytest.mark.parametrize("text", ["меню", "помощь", "начать", "menu", "help", "start"])
async def test_menu_commands(chat: TeamsChat, text: str) -> None:
    anna = ChatUser("Анна Петрова")

    await chat.say(anna, text)

    (reply,) = chat.sent_to(anna)
    assert reply.card == build_welcome_card(RU, {Role.TEACHER})


@pytest.mark.parametrize("text", ["новый кейс", "new case"])
async def test_new_case_command(chat: TeamsChat, text: str) -> None:
    anna = ChatUser("Анна Петрова")

    await chat.say(anna, text)

    (reply,) = chat.sent_to(anna)
    rubrics = await chat.workflow.rubrics("ru-RU")
    assert reply.card == build_intake_card(RU, rubrics)


@pytest.mark.parametrize("text", ["мои запросы", "my requests", "доступность", "модерация"])
async def test_role_commands_check_role(chat: TeamsChat, text: str) -> None:
    anna = ChatUser("Анна Петрова")

    await chat.say(anna, text)

    (reply,) = chat.sent_to(anna)
    assert reply.card is None
    assert reply.body["text"] in {
        NotPermitted(role=Role.MENTOR.value).render(RU),
        NotPermitted(role=Role.MODERATOR.value).render(RU),
    }


@pytest.mark.parametrize(
    "text", ["покажи мои кейсы", "мои кейсы, пожалуйста", "кейсы", "menu please", ""]
)
async def test_other_text_gets_hint_and_menu(chat: TeamsChat, text: str) -> None:
    anna = ChatUser("Анна Петрова")

    await chat.say(anna, text)

    hint, menu = chat.sent_to(anna)
    assert hint.body["text"] == RU(UNKNOWN_TEXT)
    assert menu.card == build_welcome_card(RU, {Role.TEACHER})


async def test_reference_stored_then_refreshed(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова")
    install = chat.activity("installation_update.json", anna)
    await chat.post(install)
    actor = await chat.actor(anna)

    stored = await chat.workflow.conversation_reference(actor.user_id)
    assert stored is not None
    assert stored["serviceUrl"] == chat.connector.service_url
    assert stored["conversation"]["id"] == anna.conversation_id
    assert stored["user"]["id"] == anna.teams_id

    # Teams may move a chat to another service URL; the next activity brings it.
    moved = FakeConnector()
    await moved.start()
    try:
        message = chat.activity("message.json", anna, text="меню", serviceUrl=moved.service_url)
        await chat.post(message)
        stored = await chat.workflow.conversation_reference(actor.user_id)
        assert stored is not None
        assert stored["serviceUrl"] == moved.service_url
        assert stored["activityId"] == message["id"]
        assert len(moved.to(anna.conversation_id)) == 1
    finally:
        await moved.close()


async def test_channel_activity_keeps_chat_reference(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова")
    await chat.post(chat.activity("installation_update.json", anna))
    actor = await chat.actor(anna)

    in_channel = chat.activity("message.json", anna, text="меню")
    in_channel["conversation"] = {
        "conversationType": "channel",
        "tenantId": in_channel["conversation"]["tenantId"],
        "id": "19:team-channel@thread.tacv2;messageid=1772442931000",
    }
    await chat.post(in_channel)

    stored = await chat.workflow.conversation_reference(actor.user_id)
    assert stored is not None
    assert stored["conversation"]["id"] == anna.conversation_id


async def test_language_choice_wins_over_teams(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова", locale="ru-RU")

    await chat.say(anna, "english")
    confirmation, menu = chat.sent_to(anna)
    await chat.say(anna, "меню")
    _, _, later_menu = chat.sent_to(anna)

    assert confirmation.body["text"] == (
        "The bot now writes in English. Type «русский» to switch to Russian."
    )
    assert menu.card == build_welcome_card(EN, {Role.TEACHER})
    assert later_menu.card == build_welcome_card(EN, {Role.TEACHER})


async def test_language_choice_switched_back(chat: TeamsChat) -> None:
    john = ChatUser("John Smith", locale="en-US")

    await chat.say(john, "русский")

    confirmation, menu = chat.sent_to(john)
    assert confirmation.body["text"] == RU(
        "The bot now writes in Russian. Type «english» to switch to English."
    )
    assert menu.card == build_welcome_card(RU, {Role.TEACHER})
    actor = await chat.actor(john)
    assert actor.locale == "ru"


@pytest.mark.parametrize(
    ("locale", "language", "translate"),
    [("en-US", "ru", RU), ("ru-RU", "en", EN)],
)
async def test_language_button_replaces_welcome(
    chat: TeamsChat, locale: str, language: str, translate: Translator
) -> None:
    user = ChatUser("Анна Петрова", locale=locale)
    await chat.post(chat.activity("installation_update.json", user))
    (welcome,) = chat.sent_to(user)

    body = await chat.click(
        user, Verb.SET_LANGUAGE, {"language": language}, reply_to_id=welcome.response_id
    )

    menu = build_welcome_card(translate, {Role.TEACHER})
    assert body == {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": menu}
    _, update = chat.sent_to(user)
    assert update.kind == "update"
    assert update.activity_id == welcome.response_id
    assert update.card == menu
    actor = await chat.actor(user)
    assert actor.locale == language


async def test_language_button_sets_later_language(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова", locale="ru-RU")

    await chat.click(anna, Verb.SET_LANGUAGE, {"language": "en"}, reply_to_id="1:welcome")
    await chat.say(anna, "меню")

    update, later_menu = chat.sent_to(anna)
    assert update.kind == "update"
    assert later_menu.kind == "reply"
    assert later_menu.card == build_welcome_card(EN, {Role.TEACHER})


async def test_unknown_language_button_changes_nothing(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова", locale="ru-RU")

    body = await chat.click(anna, Verb.SET_LANGUAGE, {"language": "de"}, reply_to_id="1:welcome")

    assert body == {
        "statusCode": 200,
        "type": MESSAGE_CONTENT_TYPE,
        "value": InvalidSubmission(field="language").render(RU),
    }
    assert chat.sent_to(anna) == []
    actor = await chat.actor(anna)
    assert actor.locale == "ru-RU"
