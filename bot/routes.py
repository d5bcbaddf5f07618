"""The ``/api/messages`` route and the bot's life cycle inside the aiohttp application."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from aiohttp import web
from botbuilder.core import InvokeResponse, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity, ActivityEventNames, ActivityTypes

from bot.adapter_fixes import (
    RetryPolicy,
    disable_msrest_status_retries,
    message_invoke_response,
    speed_up_retry_policy,
)
from bot.compose import is_compose_extension, search_failed_response
from bot.dispatch import GENERIC_FAILURE
from bot.handler import MentoringBot, actor_of
from bot.notifier import Notifier
from teams_app.i18n import translator_for
from teams_app.services import OUTCOME_SCHEDULER_KEY
from teams_app.settings import Settings
from teams_app.workflow import Workflow

logger = logging.getLogger(__name__)

ADAPTER_KEY = web.AppKey("bot_adapter", CloudAdapter)
BOT_KEY = web.AppKey("bot_handler", MentoringBot)
NOTIFIER_KEY = web.AppKey("bot_notifier", Notifier)
# Tests replace it before the app starts, to retry without real waits.
RETRY_POLICY_KEY = web.AppKey("bot_retry_policy", RetryPolicy)

# The name of the event activity behind a turn started by continue_conversation.
PROACTIVE_EVENT = ActivityEventNames.continue_conversation

# Seconds that deliveries still running at shutdown get to finish.
SHUTDOWN_GRACE = 10.0


@dataclass(frozen=True)
class BotConfig:
    """The attributes ``ConfigurationBotFrameworkAuthentication`` reads with ``getattr``."""

    APP_ID: str
    APP_PASSWORD: str = field(repr=False)
    APP_TYPE: str
    APP_TENANTID: str

    @classmethod
    def from_settings(cls, settings: Settings) -> BotConfig:
        app_type = settings.app_type
        if not settings.app_id:
            # Without an app id the SDK accepts requests without a token and
            # sends none. Only the "MultiTenant" type allows an empty id.
            app_type = "MultiTenant"
        return cls(
            APP_ID=settings.app_id,
            APP_PASSWORD=settings.app_password,
            APP_TYPE=app_type,
            APP_TENANTID=settings.app_tenant_id,
        )


def setup_bot(app: web.Application, workflow: Workflow, settings: Settings) -> None:
    """Add POST /api/messages and build the adapter when the app starts."""
    app[RETRY_POLICY_KEY] = RetryPolicy()
    app.cleanup_ctx.append(_bot_context(workflow, settings))
    app.router.add_post("/api/messages", messages)


def _bot_context(
    workflow: Workflow, settings: Settings
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def bot_context(app: web.Application) -> AsyncIterator[None]:
        speed_up_retry_policy()
        disable_msrest_status_retries()
        config = BotConfig.from_settings(settings)
        if not config.APP_ID:
            logger.warning("bot authentication disabled: no MICROSOFT_APP_ID is set")
        adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(config))
        notifier = Notifier(
            adapter,
            workflow,
            app_id=config.APP_ID,
            retry=app[RETRY_POLICY_KEY],
            timeout=settings.connector_timeout,
        )
        adapter.on_turn_error = _on_turn_error
        app[ADAPTER_KEY] = adapter
        app[NOTIFIER_KEY] = notifier
        app[OUTCOME_SCHEDULER_KEY] = notifier
        app[BOT_KEY] = MentoringBot(workflow, notifier)
        sweeper = asyncio.create_task(
            notifier.run_sweeper(
                settings.delivery_sweep_interval, settings.delivery_sweep_min_age
            )
        )
        yield
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper
        logger.info("delivery sweeper stopped")
        await notifier.close(SHUTDOWN_GRACE)

    return bot_context


async def messages(request: web.Request) -> web.Response:
    """Pass one activity from the Bot Connector to the bot and return its response."""
    if "application/json" not in request.headers.get("Content-Type", ""):
        raise web.HTTPUnsupportedMediaType(text="expected Content-Type: application/json")
    # The SDK parses the body itself and returns 500 when it is not JSON.
    try:
        await request.json()
    except ValueError:
        logger.info("activity rejected: the body is not valid JSON")
        raise web.HTTPBadRequest(text="the request body is not valid JSON") from None
    adapter = request.app[ADAPTER_KEY]
    response = await adapter.process(request, request.app[BOT_KEY])
    return response if response is not None else web.Response(status=201)


async def _on_turn_error(turn_context: TurnContext, error: Exception) -> None:
    """Log a failed turn with its ids and send a generic message, never the error text."""
    activity = turn_context.activity
    sender = activity.from_property.id if activity.from_property else None
    conversation = activity.conversation.id if activity.conversation else None
    logger.error(
        "turn failed type=%s activity=%s conversation=%s sender=%s",
        activity.type,
        activity.id,
        conversation,
        sender,
        exc_info=error,
    )
    if activity.type == ActivityTypes.event and activity.name == PROACTIVE_EVENT:
        # A proactive turn has no user waiting for a reply, and the notifier
        # logs its failures.
        return
    if is_compose_extension(activity):
        # Teams shows the text of a message result in the compose box.
        failure = search_failed_response(activity.locale)
        await turn_context.send_activity(Activity(type=ActivityTypes.invoke_response, value=failure))
        return
    actor = actor_of(turn_context)
    text = translator_for(actor.locale if actor else activity.locale)(GENERIC_FAILURE)
    if activity.type == ActivityTypes.invoke:
        answer: InvokeResponse = message_invoke_response(text)
        await turn_context.send_activity(Activity(type=ActivityTypes.invoke_response, value=answer))
        return
    try:
        await turn_context.send_activity(MessageFactory.text(text))
    except Exception:
        logger.exception("error message not sent activity=%s", activity.id)
