"""Every message the tabs and their services translate has a Russian translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from teams_app.i18n import Translator

ROOT = Path(__file__).resolve().parents[2]
# Folders whose messages reach the tabs' users.
SOURCES = (ROOT / "tabs", ROOT / "teams_app" / "workflow", ROOT / "teams_app" / "domain")


def message_ids() -> set[str]:
    ids: set[str] = set()
    for folder in SOURCES:
        found = extract_from_dir(
            str(folder),
            method_map=[("**.py", "python")],
            keywords={"translate": None, "N_": None, "gettext_noop": None},
        )
        ids.update(message for _, _, message, _, _ in found if isinstance(message, str))
    return ids


def test_extraction_finds_api_messages() -> None:
    assert "Your role does not allow this action." in message_ids()


def test_every_tab_message_has_russian() -> None:
    russian = Translator("ru")
    missing = sorted(m for m in message_ids() if russian(m) == m)
    assert missing == []
