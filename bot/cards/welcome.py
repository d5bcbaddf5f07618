"""The welcome card: what the bot does, the actions the user's roles allow, language buttons."""

from __future__ import annotations

from collections.abc import Collection

from bot.cards.common import (
    LANGUAGE_KEY,
    Card,
    Element,
    action_set,
    adaptive_card,
    container,
    execute,
    heading,
    note,
    subheading,
    text_block,
)
from bot.verbs import Verb
from teams_app.domain.enums import Role
from teams_app.i18n import Translator

# Each language button is titled in its own language, so that a user who
# cannot read the current one still finds theirs.
LANGUAGE_BUTTONS = (("ru", "Русский"), ("en", "English"))


def build_welcome_card(translate: Translator, roles: Collection[Role]) -> Card:
    body: list[Element] = [
        heading(translate("Case mentoring for young teachers")),
        text_block(
            translate(
                "Describe a difficult situation from your work as a case. The bot first "
                "shows similar solved cases from the library, then helps you choose a "
                "university mentor who works in that area."
            )
        ),
    ]
    sections = _role_sections(translate, roles)
    for title, actions in sections:
        items: list[Element] = []
        if len(sections) > 1:
            items.append(subheading(title, separator=False))
        items.append(action_set(actions))
        body.append(container(items, separator=len(sections) > 1))
    body.append(_language_section(translate))
    body.append(note(_commands_hint(translate, roles)))
    return adaptive_card(body)


def _role_sections(
    translate: Translator, roles: Collection[Role]
) -> list[tuple[str, list[Element]]]:
    sections: list[tuple[str, list[Element]]] = []
    if Role.TEACHER in roles:
        sections.append(
            (
                translate("Your cases"),
                [
                    execute(translate("New case"), Verb.NEW_CASE),
                    execute(translate("My cases"), Verb.MY_CASES),
                ],
            )
        )
    if Role.MENTOR in roles:
        sections.append(
            (
                translate("Mentoring"),
                [
                    execute(translate("My requests"), Verb.MY_REQUESTS),
                    execute(translate("Availability"), Verb.AVAILABILITY),
                ],
            )
        )
    if Role.MODERATOR in roles:
        sections.append(
            (
                translate("Moderation"),
                [execute(translate("Awaiting approval"), Verb.MODERATION_QUEUE)],
            )
        )
    return sections


def _language_section(translate: Translator) -> Element:
    buttons = [
        execute(title, Verb.SET_LANGUAGE, {LANGUAGE_KEY: language})
        for language, title in LANGUAGE_BUTTONS
    ]
    return container(
        [subheading(translate("Language"), separator=False), action_set(buttons)],
        separator=True,
    )


def _commands_hint(translate: Translator, roles: Collection[Role]) -> str:
    commands = [translate("menu")]
    if Role.TEACHER in roles:
        commands += [translate("new case"), translate("my cases")]
    if Role.MENTOR in roles:
        commands += [translate("my requests"), translate("availability")]
    if Role.MODERATOR in roles:
        commands.append(translate("moderation"))
    return translate(
        "You can also type a command: {commands}.",
        commands=", ".join(f"«{command}»" for command in commands),
    )
