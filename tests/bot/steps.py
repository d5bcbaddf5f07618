"""Steps of a case driven through /api/messages, and lookups of the cards they produced.

``press`` clicks a button the way Teams does: it finds the ``Action.Execute``
on the card as the user last received it, and posts its data merged with
the card's input values, prefilled ones included.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.verbs import Verb
from teams_app.domain.enums import CardKind, Role
from teams_app.workflow.people import grant_role
from teams_app.workflow.views import Actor, CardRecord
from tests.bot.conftest import ChatUser, TeamsChat
from tests.factories import CASE_FORM

Card = dict[str, Any]


async def submit_case(chat: TeamsChat, teacher: ChatUser, **changes: Any) -> int:
    """Post the intake form as ``teacher`` and return the new case id."""
    await chat.click(teacher, Verb.SUBMIT_CASE, {**CASE_FORM, **changes}, reply_to_id="1:form")
    cases = await chat.workflow.my_cases(await chat.actor(teacher))
    return cases[0][0]


async def stored_card(chat: TeamsChat, case_id: int, kind: CardKind, user: ChatUser) -> CardRecord:
    actor = await chat.actor(user)
    records = [
        record
        for record in await chat.workflow.cards_to_refresh(case_id=case_id)
        if record.kind == kind and record.recipient_id == actor.user_id
    ]
    assert records, f"no {kind} card was recorded for {user.name}"
    return records[-1]


async def stored_entry_card(chat: TeamsChat, entry_id: int, user: ChatUser) -> CardRecord:
    """Return the latest moderation card of a library entry that ``user`` received."""
    actor = await chat.actor(user)
    records = [
        record
        for record in await chat.workflow.cards_to_refresh(entry_id=entry_id)
        if record.kind == CardKind.MODERATION and record.recipient_id == actor.user_id
    ]
    assert records, f"no moderation card of entry {entry_id} was recorded for {user.name}"
    return records[-1]


async def add_moderator(chat: TeamsChat, user: ChatUser) -> Actor:
    """Install the bot for ``user`` and make them a moderator."""
    response = await chat.post(chat.activity("installation_update.json", user))
    assert response.status == 201
    actor = await chat.actor(user)
    async with chat.workflow.db.transaction() as session:
        await grant_role(session, actor.user_id, Role.MODERATOR)
    return await chat.workflow.actor(actor.user_id)


# ------------------------------------------------------------ reading cards


def card_versions(chat: TeamsChat, user: ChatUser, activity_id: str) -> list[Card]:
    """Return every version of one message's card that reached ``user``, oldest first."""
    return [
        request.card
        for request in chat.sent_to(user)
        if request.response_id == activity_id and request.card is not None
    ]


def shown_card(chat: TeamsChat, user: ChatUser, activity_id: str) -> Card:
    """Return the card that the message ``activity_id`` shows ``user`` now."""
    versions = card_versions(chat, user, activity_id)
    assert versions, f"no card reached {user.name} as message {activity_id}"
    return versions[-1]


def elements(value: Any) -> Iterator[dict[str, Any]]:
    """Yield every JSON object inside a card, depth first."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from elements(item)
    elif isinstance(value, list):
        for item in value:
            yield from elements(item)


def find_action(card: Card, verb: Verb, match: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the one ``Action.Execute`` of ``verb`` whose data contains ``match``."""
    found = [
        element
        for element in elements(card)
        if element.get("type") == "Action.Execute"
        and element.get("verb") == verb.value
        and all(element.get("data", {}).get(key) == value for key, value in (match or {}).items())
    ]
    assert len(found) == 1, f"expected one {verb.value} button matching {match}, found {len(found)}"
    return found[0]


def input_values(card: Card) -> dict[str, Any]:
    """Return the value each input of a card submits when the user types nothing."""
    values: dict[str, Any] = {}
    for element in elements(card):
        if str(element.get("type", "")).startswith("Input.") and "id" in element:
            values[element["id"]] = element.get("value", "")
    return values


def choice_values(card: Card, input_id: str) -> list[str]:
    """Return the values offered by the ChoiceSet ``input_id``."""
    for element in elements(card):
        if element.get("type") == "Input.ChoiceSet" and element.get("id") == input_id:
            return [choice["value"] for choice in element["choices"]]
    raise AssertionError(f"the card has no ChoiceSet {input_id}")


# ---------------------------------------------------------- pressing buttons


async def press(
    chat: TeamsChat,
    user: ChatUser,
    activity_id: str,
    verb: Verb,
    inputs: Mapping[str, Any] | None = None,
    *,
    match: Mapping[str, Any] | None = None,
    card: Card | None = None,
    activity_id_of_click: str | None = None,
) -> dict[str, Any]:
    """Press the ``verb`` button on message ``activity_id`` and return the invoke response body.

    ``card`` is the version of the card the user looks at, by default the
    one the message shows now. ``inputs`` are what the user typed. Posting
    two clicks with the same ``activity_id_of_click`` simulates a delivery
    that Teams retried.
    """
    if card is None:
        card = shown_card(chat, user, activity_id)
    action = find_action(card, verb, match)
    data = {**input_values(card), **(inputs or {}), **action.get("data", {})}
    return await chat.click(
        user, verb, data, reply_to_id=activity_id, activity_id=activity_id_of_click
    )
