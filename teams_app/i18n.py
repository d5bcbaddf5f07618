"""Message catalogues: English message ids, Russian translations in .po files.

Every ``teams_app/locale/ru/LC_MESSAGES/*.po`` file is read with Babel and
merged, so each part of the app keeps its own catalogue file. English text is
the message id itself; Russian is the default language.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).with_name("locale")
SUPPORTED_LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"


def language_of(locale: str | None) -> str:
    """Map a Teams locale such as ``en-US`` or ``ru-RU`` to ``en`` or ``ru``."""
    if not locale:
        return DEFAULT_LANGUAGE
    primary = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    return primary if primary in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


@functools.cache
def _catalogue(language: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    for po_path in sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file, locale=language)
        for message in catalogue:
            if message.id and message.string and not message.fuzzy:
                messages[str(message.id)] = str(message.string)
    return messages


class Translator:
    """Translate message ids into one language; ``{name}`` fields are filled from kwargs."""

    def __init__(self, language: str) -> None:
        self.language = language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE
        self._messages = _catalogue(self.language) if self.language != "en" else {}

    def gettext(self, message_id: str, **fields: object) -> str:
        text = self._messages.get(message_id, message_id)
        return text.format(**fields) if fields else text

    __call__ = gettext

    def pick(self, ru: str, en: str) -> str:
        """Choose between two stored texts, such as a rubric's ``title_ru`` and ``title_en``."""
        return en if self.language == "en" else ru


def translator_for(locale: str | None) -> Translator:
    return Translator(language_of(locale))


def gettext_noop(message_id: str) -> str:
    """Mark a message id for extraction where it is translated later."""
    return message_id


Gettext = Callable[..., str]
