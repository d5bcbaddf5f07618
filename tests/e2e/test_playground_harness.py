"""End-to-end checks of the Playground harness against a small real bot.

The bot here is a botbuilder 4.17.1 ``TeamsActivityHandler`` behind a real
aiohttp server and ``CloudAdapter`` with no app id. It runs inside the test,
so these tests pin what the Playground sends and accepts, independent of the
mentoring bot.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest_asyncio
from aiohttp import web
from botbuilder.core import CardFactory, InvokeResponse, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import (
    Activity,
    AdaptiveCardInvokeResponse,
    ConversationReference,
)

from tests.e2e.playground import (
    E2E_DIR,
    E2E_MARKS,
    PlaygroundBrowser,
    PlaygroundInstance,
    PlaygroundUser,
    free_tcp_port,
)

pytestmark = E2E_MARKS

SCREENSHOT_DIR = E2E_DIR / "screenshots"
TENANT_ID = "7d1b4a52-0c1e-4d8e-9a57-1f2b3c4d5e6f"
BOT_ID = "28:e2e-harness-bot"
TEACHER = PlaygroundUser(
    id="29:e2e-teacher",
    name="Анна Петрова",
    aad_object_id="a1111111-1111-4111-8111-111111111111",
    tenant_id=TENANT_ID,
    email="anna@example.com",
)
MENTOR = PlaygroundUser(
    id="29:e2e-mentor",
    name="Boris Ivanov",
    aad_object_id="b2222222-2222-4222-8222-222222222222",
    tenant_id=TENANT_ID,
    email="boris@example.com",
)
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


def request_card() -> dict[str, Any]:
    """Build a card with one input of each kind that the mentoring bot uses."""
    topics = [
        ("Discipline", "discipline"),
        ("Parents", "parents"),
        ("Workload", "workload"),
    ]
    grades = [("Grade 5", "5"), ("Grade 6", "6"), ("Grade 7", "7")]
    formats = [("Chat", "chat"), ("Online meeting", "online")]
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": "New request", "weight": "Bolder"},
            {
                "type": "Input.Text",
                "id": "title",
                "label": "Case title",
                "isRequired": True,
                "errorMessage": "Enter a title",
            },
            {
                "type": "Input.ChoiceSet",
                "id": "topics",
                "label": "Topics",
                "isMultiSelect": True,
                "style": "compact",
                "choices": [
                    {"title": title, "value": value} for title, value in topics
                ],
            },
            {
                "type": "Input.ChoiceSet",
                "id": "grades",
                "label": "Grades",
                "isMultiSelect": True,
                "style": "expanded",
                "choices": [
                    {"title": title, "value": value} for title, value in grades
                ],
            },
            {
                "type": "Input.ChoiceSet",
                "id": "format",
                "label": "Format",
                "style": "compact",
                "choices": [
                    {"title": title, "value": value} for title, value in formats
                ],
            },
            {
                "type": "Input.Toggle",
                "id": "urgent",
                "label": "Urgent",
                "title": "Needs an answer today",
                "valueOn": "true",
                "valueOff": "false",
            },
        ],
        "actions": [
            {
                "type": "Action.Execute",
                "title": "Save",
                "verb": "save",
                "data": {"step": 1},
            },
            {"type": "Action.Submit", "title": "Send as message", "data": {"step": 2}},
        ],
    }


def offer_card() -> dict[str, Any]:
    """Build a card whose Action.ShowCard opens a form with a button of the same title."""
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": "New offer", "weight": "Bolder"}],
        "actions": [
            {
                "type": "Action.ShowCard",
                "title": "Decline",
                "card": {
                    "type": "AdaptiveCard",
                    "body": [{"type": "Input.Text", "id": "reason", "label": "Reason"}],
                    "actions": [
                        {
                            "type": "Action.Execute",
                            "title": "Decline",
                            "verb": "decline",
                            "data": {"step": 3},
                        }
                    ],
                },
            }
        ],
    }


def result_card(heading: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": heading, "weight": "Bolder"},
            {
                "type": "TextBlock",
                "text": json.dumps(values, ensure_ascii=False),
                "wrap": True,
            },
        ],
    }


class HarnessBot(TeamsActivityHandler):
    """Echo text and send a card for "card", "offer" or "status".

    An Action.Execute replaces its card with one that lists the submitted data.
    """

    def __init__(self) -> None:
        self.activities: list[Activity] = []
        self.references: dict[str, ConversationReference] = {}
        # The id that the connector gave to the last card sent to each user.
        self.card_ids: dict[str, str] = {}

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        self.activities.append(activity)
        self.references[activity.from_property.id] = (
            TurnContext.get_conversation_reference(activity)
        )
        await super().on_turn(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        text = (activity.text or "").strip()
        cards = {
            "card": request_card,
            "offer": offer_card,
            "status": lambda: result_card("Status: waiting", {}),
        }
        if text in cards:
            card = cards[text]()
            response = await turn_context.send_activity(
                MessageFactory.attachment(CardFactory.adaptive_card(card))
            )
            self.card_ids[activity.from_property.id] = response.id
            return
        await turn_context.send_activity(f"echo: {text} ({activity.locale})")

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        activity = turn_context.activity
        if activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        # botbuilder 4.17.1's on_adaptive_card_invoke path serialises the body
        # twice and returns HTTP 500. CloudAdapter serialises InvokeResponse.body
        # itself, so the body must be an msrest model such as this one, not a dict.
        data = activity.value["action"].get("data", {})
        body = AdaptiveCardInvokeResponse(
            status_code=200, type=CARD_CONTENT_TYPE, value=result_card("Saved", data)
        )
        return InvokeResponse(status=200, body=body)

    def last_of_type(self, activity_type: str, name: str | None = None) -> Activity:
        for activity in reversed(self.activities):
            if activity.type == activity_type and (
                name is None or activity.name == name
            ):
                return activity
        raise AssertionError(f"the bot received no {activity_type} {name or ''}")


@dataclass
class RunningBot:
    bot: HarnessBot
    adapter: CloudAdapter
    endpoint: str


class _NoAuthConfig:
    # An empty app id disables Bot Framework authentication in both directions.
    APP_ID = ""
    APP_PASSWORD = ""
    APP_TYPE = "MultiTenant"
    APP_TENANTID = ""


@pytest_asyncio.fixture
async def harness_bot() -> AsyncIterator[RunningBot]:
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(_NoAuthConfig()))
    bot = HarnessBot()

    async def messages(request: web.Request) -> web.Response:
        return await adapter.process(request, bot)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield RunningBot(bot, adapter, f"http://127.0.0.1:{port}/api/messages")
    await runner.cleanup()


def playground_for(user: PlaygroundUser, bot: RunningBot) -> PlaygroundInstance:
    return PlaygroundInstance(
        user=user,
        bot_endpoint=bot.endpoint,
        ui_port=free_tcp_port(),
        bot_id=BOT_ID,
        bot_name="Harness Bot",
    )


async def test_message_card_and_execute(harness_bot: RunningBot) -> None:
    bot = harness_bot.bot
    async with (
        playground_for(TEACHER, harness_bot) as instance,
        PlaygroundBrowser() as browser,
    ):
        page = await browser.open(instance)
        installation = bot.last_of_type("installationUpdate")
        assert installation.action == "add"

        # A typed message: the shape of the activity the bot receives.
        await page.send_text("привет")
        await page.wait_for_bot_text("echo: привет (en-US)")
        message = bot.last_of_type("message")
        assert message.from_property.id == TEACHER.id
        assert message.from_property.name == TEACHER.name
        assert message.from_property.aad_object_id == TEACHER.aad_object_id
        assert message.recipient.id == BOT_ID
        assert message.conversation.id == instance.conversation_id
        assert message.conversation.conversation_type == "personal"
        assert message.channel_data["tenant"]["id"] == TENANT_ID
        assert message.service_url == instance.service_url
        assert message.channel_id == "msteams"

        # Only a custom activity can carry a locale other than en-US.
        await instance.send_custom_activity(
            type="message", text="locale check", locale="ru-RU"
        )
        await page.wait_for_bot_text("echo: locale check (ru-RU)")

        # A card with inputs, replaced by the card in the Action.Execute response.
        before = await page.bot_message_count()
        await page.send_text("card")
        await page.wait_for_new_bot_message(before)
        card = await page.last_card()
        await card.fill_input("Case title", "Урок сорван")
        await card.select_choices("Topics", ["Discipline", "Parents"])
        await card.select_choices("Grades", ["Grade 5", "Grade 7"])
        await card.select_choices("Format", ["Online meeting"])
        await card.set_toggle("Urgent", True)
        messages_before_click = await page.bot_message_count()
        await card.click_action("Save")
        await page.wait_for_bot_text("Saved")

        assert await page.bot_message_count() == messages_before_click
        card_text = await card.text()
        assert "Урок сорван" in card_text
        assert "New request" not in card_text
        invoke = bot.last_of_type("invoke", "adaptiveCard/action")
        assert invoke.reply_to_id == bot.card_ids[TEACHER.id]
        assert invoke.value["action"]["type"] == "Action.Execute"
        assert invoke.value["action"]["verb"] == "save"
        assert invoke.value["action"]["data"] == {
            "step": 1,
            "title": "Урок сорван",
            "topics": "discipline,parents",
            "grades": "5,7",
            "format": "online",
            "urgent": "true",
        }
        screenshot = await page.screenshot(SCREENSHOT_DIR / "harness-card-execute.png")
        assert screenshot.stat().st_size > 10_000


async def test_submit_arrives_as_message(harness_bot: RunningBot) -> None:
    bot = harness_bot.bot
    async with (
        playground_for(TEACHER, harness_bot) as instance,
        PlaygroundBrowser() as browser,
    ):
        page = await browser.open(instance)
        await page.send_text("card")
        card = await page.last_card()
        await card.fill_input("Case title", "Шум на уроке")
        await card.set_toggle("Urgent", False)
        before = await page.bot_message_count()
        await card.click_action("Send as message")
        # The message has no text, so the echo shows an empty text.
        await page.wait_for_new_bot_message(before)

        submit = bot.last_of_type("message")
        assert submit.text is None
        assert submit.reply_to_id == bot.card_ids[TEACHER.id]
        # Untouched ChoiceSets are left out. A toggle always sends valueOn or valueOff.
        assert submit.value == {"step": 2, "title": "Шум на уроке", "urgent": "false"}


async def test_two_users_proactive_and_update(harness_bot: RunningBot) -> None:
    bot = harness_bot.bot
    adapter = harness_bot.adapter
    async with (
        playground_for(TEACHER, harness_bot) as teacher,
        playground_for(MENTOR, harness_bot) as mentor,
        PlaygroundBrowser() as browser,
    ):
        teacher_page = await browser.open(teacher)
        mentor_page = await browser.open(mentor)

        # Each instance is the connector of its own user.
        teacher_reference = bot.references[TEACHER.id]
        mentor_reference = bot.references[MENTOR.id]
        assert teacher_reference.service_url == teacher.service_url
        assert mentor_reference.service_url == mentor.service_url
        assert teacher.service_url != mentor.service_url

        # Proactive messages through stored references, without an app id.
        for reference, text in (
            (teacher_reference, "notice A"),
            (mentor_reference, "notice B"),
        ):

            async def send_notice(turn_context: TurnContext, text: str = text) -> None:
                await turn_context.send_activity(text)

            await adapter.continue_conversation(reference, send_notice, bot_app_id="")
        await teacher_page.wait_for_bot_text("notice A")
        await mentor_page.wait_for_bot_text("notice B")
        teacher_texts = await teacher_page.bot_messages().all_inner_texts()
        mentor_texts = await mentor_page.bot_messages().all_inner_texts()
        assert not any("notice B" in text for text in teacher_texts)
        assert not any("notice A" in text for text in mentor_texts)

        # updateActivity replaces a card in place.
        await mentor_page.send_text("status")
        card = await mentor_page.last_card()
        await mentor_page.wait_for_bot_text("Status: waiting")
        messages_before_update = await mentor_page.bot_message_count()

        async def update_card(turn_context: TurnContext) -> None:
            replacement = MessageFactory.attachment(
                CardFactory.adaptive_card(result_card("Status: accepted", {}))
            )
            replacement.id = bot.card_ids[MENTOR.id]
            await turn_context.update_activity(replacement)

        await adapter.continue_conversation(
            mentor_reference, update_card, bot_app_id=""
        )
        await mentor_page.wait_for_bot_text("Status: accepted")
        assert await mentor_page.bot_message_count() == messages_before_update
        assert "waiting" not in await card.text()
        await mentor_page.screenshot(SCREENSHOT_DIR / "harness-proactive-update.png")


async def test_opened_show_card_is_no_card(harness_bot: RunningBot) -> None:
    bot = harness_bot.bot
    async with (
        playground_for(TEACHER, harness_bot) as instance,
        PlaygroundBrowser() as browser,
    ):
        page = await browser.open(instance)
        await page.send_text("offer")
        offer = await page.wait_for_new_card(0, "New offer")
        await page.send_text("status")
        status = await page.wait_for_new_card(1, "Status: waiting")

        # Opening the ShowCard of an older card adds no card and moves no view.
        await offer.click_action("Decline")
        await offer.fill_input("Reason", "On leave")
        assert await page.card_count() == 2
        assert "Status: waiting" in await status.text()
        assert "Status: waiting" in await (await page.last_card()).text()
        assert await offer.action_titles() == ["Decline", "Decline"]

        # The opened card's button, not the ShowCard's, sends the action.
        await offer.click_action("Decline")
        await offer.wait_for_text("Saved")
        invoke = bot.last_of_type("invoke", "adaptiveCard/action")
        assert invoke.value["action"]["verb"] == "decline"
        assert invoke.value["action"]["data"] == {"step": 3, "reason": "On leave"}

        # The newest card with an opened ShowCard is still the whole card.
        await page.send_text("offer")
        newest_offer = await page.wait_for_new_card(2, "New offer")
        await newest_offer.click_action("Decline")
        await newest_offer.input_control("Reason")
        assert await page.card_count() == 3
        assert "New offer" in await (await page.last_card()).text()
