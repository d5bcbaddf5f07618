"""Steps of a case driven through /api/messages, and lookups of the cards they produced."""

from __future__ import annotations

from typing import Any

from bot.verbs import Verb
from teams_app.domain.enums import CardKind
from teams_app.workflow.views import CardRecord
from tests.bot.conftest import ChatUser, TeamsChat
from tests.factories import CASE_FORM


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
