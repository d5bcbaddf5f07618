"""The bot's life cycle in the app: adapter configuration, start-up and shutdown."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

import pytest
from botbuilder.integration.aiohttp import CloudAdapter

from bot.adapter_fixes import RetryPolicy
from bot.handler import MentoringBot
from bot.notifier import Notifier
from bot.routes import ADAPTER_KEY, BOT_KEY, NOTIFIER_KEY, RETRY_POLICY_KEY, BotConfig
from teams_app.app import create_app
from teams_app.settings import Settings
from tests.bot.conftest import ChatUser, TeamsChat


def test_config_without_app_id_disables_auth() -> None:
    config = BotConfig.from_settings(Settings(app_type="SingleTenant"))

    assert config.APP_ID == ""
    assert config.APP_TYPE == "MultiTenant"


def test_config_keeps_registration() -> None:
    settings = Settings(
        app_id="0b7c4e2d-1f3a-4b5c-8d9e-6f7a8b9c0d1e",
        app_password="s3cret-value",
        app_type="SingleTenant",
        app_tenant_id="4f1b8c2a-9d3e-4a6f-b7c1-0e2d5a8f3b91",
    )

    config = BotConfig.from_settings(settings)

    assert config.APP_ID == settings.app_id
    assert config.APP_PASSWORD == "s3cret-value"
    assert config.APP_TYPE == "SingleTenant"
    assert config.APP_TENANTID == settings.app_tenant_id
    assert "s3cret-value" not in repr(config)


async def test_adapter_built_on_start(settings: Settings, aiohttp_client: Any) -> None:
    app = create_app(dataclasses.replace(settings, migrate_on_start=True))

    assert ADAPTER_KEY not in app
    assert BOT_KEY not in app
    await aiohttp_client(app)

    assert isinstance(app[ADAPTER_KEY], CloudAdapter)
    assert isinstance(app[BOT_KEY], MentoringBot)
    assert isinstance(app[NOTIFIER_KEY], Notifier)
    assert app[NOTIFIER_KEY].retry is app[RETRY_POLICY_KEY]


async def test_shutdown_cancels_stuck_delivery(
    chat: TeamsChat, caplog: pytest.LogCaptureFixture
) -> None:
    anna = ChatUser("Анна Петрова")
    await chat.post(chat.activity("installation_update.json", anna))
    actor = await chat.actor(anna)
    reference = await chat.workflow.conversation_reference(actor.user_id)
    assert reference is not None

    async def wait_forever(seconds: float) -> None:
        await asyncio.Event().wait()

    notifier = chat.notifier
    notifier.retry = RetryPolicy(sleep=wait_forever)
    chat.connector.fail(anna.conversation_id, 429, retry_after="30")
    notifier.schedule_update(reference, "1:card", {"type": "AdaptiveCard"}, user_id=actor.user_id)
    await asyncio.sleep(0.5)

    with caplog.at_level(logging.WARNING, logger="bot.notifier"):
        await notifier.close(timeout=0.05)

    assert "deliveries cancelled at shutdown count=1" in caplog.messages
    await notifier.wait_idle()


async def test_invalid_json_activity_is_400(chat: TeamsChat) -> None:
    response = await chat.client.post(
        "/api/messages", data=b"{", headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
