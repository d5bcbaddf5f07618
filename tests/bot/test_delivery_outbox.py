"""The delivery outbox: every delivery is stored first, and a crashed worker's rows are delivered by another."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from sqlalchemy import select

from bot.notifier import Notifier
from bot.routes import ADAPTER_KEY, NOTIFIER_KEY, RETRY_POLICY_KEY
from teams_app.app import WORKFLOW_KEY, create_app
from teams_app.i18n import translator_for
from teams_app.settings import Settings
from teams_app.storage.db import Database
from teams_app.storage.models import DeliveryOutbox
from teams_app.workflow import Workflow
from teams_app.workflow.views import Notification, Outcome
from tests.bot.conftest import ChatUser, TeamsChat
from tests.bot.fake_connector import RecordedRequest
from tests.bot.steps import submit_case

RU = translator_for("ru-RU")
CLOSED = "Case {number} is closed as answered by the library."


async def outbox_rows(workflow: Workflow) -> list[DeliveryOutbox]:
    async with workflow.db.transaction() as session:
        return list(await session.scalars(select(DeliveryOutbox).order_by(DeliveryOutbox.id)))


async def installed(chat: TeamsChat, user: ChatUser) -> int:
    """Install the bot for ``user``, which stores their conversation reference, and return their id."""
    response = await chat.post(chat.activity("installation_update.json", user))
    assert response.status == 201
    return (await chat.actor(user)).user_id


def closed_notice(user_id: int, number: str) -> Outcome:
    notification = Notification(user_id, message_id=CLOSED, fields={"number": number})
    return Outcome(notifications=(notification,))


def texts(requests: list[RecordedRequest]) -> list[str]:
    return [request.body.get("text", "") for request in requests if request.kind == "send"]


async def wait_for_sends(chat: TeamsChat, user: ChatUser, count: int) -> list[str]:
    for _ in range(200):
        sent = texts(chat.sent_to(user))
        if len(sent) >= count:
            return sent
        await asyncio.sleep(0.02)
    return texts(chat.sent_to(user))


async def start_second_worker(chat: TeamsChat, settings: Settings, aiohttp_client: Any) -> Any:
    """Start another app on the same database whose sweeper runs every 20 ms."""
    app = create_app(
        dataclasses.replace(
            settings,
            connector_timeout=5.0,
            delivery_sweep_interval=0.02,
            delivery_sweep_min_age=0.0,
        )
    )
    app[RETRY_POLICY_KEY] = chat.app[RETRY_POLICY_KEY]
    return await aiohttp_client(app)


async def test_action_delivery_stored_and_done(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова")

    case_id = await submit_case(chat, anna)

    rows = await outbox_rows(chat.workflow)
    assert [row.case_id for row in rows] == [case_id]
    (row,) = rows
    assert row.payload["notifications"], "the submitted case notified nobody"
    assert row.done_at is not None
    assert row.attempts == 1
    assert row.claimed_until is None


async def test_unclaimed_row_delivered_by_new_worker(
    chat: TeamsChat, settings: Settings, aiohttp_client: Any
) -> None:
    anna = ChatUser("Анна Петрова")
    user_id = await installed(chat, anna)
    before = len(texts(chat.sent_to(anna)))
    # The operation committed and stored its delivery, then the worker stopped.
    delivery_id = await chat.workflow.enqueue_delivery(closed_notice(user_id, "2026-0042"))
    await chat.client.close()

    second = await start_second_worker(chat, settings, aiohttp_client)
    sent = await wait_for_sends(chat, anna, before + 1)
    await second.app[NOTIFIER_KEY].wait_idle()
    rows = await outbox_rows(second.app[WORKFLOW_KEY])
    await second.close()

    assert sent[before:] == [RU(CLOSED, number="2026-0042")]
    (row,) = [row for row in rows if row.id == delivery_id]
    assert row.done_at is not None
    assert row.attempts == 1


async def test_expired_lease_delivered_by_new_worker(
    chat: TeamsChat, settings: Settings, aiohttp_client: Any
) -> None:
    anna = ChatUser("Анна Петрова")
    user_id = await installed(chat, anna)
    before = len(texts(chat.sent_to(anna)))
    delivery_id = await chat.workflow.enqueue_delivery(closed_notice(user_id, "2026-0043"))
    # A worker whose lease has already run out claimed the row and stopped midway.
    crashed = Workflow(chat.workflow.db, dataclasses.replace(settings, delivery_lease=0.0))
    assert await crashed.claim_delivery(delivery_id) is not None
    await chat.client.close()

    second = await start_second_worker(chat, settings, aiohttp_client)
    sent = await wait_for_sends(chat, anna, before + 1)
    await second.app[NOTIFIER_KEY].wait_idle()
    rows = await outbox_rows(second.app[WORKFLOW_KEY])
    await second.close()

    assert sent[before:] == [RU(CLOSED, number="2026-0043")]
    (row,) = [row for row in rows if row.id == delivery_id]
    assert row.done_at is not None
    assert row.attempts == 2


async def test_leased_row_not_swept(chat: TeamsChat) -> None:
    anna = ChatUser("Анна Петрова")
    user_id = await installed(chat, anna)
    delivery_id = await chat.workflow.enqueue_delivery(closed_notice(user_id, "2026-0044"))
    assert await chat.workflow.claim_delivery(delivery_id) is not None

    assert await chat.workflow.due_deliveries(min_age=0.0) == []
    assert await chat.notifier.sweep(min_age=0.0) == 0
    assert await chat.workflow.claim_delivery(delivery_id) is None


async def test_racing_notifiers_deliver_once(chat: TeamsChat, settings: Settings) -> None:
    anna = ChatUser("Анна Петрова")
    user_id = await installed(chat, anna)
    before = len(texts(chat.sent_to(anna)))
    delivery_id = await chat.workflow.enqueue_delivery(closed_notice(user_id, "2026-0045"))
    database = Database(settings.database_url)
    other = Notifier(
        chat.app[ADAPTER_KEY],
        Workflow(database, settings),
        app_id="",
        retry=chat.app[RETRY_POLICY_KEY],
        timeout=5.0,
    )

    try:
        results = await asyncio.gather(
            chat.notifier.deliver_stored(delivery_id), other.deliver_stored(delivery_id)
        )
    finally:
        await database.dispose()

    assert sorted(results) == [False, True]
    assert texts(chat.sent_to(anna))[before:] == [RU(CLOSED, number="2026-0045")]
    (row,) = [row for row in await outbox_rows(chat.workflow) if row.id == delivery_id]
    assert row.done_at is not None
    assert row.attempts == 1
