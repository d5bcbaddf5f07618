"""What mentors' chats receive about the teacher over a whole case, end to end through the bot.

Each walk drives one case from intake to a published library entry with
the activities Teams posts: a teacher, three mentors and a moderator, each
in their own chat on the fake connector. Every payload that reaches a
mentor is kept: proactive sends, updates in place, replies to typed
commands, and the invoke responses of the mentor's own clicks, stale ones
included. In an anonymous case none of them may name or identify the
teacher. In a personal case the mentors see the teacher's name and a link
to a chat with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from bot.adapter_fixes import MESSAGE_CONTENT_TYPE
from bot.verbs import Verb
from teams_app.domain.enums import CardKind, CaseStatus, LibraryEntryStatus
from teams_app.i18n import translator_for
from tests.bot.conftest import ChatUser, TeamsChat
from tests.bot.steps import (
    add_moderator,
    card_versions,
    choice_values,
    elements,
    input_values,
    press,
    shown_card,
    stored_card,
    stored_entry_card,
)
from tests.factories import CASE_FORM

RU = translator_for("ru-RU")
AREA = "class_management"
# The third mentor works in another area, so the second opinion finds no
# candidate and goes to the moderator.
OTHER_AREA = "parents"

TEACHER_NAME = "Евлампия Загорулько-Вишневецкая"
TEACHER_EMAIL = "e.zagorulko-vishnevetskaya@gymnasium-1543.example"
# Mentors' own payloads carry their tenant id, so the teacher is in another
# tenant. Otherwise a leaked tenant id would look like the mentor's own.
TEACHER_TENANT = "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4"
# Far from other test users' numbers, so that no teacher id is a prefix of
# a mentor's the way "29:1user-1" is a prefix of "29:1user-12".
TEACHER_NUMBER = 90417


@dataclass
class MentorTraffic:
    """Every payload sent to the mentors' chats, and the invoke responses to their clicks."""

    # The invoke response bodies of the mentors' clicks, with the mentor's chat id.
    invoke_bodies: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def texts(self, chat: TeamsChat, mentors: list[ChatUser]) -> list[str]:
        """Return each payload to ``mentors`` as JSON text, with non-ASCII characters unescaped.

        Requests the connector rejected count too: the bot did send them.
        """
        conversations = {mentor.conversation_id for mentor in mentors}
        bodies = [r.body for r in chat.connector.requests if r.conversation_id in conversations]
        bodies += [body for chat_id, body in self.invoke_bodies if chat_id in conversations]
        return [json.dumps(body, ensure_ascii=False) for body in bodies]


@dataclass(frozen=True)
class Walk:
    teacher: ChatUser
    mentors: list[ChatUser]
    traffic: MentorTraffic


async def walk_case(chat: TeamsChat, privacy: str) -> Walk:
    """Drive one case with ``privacy`` through every step and collect what the mentors got."""
    teacher = ChatUser(
        TEACHER_NAME, email=TEACHER_EMAIL, tenant_id=TEACHER_TENANT, number=TEACHER_NUMBER
    )
    first, second, third = (
        ChatUser("Наталья Орлова"),
        ChatUser("Олег Седов"),
        ChatUser("Ирина Лебедева"),
    )
    moderator = ChatUser("Мария Смирнова")
    traffic = MentorTraffic()

    async def mentor_press(mentor: ChatUser, *args: Any, **kwargs: Any) -> dict[str, Any]:
        body = await press(chat, mentor, *args, **kwargs)
        traffic.invoke_bodies.append((mentor.conversation_id, body))
        return body

    # Everyone installs the bot. The teacher's name and e-mail come from
    # the connector's member lookup, since installationUpdate carries neither.
    await chat.post(chat.activity("installation_update.json", teacher))
    await chat.add_mentor(first, (AREA,))
    second_actor = await chat.add_mentor(second, (AREA,))
    third_actor = await chat.add_mentor(third, (OTHER_AREA,))
    await add_moderator(chat, moderator)
    first_actor = await chat.actor(first)

    # The teacher opens the intake form and submits the case.
    await chat.say(teacher, "новый кейс")
    form = chat.sent_to(teacher)[-1]
    assert form.response_id is not None
    await press(
        chat, teacher, form.response_id, Verb.SUBMIT_CASE, {**CASE_FORM, "privacy": privacy}
    )
    ((case_id, _, _),) = await chat.workflow.my_cases(await chat.actor(teacher))

    # The library answer does not help, and the teacher picks the first mentor.
    library = await stored_card(chat, case_id, CardKind.LIBRARY_ANSWER, teacher)
    await press(chat, teacher, library.activity_id, Verb.FIND_MENTOR)
    candidates = await stored_card(chat, case_id, CardKind.CANDIDATES, teacher)
    await press(
        chat,
        teacher,
        candidates.activity_id,
        Verb.PICK_MENTOR,
        match={"mentor": first_actor.user_id},
    )

    # The first mentor declines with a reason, then clicks Accept on the
    # card as it first arrived, which is stale by now.
    offer = await stored_card(chat, case_id, CardKind.MENTOR_OFFER, first)
    original_offer = card_versions(chat, first, offer.activity_id)[0]
    await mentor_press(
        first,
        offer.activity_id,
        Verb.DECLINE,
        {"decline_reason": "Сейчас не успею, простите."},
    )
    stale = await mentor_press(first, offer.activity_id, Verb.ACCEPT, card=original_offer)
    assert stale["type"] == MESSAGE_CONTENT_TYPE

    # The teacher picks the second mentor, who accepts. Teams retries that click.
    candidates = await stored_card(chat, case_id, CardKind.CANDIDATES, teacher)
    await press(
        chat,
        teacher,
        candidates.activity_id,
        Verb.PICK_MENTOR,
        match={"mentor": second_actor.user_id},
    )
    offer = await stored_card(chat, case_id, CardKind.MENTOR_OFFER, second)
    original_offer = shown_card(chat, second, offer.activity_id)
    await mentor_press(
        second, offer.activity_id, Verb.ACCEPT, activity_id_of_click="f:accept-second"
    )
    retried = await mentor_press(
        second,
        offer.activity_id,
        Verb.ACCEPT,
        card=original_offer,
        activity_id_of_click="f:accept-second",
    )
    assert retried["type"] == MESSAGE_CONTENT_TYPE

    # The second mentor asks a suggested question and one of their own.
    mentor_case = await stored_card(chat, case_id, CardKind.MENTOR_CASE, second)
    suggested = choice_values(shown_card(chat, second, mentor_case.activity_id), "suggested")
    await mentor_press(
        second,
        mentor_case.activity_id,
        Verb.ASK_QUESTIONS,
        {"suggested": suggested[0], "custom_questions": "Сколько учеников в классе?"},
    )

    # The teacher answers every question, then redefines the case.
    questions = await stored_card(chat, case_id, CardKind.QUESTIONS, teacher)
    answer_ids = [
        name
        for name in input_values(shown_card(chat, teacher, questions.activity_id))
        if name.startswith("answer_")
    ]
    assert len(answer_ids) == 2
    answers = {name: f"Ответ учителя номер {index}." for index, name in enumerate(answer_ids)}
    await press(chat, teacher, questions.activity_id, Verb.ANSWER_QUESTIONS, answers)
    choice = await stored_card(chat, case_id, CardKind.REDEFINE_CHOICE, teacher)
    opened = await press(chat, teacher, choice.activity_id, Verb.OPEN_REDEFINE)
    await press(
        chat,
        teacher,
        choice.activity_id,
        Verb.SUBMIT_REDEFINE,
        {"essence": CASE_FORM["essence"] + " После уроков физкультуры ещё хуже."},
        card=opened["value"],
    )

    # The second mentor writes a solution.
    mentor_case = await stored_card(chat, case_id, CardKind.MENTOR_CASE, second)
    old_mentor_case = shown_card(chat, second, mentor_case.activity_id)
    await mentor_press(
        second,
        mentor_case.activity_id,
        Verb.WRITE_SOLUTION,
        {"solution": "Введите короткий ритуал начала урока."},
    )

    # The teacher asks a second opinion. No mentor is left, so the
    # moderator assigns the third one, and the second mentor's old card
    # goes stale.
    solution = await stored_card(chat, case_id, CardKind.SOLUTION, teacher)
    await press(chat, teacher, solution.activity_id, Verb.SECOND_OPINION)
    stale = await mentor_press(
        second,
        mentor_case.activity_id,
        Verb.WRITE_SOLUTION,
        {"solution": "Ещё одна мысль."},
        card=old_mentor_case,
    )
    assert stale["type"] == MESSAGE_CONTENT_TYPE
    assignment = await stored_card(chat, case_id, CardKind.MODERATOR_ASSIGN, moderator)
    await press(
        chat,
        moderator,
        assignment.activity_id,
        Verb.MODERATOR_ASSIGN,
        {"mentor": str(third_actor.user_id)},
    )

    # The third mentor writes a solution, and the teacher completes the case.
    mentor_case = await stored_card(chat, case_id, CardKind.MENTOR_CASE, third)
    old_mentor_case = shown_card(chat, third, mentor_case.activity_id)
    await mentor_press(
        third,
        mentor_case.activity_id,
        Verb.WRITE_SOLUTION,
        {"solution": "Договоритесь с коллегами о едином сигнале тишины."},
    )
    solution = await stored_card(chat, case_id, CardKind.SOLUTION, teacher)
    await press(
        chat,
        teacher,
        solution.activity_id,
        Verb.COMPLETE,
        {"will_do": "Введу ритуал.", "what_changed": "Понимаю, что делать.", "usefulness": "5"},
    )
    stale = await mentor_press(
        third,
        mentor_case.activity_id,
        Verb.ASK_QUESTIONS,
        {"custom_questions": "Что изменилось?"},
        card=old_mentor_case,
    )
    assert stale["type"] == MESSAGE_CONTENT_TYPE

    # The moderator approves the library draft as prepared.
    teacher_view = await chat.workflow.case_view(await chat.actor(teacher), case_id)
    entry_ids = {
        record.entry_id
        for record in await chat.workflow.cards_to_refresh(case_id=case_id)
        if record.entry_id is not None
    }
    (entry_id,) = entry_ids
    moderation = await stored_entry_card(chat, entry_id, moderator)
    await press(chat, moderator, moderation.activity_id, Verb.APPROVE_ENTRY)

    # Each mentor lists their requests.
    for mentor in (first, second, third):
        await chat.say(mentor, "мои запросы")

    # The walk reached every step it claims.
    assert teacher_view.status == CaseStatus.COMPLETED
    assert teacher_view.current.number == 2
    assert teacher_view.opinion == 2
    assert len(teacher_view.solutions) == 2
    assert len(teacher_view.question_rounds) == 1
    entry = await chat.workflow.library_entry(entry_id)
    assert entry.status == LibraryEntryStatus.PUBLISHED
    teacher_user = await chat.actor(teacher)
    assert teacher_user.display_name == TEACHER_NAME
    assert teacher_view.teacher is not None
    assert teacher_view.teacher.email == TEACHER_EMAIL
    return Walk(teacher, [first, second, third], traffic)


def teacher_secrets(teacher: ChatUser) -> dict[str, str]:
    first_name, _, last_name = TEACHER_NAME.partition(" ")
    return {
        "display name": TEACHER_NAME,
        "first name": first_name,
        "last name": last_name,
        "e-mail": TEACHER_EMAIL,
        "URL-encoded e-mail": quote(TEACHER_EMAIL, safe=""),
        "Teams id": teacher.teams_id,
        "AAD object id": teacher.aad_id,
        "tenant id": TEACHER_TENANT,
        "chat conversation id": teacher.conversation_id,
    }


def context_of(text: str, secret: str, width: int = 150) -> str:
    """Return the part of ``text`` around the first occurrence of ``secret``."""
    start = text.index(secret)
    return text[max(0, start - width) : start + len(secret) + width]


async def test_anonymous_case_hides_teacher(chat: TeamsChat) -> None:
    walk = await walk_case(chat, "anonymous")

    texts = walk.traffic.texts(chat, walk.mentors)

    for label, secret in teacher_secrets(walk.teacher).items():
        leaks = [text for text in texts if secret in text]
        assert leaks == [], (
            f"the teacher's {label} reached a mentor: {context_of(leaks[0], secret)}"
        )
    # Every mentor got cards, and each of their clicks got an invoke response.
    for mentor in walk.mentors:
        assert any(request.card is not None for request in chat.sent_to(mentor)), mentor.name
    assert len(walk.traffic.invoke_bodies) == 9
    assert any(RU("Anonymous teacher") in text for text in texts)


async def test_personal_case_shows_teacher(chat: TeamsChat) -> None:
    walk = await walk_case(chat, "personal")
    chat_link = f"https://teams.microsoft.com/l/chat/0/0?users={TEACHER_EMAIL}"

    _, second, third = walk.mentors
    for mentor in walk.mentors:
        texts = walk.traffic.texts(chat, [mentor])
        assert any(TEACHER_NAME in text for text in texts), mentor.name
    for mentor in (second, third):
        links = [
            element["url"]
            for request in chat.sent_to(mentor)
            for element in elements(request.card)
            if element.get("type") == "Action.OpenUrl"
        ]
        assert chat_link in links, mentor.name
