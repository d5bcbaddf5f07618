"""The dispatch table and typed commands."""

from __future__ import annotations

import pytest

from bot.dispatch import COMMANDS, ROUTES, UnknownAction, command_for, describe_errors, route_for
from bot.verbs import Verb
from teams_app.domain.errors import FieldError
from teams_app.i18n import translator_for


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("мои кейсы", Verb.MY_CASES),
        ("my cases", Verb.MY_CASES),
        ("  Мои  Кейсы  ", Verb.MY_CASES),
        ("новый кейс", Verb.NEW_CASE),
        ("new case", Verb.NEW_CASE),
        ("мои запросы", Verb.MY_REQUESTS),
        ("my requests", Verb.MY_REQUESTS),
        ("доступность", Verb.AVAILABILITY),
        ("availability", Verb.AVAILABILITY),
        ("модерация", Verb.MODERATION_QUEUE),
        ("moderation", Verb.MODERATION_QUEUE),
        ("меню", Verb.SHOW_WELCOME),
        ("помощь", Verb.SHOW_WELCOME),
        ("начать", Verb.SHOW_WELCOME),
        ("menu", Verb.SHOW_WELCOME),
        ("help", Verb.SHOW_WELCOME),
        ("start", Verb.SHOW_WELCOME),
    ],
)
def test_command_matched(text: str, verb: Verb) -> None:
    command = command_for(text)

    assert command is not None
    assert command.verb == verb
    assert command.data == {}


@pytest.mark.parametrize(
    ("text", "language"),
    [("русский", "ru"), ("Russian", "ru"), ("english", "en"), ("английский", "en")],
)
def test_language_command_matched(text: str, language: str) -> None:
    command = command_for(text)

    assert command is not None
    assert command.verb == Verb.SET_LANGUAGE
    assert command.data == {"language": language}


@pytest.mark.parametrize(
    "text",
    ["покажи мои кейсы", "мои кейсы?", "кейсы", "my case", "helpme", "new", "", None],
)
def test_command_not_matched(text: str | None) -> None:
    assert command_for(text) is None


def test_every_verb_routed() -> None:
    assert set(ROUTES) == set(Verb)
    assert {command.verb for command in COMMANDS.values()} <= set(Verb)


@pytest.mark.parametrize("verb", ["case.teleport", "", "CASE.NEW"])
def test_unknown_verb_raises(verb: str) -> None:
    with pytest.raises(UnknownAction) as raised:
        route_for(verb)

    assert raised.value.fields == {"verb": verb}


def test_form_errors_listed_with_labels() -> None:
    translate = translator_for("en-US")
    errors = [
        FieldError("solution", "too_long", limit=4000, actual=4100),
        FieldError("answer_12", "required"),
        FieldError("max_open_cases", "out_of_range", limit=20),
    ]

    assert describe_errors(errors, translate).split("\n\n") == [
        "The form was not saved:",
        "«Possible solution» must be at most 4,000 characters; it has 4,100.",
        "«Answer» is required.",
        "«Open cases at most» must be between 1 and 20.",
    ]
