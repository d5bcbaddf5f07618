"""Workarounds for defects of botbuilder 4.17.1 and msrest 0.7.1.

1. ``adaptiveCard/action``: ``ActivityHandler`` serialises the invoke body and
   ``CloudAdapter.process`` serialises it again, so every ``Action.Execute``
   handled through ``on_adaptive_card_invoke`` returns HTTP 500 (``'dict'
   object has no attribute 'is_xml_model'``). ``invoke_response`` builds an
   ``InvokeResponse`` whose body is an msrest model, serialised exactly once by
   the adapter. The handler returns it from ``on_invoke_activity``.
2. msrest's ``ClientRetryPolicy`` scans a 500-item list for each of 999 status
   codes whenever a connector client is built, which the adapter does for
   every activity. ``speed_up_retry_policy`` turns that list into a frozenset.
3. The SDK's own retries are hidden and block threads. With urllib3 2.8,
   msrest retries a PUT (an update) up to three times on 408, on 500 and
   above except 501 and 505, and on 429 with ``Retry-After``. It sleeps inside
   the executor thread that runs the request and at last raises
   ``ClientRequestError`` without the status. A POST (a send) is not retried.
   ``disable_msrest_status_retries`` turns these status retries off, and
   ``call_with_retry`` wraps each outbound connector call with one bounded
   retry that honours ``Retry-After`` with an asyncio sleep.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botbuilder.core import InvokeResponse
from msrest.exceptions import HttpOperationError
from msrest.serialization import Model
from msrest.universal_http.requests import ClientRetryPolicy

logger = logging.getLogger(__name__)

T = TypeVar("T")

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
MESSAGE_CONTENT_TYPE = "application/vnd.microsoft.activity.message"

# ----------------------------------------------------------- invoke responses


class UniversalActionBody(Model):
    """The body of an ``adaptiveCard/action`` response: ``{"statusCode", "type", "value"}``.

    ``botbuilder.schema.AdaptiveCardInvokeResponse`` types ``value`` as a
    dict, so msrest cannot serialise the text of a message response. This
    model types it as any JSON value.
    """

    _attribute_map = {
        "status_code": {"key": "statusCode", "type": "int"},
        "type": {"key": "type", "type": "str"},
        "value": {"key": "value", "type": "object"},
    }

    def __init__(self, *, status_code: int, type: str, value: object, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.status_code = status_code
        self.type = type
        self.value = value


def card_invoke_response(card: dict[str, Any]) -> InvokeResponse:
    """Build the invoke response that replaces the clicked card with ``card``."""
    return invoke_response(CARD_CONTENT_TYPE, card)


def message_invoke_response(text: str) -> InvokeResponse:
    """Build the invoke response that shows ``text`` next to the clicked card."""
    return invoke_response(MESSAGE_CONTENT_TYPE, text)


def invoke_response(content_type: str, value: object) -> InvokeResponse:
    # Universal Actions want HTTP 200 always, with the real status in the body.
    body = UniversalActionBody(status_code=200, type=content_type, value=value)
    return InvokeResponse(status=200, body=body)


# ------------------------------------------------------- msrest retry policy


def speed_up_retry_policy() -> None:
    """Make ``ClientRetryPolicy()`` cheap to build without changing the codes it lists.

    Safe to call more than once.
    """
    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]


def disable_msrest_status_retries() -> None:
    """Stop urllib3 from retrying connector requests by HTTP status, leaving that to the bot.

    Retries after connection and read errors stay as msrest sets them.
    Safe to call more than once.
    """
    if getattr(ClientRetryPolicy.__init__, "_without_status_retries", False):
        return
    original_init = ClientRetryPolicy.__init__

    def init_without_status_retries(self: ClientRetryPolicy) -> None:
        original_init(self)
        self.policy.status_forcelist = frozenset()
        self.policy.respect_retry_after_header = False

    init_without_status_retries._without_status_retries = True  # type: ignore[attr-defined]
    ClientRetryPolicy.__init__ = init_without_status_retries  # type: ignore[method-assign]


# ---------------------------------------------------- outbound call retries

# Microsoft's page "Optimize your bot with rate limiting in Teams" recommends
# retrying 429, 412, 502 and 504. A 503 (service unavailable) is retried as well.
RETRYABLE_STATUSES = frozenset({412, 429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry one outbound Bot Connector call.

    ``attempts`` counts the first call. Without ``Retry-After`` the delay is
    full-jitter exponential backoff: uniform in [0, min(max_delay,
    base_delay * 2 ** retry)]. A ``Retry-After`` value is honoured up to
    ``max_delay`` seconds.
    """

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    sleep: Callable[[float], Awaitable[Any]] = field(default=asyncio.sleep, compare=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {self.attempts}")


def status_of(error: BaseException) -> int | None:
    """Return the HTTP status behind a connector error, if it carries one."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def retry_after_seconds(error: BaseException, now: dt.datetime | None = None) -> float | None:
    """Read ``Retry-After`` (delta seconds or an HTTP date) from a connector error."""
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None) or {}
    value = headers.get("Retry-After")
    if not value:
        return None
    value = str(value).strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    current = now or dt.datetime.now(dt.UTC)
    return max(0.0, (moment - current).total_seconds())


async def call_with_retry(
    operation: Callable[[], Awaitable[T]], policy: RetryPolicy, *, description: str
) -> T:
    """Run ``operation``, retrying on 412, 429, 502, 503 and 504 as ``policy`` allows.

    Other errors, and the last retryable one, propagate unchanged.

    NOTE: a POST that failed with 502 or 504 may still have been delivered,
    so retrying a send can show the message twice. Teams' rate-limit page
    asks for these retries all the same.

    A failed update carries its status only after
    ``disable_msrest_status_retries`` ran. Before that, urllib3 retries it
    and raises an error without the status.
    """
    attempt = 1
    while True:
        try:
            return await operation()
        except HttpOperationError as error:
            status = status_of(error)
            if status not in RETRYABLE_STATUSES or attempt == policy.attempts:
                raise
            delay = retry_after_seconds(error)
            if delay is None:
                ceiling = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
                delay = random.uniform(0, ceiling)
            delay = min(delay, policy.max_delay)
            logger.warning(
                "connector call retried call=%s status=%s attempt=%s delay=%.2fs",
                description,
                status,
                attempt,
                delay,
            )
            await policy.sleep(delay)
            attempt += 1
