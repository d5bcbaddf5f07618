"""Library search from the compose box: recorded ``composeExtension/query`` activities.

Each test posts the activity to ``/api/messages`` of the real app and reads
the invoke response that Teams would receive. Demo tests search the seeded
demo library. The other tests search entries made here, which are indexed
whatever their status, so that only the status filter keeps drafts out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.adapter_fixes import RetryPolicy
from bot.compose import (
    LIBRARY_EMPTY,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    NOTHING_FOUND,
    SEARCH_FAILED,
    THUMBNAIL_CONTENT_TYPE,
)
from bot.routes import RETRY_POLICY_KEY
from teams_app.app import create_app
from teams_app.domain.enums import LibraryEntryKind, LibraryEntryStatus, MaterialType
from teams_app.i18n import Translator
from teams_app.settings import Settings
from teams_app.storage import search
from teams_app.storage.models import LibraryEntry, LibraryEntryRubric
from teams_app.workflow import Workflow
from tests.bot.conftest import ChatUser, TeamsChat
from tests.bot.fake_connector import FakeConnector

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
PUBLIC_BASE_URL = "https://mentoring.example.org"
ENTRY_PAGE = re.compile(re.escape(PUBLIC_BASE_URL) + r"/tabs/library#/entries/(\d+)$")
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
START = dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC)

RU = Translator("ru")
EN = Translator("en")

Body = dict[str, Any]


# ------------------------------------------------------------------ fixtures


@pytest_asyncio.fixture
async def demo_chat(settings: Settings, connector: FakeConnector, aiohttp_client: Any) -> TeamsChat:
    """Run the app in demo mode, so the library contains the demo materials and solved cases."""
    app = create_app(
        dataclasses.replace(
            settings, migrate_on_start=True, demo=True, public_base_url=PUBLIC_BASE_URL
        )
    )
    app[RETRY_POLICY_KEY] = RetryPolicy(attempts=1)
    client = await aiohttp_client(app)
    return TeamsChat(client, connector, app)


@pytest_asyncio.fixture
async def library_chat(
    settings: Settings, connector: FakeConnector, aiohttp_client: Any
) -> TeamsChat:
    """Run the app with an empty library, for entries made by each test."""
    app = create_app(
        dataclasses.replace(settings, migrate_on_start=True, public_base_url=PUBLIC_BASE_URL)
    )
    app[RETRY_POLICY_KEY] = RetryPolicy(attempts=1)
    client = await aiohttp_client(app)
    return TeamsChat(client, connector, app)


# ------------------------------------------------------------------- helpers


def query_activity(
    chat: TeamsChat,
    user: ChatUser,
    query: str | None,
    *,
    skip: int | None = 0,
    count: int | None = 25,
    command: str = "searchLibrary",
) -> dict[str, Any]:
    """Build a typed query, or the default query of ``initialRun`` when ``query`` is None."""
    if query is None:
        activity = chat.activity("compose_initial_run.json", user)
    else:
        activity = chat.activity("compose_query.json", user)
        activity["value"]["parameters"] = [{"name": "query", "value": query}]
    activity["value"]["commandId"] = command
    options: dict[str, Any] = {}
    if skip is not None:
        options["skip"] = skip
    if count is not None:
        options["count"] = count
    activity["value"]["queryOptions"] = options
    return activity


async def post_query(chat: TeamsChat, activity: dict[str, Any]) -> tuple[int, Body]:
    response = await chat.post(activity)
    body: Body = await response.json()
    return response.status, body


async def search_library(
    chat: TeamsChat,
    user: ChatUser,
    query: str | None,
    *,
    skip: int | None = 0,
    count: int | None = 25,
) -> Body:
    """Post a query and return the ``composeExtension`` result, checking the status first."""
    status, body = await post_query(chat, query_activity(chat, user, query, skip=skip, count=count))
    assert status == 200, body
    assert set(body) == {"composeExtension"}, body
    result: Body = body["composeExtension"]
    return result


def attachments_of(result: Body) -> list[Body]:
    assert result["type"] == "result", result
    assert result["attachmentLayout"] == "list"
    attachments: list[Body] = result["attachments"]
    return attachments


def elements(value: Any) -> Iterator[Body]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from elements(item)
    elif isinstance(value, list):
        for item in value:
            yield from elements(item)


def texts(card: Body) -> list[str]:
    return [
        str(element["text"]) for element in elements(card) if element.get("type") == "TextBlock"
    ]


def open_urls(card: Body) -> dict[str, str]:
    return {
        str(element["title"]): str(element["url"])
        for element in elements(card)
        if element.get("type") == "Action.OpenUrl"
    }


def entry_id_of(card: Body) -> int:
    """Read the entry id from the card's link to the entry page in the library tab."""
    ids = [
        int(match.group(1))
        for url in open_urls(card).values()
        if (match := ENTRY_PAGE.match(url)) is not None
    ]
    assert len(ids) == 1, open_urls(card)
    return ids[0]


def found_ids(result: Body) -> list[int]:
    return [entry_id_of(attachment["content"]) for attachment in attachments_of(result)]


def card_of(result: Body, entry_id: int) -> Body:
    for attachment in attachments_of(result):
        if entry_id_of(attachment["content"]) == entry_id:
            card: Body = attachment["content"]
            return card
    raise AssertionError(f"entry {entry_id} is not among the results")


async def seeded_id(workflow: Workflow, seed_key: str) -> int:
    async with workflow.db.transaction() as session:
        entry_id = await session.scalar(
            select(LibraryEntry.id).where(LibraryEntry.seed_key == seed_key)
        )
    assert entry_id is not None, seed_key
    return entry_id


async def add_entry(
    workflow: Workflow,
    title: str,
    *,
    summary: str = "",
    essence: str = "",
    kind: LibraryEntryKind = LibraryEntryKind.MATERIAL,
    status: LibraryEntryStatus = LibraryEntryStatus.PUBLISHED,
    published_at: dt.datetime | None = None,
    url: str | None = None,
) -> int:
    """Store an entry and index it, whatever its status."""
    async with workflow.db.transaction() as session:
        entry = LibraryEntry(
            kind=kind,
            material_type=MaterialType.ARTICLE if kind == LibraryEntryKind.MATERIAL else None,
            status=status,
            title=title,
            summary=summary,
            url=url,
            body={"essence": essence} if essence else {},
            rubrics=["class_management"],
            published_at=published_at or START,
        )
        session.add(entry)
        await session.flush()
        session.add(LibraryEntryRubric(entry_id=entry.id, rubric_key="class_management"))
        await search.index_entry(session, entry)
        return entry.id


async def add_published_series(workflow: Workflow, count: int) -> list[int]:
    """Add ``count`` published materials about discipline, one hour apart, oldest first."""
    return [
        await add_entry(
            workflow,
            f"Дисциплина на уроке, приём {number}",
            summary=f"Как удержать дисциплину в классе: приём номер {number}.",
            published_at=START + dt.timedelta(hours=number),
        )
        for number in range(count)
    ]


# --------------------------------------------------------- response envelope


async def test_query_returns_result_envelope(demo_chat: TeamsChat) -> None:
    user = ChatUser("Anna Petrova", locale="en-US")

    response = await demo_chat.post(query_activity(demo_chat, user, "parents"))

    assert response.status == 200
    assert response.content_type == "application/json"
    body = await response.json()
    assert set(body) == {"composeExtension"}
    result = body["composeExtension"]
    assert set(result) == {"type", "attachmentLayout", "attachments"}
    attachments = attachments_of(result)
    assert attachments
    for attachment in attachments:
        assert set(attachment) == {"contentType", "content", "preview"}
        assert attachment["contentType"] == CARD_CONTENT_TYPE
        card = attachment["content"]
        assert card["type"] == "AdaptiveCard"
        assert card["version"] == "1.5"
        preview = attachment["preview"]
        assert preview["contentType"] == THUMBNAIL_CONTENT_TYPE
        assert preview["content"]["title"] == card["body"][0]["text"]
        assert preview["content"]["text"]
        assert "\n" not in preview["content"]["text"]


async def test_query_makes_no_connector_calls(demo_chat: TeamsChat) -> None:
    user = ChatUser("Anna Petrova", locale="en-US")
    activity = query_activity(demo_chat, user, "parents")
    # Without a name in the activity, other activities make the bot look the sender up.
    del activity["from"]["name"]

    status, body = await post_query(demo_chat, activity)

    assert status == 200, body
    assert attachments_of(body["composeExtension"])
    assert demo_chat.connector.member_lookups == []
    assert demo_chat.connector.requests == []


# ---------------------------------------------------------------- languages


async def test_russian_query_finds_other_word_forms(demo_chat: TeamsChat) -> None:
    user = ChatUser("Анна Петрова", locale="ru-RU")
    boundaries = await seeded_id(demo_chat.workflow, "mat-parent-boundaries")
    late_messages = await seeded_id(demo_chat.workflow, "demo-case-2")

    result = await search_library(demo_chat, user, "родители")

    ids = found_ids(result)
    assert boundaries in ids
    assert late_messages in ids
    # The title has the instrumental «родителями», not the query's «родители».
    card = card_of(result, boundaries)
    assert "родителями" in card["body"][0]["text"]
    assert "родители" not in card["body"][0]["text"]


async def test_russian_card_labels(demo_chat: TeamsChat) -> None:
    user = ChatUser("Анна Петрова", locale="ru-RU")
    boundaries = await seeded_id(demo_chat.workflow, "mat-parent-boundaries")

    result = await search_library(demo_chat, user, "родителями")

    card = card_of(result, boundaries)
    assert card["body"][1]["text"] == "Статья · Взаимодействие с родителями, Профессиональная этика"
    assert set(open_urls(card)) == {"Открыть в библиотеке", "Открыть материал"}


async def test_english_query_finds_english_entries(demo_chat: TeamsChat) -> None:
    user = ChatUser("Anna Petrova", locale="en-US")
    video = await seeded_id(demo_chat.workflow, "mat-online-engagement")
    online_case = await seeded_id(demo_chat.workflow, "demo-case-5")

    result = await search_library(demo_chat, user, "online lesson")

    ids = found_ids(result)
    assert video in ids
    assert online_case in ids
    video_card = card_of(result, video)
    assert video_card["body"][1]["text"].startswith("Video · ")
    assert set(open_urls(video_card)) == {"Open in the library", "Open the material"}
    case_card = card_of(result, online_case)
    assert case_card["body"][1]["text"].startswith("Solved case · ")
    assert "The case" in texts(case_card)
    labels = [video_card["body"][1]["text"], *open_urls(video_card), *open_urls(case_card)]
    assert not [label for label in labels if CYRILLIC.search(label)]


async def test_best_match_comes_first(library_chat: TeamsChat) -> None:
    user = ChatUser("Анна Петрова", locale="ru-RU")
    weak = await add_entry(
        library_chat.workflow,
        "Как вести классный час",
        summary="Темы классных часов на год, игры на знакомство, работа с активом класса, "
        "подготовка к праздникам и один совет о родителях.",
        published_at=START + dt.timedelta(days=1),
    )
    strong = await add_entry(
        library_chat.workflow,
        "Родители и учитель",
        summary="Встречи с родителями, письма родителям.",
        published_at=START,
    )

    result = await search_library(library_chat, user, "родители")

    assert found_ids(result) == [strong, weak]


async def test_other_locale_gets_english(demo_chat: TeamsChat) -> None:
    user = ChatUser("Anna Petrova", locale="de-DE")
    video = await seeded_id(demo_chat.workflow, "mat-online-engagement")

    result = await search_library(demo_chat, user, "online")

    assert set(open_urls(card_of(result, video))) == {"Open in the library", "Open the material"}


# --------------------------------------------------------------------- cards


async def test_solved_case_card_has_excerpt(demo_chat: TeamsChat) -> None:
    user = ChatUser("Анна Петрова", locale="ru-RU")
    entry_id = await seeded_id(demo_chat.workflow, "demo-case-2")
    entry = await demo_chat.workflow.library_entry(entry_id)

    result = await search_library(demo_chat, user, "поздно вечером")

    card = card_of(result, entry_id)
    card_texts = texts(card)
    assert card_texts[0] == entry.title
    assert card_texts[1].startswith("Решённый кейс · ")
    assert "Ситуация" in card_texts
    excerpt = card_texts[card_texts.index("Ситуация") + 1]
    essence = str(entry.body["essence"])
    assert excerpt.endswith("…")
    assert essence.startswith(excerpt.removesuffix("…"))
    assert len(excerpt) <= 300
    assert open_urls(card) == {
        "Открыть в библиотеке": f"{PUBLIC_BASE_URL}/tabs/library#/entries/{entry_id}"
    }


async def test_material_card_links_to_material(demo_chat: TeamsChat) -> None:
    user = ChatUser("Anna Petrova", locale="en-US")
    entry_id = await seeded_id(demo_chat.workflow, "mat-parent-boundaries")

    result = await search_library(demo_chat, user, "родителями")

    card = card_of(result, entry_id)
    assert open_urls(card) == {
        "Open in the library": f"{PUBLIC_BASE_URL}/tabs/library#/entries/{entry_id}",
        "Open the material": "https://example.org/library/parent-boundaries",
    }
    assert "https://example.org/library/parent-boundaries" in texts(card)


async def test_material_without_web_link_has_no_button(library_chat: TeamsChat) -> None:
    user = ChatUser("Anna Petrova", locale="en-US")
    entry_id = await add_entry(
        library_chat.workflow, "Discipline checklist", url="javascript:alert(1)"
    )

    result = await search_library(library_chat, user, "discipline")

    card = card_of(result, entry_id)
    assert set(open_urls(card)) == {"Open in the library"}
    assert "javascript:alert(1)" not in texts(card)


# -------------------------------------------------------------------- paging


async def test_pages_do_not_overlap(library_chat: TeamsChat) -> None:
    user = ChatUser("Анна Петрова", locale="ru-RU")
    added = await add_published_series(library_chat.workflow, 12)

    first = found_ids(await search_library(library_chat, user, "дисциплина", skip=0, count=5))
    second = found_ids(await search_library(library_chat, user, "дисциплина", skip=5, count=5))
    last = found_ids(await search_library(library_chat, user, "дисциплина", skip=10, count=5))

    assert len(first) == 5
    assert len(second) == 5
    assert len(last) == 2
    assert not set(first) & set(second)
    assert not (set(first) | set(second)) & set(last)
    assert sorted(first + second + last) == sorted(added)


async def test_page_after_the_end_is_empty(library_chat: TeamsChat) -> None:
    user = ChatUser("Анна Петрова", locale="ru-RU")
    await add_published_series(library_chat.workflow, 3)

    result = await search_library(library_chat, user, "дисциплина", skip=3, count=25)

    assert attachments_of(result) == []


async def test_count_is_capped(library_chat: TeamsChat) -> None:
    user = ChatUser("Анна Петрова", locale="ru-RU")
    await add_published_series(library_chat.workflow, MAX_PAGE_SIZE + 5)

    over_limit = await search_library(library_chat, user, "дисциплина", count=100)
    without_options = await search_library(library_chat, user, "дисциплина", skip=None, count=None)

    assert len(attachments_of(over_limit)) == MAX_PAGE_SIZE
    assert len(attachments_of(without_options)) == MAX_PAGE_SIZE


async def test_initial_run_lists_newest_first(library_chat: TeamsChat) -> None:
    user = ChatUser("Анна Петрова", locale="ru-RU")
    added = await add_published_series(library_chat.workflow, 7)

    first = found_ids(await search_library(library_chat, user, None, skip=0, count=4))
    rest = found_ids(await search_library(library_chat, user, None, skip=4, count=4))

    assert first + rest == list(reversed(added))


async def test_empty_query_lists_newest_first(library_chat: TeamsChat) -> None:
    user = ChatUser("Anna Petrova", locale="en-US")
    added = await add_published_series(library_chat.workflow, 3)

    for query in ("", "   ", "a"):
        result = await search_library(library_chat, user, query)
        assert found_ids(result) == list(reversed(added)), query


# ---------------------------------------------------------- what never shows


async def test_drafts_and_unpublished_never_appear(library_chat: TeamsChat) -> None:
    user = ChatUser("Анна Петрова", locale="ru-RU")
    workflow = library_chat.workflow
    published = await add_entry(workflow, "Дисциплина: опубликованный кейс")
    # The hidden entries are newer and match better, so only the filter keeps them out.
    await add_entry(
        workflow,
        "Дисциплина, дисциплина: черновик",
        status=LibraryEntryStatus.DRAFT,
        published_at=START + dt.timedelta(days=1),
    )
    await add_entry(
        workflow,
        "Дисциплина, дисциплина: снят с публикации",
        status=LibraryEntryStatus.UNPUBLISHED,
        published_at=START + dt.timedelta(days=2),
    )

    typed = await search_library(library_chat, user, "дисциплина")
    initial = await search_library(library_chat, user, None)
    second_page = await search_library(library_chat, user, "дисциплина", skip=1)

    assert found_ids(typed) == [published]
    assert found_ids(initial) == [published]
    assert attachments_of(second_page) == []


# ------------------------------------------------------------- empty results


@pytest.mark.parametrize(
    ("locale", "translate", "query"),
    [("ru-RU", RU, "квантовая хромодинамика"), ("en-US", EN, "xylophone")],
)
async def test_no_results_message(
    demo_chat: TeamsChat, locale: str, translate: Translator, query: str
) -> None:
    user = ChatUser("Anna Petrova", locale=locale)

    result = await search_library(demo_chat, user, query)

    assert result == {"type": "message", "text": translate(NOTHING_FOUND, query=query)}
    assert query in result["text"]


async def test_stop_words_find_nothing(library_chat: TeamsChat) -> None:
    user = ChatUser("Анна Петрова", locale="ru-RU")
    await add_entry(library_chat.workflow, "Дисциплина на уроке")

    result = await search_library(library_chat, user, "на")

    assert result == {"type": "message", "text": RU(NOTHING_FOUND, query="на")}


async def test_empty_library_message(library_chat: TeamsChat) -> None:
    user = ChatUser("Анна Петрова", locale="ru-RU")

    result = await search_library(library_chat, user, None)

    assert result == {"type": "message", "text": RU(LIBRARY_EMPTY)}
    assert result["text"] != LIBRARY_EMPTY


async def test_long_query_message(demo_chat: TeamsChat) -> None:
    user = ChatUser("Anna Petrova", locale="en-US")

    result = await search_library(demo_chat, user, "p" * (MAX_QUERY_LENGTH + 1))

    assert result["type"] == "message"
    assert f"{MAX_QUERY_LENGTH + 1} characters" in result["text"]
    assert f"at most {MAX_QUERY_LENGTH}" in result["text"]


# --------------------------------------------------------------- bad requests


@pytest.mark.parametrize(
    ("locale", "expected"), [("en-US", "no command"), ("ru-RU", "нет команды")]
)
async def test_unknown_command_is_bad_request(
    demo_chat: TeamsChat, locale: str, expected: str
) -> None:
    user = ChatUser("Anna Petrova", locale=locale)
    activity = query_activity(demo_chat, user, "parents", command="searchPeople")

    status, body = await post_query(demo_chat, activity)

    assert status == 400
    assert body["error"]["code"] == "BadRequest"
    assert expected in body["error"]["message"]
    assert "«searchPeople»" in body["error"]["message"]
    assert "«searchLibrary»" in body["error"]["message"]


@pytest.mark.parametrize(
    ("options", "field", "limit"),
    [
        ({"skip": -1, "count": 25}, "queryOptions.skip", "from 0 to 10000"),
        ({"skip": 10_001, "count": 25}, "queryOptions.skip", "from 0 to 10000"),
        ({"skip": "5", "count": 25}, "queryOptions.skip", "from 0 to 10000"),
        ({"skip": 0, "count": 0}, "queryOptions.count", "at least 1"),
        ({"skip": 0, "count": 2.5}, "queryOptions.count", "at least 1"),
        ({"skip": 0, "count": True}, "queryOptions.count", "at least 1"),
    ],
)
async def test_invalid_paging_is_bad_request(
    demo_chat: TeamsChat, options: dict[str, Any], field: str, limit: str
) -> None:
    user = ChatUser("Anna Petrova", locale="en-US")
    activity = query_activity(demo_chat, user, "parents")
    activity["value"]["queryOptions"] = options

    status, body = await post_query(demo_chat, activity)

    assert status == 400
    assert body["error"]["message"].startswith(field)
    assert limit in body["error"]["message"]


async def test_failed_search_shows_message(
    demo_chat: TeamsChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = ChatUser("Анна Петрова", locale="ru-RU")

    async def broken_search(*args: Any, **kwargs: Any) -> list[Any]:
        raise RuntimeError("database is gone")

    monkeypatch.setattr(demo_chat.workflow, "search_library_page", broken_search)
    status, body = await post_query(demo_chat, query_activity(demo_chat, user, "родители"))

    assert status == 200
    assert body == {"composeExtension": {"type": "message", "text": RU(SEARCH_FAILED)}}
    assert demo_chat.connector.requests == []
