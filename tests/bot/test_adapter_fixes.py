"""The workarounds for botbuilder 4.17.1: invoke responses, msrest retry policy, retries."""

from __future__ import annotations

import datetime as dt
import email.utils
from typing import Any

import pytest
import requests
from aiohttp import web
from botbuilder.core import InvokeResponse, TurnContext, serializer_helper
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue
from msrest.exceptions import HttpOperationError
from msrest.serialization import Deserializer
from msrest.universal_http.requests import ClientRetryPolicy

from bot.adapter_fixes import (
    CARD_CONTENT_TYPE,
    MESSAGE_CONTENT_TYPE,
    RetryPolicy,
    call_with_retry,
    card_invoke_response,
    disable_msrest_status_retries,
    message_invoke_response,
    retry_after_seconds,
    speed_up_retry_policy,
)
from bot.routes import BotConfig
from teams_app.settings import Settings
from tests.bot.conftest import SleepRecorder, load_activity

CARD = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Готово"}]}


# ---------------------------------------------------------- invoke responses


class StockBot(TeamsActivityHandler):
    """Responds to Action.Execute the way the SDK documents it."""

    async def on_adaptive_card_invoke(
        self, turn_context: TurnContext, invoke_value: AdaptiveCardInvokeValue
    ) -> AdaptiveCardInvokeResponse:
        return AdaptiveCardInvokeResponse(status_code=200, type=CARD_CONTENT_TYPE, value=CARD)


class FixedBot(TeamsActivityHandler):
    """Responds to Action.Execute from on_invoke_activity with a body serialised once."""

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        return card_invoke_response(CARD)


def app_for(bot: TeamsActivityHandler) -> web.Application:
    adapter = CloudAdapter(
        ConfigurationBotFrameworkAuthentication(BotConfig.from_settings(Settings()))
    )

    async def messages(request: web.Request) -> web.Response:
        response = await adapter.process(request, bot)
        assert response is not None
        return response

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app


async def test_stock_invoke_response_fails(aiohttp_client: Any) -> None:
    # If this starts to pass with 200, the SDK was fixed and the workaround can go.
    client = await aiohttp_client(app_for(StockBot()))

    response = await client.post("/api/messages", json=load_activity("card_action.json"))

    assert response.status == 500


async def test_fixed_invoke_response_succeeds(aiohttp_client: Any) -> None:
    client = await aiohttp_client(app_for(FixedBot()))

    response = await client.post("/api/messages", json=load_activity("card_action.json"))

    assert response.status == 200
    assert await response.json() == {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": CARD}


def test_card_body_serialises_to_universal_action() -> None:
    answer = card_invoke_response(CARD)

    assert answer.status == 200
    assert serializer_helper(answer.body) == {
        "statusCode": 200,
        "type": CARD_CONTENT_TYPE,
        "value": CARD,
    }


def test_message_body_keeps_text() -> None:
    answer = message_invoke_response("Карточка устарела.")

    assert serializer_helper(answer.body) == {
        "statusCode": 200,
        "type": MESSAGE_CONTENT_TYPE,
        "value": "Карточка устарела.",
    }


# ------------------------------------------------------- msrest retry policy


def test_faster_retry_policy_lists_same_codes() -> None:
    # The list msrest 0.7.1 defines: every status below 500 but 408, and 501, 505.
    msrest_safe_codes = [i for i in range(500) if i != 408] + [501, 505]

    speed_up_retry_policy()
    speed_up_retry_policy()

    assert isinstance(ClientRetryPolicy.safe_codes, frozenset)
    assert ClientRetryPolicy.safe_codes == frozenset(msrest_safe_codes)


def test_msrest_status_retries_disabled() -> None:
    disable_msrest_status_retries()
    disable_msrest_status_retries()

    policy = ClientRetryPolicy().policy
    assert not policy.status_forcelist
    assert policy.respect_retry_after_header is False
    assert policy.is_retry("PUT", 503, has_retry_after=False) is False
    assert policy.is_retry("PUT", 429, has_retry_after=True) is False
    assert policy.connect == 3
    assert policy.read == 3


# --------------------------------------------------------------- retries


def http_error(status: int, headers: dict[str, str] | None = None) -> HttpOperationError:
    response = requests.Response()
    response.status_code = status
    response.reason = "test"
    response.headers.update(headers or {})
    response._content = b"{}"
    return HttpOperationError(Deserializer(), response)


class FlakyCall:
    """Fails with the given errors in turn, then returns "sent"."""

    def __init__(self, *errors: HttpOperationError) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "sent"


async def test_retry_after_seconds_honoured() -> None:
    sleeps = SleepRecorder()
    call = FlakyCall(http_error(429, {"Retry-After": "7"}))

    result = await call_with_retry(call, RetryPolicy(sleep=sleeps), description="send")

    assert result == "sent"
    assert call.calls == 2
    assert sleeps.delays == [7.0]


async def test_retry_after_capped_at_max_delay() -> None:
    sleeps = SleepRecorder()
    call = FlakyCall(http_error(429, {"Retry-After": "3600"}))

    await call_with_retry(call, RetryPolicy(max_delay=30.0, sleep=sleeps), description="send")

    assert sleeps.delays == [30.0]


def test_retry_after_http_date_read() -> None:
    now = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)
    later = email.utils.format_datetime(now + dt.timedelta(seconds=12), usegmt=True)

    assert retry_after_seconds(http_error(429, {"Retry-After": later}), now=now) == 12.0
    assert retry_after_seconds(http_error(429, {"Retry-After": "soon"}), now=now) is None
    assert retry_after_seconds(http_error(429), now=now) is None


@pytest.mark.parametrize("status", [412, 502, 503, 504])
async def test_transient_statuses_backed_off(status: int) -> None:
    sleeps = SleepRecorder()
    call = FlakyCall(http_error(status), http_error(status), http_error(status))
    policy = RetryPolicy(attempts=4, base_delay=0.5, max_delay=1.5, sleep=sleeps)

    assert await call_with_retry(call, policy, description="update") == "sent"

    assert call.calls == 4
    ceilings = [0.5, 1.0, 1.5]
    assert len(sleeps.delays) == 3
    for delay, ceiling in zip(sleeps.delays, ceilings, strict=True):
        assert 0 <= delay <= ceiling


async def test_retries_stop_after_attempts() -> None:
    sleeps = SleepRecorder()
    last = http_error(429, {"Retry-After": "1"})
    call = FlakyCall(http_error(429, {"Retry-After": "1"}), http_error(503), last)

    with pytest.raises(HttpOperationError) as raised:
        await call_with_retry(call, RetryPolicy(attempts=3, sleep=sleeps), description="send")

    assert raised.value is last
    assert call.calls == 3
    assert len(sleeps.delays) == 2


@pytest.mark.parametrize("status", [400, 403, 404, 500])
async def test_other_statuses_not_retried(status: int) -> None:
    sleeps = SleepRecorder()
    call = FlakyCall(http_error(status))

    with pytest.raises(HttpOperationError):
        await call_with_retry(call, RetryPolicy(sleep=sleeps), description="send")

    assert call.calls == 1
    assert sleeps.delays == []


def test_policy_needs_one_attempt() -> None:
    with pytest.raises(ValueError, match="attempts must be at least 1"):
        RetryPolicy(attempts=0)
