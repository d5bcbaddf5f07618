"""Library search from the compose box: the ``composeExtension/query`` invoke.

The app's manifest declares a search-based message extension with the
command ``searchLibrary``, one parameter ``query`` and ``initialRun: true``.
Teams waits five seconds for the response ("Respond to search command" on
Microsoft Learn). So beyond identifying the sender, a search runs one SQL
statement for the page and one for the rubric titles, and it makes no Bot
Connector calls.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from botbuilder.core import InvokeResponse
from botbuilder.schema import Activity, ActivityTypes, Attachment, Error, ErrorResponse
from botbuilder.schema.teams import (
    MessagingExtensionAttachment,
    MessagingExtensionResponse,
    MessagingExtensionResult,
)

from bot.adapter_fixes import CARD_CONTENT_TYPE
from bot.cards.search import build_search_result_card, build_search_result_preview
from teams_app.i18n import Translator
from teams_app.i18n import gettext_noop as N_
from teams_app.workflow import Workflow
from teams_app.workflow.views import LibraryEntryView, RubricView

logger = logging.getLogger(__name__)

COMPOSE_EXTENSION_PREFIX = "composeExtension/"
COMPOSE_QUERY = "composeExtension/query"
SEARCH_COMMAND = "searchLibrary"
QUERY_PARAMETER = "query"
# Teams sends this parameter, with the value "true", in place of the others on
# the default query it issues when the user opens the extension.
INITIAL_RUN_PARAMETER = "initialRun"

THUMBNAIL_CONTENT_TYPE = "application/vnd.microsoft.card.thumbnail"

# Microsoft's examples of the query carry count 25. A larger count is cut to this.
MAX_PAGE_SIZE = 25
MAX_SKIP = 10_000
MAX_QUERY_LENGTH = 200

UNKNOWN_COMMAND = N_(
    "The message extension has no command «{command}». This app handles the command «{expected}»."
)
INVALID_PAGING_RANGE = N_(
    "{field} must be a whole number from {minimum} to {maximum}, not «{value}»."
)
INVALID_PAGING_MINIMUM = N_("{field} must be a whole number of at least {minimum}, not «{value}».")
QUERY_TOO_LONG = N_(
    "The search text is {length} characters long, but at most {limit} are allowed. "
    "Please shorten it."
)
NOTHING_FOUND = N_("Nothing in the library matches «{query}». Try other or fewer words.")
LIBRARY_EMPTY = N_("The library has no published entries yet.")
SEARCH_FAILED = N_("The library search failed on our side. Please try again in a minute.")


@dataclass(frozen=True)
class SearchRequest:
    """The text and page of one library search from the compose box."""

    query: str
    skip: int
    count: int


class InvalidPaging(Exception):
    """A ``queryOptions`` value that is not a whole number in its range."""

    def __init__(self, field: str, value: object, minimum: int, maximum: int | None) -> None:
        super().__init__(f"{field}={value!r}")
        self.field = field
        self.value = value
        self.minimum = minimum
        self.maximum = maximum

    def describe(self, translate: Translator) -> str:
        if self.maximum is None:
            return translate(
                INVALID_PAGING_MINIMUM, field=self.field, minimum=self.minimum, value=self.value
            )
        return translate(
            INVALID_PAGING_RANGE,
            field=self.field,
            minimum=self.minimum,
            maximum=self.maximum,
            value=self.value,
        )


def is_compose_extension(activity: Activity) -> bool:
    """Tell whether an activity is an invoke of the message extension."""
    return activity.type == ActivityTypes.invoke and (activity.name or "").startswith(
        COMPOSE_EXTENSION_PREFIX
    )


def compose_translator(locale: str | None) -> Translator:
    """Pick Russian for a ``ru`` locale and English for any other.

    The compose box belongs to the Teams client, so its results follow the
    client's language rather than a language chosen in the bot's chat.
    """
    primary = (locale or "").replace("_", "-").split("-", 1)[0].strip().lower()
    return Translator("ru" if primary == "ru" else "en")


async def answer_compose_query(workflow: Workflow, activity: Activity) -> InvokeResponse:
    """Search the published library for a ``composeExtension/query`` and build its response."""
    translate = compose_translator(activity.locale)
    value: Mapping[str, Any] = activity.value if isinstance(activity.value, dict) else {}
    command = value.get("commandId")
    if command != SEARCH_COMMAND:
        logger.warning(
            "compose extension command rejected command=%r activity=%s", command, activity.id
        )
        text = translate(UNKNOWN_COMMAND, command=command or "", expected=SEARCH_COMMAND)
        return bad_request(text)
    try:
        request = parse_search_request(value)
    except InvalidPaging as error:
        logger.warning("compose extension paging rejected %s activity=%s", error, activity.id)
        return bad_request(error.describe(translate))
    if len(request.query) > MAX_QUERY_LENGTH:
        text = translate(QUERY_TOO_LONG, length=len(request.query), limit=MAX_QUERY_LENGTH)
        return message_response(text)

    entries = await workflow.search_library_page(
        request.query, offset=request.skip, limit=request.count
    )
    logger.debug(
        "compose extension search skip=%s count=%s results=%s activity=%s",
        request.skip,
        request.count,
        len(entries),
        activity.id,
    )
    if not entries and request.skip == 0:
        if request.query:
            return message_response(translate(NOTHING_FOUND, query=request.query))
        return message_response(translate(LIBRARY_EMPTY))

    # A page past the last entry is an empty result list, not the nothing-found message.
    rubrics = await workflow.rubrics(translate.language) if entries else []
    base_url = workflow.settings.public_base_url.rstrip("/")
    return result_response(entries, translate, rubrics, base_url)


def result_response(
    entries: Sequence[LibraryEntryView],
    translate: Translator,
    rubrics: Sequence[RubricView],
    base_url: str,
) -> InvokeResponse:
    """Build the result list: per entry, the card to insert and its thumbnail preview."""
    attachments = [
        MessagingExtensionAttachment(
            content_type=CARD_CONTENT_TYPE,
            content=build_search_result_card(
                entry,
                translate,
                rubrics,
                entry_page_url=f"{base_url}/tabs/library#/entries/{entry.id}",
            ),
            preview=Attachment(
                content_type=THUMBNAIL_CONTENT_TYPE,
                content=build_search_result_preview(entry, translate),
            ),
        )
        for entry in entries
    ]
    result = MessagingExtensionResult(
        type="result", attachment_layout="list", attachments=attachments
    )
    return InvokeResponse(status=200, body=MessagingExtensionResponse(compose_extension=result))


def parse_search_request(value: Mapping[str, Any]) -> SearchRequest:
    """Read the search text and the page from the invoke's ``value``.

    The default query of ``initialRun`` carries no ``query`` parameter, so its
    text is empty, as is that of a query that the user cleared.
    """
    query = ""
    for parameter in value.get("parameters") or ():
        if isinstance(parameter, dict) and parameter.get("name") == QUERY_PARAMETER:
            query = str(parameter.get("value") or "").strip()
    options = value.get("queryOptions")
    if not isinstance(options, dict):
        options = {}
    skip = _whole_number(options, "skip", default=0, minimum=0, maximum=MAX_SKIP)
    count = _whole_number(options, "count", default=MAX_PAGE_SIZE, minimum=1, maximum=None)
    return SearchRequest(query=query, skip=skip, count=min(count, MAX_PAGE_SIZE))


def _whole_number(
    options: Mapping[str, Any], name: str, *, default: int, minimum: int, maximum: int | None
) -> int:
    raw = options.get(name)
    if raw is None:
        return default
    is_number = isinstance(raw, int) and not isinstance(raw, bool)
    if not is_number or raw < minimum or (maximum is not None and raw > maximum):
        raise InvalidPaging(f"queryOptions.{name}", raw, minimum, maximum)
    return int(raw)


def message_response(text: str) -> InvokeResponse:
    """Build the response that shows ``text`` in place of the result list."""
    result = MessagingExtensionResult(type="message", text=text)
    return InvokeResponse(status=200, body=MessagingExtensionResponse(compose_extension=result))


def bad_request(text: str) -> InvokeResponse:
    return InvokeResponse(
        status=400, body=ErrorResponse(error=Error(code="BadRequest", message=text))
    )


def search_failed_response(locale: str | None) -> InvokeResponse:
    """Build the response to a compose extension invoke whose turn failed."""
    return message_response(compose_translator(locale)(SEARCH_FAILED))
